"""The activity part of the API."""
