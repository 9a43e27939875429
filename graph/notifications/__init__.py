"""The notifications part of the API."""
