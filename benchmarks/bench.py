"""``make bench``: speed and memory of the reports on a large data set, with the machine's figures.

Builds (once, cached in ``.bench-data/``) three yearly AI operations (3.10, 20 postes) and their
2 000 participants over three years, with monthly hours, exits and staff costs, then times, each
in a fresh process so peak memory is the report's own: indicators of one operation, the tableau
de bord of the 800-participant year (xlsx), the CRE of the 500-participant year (PDF) and the
bilan d'exécution (xlsx); then the import: the preview of the 800-participant year's hours from a
CSV export (every row through the same checks as the real import, rolled back), and the refusal
of a CSV of a million lines. Targets (2 cores): indicators ≤ 0,5 s; tableau de bord ≤ 5 s and
≤ 300 Mo; CRE 500 ≤ 15 s; a million-line file refused ≤ 5 s.

The full archive has its own data (also cached, in ``.bench-data/archive/``): the demonstration
plus 300 attached files of 300 Kio of random bytes (90 Mo that do not compress), attached through
the documents service. ``archive-export`` writes it to a zip; ``archive-restore`` restores such a
zip (written beforehand by another process) into a fresh data folder. Both must stream: their peak
memory must not grow with the archive (target ≤ 150 Mo for these 90 Mo).

    python benchmarks/bench.py [TASK ...]   # no task: all; ``archive`` selects archive-export and archive-restore
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / ".bench-data"
NOW = datetime(2026, 3, 15, 10, 0)
#: Participants per yearly operation: 2 000 over three years; the 2025 one has exactly 500 for the CRE figure.
PER_YEAR = {2023: 700, 2024: 800, 2025: 500}
PARTICIPANTS = sum(PER_YEAR.values())
YEARS = tuple(PER_YEAR)
#: The archive's data folder: the demonstration plus ARCHIVE_FILES attached files of ARCHIVE_FILE_SIZE random bytes.
ARCHIVE_DATA = DATA / "archive"
ARCHIVE_BUILT = ARCHIVE_DATA / "construit.json"  # written last: a build cut short is started again
ARCHIVE_FILES = 300
ARCHIVE_FILE_SIZE = 300 * 1024


def clock() -> datetime:
    return NOW


def build() -> None:
    from aapdesk.domain.exits import ExitInput, ExitType
    from aapdesk.domain.participants import ParcoursInput, ParticipantInput
    from aapdesk.domain.periods import Period, YearMonth
    from aapdesk.services import activity, exits, finances
    from aapdesk.services.context import open_app
    from aapdesk.services.demo import COMMUNES, NOMS, PRENOMS_F, PRENOMS_M
    from aapdesk.services.operations import OperationInput, create_operation
    from aapdesk.services.participants import create_participant, get_participant
    from aapdesk.services.structure import StructureData, save_structure
    from aapdesk.storage.db import relaxed_durability

    rng = random.Random(2026)
    app = open_app(str(DATA), clock=clock)
    try:
        with relaxed_durability(app.db.engine):
            save_structure(app, StructureData(nom="Association du banc d'essai", type_structure="AI"))
            for year, count in PER_YEAR.items():
                op = create_operation(app, OperationInput(
                    code=f"AI-{year}", dispositif_key="62-2024-3.10", debut=date(year, 1, 1), fin=date(year, 12, 31),
                    postes=250, etp=Decimal("16"), montant=Decimal("585000")))
                edits = []
                for i in range(count):
                    sexe = rng.choice("FM")
                    commune, cp, territoire, zone = rng.choice(COMMUNES)
                    entry = date(year, 1, 1) + timedelta(days=rng.randint(0, 300))
                    exit_date = entry + timedelta(days=rng.randint(60, 200)) if rng.random() < 0.5 else None
                    if exit_date and exit_date > date(year, 12, 31):
                        exit_date = None
                    pid = create_participant(app, ParticipantInput(
                        nom=f"{rng.choice(NOMS)}", prenom=f"{rng.choice(PRENOMS_F if sexe == 'F' else PRENOMS_M)} {i}",
                        sexe=sexe, date_naissance=date(rng.randint(1960, 2004), rng.randint(1, 12), rng.randint(1, 28)),
                        brsa=rng.random() < 0.8, commune=commune, code_postal=cp, zone=zone, territoire=territoire),
                        op.id, ParcoursInput(date_entree=entry, date_sortie=exit_date))
                    parcours = get_participant(app, pid).parcours[0]
                    span_end = exit_date or date(year, 12, 31)
                    for month in Period(entry, span_end).months():
                        edits.append(activity.HoursEdit(parcours.id, month, mad=Decimal(rng.choice((4, 8, 12, 20, 35))),
                                                        accompagnement=Decimal(2)))
                    if exit_date:
                        kind = rng.choice((ExitType.CDI, ExitType.CDD, ExitType.FORMATION_QUALIFIANTE, ExitType.ABANDON))
                        exits.record_exit(app, parcours.id, exit_date,
                                          ExitInput(kind, Decimal(rng.choice((3, 6, 12))) if kind is ExitType.CDD else None))
                activity.save_hours(app, op.id, edits)
                for s in range(16):
                    staff = finances.save_staff(app, op.id, finances.StaffInput(f"Salarie{s}", "Bench", "encadrant_technique"))
                    finances.save_staff_costs(app, op.id, [finances.StaffCostInput(staff, YearMonth(year, m), Decimal(3100))
                                                           for m in range(1, 13)])
    finally:
        app.db.close(NOW, backup=False)


def build_archive_data() -> None:
    """The demonstration, then ARCHIVE_FILES attached files of incompressible bytes, one per participant in turn."""
    from sqlalchemy import select

    from aapdesk.services.context import open_app
    from aapdesk.services.demo import build_demo
    from aapdesk.services.documents import attach
    from aapdesk.storage.schema import Participant

    shutil.rmtree(ARCHIVE_DATA, ignore_errors=True)
    rng = random.Random(2027)
    app = open_app(str(ARCHIVE_DATA), clock=clock)
    try:
        build_demo(app)
        with app.reading() as session:
            participants = list(session.scalars(select(Participant.id).order_by(Participant.id)))
        with tempfile.TemporaryDirectory(dir=DATA) as scratch:
            for i in range(ARCHIVE_FILES):
                source = Path(scratch) / f"piece-{i:03d}.pdf"
                source.write_bytes(rng.randbytes(ARCHIVE_FILE_SIZE))
                attach(app, source, nature="diagnostic", participant_id=participants[i % len(participants)])
                source.unlink()
    finally:
        app.db.close(NOW, backup=False)
    ARCHIVE_BUILT.write_text(json.dumps({"documents": document_count(ARCHIVE_DATA)}), encoding="utf-8")


def document_count(data_dir: Path) -> int:
    """Files in a data folder's document store (``documents/ab/abcdef…``, staging excluded)."""
    return sum(1 for path in (data_dir / "documents").glob("*/*")
               if path.is_file() and path.parent.name != ".entrant" and path.name.startswith(path.parent.name))


