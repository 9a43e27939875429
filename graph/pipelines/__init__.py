"""The pipelines part of the API."""
