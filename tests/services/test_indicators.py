"""``aapdesk report indicateurs``: the exact JSON shape, and figures worked out by hand."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal

from aapdesk.cli import main
from aapdesk.domain.exits import ExitInput, ExitType
from aapdesk.domain.participants import ParcoursInput, ParticipantInput
from aapdesk.domain.periods import YearMonth
from aapdesk.services import activity, exits, reporting
from aapdesk.services.operations import OperationInput, create_operation
from aapdesk.services.participants import create_participant, get_participant

SHAPE = {
    "operation": {"code", "dispositif", "debut", "fin"},
    "participants": {"accompagnes", "entres", "sortis", "femmes", "hommes", "brsa", "moins_26_ans", "rqth", "qpv"},
    "mois_accompagnement": {"presents", "valorisables", "objectif"},
    "heures": {"mad", "accompagnement", "mois_sous_seuil"},
    "sorties": {"emploi_durable", "emploi_transition", "sortie_positive", "changement_situation_financiere", "autre",
                "non_comptee", "dynamiques", "taux_dynamiques", "par_type"},
    "depenses": {"personnel", "fonctionnement", "prestations", "participants", "directes", "indirectes",
                 "total_eligible", "non_eligibles"},
    "financement": {"modele", "montant_conventionne", "montant_estime", "hypotheses"},
}


def person(app, op, nom, sexe, birth, entry, exit_date=None, **extra):
    pid = create_participant(app, ParticipantInput(nom=nom, prenom="A", sexe=sexe, date_naissance=birth, **extra),
                             op.id, ParcoursInput(date_entree=entry, date_sortie=exit_date))
    return get_participant(app, pid).parcours[0].id


def test_worked_example(app):
    op = create_operation(app, OperationInput(code="AI", dispositif_key="62-2024-3.10", debut=date(2024, 1, 1),
                                              fin=date(2024, 12, 31), postes=2, montant=Decimal("4680")))
    a = person(app, op, "Avant", "F", date(1980, 1, 1), date(2023, 10, 1), brsa=True, zone="urbain")
    b = person(app, op, "Jeune", "M", date(2000, 6, 1), date(2024, 2, 10), date(2024, 3, 31), rqth=True, zone="rural")
    person(app, op, "Tard", "F", date(1970, 1, 1), date(2024, 5, 2), qpv=True)  # enters after the as-of date
    exits.record_exit(app, b, date(2024, 3, 31), ExitInput(ExitType.CDD, Decimal(4)))
    activity.save_hours(app, op.id, [
        activity.HoursEdit(a, YearMonth(2024, 1), mad=Decimal("10")), activity.HoursEdit(a, YearMonth(2024, 2), mad=Decimal("5")),
        activity.HoursEdit(b, YearMonth(2024, 2), mad=Decimal("8"), accompagnement=Decimal("1.5")),
        activity.HoursEdit(b, YearMonth(2024, 3), mad=Decimal("7.5")),
    ])
    data = reporting.indicators(app, op.id, date(2024, 3, 31))
    for key, fields in SHAPE.items():
        assert fields <= set(data[key]), key
    assert data["au"] == "2024-03-31"
    # accompanied up to 31/03: Avant and Jeune; Jeune entered and left; Avant started before the operation
    assert data["participants"] == {"accompagnes": 2, "entres": 1, "sortis": 1, "femmes": 1, "hommes": 1, "brsa": 1,
                                    "moins_26_ans": 1, "rqth": 1, "qpv": 0}
    assert [(m["mois"], m["effectif"], m["entrees"], m["sorties"], m["places"]) for m in data["file_active"]] == [
        ("2024-01", 1, 0, 0, 2), ("2024-02", 2, 1, 0, 2), ("2024-03", 2, 0, 1, 2)]
    assert data["taux_occupation"] == round((0.5 + 1 + 1) / 3, 4)
    # presents: Avant Jan-Mar (3) + Jeune Feb-Mar (2) = 5; valorisables: Avant Jan (10 h urban), Jeune Feb (8 h rural)
    assert data["mois_accompagnement"] == {"presents": 5, "valorisables": 2, "objectif": 24}
    assert data["heures"] == {"mad": 30.5, "accompagnement": 1.5, "mois_sous_seuil": 3}
    assert data["sorties"]["emploi_transition"] == 1 and data["sorties"]["dynamiques"] == 1
    assert data["sorties"]["taux_dynamiques"] == 1.0 and data["sorties"]["par_type"] == {"CDD": 1}
    assert data["financement"]["modele"] == "siae_90_5_5"
    # 0.9 × 4 680 × 2/24 = 351; 0.05 × 4 680 × min(1, 1/0.9) = 234; quality 234 → 819, cap 195 × 2 = 390
    assert data["financement"]["montant_estime"] == 390.0
    assert isinstance(data["financement"]["hypotheses"], list) and data["financement"]["hypotheses"]


def test_cli_prints_json_and_writes_a_file(app, tmp_path, capsys):
    create_operation(app, OperationInput(code="SP", dispositif_key="62-2024-SP", debut=date(2024, 1, 1),
                                         fin=date(2024, 12, 31), places=10, montant=Decimal("2500")))
    data_dir = app.db.paths.data_dir
    app.db.close(datetime(2025, 3, 15), backup=False)
    assert main(["--data-dir", str(data_dir), "report", "indicateurs", "--operation", "SP"],
                clock=lambda: datetime(2025, 3, 15, 10)) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["au"] == "2024-12-31"  # the operation has ended: its last day
    assert len(data["file_active"]) == 12
    out = tmp_path / "ind.json"
    assert main(["--data-dir", str(data_dir), "report", "indicateurs", "--operation", "SP", "--au", "2024-06-30",
                 "--out", str(out)], clock=lambda: datetime(2025, 3, 15, 10)) == 0
    assert len(json.loads(out.read_text(encoding="utf-8"))["file_active"]) == 6
