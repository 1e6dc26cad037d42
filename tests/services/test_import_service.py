"""Importing spreadsheets into an operation, end to end on a real database: the template a
person fills, another layout with its mapping saved, the preview that writes nothing, all or
nothing, re-import without duplicates, proofs through the document store, and the demo's own
data exported then imported into a new laptop giving the same indicators."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from aapdesk.domain.imports import KINDS, NOTE_MARK
from aapdesk.domain.problems import ValidationError
from aapdesk.services import documents, imports
from aapdesk.services.activity import hours_grid
from aapdesk.services.context import open_app
from aapdesk.services.demo import build_demo
from aapdesk.services.exits import exits_view
from aapdesk.services.finances import finance_view
from aapdesk.services.operations import (
    OperationInput,
    create_operation,
    get_operation,
    list_operations,
)
from aapdesk.services.participants import list_participant_rows
from aapdesk.services.reporting import indicators
from aapdesk.storage.schema import JournalEntry, Participant

#: Names with every French character people have: the round trip must keep them exactly.
FRENCH_PEOPLE = [
    ("A-001", "N'DIAYE", "Jean-Noël", "M", date(1990, 5, 2)),
    ("A-002", "LECŒUR", "Hélène", "F", date(1985, 11, 30)),
    ("A-003", "ÇELIK", "Ève-Aïcha", "F", date(2001, 2, 14)),
    ("A-004", "D’ALMEIDA « DIT BÉBERT »", "Françoise Ëlise", "F", date(1978, 7, 8)),
    ("A-005", "BŒUF", "Jérôme", "M", date(1999, 12, 31)),
]


@pytest.fixture
def op(app):
    return create_operation(app, OperationInput(code="AI-2025", dispositif_key="62-2024-3.10", debut=date(2025, 1, 1),
                                                fin=date(2025, 12, 31), postes=20, montant=Decimal(46800)))


def template_with(tmp_path: Path, app, sheets: dict[str, list[list]]) -> Path:
    """The real template, filled below its notes row the way a person would."""
    path = imports.write_template(app, tmp_path / "modele.xlsx")
    wb = load_workbook(path)
    for name, rows in sheets.items():
        ws = wb[name]
        for r, values in enumerate(rows, start=3):
            for c, value in enumerate(values, start=1):
                ws.cell(row=r, column=c, value=value)
    filled = tmp_path / "rempli.xlsx"
    wb.save(filled)
    return filled


def participant_rows(people=FRENCH_PEOPLE, entry="06/01/2025"):
    return [[ext, nom, prenom, sexe, birth, "oui", "non", "50", "Arras", "62000", "urbain", "non", "Arrageois",
             "France Travail", None, entry, None, "Claire"] for ext, nom, prenom, sexe, birth in people]


def count(app, model) -> int:
    with app.reading() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_the_template_has_one_sheet_per_kind_headers_notes_and_drop_down_lists(app, tmp_path):
    path = imports.write_template(app, tmp_path / "modele.xlsx")
    wb = load_workbook(path)
    assert [ws.title for ws in wb.worksheets if ws.sheet_state == "visible"] == list(KINDS)
    ws = wb["participants"]
    headers = [c.value for c in ws[1]]
    assert headers[:5] == ["id_externe", "nom*", "prenom*", "sexe*", "date_naissance*"]
    assert all(str(c.value).startswith(NOTE_MARK) for c in ws[2])
    lists = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    assert any(ref.startswith("D3") for ref in lists)  # sexe: F/M
    assert any(ref.startswith("F3") for ref in lists)  # brsa: oui/non
    sorties = {str(dv.sqref) for dv in wb["sorties"].data_validations.dataValidation}
    assert any(ref.startswith("F3") for ref in sorties)  # type_sortie
    assert ws.freeze_panes == "A3"


def test_preview_writes_nothing_then_import_creates_and_reimport_updates_without_duplicates(app, op, tmp_path):
    path = template_with(tmp_path, app, {"participants": participant_rows()})
    file = imports.open_import_file(app, "participants", path)
    assert file.table.sheet == "participants" and file.missing == []

    preview = imports.run_import(app, file, op.id, dry_run=True)
    assert (preview.created, preview.updated, preview.problems) == (5, 0, ())
    assert not preview.applied and not preview.blocked
    assert count(app, Participant) == 0  # a preview writes nothing

    done = imports.run_import(app, file, op.id, dry_run=False)
    assert done.applied and done.created == 5
    rows = list_participant_rows(app, op.id)
    assert sorted((r.nom, r.prenom) for r in rows) == sorted((p[1], p[2]) for p in FRENCH_PEOPLE)
    assert {r.date_entree for r in rows} == {date(2025, 1, 6)}
    assert all(r.brsa and not r.rqth for r in rows)

    again = imports.run_import(app, imports.open_import_file(app, "participants", path), op.id, dry_run=False)
    assert (again.created, again.updated, again.count(imports.UNCHANGED)) == (0, 0, 5)
    assert count(app, Participant) == 5

    # a corrected file updates the person, and an empty cell erases nothing
    changed = participant_rows()
    changed[0][8] = "Lens"
    changed[1][12] = None
    path2 = template_with(tmp_path, app, {"participants": changed})
    update = imports.run_import(app, imports.open_import_file(app, "participants", path2), op.id, dry_run=False)
    assert (update.created, update.updated) == (0, 1)
    by_name = {r.nom: r for r in list_participant_rows(app, op.id)}
    assert by_name["N'DIAYE"].commune == "Lens" and by_name["LECŒUR"].territoire == "Arrageois"


def test_french_names_round_trip_import_database_export_unchanged(app, op, tmp_path):
    imports.run_import(app, imports.open_import_file(app, "participants", template_with(
        tmp_path, app, {"participants": participant_rows()})), op.id, dry_run=False)
    exported = imports.write_template(app, tmp_path / "export.xlsx", op.id)
    ws = load_workbook(exported)["participants"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=3) if row[0].value]
    assert sorted((r[0], r[1], r[2], r[3], r[4].date()) for r in rows) == sorted(FRENCH_PEOPLE)
    # and the export imports back as "nothing to change"
    back = imports.run_import(app, imports.open_import_file(app, "participants", exported), op.id, dry_run=False)
    assert (back.created, back.updated, back.problems) == (0, 0, ())


def test_a_file_with_one_bad_row_imports_nothing_unless_bad_rows_are_skipped(app, op, tmp_path):
    rows = participant_rows()
    rows[2][4] = "31/02/1990"  # impossible birth date on the file's 5th row
    rows[3][3] = None  # sex missing on the 6th
    path = template_with(tmp_path, app, {"participants": rows})
    file = imports.open_import_file(app, "participants", path)
    journal_before = count(app, JournalEntry)
    report = imports.run_import(app, file, op.id, dry_run=False)
    assert report.blocked and not report.applied
    assert report.rows_in_error == [5, 6]
    messages = [str(p) for p in report.problems]
    assert any(m.startswith("ligne 5, colonne « date_naissance* » : date impossible") for m in messages)
    assert any(m.startswith("ligne 6, colonne « sexe* » : valeur obligatoire manquante") for m in messages)
    assert count(app, Participant) == 0 and count(app, JournalEntry) == journal_before

    partial = imports.run_import(app, file, op.id, dry_run=False, skip_errors=True)
    assert partial.applied and (partial.created, partial.skipped) == (3, 2)
    assert count(app, Participant) == 3


def test_a_service_refusal_names_the_row_and_leaves_the_others_alone(app, op, tmp_path):
    rows = participant_rows()
    rows[1][15] = "06/01/2026"  # entry after the operation's end: refused by the participant service
    report = imports.run_import(app, imports.open_import_file(app, "participants", template_with(
        tmp_path, app, {"participants": rows})), op.id, dry_run=True)
    assert report.rows_in_error == [4]
    assert report.created == 4  # the preview still shows what the other rows would do
    assert all(p.row == 4 for p in report.problems)


def test_another_layout_in_a_cp1252_csv_with_semicolons_mapping_saved_and_reused(app, op, tmp_path):
    path = tmp_path / "export-ancien-logiciel.csv"
    with open(path, "w", encoding="cp1252", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["Liste des bénéficiaires – extraction du 10/03/2025"])
        writer.writerow(["N° dossier", "Nom de famille", "Prénoms", "Genre", "Né(e) le", "Allocataire RSA",
                         "Ville", "Date entrée dispositif", "Suivi par"])
        for ext, nom, prenom, sexe, birth in FRENCH_PEOPLE:  # Œ œ ’ « » é ë ç all exist in cp1252
            writer.writerow([ext, nom, prenom, "Femme" if sexe == "F" else "Homme", birth.strftime("%d/%m/%Y"),
                             "Oui", "Arras", "06/01/2025", "Claire"])
    file = imports.open_import_file(app, "participants", path)
    assert (file.table.encoding, file.table.delimiter, file.header_row) == ("cp1252", ";", 2)
    assert file.mapping == {0: "id_externe", 1: "nom", 2: "prenom", 3: "sexe", 4: "date_naissance", 5: "brsa",
                            6: "commune", 7: "date_entree"}
    file = file.with_mapping({**file.mapping, 8: "referent"})  # « Suivi par »: the user completes the mapping
    report = imports.run_import(app, file, op.id, dry_run=False)
    assert report.applied and report.created == 5
    names = {(r.nom, r.prenom) for r in list_participant_rows(app, op.id)}
    assert names == {(p[1], p[2]) for p in FRENCH_PEOPLE}  # no mojibake

    imports.save_mapping(app, "participants", "Ancien logiciel", file)
    assert imports.list_mappings(app, "participants") == ["Ancien logiciel"]
    reopened = imports.open_import_file(app, "participants", path, mapping_name="Ancien logiciel")
    assert reopened.mapping == file.mapping
    with pytest.raises(ValidationError, match="correspondance inconnue"):
        imports.open_import_file(app, "participants", path, mapping_name="Autre")


def test_missing_required_columns_block_the_import_and_are_named(app, op, tmp_path):
    path = tmp_path / "court.csv"
    path.write_text("Nom;Prénom\nDUPONT;Marie\n", encoding="utf-8")
    report = imports.run_import(app, imports.open_import_file(app, "participants", path), op.id, dry_run=False)
    assert report.blocked
    assert "Sexe" in str(report.problems[0]) and "Date d'entrée" in str(report.problems[0])


def test_hours_exits_with_proofs_expenses_and_staff(app, op, tmp_path):
    imports.run_import(app, imports.open_import_file(app, "participants", template_with(
        tmp_path, app, {"participants": participant_rows()})), op.id, dry_run=False)
    proofs = tmp_path / "preuves"
    proofs.mkdir()
    (proofs / "contrat.pdf").write_bytes(b"%PDF-1.4 contrat de travail")
    (proofs / "facture.pdf").write_bytes(b"%PDF-1.4 facture")
    sheets = {
        "heures": [["A-001", None, None, None, "2025-01", "35,5", "2"],
                   [None, "n'diaye", "jean noel", date(1990, 5, 2), "2025-02", 40, "3h30"],  # found by identity
                   ["A-002", None, None, None, date(2025, 1, 20), 12, None]],
        "sorties": [["A-003", None, None, None, "28/02/2025", "CDI", None, None, "Boulangerie Martin", None,
                     "preuves/contrat.pdf"]],
        "depenses": [["15/01/2025", "fonctionnement", "Bureau Vallée", "F-2025-001", "Fournitures", "1 234,56",
                      "20/01/2025", "preuves/facture.pdf"]],
        "personnel": [["MARTIN", "Claire", "CIP", "2025-01", "2 850,00", "80 %"],
                      ["MARTIN", "Claire", "CIP", "2025-02", 2850, 0.8]],
    }
    path = template_with(tmp_path, app, sheets)
    for kind in ("heures", "sorties", "depenses", "personnel"):
        report = imports.run_import(app, imports.open_import_file(app, kind, path), op.id, dry_run=False)
        assert report.applied and report.problems == (), (kind, [str(p) for p in report.problems])

    grid = hours_grid(app, op.id, date(2025, 3, 15))
    assert grid.totals.mad == Decimal("87.5") and grid.totals.accompagnement == Decimal("5.5")
    view = exits_view(app, op.id, date(2025, 3, 15))
    (row,) = view.rows
    assert (row.type.value, row.date_sortie, row.missing_proof) == ("CDI", date(2025, 2, 28), False)
    money = finance_view(app, op.id, date(2025, 3, 15))
    (expense,) = money.expenses
    assert (expense.montant, expense.categorie, expense.numero_piece, expense.invoices) == (
        Decimal("1234.56"), "fonctionnement", "F-2025-001", 1)
    assert money.direct["personnel"] == Decimal("4560.00")  # 2 × 2 850 × 80 %
    assert len(documents.list_documents(app, sortie_id=row.sortie_id)) == 1

    # the same file again: updates, no second expense, no second proof
    for kind in ("heures", "sorties", "depenses", "personnel"):
        report = imports.run_import(app, imports.open_import_file(app, kind, path), op.id, dry_run=False)
        assert report.created == 0 and report.documents == 0, kind
    assert len(finance_view(app, op.id, date(2025, 3, 15)).expenses) == 1
    assert finance_view(app, op.id, date(2025, 3, 15)).expenses[0].invoices == 1
    assert len(documents.list_documents(app, sortie_id=row.sortie_id)) == 1
    assert documents.verify_documents(app) == []  # nothing missing, altered or orphaned in the store


def test_hours_for_an_unknown_person_or_outside_the_parcours_are_refused_by_row(app, op, tmp_path):
    imports.run_import(app, imports.open_import_file(app, "participants", template_with(
        tmp_path, app, {"participants": participant_rows()})), op.id, dry_run=False)
    path = template_with(tmp_path, app, {"heures": [
        ["Z-999", None, None, None, "2025-01", 10, None],  # nobody
        ["A-001", None, None, None, "2024-12", 10, None],  # before the entry
        ["A-001", None, None, None, "2025-01", 10, None],
        ["A-001", None, None, None, "2025-01", 12, None],  # same month twice in the file
    ]})
    report = imports.run_import(app, imports.open_import_file(app, "heures", path), op.id, dry_run=False)
    assert report.blocked and report.rows_in_error == [3, 4, 6]
    assert hours_grid(app, op.id, date(2025, 3, 15)).totals.mad == 0


def test_a_refused_file_leaves_the_database_untouched(app, op, tmp_path):
    path = tmp_path / "programme.xlsx"
    path.write_bytes(b"MZ" + bytes(5000))
    before = count(app, JournalEntry)
    with pytest.raises(ValidationError) as exc:
        imports.open_import_file(app, "participants", path)
    assert exc.value.problems[0].field == "fichier"
    assert count(app, JournalEntry) == before


def test_demo_data_exported_then_imported_on_a_new_laptop_gives_the_same_indicators(app, tmp_path, clock):
    build_demo(app, participants=40, seed=7)
    source = next(o for o in list_operations(app) if o.code.startswith("AI-"))
    workbook = imports.write_template(app, tmp_path / "export.xlsx", source.id)

    other = open_app(str(tmp_path / "nouveau-portable"), clock=clock)
    try:
        row = get_operation(app, source.id)
        target = create_operation(other, OperationInput(
            code=row.code, dispositif_key=row.dispositif_key, debut=row.debut, fin=row.fin, places=row.places,
            postes=row.postes, etp=row.etp, montant=row.montant, zone_defaut=row.zone_defaut,
            territoires=row.territoires))
        for kind in KINDS:
            report = imports.run_import(other, imports.open_import_file(other, kind, workbook), target.id, dry_run=False)
            assert report.applied and report.problems == (), (kind, [str(p) for p in report.problems][:5])
        before, after = indicators(app, source.id), indicators(other, target.id)
        for key in ("participants", "file_active", "taux_occupation", "mois_accompagnement", "heures", "depenses"):
            assert after[key] == before[key], key
        same_exits = {k: v for k, v in before["sorties"].items() if k != "pieces_manquantes"}
        assert {k: v for k, v in after["sorties"].items() if k != "pieces_manquantes"} == same_exits
    finally:
        other.db.close(clock(), backup=False)
