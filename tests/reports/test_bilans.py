"""Bilan d'exécution and bilan pédagogique on the demo (as of 15/03/2025): the files say what the
Finances, Sorties and Activité views say, drafts appear with their bullets, empty sections say
« À compléter », and no text reaches an xlsx cell as a formula."""

from __future__ import annotations

import shutil
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from aapdesk.domain.exits import ExitCategory
from aapdesk.formatting import format_date, format_money, format_percent
from aapdesk.paths import DB_FILENAME
from aapdesk.reports.bilan_execution import build_bilan_execution
from aapdesk.reports.bilan_pedagogique import TO_COMPLETE, parse_narrative
from aapdesk.reports.model import Report, Table
from aapdesk.services import activity, bilan_sections, exits, finances
from aapdesk.services.context import open_app
from aapdesk.services.demo import build_demo
from aapdesk.services.operations import get_operation
from aapdesk.services.report_registry import ReportRequest, available_reports, generate
from aapdesk.services.reporting import participants_counts
from aapdesk.services.reports_bilans import bilan_execution_data, bilan_pedagogique_data

NOW = datetime(2025, 3, 15, 10, 0)
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _open(folder: Path):
    return open_app(str(folder), clock=lambda: NOW)


def _copy(source: Path, dest: Path) -> Path:
    dest.mkdir(parents=True)
    shutil.copy2(source / DB_FILENAME, dest / DB_FILENAME)
    shutil.copytree(source / "documents", dest / "documents")
    return dest


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("demo-bilans")
    app = _open(folder)
    build_demo(app)
    app.db.close(NOW, backup=False)
    return folder


@pytest.fixture(scope="module")
def demo(demo_dir, tmp_path_factory):
    app = _open(_copy(demo_dir, tmp_path_factory.mktemp("bilans-read") / "donnees"))
    yield app
    app.db.close(NOW, backup=False)


@pytest.fixture
def demo_copy(demo_dir, tmp_path):
    app = _open(_copy(demo_dir, tmp_path / "donnees"))
    yield app
    app.db.close(NOW, backup=False)


def _text(path: Path) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(str(path)).pages)
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())


def _plain(text: str) -> str:
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())


def _table(report: Report, title: str) -> Table:
    return next(t for s in report.sections for t in s.tables if t.title == title)


def _rows(table: Table) -> dict[str, list]:
    return {row[0].value: [c.value for c in row] for row in table.rows}


def test_bilans_are_registered():
    specs = {spec.name: spec for spec in available_reports()}
    assert specs["bilan-execution"].formats == ("xlsx", "pdf")
    assert specs["bilan-pedagogique"].formats == ("pdf",)


# --- bilan d'exécution ------------------------------------------------------------------

@pytest.mark.parametrize("code", ["AI-2024", "ACCOMP-2025", "REF-SP-2025", "IOD-NORD-2021"])
def test_bilan_execution_figures_equal_the_finance_and_exit_views(demo, code):
    op = get_operation(demo, code)
    report = build_bilan_execution(bilan_execution_data(demo, op.id))
    money = finances.finance_view(demo, op.id)
    view = exits.exits_view(demo, op.id)

    recap = _table(report, "Récapitulatif des dépenses : prévu et réalisé")
    rows = _rows(recap)
    for budget in money.budget:
        assert rows[budget.label][3:5] == [budget.prevu, budget.realise], budget.label
    assert rows["Charges indirectes"][4] == money.indirect.amount
    assert rows["Total des dépenses directes"][4] == sum(money.direct.values(), Decimal(0))
    assert recap.total[4].value == money.total_eligible
    assert money.indirect.explanation in recap.note

    staff = _table(report, "Personnel affecté à l'opération")
    assert staff.total[8].value == money.direct["personnel"] == sum((s.eligible for s in money.staff), Decimal(0))
    monthly = _table(report, "Salaires mois par mois")
    assert len(monthly.rows) == sum(len(s.months) for s in money.staff)

    resources = _table(report, "Récapitulatif des ressources")
    assert resources.total[3].value == sum((r.recu for r in money.resources), Decimal(0))

    categories = _rows(_table(report, "Sorties par catégorie"))
    assert categories["Emploi durable"][2] == view.summary.counts[ExitCategory.EMPLOI_DURABLE]
    totals = _table(report, "Sorties par catégorie").total
    assert totals[2].value == view.summary.dynamiques
    assert totals[3].value == view.summary.taux_dynamiques
    types = _table(report, "Sorties par type")
    assert types.total[2].value == sum(view.summary.by_type.values())

    counts = participants_counts(demo, op.id, money.as_of)
    sexes = _rows(_table(report, "Participants par sexe"))
    assert (sexes["Femmes"][2], sexes["Hommes"][2]) == (counts["femmes"], counts["hommes"])
    ages = _rows(_table(report, "Participants par tranche d'âge (âge à l'entrée)"))
    assert ages["Moins de 26 ans"][2] == counts["moins_26_ans"]
    assert sum(v[2] for v in ages.values()) == counts["accompagnes"]
    situation = _rows(_table(report, "Situation des participants"))
    assert situation["Bénéficiaires du RSA (BRSA)"][2] == counts["brsa"]
    assert situation["Reconnaissance de la qualité de travailleur handicapé (RQTH)"][2] == counts["rqth"]
    niveaux = _table(report, "Participants par niveau de formation (nomenclature ASP)")
    assert niveaux.total[2].value == counts["accompagnes"]
    assert all(row[1].value is None for row in niveaux.rows)  # prévisionnel: to complete in E-Partenaire
    assert "E-Partenaire" in _table(report, "Participants par sexe").note

    subvention = next(s for s in report.sections if s.title == "Estimation de la subvention")
    assert subvention.bullets == money.estimate.hypotheses
    assert [f.value for f in subvention.figures][:2] == [money.estimate.montant_conventionne,
                                                         money.estimate.montant_estime]