def measure_archive(task: str) -> dict[str, float]:
    """Export the archive data to a zip, or restore such a zip into a fresh folder; figures as in measure()."""
    from aapdesk.services import backups
    from aapdesk.services.context import open_app

    expected = json.loads(ARCHIVE_BUILT.read_text(encoding="utf-8"))["documents"]
    with tempfile.TemporaryDirectory(dir=DATA, prefix="archive-bench-") as work:
        zip_path = Path(work) / "archive.zip"
        if task == "archive-export":
            app = open_app(str(ARCHIVE_DATA), clock=clock)
        else:
            # the zip is written by another process, so this one's peak memory is the restore's own
            subprocess.run([sys.executable, __file__, "--write-archive", str(zip_path)], check=True)
            app = open_app(str(Path(work) / "nouvel-ordinateur"), clock=clock)
        try:
            base_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            start = time.perf_counter()
            if task == "archive-export":
                summary = backups.export_archive(app, zip_path)
            else:
                backups.restore_from_archive(app, zip_path)
            seconds = time.perf_counter() - start
        finally:
            app.db.close(NOW, backup=False)
        peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        if task == "archive-export":
            found = len(summary.manifest.documents)
            if summary.missing or summary.altered:
                raise RuntimeError(f"{len(summary.missing)} missing, {len(summary.altered)} altered documents")
        else:
            found = document_count(Path(work) / "nouvel-ordinateur")
        if found != expected:
            raise RuntimeError(f"{found} documents, {expected} expected")
        archive_mb = zip_path.stat().st_size / 1e6
    return {"seconds": round(seconds, 2), "peak_mb": round(peak_kb / 1024, 1),
            "base_mb": round(base_kb / 1024, 1), "archive_mb": round(archive_mb, 1)}


