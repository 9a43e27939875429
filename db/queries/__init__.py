"""Read-side queries shared by loaders and list resolvers."""