def test_bilan_execution_xlsx_and_pdf(demo, tmp_path):
    op = get_operation(demo, "AI-2024")
    money = finances.finance_view(demo, op.id)
    view = exits.exits_view(demo, op.id)
    xlsx = generate(demo, "bilan-execution", ReportRequest(op.id), "xlsx", tmp_path / "bilan.xlsx")
    wb = load_workbook(xlsx)
    assert {"Synthèse", "Salaires", "Dépenses", "Ressources", "Sorties", "Participants", "Subvention"} <= set(wb.sheetnames)
    values = [v for row in wb["Dépenses"].iter_rows(values_only=True) for v in row]
    assert float(money.total_eligible) in values and float(money.indirect.amount) in values
    sorties = [v for row in wb["Sorties"].iter_rows(values_only=True) for v in row]
    assert view.summary.dynamiques in sorties
    assert any(isinstance(v, float) and abs(v - float(view.summary.taux_dynamiques)) < 1e-9 for v in sorties)
    assert not _formulas(xlsx)

    pdf = generate(demo, "bilan-execution", ReportRequest(op.id), "pdf", tmp_path / "bilan.pdf")
    text = _text(pdf)
    for expected in ("Bilan d'exécution", "Salaires", "Récapitulatif des dépenses", "Récapitulatif des ressources",
                     "Sorties dynamiques", "Participants par niveau de formation", "Estimation de la subvention",
                     _plain(format_money(money.total_eligible)), _plain(format_money(money.indirect.amount)),
                     _plain(format_percent(view.summary.taux_dynamiques, 1)), "Prévisionnel"):
        assert expected in text, expected
    for hypothesis in money.estimate.hypotheses:
        assert _plain(hypothesis)[:40] in text


def test_bilan_execution_of_5_6_has_no_sorties(app):
    from aapdesk.services.operations import OperationInput, create_operation

    op = create_operation(app, OperationInput(code="FSE-2025", dispositif_key="62-2025-5.6", debut=date(2025, 1, 1),
                                              fin=date(2025, 8, 31), places=10, montant=Decimal("30000")))
    report = build_bilan_execution(bilan_execution_data(app, op.id))
    assert "Sorties dynamiques" not in [s.title for s in report.sections]
    assert "Salaires" in [s.title for s in report.sections]


# --- bilan pédagogique ----------------------------------------------------------------------

def test_parse_narrative_paragraphs_and_bullets():
    blocks = parse_narrative("Premier paragraphe\nsur deux lignes.\n\n- un\n- deux\n  suite de deux\nAprès la liste.\n\n\n")
    assert [(b.lines, b.items) for b in blocks] == [
        (("Premier paragraphe", "sur deux lignes."), ()), ((), ("un", "deux suite de deux")),
        (("Après la liste.",), ())]
    assert parse_narrative("   \n\n") == ()


