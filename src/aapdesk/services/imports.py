"""Importing a user's spreadsheet into an operation: open the file, propose a column mapping,
preview, then import, all or nothing.

The preview *is* the import run inside a transaction that is rolled back: every row goes
through the same services as a form (same checks, same messages), each in its own savepoint
so one bad row does not hide the others' problems. The real import commits only when no
row failed, or when the user chose to skip the failed rows. Proof files are copied into the
document store before the transaction and published only after its commit.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from aapdesk.domain.exits import ExitInput, ExitType
from aapdesk.domain.imports import (
    KINDS,
    ImportKind,
    ParsedRow,
    RowProblem,
    duplicate_keys,
    find_header_row,
    mapping_to_save,
    missing_required,
    normalise_header,
    parse_rows,
    propose_mapping,
)
from aapdesk.domain.participants import ParcoursInput, ParticipantInput, identity_key
from aapdesk.domain.periods import YearMonth
from aapdesk.domain.problems import Problem, ValidationError
from aapdesk.imports.readers import ImportFileError, RawTable, read_table, sheet_names
from aapdesk.services import documents as docs
from aapdesk.services import finances, participants
from aapdesk.services.activity import HoursEdit, save_hours
from aapdesk.services.context import AppContext, journal
from aapdesk.services.exits import record_exit
from aapdesk.storage.documents import StagedFile
from aapdesk.storage.schema import (
    CoutPersonnel,
    Depense,
    Document,
    ImportMapping,
    MonthlyHours,
    Operation,
    Parcours,
    Participant,
    Personnel,
    Sortie,
)

CREATED, UPDATED, SKIPPED, UNCHANGED = "création", "mise à jour", "ignorée", "sans changement"
#: A personnel line without a function: the most common role of the people whose time is charged.
DEFAULT_FUNCTION = "referent"


@dataclass(frozen=True)
class ImportFile:
    """A file read and understood: its header row, data rows and the proposed column mapping."""

    kind: ImportKind
    path: Path
    table: RawTable
    header_row: int  # as the user sees it in the spreadsheet
    headers: tuple[str, ...]
    rows: tuple[tuple[int, tuple[Any, ...]], ...]
    mapping: dict[int, str]
    mapping_name: str | None = None

    @property
    def missing(self) -> list[str]:
        return [f.label for f in missing_required(self.kind, self.mapping)]

    def with_mapping(self, mapping: Mapping[int, str]) -> ImportFile:
        return replace(self, mapping=dict(sorted(mapping.items())))


@dataclass(frozen=True)
class ImportAction:
    row: int
    action: str  # CREATED, UPDATED, UNCHANGED or SKIPPED
    description: str


@dataclass(frozen=True)
class ImportReport:
    kind: ImportKind
    actions: tuple[ImportAction, ...]
    problems: tuple[RowProblem, ...]
    applied: bool
    dry_run: bool
    documents: int = 0

    def count(self, action: str) -> int:
        return sum(1 for a in self.actions if a.action == action)

    @property
    def created(self) -> int:
        return self.count(CREATED)

    @property
    def updated(self) -> int:
        return self.count(UPDATED)

    @property
    def skipped(self) -> int:
        return self.count(SKIPPED)

    @property
    def rows_in_error(self) -> list[int]:
        return sorted({p.row for p in self.problems if p.row is not None})

    @property
    def blocked(self) -> bool:
        """Nothing was written because of problems (a dry run is never "blocked", just not applied)."""
        return not self.dry_run and not self.applied

    def summary(self) -> str:
        """One French sentence: what the import did (or would do), and what stops it."""
        parts = [f"{self.created} création(s)", f"{self.updated} mise(s) à jour"]
        if self.count(UNCHANGED):
            parts.append(f"{self.count(UNCHANGED)} ligne(s) déjà à jour")
        if self.documents:
            parts.append(f"{self.documents} pièce(s) jointe(s)")
        errors = len(self.rows_in_error) or len(self.problems)
        if self.dry_run:
            text = f"Aperçu – {self.kind.label} : " + ", ".join(parts)
            if self.problems:
                text += (f" ; {errors} ligne(s) en erreur, à corriger dans le fichier ou à laisser de côté "
                         "(case à cocher)")
            return text + ". Rien n'est encore écrit."
        if self.blocked:
            return (f"Rien n'a été importé : {errors} ligne(s) en erreur. Corrigez le fichier, ou choisissez de "
                    "laisser de côté les lignes en erreur.")
        text = f"Import terminé – {self.kind.label} : " + ", ".join(parts)
        if self.skipped:
            text += f" ; {self.skipped} ligne(s) en erreur laissée(s) de côté"
        return text + "."


# --- opening a file ------------------------------------------------------------------------

def kind_of(code: str) -> ImportKind:
    try:
        return KINDS[code]
    except KeyError:
        raise ValidationError([Problem("type", "type d'import inconnu : " + ", ".join(KINDS))]) from None


def open_import_file(app: AppContext, kind_code: str, path: Path, *, sheet: str | None = None,
                     delimiter: str | None = None, encoding: str | None = None,
                     mapping_name: str | None = None) -> ImportFile:
    """Read ``path`` (xlsx, xlsm or csv) for ``kind_code``; raises ValidationError with a French message."""
    kind = kind_of(kind_code)
    path = Path(path)
    try:
        if sheet is None and path.suffix.lower() in (".xlsx", ".xlsm"):
            sheet = next((s for s in sheet_names(path) if normalise_header(s) == kind.code), None)
        table = read_table(path, sheet=sheet, delimiter=delimiter, encoding=encoding)
        if sheet is not None and table.format == "csv":
            raise ImportFileError("ce fichier est un CSV : il n'a pas de feuilles, ne précisez pas de feuille")
    except ImportFileError as exc:
        raise ValidationError([Problem("fichier", str(exc))]) from None
    except OSError:
        raise ValidationError([Problem("fichier", "fichier introuvable ou illisible")]) from None
    values = [r.values for r in table.rows]
    if not values:
        raise ValidationError([Problem("fichier", "le fichier ne contient aucune ligne")])
    index = find_header_row(values, kind)
    headers = tuple("" if v is None else str(v).strip() for v in values[index])
    saved = load_mapping(app, kind.code, mapping_name) if mapping_name else None
    mapping = propose_mapping(headers, kind, saved)
    rows = tuple((r.number, tuple(r.values)) for r in table.rows[index + 1:])
    return ImportFile(kind, path, table, table.rows[index].number, headers, rows, mapping, mapping_name)


# --- saved mappings -----------------------------------------------------------------------

def save_mapping(app: AppContext, kind_code: str, name: str, file: ImportFile) -> None:
    name = " ".join(name.split())
    if not name:
        raise ValidationError([Problem("nom", "donnez un nom à cette correspondance de colonnes")])
    columns = json.dumps(mapping_to_save(file.headers, file.mapping), ensure_ascii=False, sort_keys=True)
    now = app.now()
    with app.transaction() as session:
        row = session.scalar(select(ImportMapping).where(ImportMapping.kind == kind_code, ImportMapping.nom == name[:80]))
        if row is None:
            row = ImportMapping(kind=kind_code, nom=name[:80])
            session.add(row)
        row.colonnes, row.updated_at = columns, now
        session.flush()
        journal(session, now, "modification", "correspondance_import", row.id, details=kind_code)


def load_mapping(app: AppContext, kind_code: str, name: str) -> dict[str, str]:
    with app.reading() as session:
        text = session.scalar(select(ImportMapping.colonnes).where(ImportMapping.kind == kind_code,
                                                                   ImportMapping.nom == name))
    if text is None:
        names = ", ".join(list_mappings(app, kind_code)) or "aucune"
        raise ValidationError([Problem("correspondance", f"correspondance inconnue (enregistrées : {names})")])
    return dict(json.loads(text))


def list_mappings(app: AppContext, kind_code: str) -> list[str]:
    with app.reading() as session:
        return list(session.scalars(select(ImportMapping.nom).where(ImportMapping.kind == kind_code)
                                    .order_by(ImportMapping.nom)))


def delete_mapping(app: AppContext, kind_code: str, name: str) -> None:
    with app.transaction() as session:
        row = session.scalar(select(ImportMapping).where(ImportMapping.kind == kind_code, ImportMapping.nom == name))
        if row is not None:
            session.delete(row)


# --- running an import --------------------------------------------------------------------

class _RollBack(Exception):
    """Leaves the import's transaction without committing (preview, or problems)."""


