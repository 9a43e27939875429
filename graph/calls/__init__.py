"""The calls part of the API."""
