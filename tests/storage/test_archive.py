"""Full archives (database + attached files): a new laptop gets everything back, a forged or damaged
archive is refused before anything is touched, and a crash in the middle loses nothing."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from aapdesk.cli import main as cli_main
from aapdesk.domain.participants import ParticipantInput
from aapdesk.services import backups, documents
from aapdesk.services.context import open_app
from aapdesk.services.participants import create_participant, list_participant_rows
from aapdesk.storage.archive import ArchiveError, read_manifest
from aapdesk.storage.backup import BackupError, list_backups
from aapdesk.storage.documents import DocumentStore, file_sha256
from aapdesk.storage.migrate import head_revision
from old_databases import first_release_database  # tests/storage/, on the path as the test's folder


def add_person(app, nom: str) -> int:
    return create_participant(app, ParticipantInput(nom=nom, prenom="Noëlle", sexe="F", date_naissance=date(1990, 1, 1)))


def attach_proof(app, folder: Path, person: int, text: str) -> str:
    path = folder / f"preuve-{person}-{len(text)}.pdf"
    path.write_bytes(b"%PDF-1.4 " + text.encode() * 500)
    documents.attach(app, path, nature="attestation", participant_id=person)
    return file_sha256(path)


@pytest.fixture
def source(app, tmp_path):
    """An app with two people, three attached files (one shared by two rows)."""
    proofs = tmp_path / "proofs"
    proofs.mkdir()
    first, second = add_person(app, "LECŒUR"), add_person(app, "N'Diaye")
    hashes = {attach_proof(app, proofs, first, "contrat"), attach_proof(app, proofs, second, "attestation")}
    same = proofs / "copie.pdf"
    same.write_bytes((proofs / f"preuve-{first}-7.pdf").read_bytes())
    documents.attach(app, same, participant_id=second)
    hashes.add(attach_proof(app, proofs, second, "rqth"))
    return app, hashes


@pytest.fixture
def laptop(tmp_path, clock):
    """A fresh data folder on 'the new laptop'."""
    context = open_app(str(tmp_path / "nouveau"), clock=clock)
    yield context
    context.db.close(clock(), backup=False)


def names(app) -> set[str]:
    return {row.nom for row in list_participant_rows(app)}


def stored_hashes(app) -> set[str]:
    root = app.db.paths.documents_dir
    return {p.name for p in root.glob("??/*")}


def test_an_archive_brings_back_the_data_and_every_attached_file(source, laptop, tmp_path, clock):
    app, hashes = source
    summary = backups.export_archive(app, tmp_path / "cle" / "transfert.zip")
    assert summary.missing == [] and summary.altered == []
    assert set(summary.manifest.documents) == hashes  # the shared file once
    assert summary.manifest.counts["participants"] == 2

    add_person(laptop, "Déjà là")  # something typed on the new laptop before the transfer
    before = backups.restore_from_archive(laptop, summary.path)

    assert names(laptop) == {"LECŒUR", "N'DIAYE"}
    assert stored_hashes(laptop) == hashes
    assert documents.verify_documents(laptop) == []  # every row has its file, with the right content
    assert before is not None and before.reason == "avant-restauration"
    assert not (laptop.db.paths.documents_dir / ".entrant").exists() or \
        list((laptop.db.paths.documents_dir / ".entrant").iterdir()) == []
    # the safety backup holds what was there: nothing is lost by restoring the wrong archive
    clock.now += timedelta(minutes=1)
    backups.restore(laptop, before.id)
    assert names(laptop) == {"DÉJÀ LÀ"}


def test_the_archive_is_one_zip_with_no_name_of_a_person_outside_the_database(source, tmp_path):
    app, _ = source
    summary = backups.export_archive(app, tmp_path / "transfert.zip")
    with zipfile.ZipFile(summary.path) as archive:
        listed = archive.namelist()
        manifest = archive.read("manifest.json").decode()
    assert listed[0] == "aapdesk.sqlite3" and listed[-1] == "manifest.json"
    assert all(name.startswith("documents/") for name in listed[1:-1])
    assert "LECŒUR" not in manifest and "preuve" not in manifest  # counts and hashes only
    assert [p.name for p in summary.path.parent.iterdir() if p.name.startswith(".")] == []  # no temp left
    assert list(app.db.paths.backups_dir.glob(".aapdesk-archive-*")) == []  # the snapshot was removed


def test_missing_and_altered_files_are_reported_and_left_out(source, tmp_path):
    app, hashes = source
    gone, changed = sorted(hashes)[:2]
    store = DocumentStore(app.db.paths.documents_dir)
    store.path_for(gone).unlink()
    store.path_for(changed).write_bytes(b"modified by hand")
    summary = backups.export_archive(app, tmp_path / "transfert.zip")
    assert summary.missing == [gone] and summary.altered == [changed]
    assert set(summary.manifest.documents) == hashes - {gone, changed}
    read_manifest(summary.path)  # still a valid archive
    assert backups.skipped_files_warning(summary).startswith(
        "Attention : 2 pièces jointes n'ont pas pu être mises dans l'archive (absentes du dossier documents")


def test_describe_archive_gives_date_counts_and_size(source, tmp_path, clock):
    app, _ = source
    clock.now = datetime(2025, 3, 15, 10, 0)
    manifest = backups.export_archive(app, tmp_path / "a.zip").manifest
    text = backups.describe_archive(manifest)
    assert text.startswith("archive du 15/03/2025 à 10:00, faite avec aapdesk ")
    assert "2 participant(s)" in text and "3 pièce(s) jointe(s)" in text and text.endswith("Ko de données")


# --- archives that must be refused, with the live data untouched -------------------------------------


def rebuild(original: Path, dest: Path, *, change=None, extra: dict[str, bytes] | None = None,
            manifest_edit=None) -> Path:
    """Copy an archive member by member, altering what a test asks."""
    with zipfile.ZipFile(original) as source, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "manifest.json" and manifest_edit:
                content = json.loads(data)
                manifest_edit(content)
                data = json.dumps(content).encode()
            elif change:
                data = change(info.filename, data)
            target.writestr(info.filename, data)
        for name, data in (extra or {}).items():
            target.writestr(name, data)
    return dest


def untouched(laptop):
    assert names(laptop) == {"TÉMOIN"}
    assert stored_hashes(laptop) == set()
    incoming = laptop.db.paths.documents_dir / ".entrant"
    assert not incoming.exists() or list(incoming.iterdir()) == []
    assert [b.reason for b in list_backups(laptop.db.paths.backups_dir)] == []
    assert list(laptop.db.paths.backups_dir.glob(".aapdesk-archive-*")) == []


def flip_one_document_byte(name: str, data: bytes) -> bytes:
    if name.startswith("documents/"):
        return data[:-1] + bytes([data[-1] ^ 1])
    return data


def wreck_database(name: str, data: bytes) -> bytes:
    return data[:100] + b"\xff" * 3996 + data[4096:] if name == "aapdesk.sqlite3" else data


def rehash_database(content: dict, wrecked: bytes) -> None:
    content["database"]["sha256"] = hashlib.sha256(wrecked).hexdigest()


REFUSALS = {
    "not a zip": (lambda good, dest: _written(dest, b"PK\x03\x04 not really"), "pas une archive aapdesk"),
    "no manifest": (lambda good, dest: _without(good, dest, "manifest.json"), "pas de manifeste"),
    "path escaping the folder": (lambda good, dest: rebuild(good, dest, extra={"../../evil.bat": b"echo"}),
                                 "fichier inattendu"),
    "unannounced member": (lambda good, dest: rebuild(good, dest, extra={"documents/ab/" + "ab" * 32: b"x"}),
                           "ne correspond pas au manifeste"),
    "another format": (lambda good, dest: rebuild(good, dest, manifest_edit=lambda c: c.update(format=2)),
                       "version plus récente"),
    "newer schema": (lambda good, dest: rebuild(good, dest, manifest_edit=lambda c: c.update(schema_revision="f00d")),
                     "version plus récente"),
    "a document altered in the zip": (lambda good, dest: rebuild(good, dest, change=flip_one_document_byte),
                                      "une pièce jointe ne correspond pas à son empreinte"),
    "size lie": (lambda good, dest: rebuild(good, dest, manifest_edit=lambda c: c["database"].update(size=10)),
                 "taille de la base"),
    "garbage manifest": (lambda good, dest: rebuild(good, dest, manifest_edit=lambda c: c.update(documents="x")),
                         "manifeste est illisible"),
}


def _written(dest: Path, data: bytes) -> Path:
    dest.write_bytes(data)
    return dest


def _without(original: Path, dest: Path, member: str) -> Path:
    with zipfile.ZipFile(original) as source, zipfile.ZipFile(dest, "w") as target:
        for info in source.infolist():
            if info.filename != member:
                target.writestr(info, source.read(info))
    return dest


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_a_forged_or_damaged_archive_is_refused_and_nothing_changes(case, source, laptop, tmp_path):
    app, _ = source
    good = backups.export_archive(app, tmp_path / "bonne.zip").path
    make, message = REFUSALS[case]
    bad = make(good, tmp_path / "mauvaise.zip")
    add_person(laptop, "Témoin")
    with pytest.raises(ArchiveError, match=message):
        backups.restore_from_archive(laptop, bad)
    untouched(laptop)


def test_a_damaged_database_inside_a_consistent_archive_is_refused(source, laptop, tmp_path):
    app, _ = source
    good = backups.export_archive(app, tmp_path / "bonne.zip").path
    with zipfile.ZipFile(good) as archive:
        wrecked = wreck_database("aapdesk.sqlite3", archive.read("aapdesk.sqlite3"))
    bad = rebuild(good, tmp_path / "mauvaise.zip", change=wreck_database,
                  manifest_edit=lambda c: rehash_database(c, wrecked))
    add_person(laptop, "Témoin")
    with pytest.raises(ArchiveError, match="base contenue dans l'archive est abîmée"):
        backups.restore_from_archive(laptop, bad)
    untouched(laptop)


def test_a_member_inflating_beyond_its_announced_size_is_cut_off(source, laptop, tmp_path):
    """A zip whose directory lies (says 100 bytes, holds 50 MB of zeros) is refused without writing 50 MB."""
    app, _ = source
    good = backups.export_archive(app, tmp_path / "bonne.zip").path
    with zipfile.ZipFile(good) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    sha = manifest["documents"][0]["sha256"]
    bomb = tmp_path / "bombe.zip"
    rebuild(good, bomb, change=lambda name, data: b"\0" * (50 * 1024 * 1024) if sha in name else data)
    raw = bytearray(bomb.read_bytes())
    # rewrite the announced size of that member in the central directory to what the manifest says
    with zipfile.ZipFile(bomb) as archive:
        info = archive.getinfo(f"documents/{sha[:2]}/{sha}")
    real, announced = (50 * 1024 * 1024).to_bytes(4, "little"), manifest["documents"][0]["size"].to_bytes(4, "little")
    start = raw.rindex(b"PK\x01\x02", 0, raw.rindex(info.filename.encode()) + 1)
    raw[start + 24:start + 28] = announced
    assert raw[start + 24:start + 28] != real
    bomb.write_bytes(bytes(raw))
    add_person(laptop, "Témoin")
    with pytest.raises(ArchiveError, match="ne correspond pas à son empreinte"):
        backups.restore_from_archive(laptop, bomb)
    untouched(laptop)


def test_not_enough_disk_space_is_said_before_anything_is_written(source, laptop, tmp_path, monkeypatch):
    app, _ = source
    good = backups.export_archive(app, tmp_path / "bonne.zip").path
    add_person(laptop, "Témoin")
    import shutil

    monkeypatch.setattr(shutil, "disk_usage", lambda _path: shutil._ntuple_diskusage(10**9, 10**9 - 1000, 1000))
    with pytest.raises(ArchiveError, match="Espace disque insuffisant"):
        backups.restore_from_archive(laptop, good)
    untouched(laptop)


# --- crash safety and older archives -------------------------------------------------------------------


def test_a_crash_after_the_database_is_replaced_loses_no_attached_file(source, tmp_path, clock, monkeypatch):
    """Killed between the database swap and the publishing of the documents: the next start finishes it."""
    app, hashes = source
    good = backups.export_archive(app, tmp_path / "bonne.zip").path
    laptop_dir = tmp_path / "nouveau"
    laptop = open_app(str(laptop_dir), clock=clock)

    def crash(self, staged):  # the power goes off at the first publish
        raise SystemExit("coupure")

    monkeypatch.setattr(DocumentStore, "publish", crash)
    with pytest.raises(SystemExit):
        backups.restore_from_archive(laptop, good)
    monkeypatch.undo()
    laptop.db.engine.dispose()
    laptop.db.lock.release()

    restarted = open_app(str(laptop_dir), clock=clock)  # start-up recovery publishes the staged files
    try:
        assert names(restarted) == {"LECŒUR", "N'DIAYE"}
        assert stored_hashes(restarted) == hashes and documents.verify_documents(restarted) == []
    finally:
        restarted.db.close(clock(), backup=False)


def test_a_crash_before_the_database_is_replaced_leaves_the_old_data(source, laptop, tmp_path, monkeypatch):
    app, _ = source
    good = backups.export_archive(app, tmp_path / "bonne.zip").path
    add_person(laptop, "Témoin")
    import aapdesk.storage.archive as archive_module

    def crash(*_args, **_kwargs):
        raise SystemExit("coupure")

    monkeypatch.setattr(archive_module, "restore_backup", crash)
    with pytest.raises(SystemExit):
        backups.restore_from_archive(laptop, good)
    untouched(laptop)


def test_an_archive_from_an_older_version_is_migrated_on_restore(tmp_path, laptop):
    """An archive whose database is at the first schema revision opens, upgraded, with its data."""
    old_db = first_release_database(tmp_path / "ancienne.sqlite3", "ANCIEN", "Jean-Noël", "1980-05-05")
    con = sqlite3.connect(old_db)
    con.execute("PRAGMA journal_mode=DELETE")
    con.close()
    raw = old_db.read_bytes()
    manifest = {"format": 1, "application": "aapdesk", "created": "2025-01-10T09:00:00", "app_version": "0.0.9",
                "schema_revision": "0001", "database": {"size": len(raw), "sha256": hashlib.sha256(raw).hexdigest()},
                "documents": [], "counts": {"participants": 1}}
    archive_path = tmp_path / "ancienne.zip"
    with zipfile.ZipFile(archive_path, "w") as archive:
        archive.writestr("aapdesk.sqlite3", raw)
        archive.writestr("manifest.json", json.dumps(manifest))
    backups.restore_from_archive(laptop, archive_path)
    assert names(laptop) == {"ANCIEN"}
    from aapdesk.storage.migrate import current_revision

    assert current_revision(laptop.db.engine) == head_revision()


def test_a_backup_from_a_newer_version_is_refused_before_replacing_anything(app, clock):
    add_person(app, "Présent")
    info = backups.backup_now(app)
    con = sqlite3.connect(info.path)
    con.execute("UPDATE alembic_version SET version_num = 'f00d_from_the_future'")
    con.commit()
    con.close()
    with pytest.raises(BackupError, match="version plus récente"):
        backups.restore(app, info.id)
    assert names(app) == {"PRÉSENT"}


def test_two_backups_in_the_same_second_keep_their_reason(app):
    first, second = backups.backup_now(app), backups.backup_now(app)
    assert second.path.name.endswith("-manuelle-2.sqlite3")
    assert [b.reason_label for b in backups.backups(app)] == ["manuelle", "manuelle"]
    assert {b.id for b in backups.backups(app)} == {first.id, second.id}


# --- command line ------------------------------------------------------------------------------------------


def test_cli_archive_create_show_restore(source, tmp_path, capsys, clock):
    app, hashes = source
    clock.now = datetime(2025, 3, 15, 10, 0)
    app.db.close(clock(), backup=False)
    data, new = str(app.db.paths.data_dir), str(tmp_path / "portable")
    folder = tmp_path / "cle"
    folder.mkdir()
    assert cli_main(["--data-dir", data, "archive", "create", str(folder)], clock=clock) == 0
    out = capsys.readouterr().out
    [written] = list(folder.iterdir())
    assert written.name == "aapdesk-archive-2025-03-15-1000.zip" and "Archive écrite" in out
    assert "\nArchive du 15/03/2025 à 10:00, faite avec aapdesk" in out
    # a name typed without its extension gets one
    assert cli_main(["--data-dir", data, "archive", "create", str(tmp_path / "sans-extension")], clock=clock) == 0
    assert (tmp_path / "sans-extension.zip").is_file()
    capsys.readouterr()
    assert cli_main(["--data-dir", new, "archive", "show", str(written)], clock=clock) == 0
    assert "2 participant(s)" in capsys.readouterr().out
    assert not Path(new).exists()  # describing an archive creates no data folder
    assert cli_main(["--data-dir", new, "archive", "restore", str(written)], clock=clock) == 0
    assert "L'état précédent a été sauvegardé" in capsys.readouterr().out
    assert cli_main(["--data-dir", new, "check"], clock=clock) == 0
    (tmp_path / "faux.zip").write_bytes(b"rien")
    assert cli_main(["--data-dir", new, "archive", "restore", str(tmp_path / "faux.zip")], clock=clock) == 1
    assert "pas une archive aapdesk" in capsys.readouterr().err


def test_the_program_routes_every_cli_command_without_qt(tmp_path):
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from aapdesk.__main__ import main\n"
        f"code = main(['--data-dir', {str(tmp_path)!r}, 'archive', 'show', {str(tmp_path / 'absente.zip')!r}])\n"
        "assert 'PySide6' not in sys.modules, 'archive opened the window'\n"
        "sys.exit(code)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "introuvable" in result.stderr


def test_archive_dates_are_those_of_the_app_clock(source, tmp_path, clock):
    app, _ = source
    clock.now = datetime(2025, 6, 30, 23, 59, 30)
    assert backups.export_archive(app, tmp_path / "a.zip").manifest.created == clock.now