@dataclass
class _Run:
    app: AppContext
    file: ImportFile
    operation: Operation
    session: Session
    dry_run: bool
    documents: int = 0
    #: rows whose proof file was recorded: only those staged files are published
    attached: set[int] = field(default_factory=set)
    problems: list[RowProblem] = field(default_factory=list)
    actions: list[ImportAction] = field(default_factory=list)
    #: participant key -> participant id, filled as rows create people
    people: dict[tuple[str, Any], int] = field(default_factory=dict)
    #: the operation's parcours by participant, for the kinds that only read them (hours)
    parcours_by_person: dict[int, list[Parcours]] | None = None

    def column(self, name: str) -> str:
        """The header the user wrote for this field, else the field's French label."""
        index = next((i for i, n in self.file.mapping.items() if n == name), None)
        if index is not None and index < len(self.file.headers) and self.file.headers[index]:
            return self.file.headers[index]
        return _LABELS.get(name, "")

    def error_rows(self) -> set[int | None]:
        return {p.row for p in self.problems}


def run_import(app: AppContext, file: ImportFile, operation_id: int, *, dry_run: bool,
               skip_errors: bool = False) -> ImportReport:
    """Preview (``dry_run``) or import ``file`` into the operation; all or nothing.

    With ``skip_errors`` the rows with problems are left out and the others imported; without it,
    any problem leaves the database untouched.
    """
    kind = file.kind
    missing = file.missing
    if missing:
        problem = RowProblem(file.header_row, "", "colonnes obligatoires non reconnues : " + ", ".join(missing)
                             + " (associez-les dans la correspondance des colonnes)")
        return ImportReport(kind, (), (problem,), applied=False, dry_run=dry_run)
    parsed = parse_rows(kind, file.headers, file.rows, file.mapping, date1904=file.table.date1904)
    _flag_duplicates(kind.code, parsed)
    staged_by_row: dict[int, StagedFile] = {}
    try:
        with app.transaction() as session:
            op = session.get(Operation, operation_id)
            if op is None:
                raise ValidationError([Problem("operation", "opération introuvable")])
            run = _Run(app, file, op, session, dry_run)
            for row in parsed:
                run.problems.extend(row.problems)
            if not dry_run:
                staged_by_row = _stage_documents(run, parsed)
            else:
                _check_documents(run, parsed)
            apply = _APPLY[kind.code]
            failed = run.error_rows()
            apply(run, [r for r in parsed if r.number not in failed], staged_by_row)
            failed, done = run.error_rows(), {a.row for a in run.actions}
            run.actions += [ImportAction(r.number, SKIPPED, "ligne en erreur") for r in parsed
                            if r.number in failed and r.number not in done]
            run.actions.sort(key=lambda a: a.row)
            if dry_run or (run.problems and not skip_errors):
                raise _RollBack
            journal(session, app.now(), "import", kind.code, None, operation_id=operation_id,
                    details=f"{sum(1 for a in run.actions if a.action == CREATED)} créations, "
                            f"{sum(1 for a in run.actions if a.action == UPDATED)} mises à jour")
    except _RollBack:
        for staged in staged_by_row.values():
            docs.store(app).discard(staged)
        applied = False
    except BaseException:
        for staged in staged_by_row.values():
            docs.store(app).discard(staged)
        raise
    else:
        # staged copies are named by content: publish every recorded one before discarding the others
        published = set()
        for number, staged in staged_by_row.items():
            if number in run.attached and staged.sha256 not in published:
                docs.store(app).publish(staged)
                published.add(staged.sha256)
        for staged in staged_by_row.values():
            if staged.sha256 not in published:  # a skipped row, or a file already attached to that record
                docs.store(app).discard(staged)
        applied = True
    return ImportReport(kind, tuple(run.actions), tuple(run.problems), applied=applied, dry_run=dry_run,
                        documents=run.documents)


