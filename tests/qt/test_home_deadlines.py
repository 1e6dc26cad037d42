"""The Accueil page's « Échéances »: the deliverables due to the funder, from each operation's fiche."""

from __future__ import annotations

from datetime import datetime

from aapdesk.qt.pages.home_page import HomePage
from aapdesk.services import activity as activity_service
from aapdesk.services import operations as operations_service


def _home(qtbot, ctx) -> HomePage:
    page = HomePage(ctx)
    qtbot.addWidget(page)
    page.refresh()
    return page


def test_deadlines_of_current_and_recently_ended_operations(qtbot, demo_ctx):
    # As of 15/03/2025: ACCOMP-2025 (3.15, 2025) has a comité on 27/03 and a bilan final 1 month after its end;
    # AI-2024 (3.10, ended 31/12/2024) owes its CRE 3 months after its end and its bilan final on 31/03/2025;
    # REF-SP-2025 its bilan final by 31 March of the next year. IOD-NORD-2021 ended too long ago.
    page = _home(qtbot, demo_ctx)
    assert page.deadline_rows == [
        ("27/03/2025", "dans 12 jours", "ACCOMP-2025", "Tableau de bord avant le comité du 27/03/2025"),
        ("31/03/2025", "dans 16 jours", "AI-2024", "Bilan final – dépôt sur E-Partenaire"),
        ("31/03/2025", "dans 16 jours", "AI-2024", "Comptes rendus d'exécution (CRE)"),
        ("31/01/2026", "dans 10 mois", "ACCOMP-2025", "Bilan final – dépôt sur E-Partenaire"),
        ("31/03/2026", "dans 12 mois", "REF-SP-2025", "Bilan final – dépôt sur E-Partenaire"),
    ]
    assert page.deadlines.rowCount() == 5 and not page.deadlines.isHidden()


def test_past_deadlines_say_en_retard(qtbot, demo_ctx):
    demo_ctx.clock = lambda: datetime(2025, 4, 2, 9, 0)
    page = _home(qtbot, demo_ctx)
    late = [row for row in page.deadline_rows if row[1] == "en retard"]
    # the comité of 27/03 is past: no tableau de bord is asked until another comité is planned
    assert [(row[0], row[2]) for row in late] == [("31/03/2025", "AI-2024"), ("31/03/2025", "AI-2024")]
    assert not any("Tableau de bord" in row[3] for row in page.deadline_rows)


def test_a_sent_tableau_de_bord_leaves_the_list(qtbot, demo_ctx):
    op = operations_service.get_operation(demo_ctx, "ACCOMP-2025")
    comite = activity_service.list_comites(demo_ctx, op.id)[0]
    data = activity_service.ComiteInput(date=comite.date, nature=comite.nature, participants=comite.participants,
                                        notes=comite.notes, decisions=comite.decisions, tableau_de_bord_envoye=True)
    activity_service.save_comite(demo_ctx, op.id, data, comite.id)
    page = _home(qtbot, demo_ctx)
    assert not any("Tableau de bord" in row[3] for row in page.deadline_rows)
