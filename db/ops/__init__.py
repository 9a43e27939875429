"""Transactional operations: each enforces the business rules of one change."""