def write_archive_for_restore(dest: Path) -> None:
    from aapdesk.services import backups
    from aapdesk.services.context import open_app

    app = open_app(str(ARCHIVE_DATA), clock=clock)
    try:
        backups.export_archive(app, dest)
    finally:
        app.db.close(NOW, backup=False)


def measure(task: str) -> dict[str, float]:
    """Run one task in this (fresh) process; print its duration and peak memory as JSON."""
    if task.startswith("archive-"):
        return measure_archive(task)
    from aapdesk.services import report_registry, reporting
    from aapdesk.services.context import open_app
    from aapdesk.services.operations import get_operation

    app = open_app(str(DATA), clock=clock)
    try:
        op = get_operation(app, "AI-2024")
        out = DATA / "sorties-bench"
        out.mkdir(exist_ok=True)
        prepared = _prepare_import(app, task, op.id, out)  # written before the clock starts
        start = time.perf_counter()
        if prepared is not None:
            _run_import(app, task, op.id, prepared)
        elif task == "indicateurs":
            reporting.indicators(app, op.id)
        elif task == "cre-500":
            cre_op = _operation_with_500(app)
            report_registry.generate(app, "cre", report_registry.ReportRequest(cre_op), "pdf", out / "cre.pdf")
        else:
            fmt = "xlsx"
            report_registry.generate(app, task, report_registry.ReportRequest(op.id), fmt, out / f"{task}.{fmt}")
        seconds = time.perf_counter() - start
    finally:
        app.db.close(NOW, backup=False)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"seconds": round(seconds, 2), "peak_mb": round(peak_kb / 1024, 1)}


def _prepare_import(app, task: str, operation_id: int, out: Path) -> Path | None:  # type: ignore[no-untyped-def]
    """The file an import task reads: the year's hours as a CSV export, or a million-line CSV."""
    import csv

    from aapdesk.domain.imports import HEURES
    from aapdesk.services import imports

    if task == "import-heures":
        path = out / "heures.csv"
        with open(path, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, delimiter=";")
            writer.writerow(HEURES.names)
            for row in imports.export_rows(app, operation_id)["heures"]:
                writer.writerow([_french_text(v) for v in row])
        return path
    if task == "refus-1m-lignes":
        path = out / "million.csv"
        # 15 Mo: under the size limit, so the reader must count its lines to refuse it
        path.write_bytes(b"nom;prenom;mois;heures_mad\n" + b"A;B;2024-01;35\n" * 1_000_000)
        return path
    return None


def _french_text(value) -> str:  # type: ignore[no-untyped-def]
    """A value as a French spreadsheet exports it (dates JJ/MM/AAAA, decimal commas)."""
    from aapdesk.domain.periods import YearMonth

    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, YearMonth):
        return f"{value.year}-{value.month:02d}"
    return str(value).replace(".", ",")


def _run_import(app, task: str, operation_id: int, path: Path) -> None:  # type: ignore[no-untyped-def]
    from aapdesk.domain.problems import ValidationError
    from aapdesk.services import imports

    if task == "refus-1m-lignes":
        try:
            imports.open_import_file(app, "heures", path)
        except ValidationError:
            return
        raise RuntimeError("a million-line file was not refused")
    file = imports.open_import_file(app, "heures", path)
    report = imports.run_import(app, file, operation_id, dry_run=True)  # the whole import, rolled back
    if report.problems or not report.updated:
        raise RuntimeError(f"unexpected preview: {report.summary()}")


