"""The reports a user can generate, and one entry point to generate any of them.

Each report module registers a :class:`ReportSpec` (name, French label, formats, builder); the
Rapports page and ``aapdesk report NAME`` list and call them the same way. Builders return a
format-neutral :class:`~aapdesk.reports.model.Report`; :func:`generate` writes it with the thin
xlsx or PDF writer, atomically (temp name, fsync, rename).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from aapdesk.domain.periods import YearMonth
from aapdesk.services.context import AppContext, journal

#: progress(percent, French step label); cancelled() is polled between steps.
Progress = Callable[[int, str], None]
Cancelled = Callable[[], bool]


class ReportCancelled(Exception):
    """The person cancelled the generation; nothing was written."""


@dataclass(frozen=True)
class ReportRequest:
    operation_id: int
    as_of: date | None = None
    month: YearMonth | None = None  # reporting mensuel


@dataclass(frozen=True)
class ReportSpec:
    name: str  # CLI name, e.g. "tableau-de-bord"
    label: str  # French, e.g. "Tableau de bord"
    formats: tuple[str, ...]  # "xlsx", "pdf"
    build: Callable[..., object]  # (app, request, progress, cancelled) -> Report (or bytes writer, see write)
    needs_month: bool = False
    description: str = ""
    #: Optional custom writer (fmt, report, handle) for reports that are not plain Report objects.
    write: Callable[..., None] | None = None


_REGISTRY: dict[str, ReportSpec] = {}


def register(spec: ReportSpec) -> ReportSpec:
    _REGISTRY[spec.name] = spec
    return spec


def available_reports() -> list[ReportSpec]:
    _load_builtin()
    return list(_REGISTRY.values())


def get_report(name: str) -> ReportSpec:
    _load_builtin()
    try:
        return _REGISTRY[name]
    except KeyError:
        names = ", ".join(_REGISTRY)
        raise LookupError(f"Rapport inconnu : {name} (possibles : {names})") from None


def _load_builtin() -> None:
    """Import the modules that register the built-in reports (they live in services/reports_*.py)."""
    import importlib
    import pkgutil

    import aapdesk.services as services_package

    for module in pkgutil.iter_modules(services_package.__path__):
        if module.name.startswith("reports_"):
            importlib.import_module(f"aapdesk.services.{module.name}")


def generate(app: AppContext, name: str, request: ReportRequest, fmt: str, dest: Path, *,
             progress: Progress | None = None, cancelled: Cancelled | None = None) -> Path:
    """Build report ``name`` and write it as ``fmt`` to ``dest``; journals the export."""
    from aapdesk.files import write_atomically

    spec = get_report(name)
    if fmt not in spec.formats:
        raise ValueError(f"Le rapport « {spec.label} » ne s'écrit pas en {fmt} (formats : {', '.join(spec.formats)}).")
    if spec.needs_month and request.month is None:
        raise ValueError(f"Le rapport « {spec.label} » demande un mois (AAAA-MM).")
    report_progress = progress or (lambda _p, _s: None)
    is_cancelled = cancelled or (lambda: False)
    report = spec.build(app, request, report_progress, is_cancelled)
    if is_cancelled():
        raise ReportCancelled()
    report_progress(85, "Écriture du fichier")

    def produce(handle) -> None:  # type: ignore[no-untyped-def]
        if spec.write is not None:
            spec.write(fmt, report, handle)
        elif fmt == "xlsx":
            from aapdesk.reports.xlsx_writer import write_xlsx

            write_xlsx(report, handle)
        else:
            from aapdesk.reports.pdf_writer import write_pdf

            write_pdf(report, handle)

    path = write_atomically(Path(dest), produce)
    with app.transaction() as session:
        journal(session, app.now(), "export_rapport", "operation", request.operation_id,
                operation_id=request.operation_id, details=f"{name}.{fmt}")
    report_progress(100, "Terminé")
    return path