def _flag_duplicates(kind_code: str, parsed: list[ParsedRow]) -> None:
    """Two rows of the file writing the same thing: the later ones are refused (the import would be order-dependent)."""
    keys: dict[str, Callable[[ParsedRow], Any]] = {
        "participants": lambda r: r.participant_key and (r.participant_key, r.values.get("date_entree")),
        "heures": lambda r: r.participant_key and (r.participant_key, r.values.get("mois")),
        "sorties": lambda r: r.participant_key and (r.participant_key, r.values.get("date_sortie")),
        "personnel": lambda r: (identity_key(r.values.get("nom") or "", r.values.get("prenom") or "", None),
                                r.values.get("mois")) if r.values.get("mois") else None,
    }
    key = keys.get(kind_code)
    if key is None:
        return
    by_number = {r.number: r for r in parsed}
    for numbers in duplicate_keys([r for r in parsed if not r.problems], key).values():
        for number in numbers[1:]:
            by_number[number].problems.append(RowProblem(number, "", f"même ligne que la ligne {numbers[0]} (doublon dans le fichier)"))


def _problems_of(run: _Run, number: int, error: ValidationError) -> None:
    for p in error.problems:
        run.problems.append(RowProblem(number, run.column(p.field), p.message))


#: Every field's French label, to name a column the file does not have (a service's message about it).
_LABELS = {spec.name: spec.label for kind in KINDS.values() for spec in kind.fields}


