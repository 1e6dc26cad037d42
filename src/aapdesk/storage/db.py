"""Engine and sessions for the SQLite file: pragmas on every connection, one transaction per action.

pysqlite's own transaction handling is switched off (``isolation_level=None``) and each
transaction starts with ``BEGIN IMMEDIATE`` (the recipe in SQLAlchemy's SQLite dialect
docs), so a user action takes the write lock at once and commits or rolls back whole.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

READ_ONLY_OPTION = "aapdesk_read_only"


def create_sqlite_engine(db_path: Path) -> Engine:
    engine = create_engine(
        f"sqlite+pysqlite:///{db_path}",
        connect_args={"isolation_level": None, "timeout": 5, "check_same_thread": False},
        poolclass=NullPool,
    )
    engine.info = {"synchronous": "FULL"}  # type: ignore[attr-defined]

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={engine.info.get('synchronous', 'FULL')}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:  # type: ignore[no-untyped-def]
        # Readers start a deferred transaction so a long report never blocks a writer.
        read_only = connection.get_execution_options().get(READ_ONLY_OPTION, False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def relaxed_durability(engine: Engine) -> Iterator[None]:
    """``synchronous=OFF`` for bulk generation into an empty database (the demo): a crash then
    loses only generated data, which is simply generated again. Never used for user data."""
    engine.info["synchronous"] = "OFF"  # type: ignore[attr-defined]
    try:
        yield
    finally:
        engine.info["synchronous"] = "FULL"  # type: ignore[attr-defined]
