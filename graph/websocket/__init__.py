"""GraphQL over WebSocket (`graphql-transport-ws`) and the uvicorn protocol it runs on."""
