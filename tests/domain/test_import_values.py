"""Reading spreadsheet cells and headers as aapdesk data: what a person pasting their own
sheet expects (French dates and numbers, Excel serial dates, their own column names), and
that nothing is guessed silently where it could be wrong (ambiguous dates)."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aapdesk.domain.imports import (
    DEPENSES,
    HEURES,
    KINDS,
    NOTE_MARK,
    PARTICIPANTS,
    PERSONNEL,
    SORTIES,
    ValueProblem,
    find_header_row,
    mapping_to_save,
    missing_required,
    normalise_header,
    parse_bool,
    parse_choice,
    parse_date,
    parse_decimal,
    parse_hours,
    parse_month,
    parse_percent,
    parse_rows,
    parse_sexe,
    parse_value,
    propose_mapping,
    unneutralise,
)
from aapdesk.domain.periods import YearMonth
from aapdesk.reports.xlsx_common import neutralise

# --- headers ----------------------------------------------------------------------------------

def test_headers_match_whatever_the_case_accents_spacing_and_required_mark():
    assert normalise_header("Date de naissance*") == normalise_header("DATE_DE_NAISSANCE") == "date_de_naissance"
    assert normalise_header(" Prénom ") == "prenom"
    headers = ["NOM", "Prénom", "SEXE", "Date de Naissance", "Date d'entrée"]
    assert propose_mapping(headers, PARTICIPANTS) == {0: "nom", 1: "prenom", 2: "sexe", 3: "date_naissance",
                                                      4: "date_entree"}


def test_a_foreign_layout_gets_a_mapping_by_similarity_and_aliases():
    headers = ["N° dossier", "Nom de famille", "Prénoms", "Genre", "Né(e) le", "Allocataire RSA", "Ville",
               "Date entrée dispositif", "Observations internes"]
    mapping = propose_mapping(headers, PARTICIPANTS)
    assert mapping[1] == "nom" and mapping[2] == "prenom" and mapping[3] == "sexe"
    assert mapping[4] == "date_naissance" and mapping[5] == "brsa" and mapping[6] == "commune"
    assert mapping[7] == "date_entree"
    assert 8 not in mapping  # an unrelated column is left for the user, never forced onto a field
    assert len(set(mapping.values())) == len(mapping)  # each field once


def test_a_saved_mapping_wins_over_similarity_and_survives_moved_columns():
    first = ["Bénéficiaire", "Prénom", "Sexe", "DDN", "Entrée le"]
    mapping = {0: "nom", 1: "prenom", 2: "sexe", 3: "date_naissance", 4: "date_entree"}
    saved = mapping_to_save(first, mapping)
    moved = ["Entrée le", "Sexe", "Bénéficiaire", "Prénom", "DDN", "Autre"]
    assert propose_mapping(moved, PARTICIPANTS, saved) == {0: "date_entree", 1: "sexe", 2: "nom", 3: "prenom",
                                                           4: "date_naissance"}


def test_header_row_found_below_a_title_and_missing_required_columns_named():
    rows = [["Suivi 2025 – Association Avenir"], [], ["Nom", "Prénom", "Sexe", "Date de naissance"], ["DUPONT", "Marie"]]
    assert find_header_row(rows, PARTICIPANTS) == 2
    mapping = propose_mapping(rows[2], PARTICIPANTS)
    assert [f.name for f in missing_required(PARTICIPANTS, mapping)] == ["date_entree"]
    # hours may name the person by external id alone
    assert missing_required(HEURES, {0: "id_externe", 1: "mois"}) == []
    assert [f.name for f in missing_required(HEURES, {0: "nom", 1: "mois"})] == ["prenom", "date_naissance"]


# --- dates ------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    ("03/04/2024", date(2024, 4, 3)),  # French: day first
    ("3/4/2024", date(2024, 4, 3)),
    ("03.04.2024", date(2024, 4, 3)),
    ("2024-04-03", date(2024, 4, 3)),
    ("2024-04-03 00:00:00", date(2024, 4, 3)),
    ("03/04/2024 10:30", date(2024, 4, 3)),
    (datetime(2024, 4, 3, 12, 0), date(2024, 4, 3)),
    (date(2024, 4, 3), date(2024, 4, 3)),
    (45292, date(2024, 1, 1)),  # Excel serial, 1900 system
    (45292.75, date(2024, 1, 1)),  # the time of day is ignored
    ("45292", date(2024, 1, 1)),  # a serial that went through a CSV
    (59, date(1900, 2, 28)),
    (61, date(1900, 3, 1)),
    (None, None), ("  ", None),
])
def test_dates_read_the_way_a_french_spreadsheet_writes_them(value, expected):
    assert parse_value(value, PARTICIPANTS.field("date_entree")) == expected


def test_1904_serial_dates_are_read_with_their_own_epoch():
    assert parse_date(45292 - 1462, date1904=True) == date(2024, 1, 1)
    assert parse_date(45292 - 1462) == date(2019, 12, 31)  # the same number in the 1900 system


@pytest.mark.parametrize("text, words", [
    ("31/02/2024", "impossible"), ("13/13/2024", "impossible"), ("03/04/24", "deux chiffres"),
    ("hier", "illisible"), (60, "29/02/1900"), (-3, "pas une date"), (time(10, 30), "heure"),
])
def test_impossible_dates_are_refused_with_a_reason(text, words):
    with pytest.raises(ValueProblem, match=words):
        parse_date(text)


def test_month_first_dates_make_the_columns_ambiguous_dates_flagged_never_swapped():
    headers = ["Nom", "Prénom", "Sexe", "Date de naissance", "Date d'entrée"]
    rows = [(2, ["DUPONT", "Marie", "F", "04/13/1990", "02/01/2025"]),  # 13th month: this column is month first
            (3, ["MARTIN", "Paul", "M", "03/04/1985", "15/01/2025"]),   # ambiguous in that column
            (4, ["LEROY", "Léa", "F", "25/12/1980", "20/01/2025"])]     # only day first: still refused in that column
    parsed = parse_rows(PARTICIPANTS, headers, rows, propose_mapping(headers, PARTICIPANTS))
    birth_problems = {p.row: p.message for r in parsed for p in r.problems if p.column == "Date de naissance"}
    assert set(birth_problems) == {2, 3}
    assert "ambiguë" in birth_problems[3] and "ligne 2" in birth_problems[3]
    # the entry column has no month-first date: French reading, no problem
    assert [r.values["date_entree"] for r in parsed] == [date(2025, 1, 2), date(2025, 1, 15), date(2025, 1, 20)]
    assert parsed[2].values["date_naissance"] == date(1980, 12, 25)


@pytest.mark.parametrize("value, expected", [
    ("2025-03", YearMonth(2025, 3)), ("03/2025", YearMonth(2025, 3)), ("3/2025", YearMonth(2025, 3)),
    ("mars 2025", YearMonth(2025, 3)), ("Février 2024", YearMonth(2024, 2)), ("janv.-25", YearMonth(2025, 1)),
    ("déc. 2024", YearMonth(2024, 12)), ("15/03/2025", YearMonth(2025, 3)), (datetime(2025, 3, 1), YearMonth(2025, 3)),
    (45717, YearMonth(2025, 3)),
])
def test_months_accept_iso_french_words_and_any_date_in_the_month(value, expected):
    assert parse_month(value) == expected


# --- numbers, booleans, lists ------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    ("1 234,56", Decimal("1234.56")), ("1\u00a0234,56", Decimal("1234.56")), ("1\u202f234,56 €", Decimal("1234.56")),
    ("1.234,56", Decimal("1234.56")), ("1,234.56", Decimal("1234.56")), ("7.5", Decimal("7.5")), ("7,5", Decimal("7.5")),
    ("1.234.567", Decimal("1234567")), (7.1, Decimal("7.1")), (12, Decimal(12)), ("-3", Decimal(-3)),
])
def test_numbers_written_the_french_way_or_as_cell_numbers(value, expected):
    assert parse_decimal(value) == expected


def test_hours_and_percentages():
    assert parse_hours("7h30") == Decimal("7.5") and parse_hours("7:45") == Decimal("7.75")
    assert parse_hours(time(7, 30)) == Decimal("7.5") and parse_hours("12,5") == Decimal("12.5")
    assert parse_percent("80 %") == Decimal(80) and parse_percent(0.8) == Decimal("80.0")
    assert parse_percent(80) == Decimal(80) and parse_percent("50") == Decimal(50) and parse_percent(None) is None
    with pytest.raises(ValueProblem):
        parse_hours("7h75")


def test_yes_no_sex_and_lists():
    assert [parse_bool(v) for v in ("oui", "NON", "x", "Vrai", 1, 0, True, None, "")] == \
        [True, False, True, True, True, False, True, None, None]
    assert [parse_sexe(v) for v in ("f", "Femme", "H", "homme", "M.", "Mme")] == ["F", "F", "M", "M", "M", "F"]
    niveau = PARTICIPANTS.field("niveau_formation")
    assert parse_choice("50", niveau) == parse_choice(50, niveau) == parse_choice("Formation de niveau CAP ou BEP", niveau) \
        == parse_choice("50 - Formation de niveau CAP ou BEP", niveau) == "50"
    assert parse_choice(0, niveau) == "00"
    sortie = SORTIES.field("type_sortie")
    assert parse_choice("cdi", sortie) == "CDI"
    assert parse_choice("Contrat de mission (intérim)", sortie) == parse_choice("Intérim", sortie) == "INTERIM"
    assert parse_choice("Contrat aidé en CDD", sortie) == "CONTRAT_AIDE"
    assert parse_choice("Autre", sortie) == "AUTRE"  # not « Embauche dans une (autre) SIAE »
    for code, label in sortie.choices.items():  # every label of the list reads back as its own code
        assert parse_choice(label, sortie) == code
    assert parse_choice("Fonctionnement", DEPENSES.field("categorie")) == "fonctionnement"
    assert parse_choice("CIP", PERSONNEL.field("fonction")) == "cip"
    with pytest.raises(ValueProblem, match="liste"):
        parse_value("licorne", sortie)


def test_a_problem_never_repeats_the_cell_it_is_about():
    secret = "Bénéficiaire RSA depuis 2019"
    for kind in KINDS.values():
        for spec in kind.fields:
            try:
                parse_value(secret, spec)
            except ValueProblem as problem:
                assert "RSA depuis" not in str(problem)


def test_apostrophe_of_formula_neutralising_is_removed_on_the_way_back():
    for text in ("=SOMME(A1)", "+33 6 12 34 56 78", "-", "@moi", "Jean-Noël", "N'Diaye", "'déjà cité'"):
        assert unneutralise(neutralise(text)) == text
    assert parse_value(neutralise("=1+1"), PARTICIPANTS.field("commune")) == "=1+1"


@given(st.text(max_size=40))
def test_neutralising_then_reading_back_is_the_identity(text):
    assert unneutralise(neutralise(text)) == text


# --- rows -------------------------------------------------------------------------------------

def test_rows_give_values_by_field_and_problems_by_row_and_column():
    headers = ["nom*", "prenom*", "sexe*", "date_naissance*", "brsa", "code_postal", "date_entree*"]
    rows = [(2, [f"{NOTE_MARK} Nom (obligatoire)", "…"]),  # the template's notes row
            (3, ["N'DIAYE", "Jean-Noël", "M", date(1990, 5, 2), "oui", 2100, "06/01/2025"]),
            (4, ["MARTIN", None, "X", "1990-13-01", "peut-être", None, None]),
            (5, [None, None, None, None, None, None, None])]
    parsed = parse_rows(PARTICIPANTS, headers, rows, propose_mapping(headers, PARTICIPANTS))
    assert [r.number for r in parsed] == [3, 4]
    first = parsed[0]
    assert first.values == {"nom": "N'DIAYE", "prenom": "Jean-Noël", "sexe": "M", "date_naissance": date(1990, 5, 2),
                            "brsa": True, "code_postal": "02100", "date_entree": date(2025, 1, 6)}
    assert first.problems == []
    problems = {(p.column, p.message.split(" (")[0]) for p in parsed[1].problems}
    assert ("prenom*", "valeur obligatoire manquante") in problems
    assert ("sexe*", "attendu F ou M") in problems
    assert ("date_naissance*", "date impossible") in problems
    assert ("brsa", "attendu oui ou non") in problems
    assert ("date_entree*", "valeur obligatoire manquante") in problems
    assert str(parsed[1].problems[0]).startswith("ligne 4, colonne « ")


def test_a_row_that_names_nobody_is_refused_for_hours_and_exits():
    headers = ["id_externe", "nom", "prenom", "date_naissance", "mois", "heures_mad"]
    rows = [(3, ["A-12", None, None, None, "2025-01", "35"]), (4, [None, "DUPONT", None, None, "2025-01", "20"])]
    parsed = parse_rows(HEURES, headers, rows, propose_mapping(headers, HEURES))
    assert parsed[0].participant_key == ("id", "A-12") and parsed[0].problems == []
    assert parsed[1].participant_key is None and "non identifié" in parsed[1].problems[0].message