def _operation_with_500(app) -> int:  # type: ignore[no-untyped-def]
    """AI-2025 holds exactly 500 parcours."""
    from aapdesk.services.operations import get_operation

    return get_operation(app, "AI-2025").id


#: task -> (target seconds, target peak Mo); None: no target
TARGETS: dict[str, tuple[float | None, float | None]] = {
    "indicateurs": (0.5, None), "tableau-de-bord": (5.0, 300.0), "cre-500": (15.0, None),
    "bilan-execution": (None, None), "import-heures": (None, None), "refus-1m-lignes": (5.0, None),
    "archive-export": (None, 150.0), "archive-restore": (None, 150.0),
}


def main() -> int:
    parser = argparse.ArgumentParser(description="Temps et pic mémoire d'aapdesk sur de grosses données "
                                                 "(chaque tâche dans un processus neuf).")
    parser.add_argument("tasks", nargs="*", metavar="TÂCHE",
                        help="tâches à mesurer (par défaut toutes) ; un préfixe suffit : « archive » choisit "
                             "archive-export et archive-restore. Tâches : " + ", ".join(TARGETS))
    parser.add_argument("--task", help=argparse.SUPPRESS)  # internal: measure one task in this process
    parser.add_argument("--write-archive", help=argparse.SUPPRESS)  # internal: the zip archive-restore reads
    args = parser.parse_args()
    if args.task:
        print(json.dumps(measure(args.task)))
        return 0
    if args.write_archive:
        write_archive_for_restore(Path(args.write_archive))
        return 0
    selected = [t for t in TARGETS if not args.tasks or any(t == n or t.startswith(f"{n}-") for n in args.tasks)]
    if not selected:
        parser.error(f"aucune tâche ne correspond à {' '.join(args.tasks)} (tâches : {', '.join(TARGETS)})")
    if any(not t.startswith("archive-") for t in selected) and not (DATA / "aapdesk.sqlite3").exists():
        started = time.perf_counter()
        print(f"Construction des données de banc d'essai ({PARTICIPANTS} participants sur {len(YEARS)} ans)…", flush=True)
        build()
        print(f"  construites en {time.perf_counter() - started:.0f} s (gardées dans .bench-data/)", flush=True)
    if any(t.startswith("archive-") for t in selected) and not ARCHIVE_BUILT.exists():
        started = time.perf_counter()
        print(f"Construction des données de l'archive (démonstration et {ARCHIVE_FILES} pièces jointes de "
              f"{ARCHIVE_FILE_SIZE // 1024} Kio)…", flush=True)
        DATA.mkdir(exist_ok=True)
        build_archive_data()
        print(f"  construites en {time.perf_counter() - started:.0f} s (gardées dans .bench-data/archive/)", flush=True)
    print(f"Machine : {platform.processor() or platform.machine()}, {os.cpu_count()} cœurs, Python {platform.python_version()}")
    failed = False
    for task in selected:
        max_s, max_mb = TARGETS[task]
        result = subprocess.run([sys.executable, __file__, "--task", task], capture_output=True, text=True)
        if result.returncode != 0:
            print(f"{task:<18} ERREUR : {result.stderr.strip().splitlines()[-1] if result.stderr else '?'}")
            failed = True
            continue
        figures = json.loads(result.stdout.strip().splitlines()[-1])
        verdict = []
        if max_s is not None:
            verdict.append("OK" if figures["seconds"] <= max_s else f"au-delà de {max_s} s")
        if max_mb is not None:
            verdict.append("OK" if figures["peak_mb"] <= max_mb else f"au-delà de {max_mb} Mo")
        extra = ""
        if "base_mb" in figures:
            extra = f"   (avant : {figures['base_mb']:.1f} Mo ; archive de {figures['archive_mb']:.1f} Mo)"
        print(f"{task:<18} {figures['seconds']:>6.2f} s   pic mémoire {figures['peak_mb']:>6.1f} Mo   "
              f"{' / '.join(verdict)}{extra}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