def _in_savepoint(run: _Run, number: int, action: Callable[[], tuple[str, str] | None]) -> None:
    """Run one row's writes in a savepoint: a refused row is undone alone, its problems kept."""
    try:
        with run.session.begin_nested():
            result = action()
    except ValidationError as error:
        _problems_of(run, number, error)
        return
    except LookupError as error:
        run.problems.append(RowProblem(number, "", str(error)))
        return
    if result is not None:
        run.actions.append(ImportAction(number, *result))


# --- documents ----------------------------------------------------------------------------

def _document_path(run: _Run, row: ParsedRow) -> Path | None:
    name = row.values.get("piece")
    if not name:
        return None
    path = Path(name.replace("\\", "/"))
    return path if path.is_absolute() else run.file.path.parent / path


def _check_documents(run: _Run, parsed: list[ParsedRow]) -> None:
    for row in parsed:
        path = _document_path(run, row)
        if path is not None and not path.is_file():
            run.problems.append(RowProblem(row.number, run.column("piece"), "fichier de la pièce introuvable"))


def _stage_documents(run: _Run, parsed: list[ParsedRow]) -> dict[int, StagedFile]:
    staged: dict[int, StagedFile] = {}
    for row in parsed:
        path = _document_path(run, row)
        if path is None or row.problems:
            continue
        if not path.is_file():
            run.problems.append(RowProblem(row.number, run.column("piece"), "fichier de la pièce introuvable"))
            continue
        try:
            staged[row.number] = docs.stage_file(run.app, path)
        except ValidationError as error:
            run.problems.append(RowProblem(row.number, run.column("piece"), error.problems[0].message))
    return staged


