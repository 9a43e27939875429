"""The views part of the API."""
