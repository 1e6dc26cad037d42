"""Participant and parcours rules: each refusal names its field, in French."""

from datetime import date

from aapdesk.domain.participants import (
    ParcoursInput,
    ParticipantInput,
    check_parcours,
    check_participant,
    is_under,
    share_of_young,
)

TODAY = date(2025, 3, 15)


def person(**overrides):
    values = dict(nom="Dupont", prenom="Marie", sexe="F", date_naissance=date(1990, 5, 4))
    values.update(overrides)
    return ParticipantInput(**values)


def fields(problems):
    return {p.field for p in problems}


def test_valid_participant_has_no_problem():
    assert check_participant(person(niveau_formation="51", prescripteur="05", code_postal="62300", zone="urbain"), TODAY) == []


def test_birth_date_in_the_future_is_refused():
    problems = check_participant(person(date_naissance=date(2026, 1, 1)), TODAY)
    assert fields(problems) == {"date_naissance"}
    assert "futur" in problems[0].message


def test_unknown_codes_and_missing_names_are_refused():
    problems = check_participant(
        person(nom=" ", prenom="", sexe="X", niveau_formation="99", prescripteur="77", code_postal="6230", zone="ville"),
        TODAY)
    assert fields(problems) == {"nom", "prenom", "sexe", "niveau_formation", "prescripteur", "code_postal", "zone"}


def test_normalised_capitalises_surname_and_trims():
    data = person(nom="  n'diaye ", prenom=" Jean-Noël  ", zone=" Rural ", commune="")
    clean = data.normalised()
    assert (clean.nom, clean.prenom, clean.zone, clean.commune) == ("N'DIAYE", "Jean-Noël", "rural", None)


def parcours_problems(parcours, allowed=True):
    return check_parcours(parcours, operation_start=date(2024, 1, 1), operation_end=date(2024, 12, 31),
                          entry_before_start_allowed=allowed, birth_date=date(1990, 5, 4), today=TODAY)


def test_exit_before_entry_is_refused():
    problems = parcours_problems(ParcoursInput(date_entree=date(2024, 5, 1), date_sortie=date(2024, 4, 30)))
    assert fields(problems) == {"date_sortie"}
    assert "précède" in problems[0].message


def test_entry_before_operation_depends_on_the_dispositif():
    early = ParcoursInput(date_entree=date(2023, 11, 2))
    assert parcours_problems(early, allowed=True) == []
    assert fields(parcours_problems(early, allowed=False)) == {"date_entree"}


def test_entry_after_operation_end_and_orientation_after_entry_are_refused():
    problems = parcours_problems(ParcoursInput(date_entree=date(2025, 1, 5), date_orientation=date(2025, 2, 1)))
    assert fields(problems) == {"date_entree", "date_orientation"}


def test_exit_on_entry_day_is_allowed():
    assert parcours_problems(ParcoursInput(date_entree=date(2024, 5, 1), date_sortie=date(2024, 5, 1))) == []


def test_under_26_is_computed_at_entry():
    assert is_under(date(1999, 6, 1), date(2025, 5, 31)) is True  # 25 the day before the birthday
    assert is_under(date(1999, 6, 1), date(2025, 6, 1)) is False  # 26 on the birthday
    assert is_under(date(2000, 1, 1), date(2024, 12, 31), age_limit=25) is True
    pairs = [(date(2001, 1, 1), date(2024, 1, 1)), (date(1980, 1, 1), date(2024, 1, 1)),
             (date(1975, 1, 1), date(2024, 1, 1)), (date(1970, 1, 1), date(2024, 1, 1))]
    assert share_of_young(pairs) == 0.25


def test_identity_and_order_ignore_accents_case_ligatures_and_spacing():
    from aapdesk.domain.participants import identity_key, sort_key

    birth = date(1990, 5, 4)
    assert identity_key("LECŒUR", "Jean-Noël", birth) == identity_key("Lecoeur", "jean noel", birth)
    assert identity_key("N'Diaye", "Aïcha", birth) == identity_key("NDIAYE", "AICHA", birth)
    assert identity_key("Dupont", "Marie", birth) != identity_key("Dupond", "Marie", birth)
    names = ["BOULANGER", "BÉCOURT", "BENALI", "Lecœur", "LEDRU"]
    assert sorted(names, key=lambda n: sort_key(n, "")) == ["BÉCOURT", "BENALI", "BOULANGER", "Lecœur", "LEDRU"]
