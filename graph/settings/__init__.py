"""The settings part of the API."""
