"""The system of record: models, migrations, engine and transactional operations."""
