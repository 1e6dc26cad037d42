"""Exit classification: every exit type under every variant, with the duration boundaries.

The expected tables below are written by hand from domain.md §2 and docs/regles.md, not read
from the catalogue files, so a wrong line in a TOML table fails here.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from aapdesk.catalogue import load_catalogue, load_classifications
from aapdesk.domain.exits import (
    DYNAMIC,
    ExitCategory,
    ExitInput,
    ExitType,
    check_exit,
    classify,
    parse_exit_rules,
    summarize,
)
from aapdesk.domain.records import CatalogueError

D, T, P, F, A, N = (ExitCategory.EMPLOI_DURABLE, ExitCategory.EMPLOI_TRANSITION, ExitCategory.SORTIE_POSITIVE,
                    ExitCategory.CHANGEMENT_SITUATION_FINANCIERE, ExitCategory.AUTRE, ExitCategory.NON_COMPTEE)
DURATIONS = (Decimal("2.99"), Decimal("3"), Decimal("5.99"), Decimal("6"), Decimal("24"))

# For length-dependent contracts: the category at 2.99, 3, 5.99, 6 and 24 months.
DT = (T, T, T, D, D)           # durable from 6 months inclusive, transition below
DT_MIN3 = (A, T, T, D, D)      # same, but nothing under 3 months
TR = (T, T, T, T, T)           # transition whatever the length
TR_MIN3 = (A, T, T, T, T)

RIGHTS = ("AAH", "CHOMAGE", "INVALIDITE", "IJ", "RETRAITE")
TAIL = {"REORIENTATION": A, "DEMENAGEMENT": A, "ABANDON": A, "EXCLUSION": A, "SANS_SOLUTION": A, "AUTRE": A, "DECES": N}

STANDARD = {
    "CDI": D, "CDD": DT, "INTERIM": DT, "CONTRAT_AIDE": TR, "CONTRAT_PRO": P, "APPRENTISSAGE": P,
    "CREATION_ENTREPRISE": D, "FONCTION_PUBLIQUE": D, "FORMATION_QUALIFIANTE": P, "EMBAUCHE_SIAE": P,
    "ACTION_INSERTION_PRO": A, "AUTRE_SORTIE_POSITIVE": P, **{r: A for r in RIGHTS}, **TAIL,
}
EXPECTED = {
    "pdc_standard": STANDARD,
    "pdc_referent_pro": STANDARD,
    "pdc_siae": {**STANDARD, "CONTRAT_PRO": D, "APPRENTISSAGE": D},
    "pdc_3_mois": {**STANDARD, "CDD": DT_MIN3, "INTERIM": DT_MIN3, "CONTRAT_AIDE": TR_MIN3, "CONTRAT_PRO": D,
                   "APPRENTISSAGE": D, "CREATION_ENTREPRISE": A, "AUTRE_SORTIE_POSITIVE": A},
    "pdc_emploi": {**STANDARD, "CONTRAT_PRO": D, "APPRENTISSAGE": D},
    "nord": {"CDI": D, "CDD": DT, "INTERIM": DT, "CONTRAT_AIDE": DT, "CONTRAT_PRO": DT, "APPRENTISSAGE": DT,
             "CREATION_ENTREPRISE": D, "FONCTION_PUBLIQUE": D, "FORMATION_QUALIFIANTE": P, "EMBAUCHE_SIAE": P,
             "ACTION_INSERTION_PRO": P, "AUTRE_SORTIE_POSITIVE": A, **{r: P for r in RIGHTS}, **TAIL},
    "pdc_social": {**STANDARD, **{r: F for r in RIGHTS}},
}

TABLES = load_classifications()


def cases():
    for variant, table in EXPECTED.items():
        for type_code, expected in table.items():
            if isinstance(expected, tuple):
                for months, category in zip(DURATIONS, expected):
                    yield pytest.param(variant, type_code, months, category, id=f"{variant}-{type_code}-{months}")
            else:
                yield pytest.param(variant, type_code, None, expected, id=f"{variant}-{type_code}")


def test_expected_tables_cover_every_type_and_variant():
    assert set(EXPECTED) == set(TABLES)
    for table in EXPECTED.values():
        assert set(table) == {t.value for t in ExitType}


@pytest.mark.parametrize("variant, type_code, months, expected", list(cases()))
def test_classification(variant, type_code, months, expected):
    result = classify(ExitType(type_code), months, TABLES[variant], "fiche X, 2024")
    assert result.category is expected
    assert result.explanation.endswith("(fiche X, 2024)")
    assert result.dynamic == (expected in DYNAMIC)


def test_explanations_quote_the_rule_in_french():
    catalogue = load_catalogue()
    d316 = catalogue.get("62-2024-3.16")
    assert classify(ExitType.CDD, Decimal(4), d316.classification, d316.fiche_label).explanation == (
        "emploi de transition : CDD de 4 mois, moins de 6 mois (fiche 3.16, 2024)")
    siae = catalogue.get("62-2024-3.10")
    assert classify(ExitType.APPRENTISSAGE, Decimal(24), siae.classification, siae.fiche_label).explanation.startswith(
        "emploi durable : Contrat d'apprentissage de 24 mois, « contrat de professionnalisation")
    clauses = catalogue.get("62-2024-3.1")
    assert "moins de 3 mois" in classify(ExitType.INTERIM, Decimal("2.99"), clauses.classification,
                                         clauses.fiche_label).explanation


def test_nord_exactly_six_months_follows_the_operation_parameter():
    import dataclasses

    nord = TABLES["nord"]
    assert classify(ExitType.CDD, Decimal(6), nord, "x").category is D  # the default choice
    strict = dataclasses.replace(nord, seuil_durable_inclus=False)  # "> 6 mois" read literally
    result = classify(ExitType.CDD, Decimal(6), strict, "x")
    assert result.category is T and "exactement 6 mois" in result.explanation
    assert classify(ExitType.CDD, Decimal("6.01"), strict, "x").category is D


def test_every_dispositif_gets_its_family_table():
    catalogue = load_catalogue()
    assert catalogue.get("62-2024-3.11").classification.variante == "pdc_siae"
    assert catalogue.get("62-2024-3.3").classification.variante == "pdc_3_mois"
    assert catalogue.get("62-2024-SOL").classification.variante == "pdc_social"
    assert catalogue.get("59-2019-IV").classification.variante == "nord"
    assert all(d.classification is not None for d in catalogue)


def test_missing_duration_is_refused_and_never_guessed():
    rules = TABLES["pdc_standard"]
    from datetime import date

    problems = check_exit(ExitInput(ExitType.CDD), rules, exit_date=date(2024, 5, 1), entry_date=date(2024, 1, 1),
                          operation_start=date(2024, 1, 1), operation_end=date(2024, 12, 31))
    assert [p.field for p in problems] == ["duree_contrat_mois"]
    assert classify(ExitType.CDD, None, rules, "x").category is A
    assert check_exit(ExitInput(ExitType.CDI), rules, exit_date=date(2024, 5, 1), entry_date=date(2024, 1, 1),
                      operation_start=date(2024, 1, 1), operation_end=date(2024, 12, 31)) == []


def test_exit_dates_are_checked():
    from datetime import date

    rules = TABLES["pdc_standard"]
    problems = check_exit(ExitInput(ExitType.CDI), rules, exit_date=date(2023, 12, 1), entry_date=date(2024, 1, 1),
                          operation_start=date(2024, 1, 1), operation_end=date(2024, 12, 31))
    assert [p.message for p in problems] == ["la date de sortie précède la date d'entrée",
                                             "la date de sortie est en dehors de la période de l'opération"]


def test_summary_rate_excludes_non_comptee():
    summary = summarize([(ExitType.CDI, D), (ExitType.CDD, T), (ExitType.FORMATION_QUALIFIANTE, P),
                         (ExitType.ABANDON, A), (ExitType.DECES, N)])
    assert (summary.dynamiques, summary.comptees) == (3, 4)
    assert summary.taux_dynamiques == Decimal("0.75")
    assert summary.by_type[ExitType.CDI] == 1


@pytest.mark.parametrize("mutate, message", [
    (lambda d: d["regles"].pop(), "sans règle"),
    (lambda d: d["regles"].append(dict(d["regles"][0])), "deux règles"),
    (lambda d: d["regles"][0].update(selon_duree="transition"), "soit"),
    (lambda d: d["regles"][0].update(categorie="EMPLOI_PARFAIT"), "inconnue"),
])
def test_malformed_table_is_refused(mutate, message):
    import tomllib

    from aapdesk.resources import resources_dir

    data = tomllib.loads((resources_dir() / "sorties" / "pdc_standard.toml").read_text(encoding="utf-8"))
    mutate(data)
    with pytest.raises(CatalogueError, match=message):
        parse_exit_rules(data, "pdc_standard.toml")