def _attach(run: _Run, row: ParsedRow, staged: Mapping[int, StagedFile], nature: str, **owner: int) -> None:
    file = staged.get(row.number)
    if file is None:
        return
    owner_column = getattr(Document, next(iter(owner)))
    already = run.session.scalar(select(Document.id).where(owner_column == next(iter(owner.values())),
                                                           Document.sha256 == file.sha256))
    if already is None:
        docs.add_document_row(run.session, file, run.app.now(), nature=nature, **owner)
        run.documents += 1
        run.attached.add(row.number)


# --- participants --------------------------------------------------------------------------

def _find_person(run: _Run, key: tuple[str, Any] | None) -> int | None:
    if key is None:
        return None
    if key in run.people:
        return run.people[key]
    kind, value = key
    if kind == "id":
        pid = run.session.scalar(select(Participant.id).where(Participant.id_externe == value))
    else:
        pid = None
        for candidate, nom, prenom in run.session.execute(
                select(Participant.id, Participant.nom, Participant.prenom)
                .where(Participant.date_naissance == value[2])):
            if identity_key(nom, prenom, value[2]) == value:
                pid = candidate
                break
    if pid is not None:
        run.people[key] = pid
    return pid


_PERSON_FIELDS = ("nom", "prenom", "sexe", "date_naissance", "brsa", "rqth", "niveau_formation", "commune",
                  "code_postal", "zone", "qpv", "territoire", "prescripteur", "id_externe")


def _write_participant(run: _Run, row: ParsedRow, staged: Mapping[int, StagedFile]) -> tuple[str, str]:
    app, op, v = run.app, run.operation, row.values
    pid = _find_person(run, row.participant_key)
    if pid is None and v.get("id_externe"):  # known by identity, without an external id yet
        pid = _find_person(run, ("identite", identity_key(v["nom"], v["prenom"], v["date_naissance"])))
    parcours = ParcoursInput(v.get("date_entree"), v.get("date_orientation"), v.get("date_sortie"), v.get("referent"))
    label = f"{v['nom'].upper()} {v['prenom']}"
    if pid is None:
        data = ParticipantInput(**{f: v.get(f) for f in _PERSON_FIELDS} | {
            "sexe": v.get("sexe") or "", "brsa": bool(v.get("brsa")), "rqth": bool(v.get("rqth")),
            "qpv": bool(v.get("qpv"))})
        pid = participants.create_participant(app, data, op.id, parcours)
        run.people[row.participant_key] = pid  # type: ignore[index]
        return CREATED, f"{label} : nouvelle personne, parcours du {_d(parcours.date_entree)}"
    current = participants.get_participant(app, pid)
    old = current.data
    if old.id_externe and v.get("id_externe") and old.id_externe != v["id_externe"]:
        raise ValidationError([Problem("id_externe", "cette personne a déjà un autre identifiant externe")])
    # an empty cell changes nothing: an import never erases what was typed in aapdesk
    merged = replace(old, **{f: v[f] for f in _PERSON_FIELDS if v.get(f) is not None})
    person_changed = merged.normalised() != old.normalised()
    if person_changed:
        participants.update_participant(app, pid, merged)
    same = next((p for p in current.parcours if p.operation_id == op.id and p.date_entree == parcours.date_entree), None)
    if same is None:
        participants.add_parcours(app, pid, op.id, parcours)
        return UPDATED, f"{label} : nouveau parcours du {_d(parcours.date_entree)}"
    new = ParcoursInput(same.date_entree, parcours.date_orientation or same.date_orientation,
                        parcours.date_sortie or same.date_sortie, parcours.referent or same.referent)
    if (new.date_orientation, new.date_sortie, new.referent) != (same.date_orientation, same.date_sortie, same.referent):
        participants.update_parcours(app, same.id, new)
        return UPDATED, f"{label} : parcours du {_d(same.date_entree)} mis à jour"
    return (UPDATED, f"{label} : fiche mise à jour") if person_changed else (UNCHANGED, f"{label} : déjà à jour")


