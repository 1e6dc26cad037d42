"""Databases as an earlier aapdesk wrote them, for the tests of upgrades (open, restore, archive)."""

from __future__ import annotations

from pathlib import Path

from alembic import command

from aapdesk.storage.db import create_sqlite_engine
from aapdesk.storage.migrate import alembic_config


def first_release_database(db_path: Path, nom: str, prenom: str, date_naissance: str) -> Path:
    """A database at the first schema revision (0001) holding one participant."""
    engine = create_sqlite_engine(db_path)
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        connection.exec_driver_sql(
            "INSERT INTO participant (nom, prenom, sexe, date_naissance, brsa, rqth, qpv, created_at, updated_at) "
            "VALUES (?, ?, 'F', ?, 1, 0, 0, '2024-01-02 09:00:00', '2024-01-02 09:00:00')",
            (nom, prenom, date_naissance))
    engine.dispose()
    return db_path
