"""Schema ownership: Alembic revisions build exactly the models, linearly, and old files are snapshotted first."""

from __future__ import annotations

import sqlite3
from datetime import datetime

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from aapdesk.paths import AppPaths
from aapdesk.storage.backup import list_backups
from aapdesk.storage.database import open_database
from aapdesk.storage.migrate import (
    CorruptDatabaseError,
    NewerDatabaseError,
    alembic_config,
    current_revision,
    head_revision,
)
from aapdesk.storage.schema import Base
from old_databases import first_release_database  # tests/storage/, on the path as the test's folder

NOW = datetime(2025, 3, 15, 10, 0)


def test_empty_directory_is_upgraded_to_head(tmp_path):
    db = open_database(AppPaths(tmp_path), NOW)
    try:
        assert current_revision(db.engine) == head_revision()
        assert db.migration_snapshot is None  # nothing to protect in a new file
    finally:
        db.close(NOW)


def test_models_match_migrations(tmp_path):
    db = open_database(AppPaths(tmp_path), NOW)
    try:
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        db.close(NOW)


def test_revisions_form_one_line_and_never_import_models():
    script = ScriptDirectory.from_config(alembic_config())
    assert len(script.get_heads()) == 1
    revisions = list(script.walk_revisions())
    assert revisions[-1].down_revision is None
    for revision in revisions:
        source = open(revision.path, encoding="utf-8").read()
        assert "aapdesk" not in source, f"{revision.path} imports the application's models"


def test_older_database_is_snapshotted_before_upgrade(tmp_path):
    paths = AppPaths(tmp_path)
    db = open_database(paths, NOW)
    with db.engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    db.close(NOW, backup=False)

    reopened = open_database(paths, NOW)
    try:
        assert reopened.migration_snapshot is not None
        assert reopened.migration_snapshot.reason == "avant-migration"
        assert [b.reason for b in list_backups(paths.backups_dir)] == ["avant-migration"]
        assert current_revision(reopened.engine) == head_revision()
    finally:
        reopened.close(NOW)


def test_database_from_a_newer_version_is_refused_untouched(tmp_path):
    paths = AppPaths(tmp_path)
    open_database(paths, NOW).close(NOW)
    con = sqlite3.connect(paths.db_path)
    con.execute("UPDATE alembic_version SET version_num = 'f00d_from_the_future'")
    con.commit()
    con.close()
    before = paths.db_path.read_bytes()
    with pytest.raises(NewerDatabaseError, match="version plus récente"):
        open_database(paths, NOW)
    assert paths.db_path.read_bytes() == before
    assert list_backups(paths.backups_dir) == []


def test_corrupt_database_is_refused_with_advice(tmp_path):
    paths = AppPaths(tmp_path)
    open_database(paths, NOW).close(NOW)
    raw = bytearray(paths.db_path.read_bytes())
    raw[100:4096] = b"\xff" * (4096 - 100)  # wreck the first page's b-tree header
    paths.db_path.write_bytes(bytes(raw))
    with pytest.raises(CorruptDatabaseError, match="Restaurez"):
        open_database(paths, NOW)


def test_upgrade_from_first_revision_keeps_the_data(tmp_path):
    """A database of the first release, with a participant in it, comes through every later revision."""
    paths = AppPaths(tmp_path)
    paths.ensure()
    first_release_database(paths.db_path, "LECŒUR", "Noëlle", "1988-02-29")

    db = open_database(paths, NOW)
    try:
        assert db.migration_snapshot is not None
        with db.engine.connect() as connection:
            rows = connection.exec_driver_sql("SELECT nom, prenom, date_naissance FROM participant").all()
        assert rows == [("LECŒUR", "Noëlle", "1988-02-29")]
        assert current_revision(db.engine) == head_revision()
    finally:
        db.close(NOW)
    snapshot = sqlite3.connect(db.migration_snapshot.path)
    assert snapshot.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
    snapshot.close()


def test_every_check_constraint_of_the_models_exists_in_the_migrated_database(tmp_path):
    """Alembic's comparison ignores CHECK constraints: read them from SQLite instead."""
    from sqlalchemy import CheckConstraint

    db = open_database(AppPaths(tmp_path), NOW)
    try:
        con = sqlite3.connect(db.paths.db_path)
        sql = {name: text for name, text in con.execute("SELECT name, sql FROM sqlite_master WHERE type='table'")}
        con.close()
        for table in Base.metadata.sorted_tables:
            for constraint in table.constraints:
                if isinstance(constraint, CheckConstraint):
                    assert str(constraint.name) in sql[table.name], f"{constraint.name} missing from {table.name}"
    finally:
        db.close(NOW)