def _d(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else "?"


# --- heures -------------------------------------------------------------------------------

def _parcours_of(run: _Run, row: ParsedRow, day: date, *, month: YearMonth | None = None) -> Parcours:
    """The participant's parcours in this operation covering ``day`` (or any day of ``month``)."""
    pid = _find_person(run, row.participant_key)
    if pid is None:
        raise ValidationError([Problem("", "personne inconnue dans aapdesk : importez d'abord les participants")])
    start, end = (month.first_day, month.last_day) if month else (day, day)
    if run.parcours_by_person is None:  # loaded once per import: a file may hold thousands of rows
        run.parcours_by_person = {}
        for p in run.session.scalars(select(Parcours).where(Parcours.operation_id == run.operation.id)):
            run.parcours_by_person.setdefault(p.participant_id, []).append(p)
    candidates = [p for p in run.parcours_by_person.get(pid, [])
                  if p.date_entree <= end and (p.date_sortie is None or p.date_sortie >= start)]
    if not candidates:
        raise ValidationError([Problem("", "cette personne n'a pas de parcours dans l'opération à cette date")])
    return max(candidates, key=lambda p: p.date_entree)


def _apply_hours(run: _Run, rows: list[ParsedRow], staged: Mapping[int, StagedFile]) -> None:
    """All rows in one call of the hours service, which loads the operation once (rows by row would
    load it once per row); the lines it refuses are left out and the others written again."""
    edits: list[tuple[ParsedRow, HoursEdit, bool]] = []
    months_there = set(run.session.execute(
        select(MonthlyHours.parcours_id, MonthlyHours.mois).join(Parcours, Parcours.id == MonthlyHours.parcours_id)
        .where(Parcours.operation_id == run.operation.id)).tuples())
    for row in rows:
        v = row.values
        if v.get("heures_mad") is None and v.get("heures_accompagnement") is None:
            run.actions.append(ImportAction(row.number, UNCHANGED, "aucune heure sur la ligne"))
            continue
        try:
            parcours = _parcours_of(run, row, v["mois"].first_day, month=v["mois"])
        except ValidationError as error:
            _problems_of(run, row.number, error)
            continue
        existing = (parcours.id, v["mois"].first_day) in months_there
        edits.append((row, HoursEdit(parcours.id, v["mois"], v.get("heures_mad"), v.get("heures_accompagnement"),
                                     line=row.number), existing))
    while edits:
        try:
            with run.session.begin_nested():
                save_hours(run.app, run.operation.id, [e for _, e, _ in edits])
        except ValidationError as error:
            # the service names each refused edit "ligne N, mois" (its ``line``: the file's row number)
            failed = set()
            for p in error.problems:
                number = _line_number(p.field)
                failed.add(number)
                run.problems.append(RowProblem(number, run.column("mois") if number else "", p.message))
            if not failed - {None}:
                return
            edits = [e for e in edits if e[0].number not in failed]
            continue
        for row, edit, existing in edits:
            run.actions.append(ImportAction(row.number, UPDATED if existing else CREATED,
                                            f"{edit.month.label} : heures enregistrées"))
        return


def _line_number(where: str) -> int | None:
    if where.startswith("ligne "):
        digits = where[6:].split(",")[0]
        return int(digits) if digits.isdigit() else None
    return None


# --- sorties ------------------------------------------------------------------------------

def _write_exit(run: _Run, row: ParsedRow, staged: Mapping[int, StagedFile]) -> tuple[str, str]:
    v = row.values
    parcours = _parcours_of(run, row, v["date_sortie"])
    existed = run.session.scalar(select(Sortie.id).where(Sortie.parcours_id == parcours.id)) is not None
    data = ExitInput(ExitType(v["type_sortie"]), v.get("duree_contrat_mois"), bool(v.get("contrat_aide")),
                     v.get("employeur") or "", v.get("commentaire") or "")
    sortie_id = record_exit(run.app, parcours.id, v["date_sortie"], data)
    _attach(run, row, staged, "preuve", sortie_id=sortie_id)
    return (UPDATED if existed else CREATED), f"sortie du {_d(v['date_sortie'])} ({v['type_sortie']})"


# --- dépenses -----------------------------------------------------------------------------

def _write_expense(run: _Run, row: ParsedRow, staged: Mapping[int, StagedFile]) -> tuple[str, str]:
    v = row.values
    data = finances.ExpenseInput(v["date"], v["categorie"], v["libelle"], v["montant"], v.get("fournisseur") or "",
                                 v.get("numero_piece") or "", v.get("date_paiement"))
    existing = _same_expense(run, data)
    unchanged = False
    if existing is not None:
        unchanged = (existing.categorie, existing.fournisseur or "", existing.date_paiement) == (
            data.categorie, data.fournisseur, data.date_paiement) and existing.libelle == data.libelle.strip()
        data = replace(data, date_paiement=data.date_paiement or existing.date_paiement)
    expense_id = finances.save_expense(run.app, run.operation.id, data, existing.id if existing else None)
    _attach(run, row, staged, "facture", depense_id=expense_id)
    action = CREATED if existing is None else UNCHANGED if unchanged else UPDATED
    return action, f"dépense du {_d(data.date)}"


def _same_expense(run: _Run, data: finances.ExpenseInput) -> Depense | None:
    """The expense this row describes again: same date and amount, and same piece number (else same label)."""
    candidates = run.session.scalars(select(Depense).where(Depense.operation_id == run.operation.id,
                                                           Depense.date == data.date, Depense.montant == data.montant))
    for expense in candidates:
        if data.numero_piece.strip():
            if (expense.numero_piece or "") == data.numero_piece.strip():
                return expense
        elif expense.libelle == data.libelle.strip():
            return expense
    return None


# --- personnel ----------------------------------------------------------------------------

def _write_staff(run: _Run, row: ParsedRow, staged: Mapping[int, StagedFile]) -> tuple[str, str]:
    v = row.values
    wanted = identity_key(v["nom"], v["prenom"], None)
    person = next((p for p in run.session.scalars(select(Personnel).where(Personnel.operation_id == run.operation.id))
                   if identity_key(p.nom, p.prenom, None) == wanted), None)
    taux = v.get("taux_affectation")
    if person is None:
        staff_id = finances.save_staff(run.app, run.operation.id, finances.StaffInput(
            v["nom"], v["prenom"], v.get("fonction") or DEFAULT_FUNCTION,
            taux_affectation_pct=taux if taux is not None else Decimal(100)))
    else:
        staff_id = person.id
        if v.get("fonction") and v["fonction"] != person.fonction:
            finances.save_staff(run.app, run.operation.id, finances.StaffInput(
                person.nom, person.prenom, v["fonction"], person.contrat, person.etp,
                person.taux_affectation_pct, person.justification), staff_id)
    existed = run.session.scalar(select(CoutPersonnel.id).where(
        CoutPersonnel.personnel_id == staff_id, CoutPersonnel.mois == v["mois"].first_day)) is not None
    finances.save_staff_costs(run.app, run.operation.id, [finances.StaffCostInput(staff_id, v["mois"], v["cout_charge"], taux)])
    return (UPDATED if existed else CREATED), f"{v['nom'].upper()} {v['prenom']} : {v['mois'].label}"


RowWriter = Callable[[_Run, ParsedRow, Mapping[int, StagedFile]], tuple[str, str]]


def _row_by_row(write: RowWriter) -> Callable[[_Run, list[ParsedRow], Mapping[int, StagedFile]], None]:
    """Each row through ``write`` in its own savepoint: a refused row is undone alone, its problems kept."""
    def apply(run: _Run, rows: list[ParsedRow], staged: Mapping[int, StagedFile]) -> None:
        for row in rows:
            _in_savepoint(run, row.number, lambda row=row: write(run, row, staged))  # type: ignore[misc]
    return apply


_APPLY: dict[str, Callable[[_Run, list[ParsedRow], Mapping[int, StagedFile]], None]] = {
    "participants": _row_by_row(_write_participant),
    "heures": _apply_hours,
    "sorties": _row_by_row(_write_exit),
    "depenses": _row_by_row(_write_expense),
    "personnel": _row_by_row(_write_staff),
}


# --- template and export ------------------------------------------------------------------

def write_template(app: AppContext, dest: Path, operation_id: int | None = None) -> Path:
    """The import workbook, empty or (with ``operation_id``) filled with that operation's data."""
    from aapdesk.files import write_atomically
    from aapdesk.reports.import_template import write_import_workbook

    rows = export_rows(app, operation_id) if operation_id is not None else None
    intro = "Modèle d'import aapdesk : une feuille par type de données ; la 2e ligne explique chaque colonne."
    path = write_atomically(Path(dest), lambda handle: write_import_workbook(handle, list(KINDS.values()), rows,
                                                                               intro=intro))
    with app.transaction() as session:
        journal(session, app.now(), "export", "modele_import", None, operation_id=operation_id)
    return path


def export_rows(app: AppContext, operation_id: int) -> dict[str, list[list[Any]]]:
    """An operation's data as import rows, in the order of each kind's fields (what the template holds)."""
    with app.reading() as session:
        op = session.get(Operation, operation_id)
        if op is None:
            raise LookupError("opération introuvable")
        parcours = list(session.scalars(select(Parcours).where(Parcours.operation_id == operation_id)
                                        .order_by(Parcours.date_entree, Parcours.id)))
        people = {p.id: p for p in session.scalars(select(Participant).where(
            Participant.id.in_({p.participant_id for p in parcours})))}

        def key(p: Parcours) -> list[Any]:
            person = people[p.participant_id]
            return [person.id_externe, person.nom, person.prenom, person.date_naissance]

        out: dict[str, list[list[Any]]] = {code: [] for code in KINDS}
        for p in parcours:
            person = people[p.participant_id]
            out["participants"].append([
                person.id_externe, person.nom, person.prenom, person.sexe, person.date_naissance, person.brsa,
                person.rqth, person.niveau_formation, person.commune, person.code_postal, person.zone, person.qpv,
                person.territoire, person.prescripteur, p.date_orientation, p.date_entree, p.date_sortie, p.referent])
        by_id = {p.id: p for p in parcours}
        for hours in session.scalars(select(MonthlyHours).where(MonthlyHours.parcours_id.in_(by_id))
                                     .order_by(MonthlyHours.parcours_id, MonthlyHours.mois)):
            out["heures"].append(key(by_id[hours.parcours_id]) + [
                YearMonth.of(hours.mois), hours.heures_mad, hours.heures_accompagnement])
        for sortie in session.scalars(select(Sortie).where(Sortie.parcours_id.in_(by_id))):
            p = by_id[sortie.parcours_id]
            if sortie.type_sortie is None or p.date_sortie is None:
                continue
            out["sorties"].append(key(p) + [p.date_sortie, sortie.type_sortie, sortie.duree_contrat_mois,
                                            sortie.contrat_aide, sortie.employeur, sortie.commentaire, None])
        for expense in session.scalars(select(Depense).where(Depense.operation_id == operation_id)
                                       .order_by(Depense.date, Depense.id)):
            out["depenses"].append([expense.date, expense.categorie, expense.fournisseur, expense.numero_piece,
                                    expense.libelle, expense.montant, expense.date_paiement, None])
        for person in session.scalars(select(Personnel).where(Personnel.operation_id == operation_id)
                                      .order_by(Personnel.nom, Personnel.prenom)):
            for cost in session.scalars(select(CoutPersonnel).where(CoutPersonnel.personnel_id == person.id)
                                        .order_by(CoutPersonnel.mois)):
                out["personnel"].append([person.nom, person.prenom, person.fonction, YearMonth.of(cost.mois),
                                         cost.cout_charge, cost.taux_affectation_pct])
    return out