def test_bilan_pedagogique_text_bullets_to_complete_and_tables(demo_copy, tmp_path):
    app = demo_copy
    op = get_operation(app, "AI-2024")
    bilan_sections.save_section(app, op.id, "deroulement",
                                "L'action a démarré en janvier avec l'équipe au complet.\n\n"
                                "Trois phases :\n- accueil & diagnostic\n- mises à disposition <encadrées>\n"
                                "- suivi dans l'emploi\n\nBilan positif.")
    bilan_sections.save_section(app, op.id, "partenaires", "Rencontres mensuelles avec le SLAI.")
    data = bilan_pedagogique_data(app, op.id)
    sections = {s.code: s for s in data.sections}
    assert [b.items for b in sections["deroulement"].blocks if b.is_list] == [
        ("accueil & diagnostic", "mises à disposition <encadrées>", "suivi dans l'emploi")]
    assert set(data.to_complete) == {s.title for s in data.sections} - {"Déroulement de l'action",
                                                                         "Liens avec les partenaires associés au projet"}
    assert [t.title for t in sections["deroulement"].tables][:2] == ["File active et occupation, mois par mois",
                                                                    "Comités tenus"]
    assert [t.title for t in sections["suites_parcours"].tables] == ["Sorties par catégorie", "Sorties par type"]
    ateliers = [a for a in activity.list_ateliers(app, op.id)]
    emargement = sections["emargement"].tables[0]
    assert [(r[0].value, r[1].value, r[5].value) for r in emargement.rows] == [
        (a.date, a.titre, sum(1 for *_, present in a.inscrits if present)) for a in ateliers]
    fa = activity.file_active_view(app, op.id)
    assert sections["deroulement"].tables[0].total[5].value == fa.taux_occupation

    path = generate(app, "bilan-pedagogique", ReportRequest(op.id), "pdf", tmp_path / "bp.pdf")
    text = _text(path)
    for expected in ("Bilan pédagogique", "L'action a démarré en janvier avec l'équipe au complet.", "Trois phases :",
                     "accueil & diagnostic", "mises à disposition <encadrées>", "suivi dans l'emploi",
                     "Bilan positif.", "Rencontres mensuelles avec le SLAI.", "1. Déroulement de l'action",
                     "7. Référentiel qualité", "File active et occupation", "Sorties par catégorie",
                     "Ateliers collectifs", "Orientations par prescripteur", "Indicateurs et objectifs"):
        assert expected in text, expected
    assert "•" in text  # the bullets are drawn
    for atelier in ateliers:
        assert format_date(atelier.date) in text and atelier.titre in text
    empty = len(data.to_complete)
    assert text.count(TO_COMPLETE) == empty + 1  # each empty section, and the warning on page 1
    assert f"{empty} section(s) sans texte" in text


def test_a_complete_bilan_pedagogique_has_no_warning(demo_copy, tmp_path):
    app = demo_copy
    op = get_operation(app, "REF-SP-2025")
    for section in bilan_sections.list_sections(app, op.id):
        bilan_sections.save_section(app, op.id, section.code, f"Texte de la section {section.title}.")
    text = _text(generate(app, "bilan-pedagogique", ReportRequest(op.id), "pdf", tmp_path / "bp.pdf"))
    assert TO_COMPLETE not in text
    assert "Texte de la section Feuilles d'émargement." in text


# --- formula injection --------------------------------------------------------------------

def _formulas(path: Path) -> list[str]:
    found = []
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            data = archive.read(name)
            if name.startswith("xl/worksheets/") and (b"<f>" in data or b"<f " in data):
                found.append(name)
    for ws in load_workbook(path).worksheets:
        for row in ws.iter_rows(values_only=True):
            found += [v for v in row if isinstance(v, str) and v.startswith(FORMULA_TRIGGERS)]
    return found


def test_no_formula_injection_in_the_bilan_execution_xlsx(demo_copy, tmp_path):
    from aapdesk.services.structure import StructureData, get_structure, save_structure

    app = demo_copy
    op = get_operation(app, "ACCOMP-2025")
    structure = get_structure(app)
    save_structure(app, StructureData("=STRUCTURE()", structure.type_structure, structure.siret))
    staff = finances.save_staff(app, op.id, finances.StaffInput("=SALARIE()", "+Prénom", "cip"))
    finances.save_staff_costs(app, op.id, [finances.StaffCostInput(staff, activity.YearMonth(2025, 1), Decimal(2000))])
    finances.save_expense(app, op.id, finances.ExpenseInput(date(2025, 2, 3), "fonctionnement", "=1+2 fournitures",
                                                            Decimal(50), "+33 Fournisseur", "-12",
                                                            date(2025, 2, 10)))
    finances.save_resource(app, op.id, "autre", Decimal(100), "@ressource")

    path = generate(app, "bilan-execution", ReportRequest(op.id), "xlsx", tmp_path / "bilan.xlsx")
    assert _formulas(path) == []
    cells = [v for ws in load_workbook(path).worksheets for row in ws.iter_rows(values_only=True) for v in row
             if isinstance(v, str)]
    for hostile in ("=STRUCTURE()", "=SALARIE()", "+Prénom", "=1+2 fournitures", "+33 Fournisseur", "@ressource"):
        assert any(hostile in v for v in cells), hostile
    assert any(v.endswith("-12") for v in cells)
