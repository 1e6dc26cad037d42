"""``make bench``: speed and memory of the reports on a large data set, with the machine's figures.

Builds (once, cached in ``.bench-data/``) three yearly AI operations (3.10, 20 postes) and their
2 000 participants over three years, with monthly hours, exits and staff costs, then times, each
in a fresh process so peak memory is the report's own: indicators of one operation, the tableau
de bord of the 800-participant year (xlsx), the CRE of the 500-participant year (PDF) and the
bilan d'exécution (xlsx); then the import: the preview of the 800-participant year's hours from a
CSV export (every row through the same checks as the real import, rolled back), and the refusal
of a CSV of a million lines. Targets (2 cores): indicators ≤ 0,5 s; tableau de bord ≤ 5 s and
≤ 300 Mo; CRE 500 ≤ 15 s; a million-line file refused ≤ 5 s.
"""

from __future__ import annotations

import json
import os
import platform
import random
import resource
import subprocess
import sys
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


def measure(task: str) -> dict[str, float]:
    """Run one task in this (fresh) process; print its duration and peak memory as JSON."""
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


def main() -> int:
    if len(sys.argv) > 2 and sys.argv[1] == "--task":
        print(json.dumps(measure(sys.argv[2])))
        return 0
    if not (DATA / "aapdesk.sqlite3").exists():
        started = time.perf_counter()
        print(f"Construction des données de banc d'essai ({PARTICIPANTS} participants sur {len(YEARS)} ans)…", flush=True)
        build()
        print(f"  construites en {time.perf_counter() - started:.0f} s (gardées dans .bench-data/)", flush=True)
    print(f"Machine : {platform.processor() or platform.machine()}, {os.cpu_count()} cœurs, Python {platform.python_version()}")
    targets = {"indicateurs": (0.5, None), "tableau-de-bord": (5.0, 300.0), "cre-500": (15.0, None),
               "bilan-execution": (None, None), "import-heures": (None, None), "refus-1m-lignes": (5.0, None)}
    failed = False
    for task, (max_s, max_mb) in targets.items():
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
        print(f"{task:<18} {figures['seconds']:>6.2f} s   pic mémoire {figures['peak_mb']:>6.1f} Mo   {' / '.join(verdict)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
