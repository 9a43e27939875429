"""The GraphQL API: types, queries, mutations, subscriptions, loaders and the ASGI app."""
