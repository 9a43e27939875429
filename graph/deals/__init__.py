"""The deals part of the API."""
