"""Backups made with the online API, verified, restorable; one writer per data directory."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from aapdesk.domain.participants import ParticipantInput
from aapdesk.paths import AppPaths
from aapdesk.services import backups
from aapdesk.services.participants import create_participant, list_participant_rows
from aapdesk.storage.backup import BackupError, create_backup, find_backup, list_backups, thin_backups
from aapdesk.storage.database import open_database
from aapdesk.storage.location import location_warning
from aapdesk.storage.lock import AlreadyOpenError


def add_person(app, nom):
    return create_participant(app, ParticipantInput(nom=nom, prenom="Test", sexe="F", date_naissance=datetime(1990, 1, 1).date()))


def test_backup_restore_round_trip(app, clock):
    add_person(app, "Avant")
    first = backups.backup_now(app)
    assert backups.verify(app, first.id) == []
    clock.now += timedelta(minutes=5)
    add_person(app, "Après")
    assert {r.nom for r in list_participant_rows(app)} == {"AVANT", "APRÈS"}

    clock.now += timedelta(minutes=5)
    safety = backups.restore(app, first.id)

    assert {r.nom for r in list_participant_rows(app)} == {"AVANT"}
    assert safety is not None and safety.reason == "avant-restauration"
    # the safety backup holds the state we left: restoring it brings "Après" back
    clock.now += timedelta(minutes=5)
    backups.restore(app, safety.id)
    assert {r.nom for r in list_participant_rows(app)} == {"AVANT", "APRÈS"}


def test_a_damaged_backup_is_not_restored(app, clock):
    add_person(app, "Intact")
    info = backups.backup_now(app)
    raw = bytearray(info.path.read_bytes())
    raw[100:4096] = b"\x00" * (4096 - 100)
    info.path.write_bytes(bytes(raw))
    assert backups.verify(app, info.id) != []
    with pytest.raises(BackupError, match="abîmée"):
        backups.restore(app, info.id)
    assert {r.nom for r in list_participant_rows(app)} == {"INTACT"}


def test_close_backs_up_only_when_something_changed(tmp_path):
    paths = AppPaths(tmp_path)
    now = datetime(2025, 3, 15, 10, 0)
    db = open_database(paths, now)
    assert db.close(now) is None  # nothing written
    from aapdesk.services.context import open_app

    app = open_app(str(tmp_path), clock=lambda: now)
    add_person(app, "Change")
    made = app.db.close(now + timedelta(seconds=1))
    assert made is not None and made.reason == "fermeture"
    assert [b.id for b in list_backups(paths.backups_dir)] == [made.id]


def test_backups_are_thinned_and_interrupted_ones_cleaned(app, clock):
    backups_dir = app.db.paths.backups_dir
    for day in range(40):
        clock.now = datetime(2025, 1, 1, 12) + timedelta(days=day)
        create_backup(app.db.paths.db_path, backups_dir, "manuelle", clock.now)
    interrupted = backups_dir / ".aapdesk-20250101-000000-manuelle.sqlite3.tmp"
    interrupted.write_bytes(b"partial")
    os.utime(interrupted, (time.time() - 7 * 3600,) * 2)  # left by a crash this morning
    in_progress = backups_dir / ".aapdesk-archive-0123.tmp"  # an archive being written by another thread
    in_progress.write_bytes(b"partial")
    thin_backups(backups_dir, clock.now)
    assert not interrupted.exists() and in_progress.exists()
    kept = list_backups(backups_dir)
    assert len(kept) < 40
    assert kept[0].created == clock.now  # the newest survives
    assert list(backups_dir.glob("*.tmp")) == [in_progress]


def test_backups_are_single_files_without_leftovers(app, clock):
    add_person(app, "Seul")
    info = backups.backup_now(app)
    assert backups.verify(app, info.id) == []  # reading it back...
    leftovers = [p.name for p in app.db.paths.backups_dir.iterdir() if p != info.path]
    assert leftovers == []  # ...leaves no -wal or -shm beside it


def test_an_old_backup_copied_in_is_restored_even_if_retention_would_drop_it(app, clock):
    add_person(app, "Ancien")
    old = backups.backup_now(app)
    kept_aside = old.path.read_bytes()
    old.path.unlink()
    add_person(app, "Récent")
    for month in range(40):  # years of monthly backups on this laptop: more than the retention keeps
        clock.now = datetime(2022, 1, 10, 12) + timedelta(days=31 * month)
        create_backup(app.db.paths.db_path, app.db.paths.backups_dir, "manuelle", clock.now)
    # the old backup comes back from a USB key: far outside what the retention keeps
    copied = app.db.paths.backups_dir / "aapdesk-20200105-120000-manuelle.sqlite3"
    copied.write_bytes(kept_aside)
    clock.now += timedelta(minutes=1)
    backups.restore(app, "20200105-120000-manuelle")
    assert {r.nom for r in list_participant_rows(app)} == {"ANCIEN"}


def test_unknown_backup_id_is_a_clear_error(app):
    with pytest.raises(BackupError, match="introuvable"):
        find_backup(app.db.paths.backups_dir, "19990101-000000-manuelle")


def test_second_writer_is_refused_in_process(app):
    with pytest.raises(AlreadyOpenError, match="déjà ouvert"):
        open_database(app.db.paths, datetime(2025, 3, 15))


def test_second_writer_is_refused_from_another_process(app):
    result = subprocess.run(
        [sys.executable, "-m", "aapdesk", "--data-dir", str(app.db.paths.data_dir), "check"],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 1
    assert "déjà ouvert" in result.stderr


@pytest.mark.parametrize("path, warned", [
    (Path("C:/Users/marie/OneDrive - Association/aapdesk"), True),
    (Path("/home/marie/Dropbox/aapdesk"), True),
    (Path("//serveur/partage/aapdesk"), True),
    (Path("/tmp/aapdesk-local"), False),
])
def test_location_warning(path, warned):
    assert (location_warning(path) is not None) == warned
