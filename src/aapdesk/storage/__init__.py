"""Storage adapter: SQLite through SQLAlchemy 2, Alembic migrations, backups, lock, documents.

Only the services layer and the composition roots import from here.
"""
