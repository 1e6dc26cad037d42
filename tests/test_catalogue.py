"""The dispositif catalogue (resources/dispositifs/*.toml): loading, key figures, refusals, round trip.

The spot checks compare the catalogue with the numbers of /work/shared/domain.md (and the
seeds it cites); a change to one of them must be a deliberate correction of the catalogue.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from aapdesk.catalogue import load_catalogue
from aapdesk.domain.dispositif import (
    CatalogueError,
    DeadlineRule,
    Departement,
    ExitVariant,
    FileActiveMode,
    FundingModel,
    IndirectCostBase,
    dispositif_to_dict,
    parse_dispositif,
)
from aapdesk.resources import dispositifs_dir

D = Decimal


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


def test_every_file_loads(catalogue):
    files = sorted(dispositifs_dir().glob("*.toml"))
    assert len(catalogue) == len(files) >= 35
    for path in files:
        assert path.stem in catalogue.dispositifs, f"{path.name} : la clé ne correspond pas au nom du fichier"


def test_expected_keys_present(catalogue):
    expected = (
        ["62-2024-1.1", "62-2024-PLIE", "62-2024-SOL", "62-2024-SP", "62-2024-SANTE", "62-2024-INTERCO"]
        + [f"62-2024-3.{n}" for n in range(1, 17)]
        + ["62-2025-3.15", "62-2025-5.6"]
        + [f"59-2019-{f}" for f in ("I.1", "I.2", "I.3", "II.1", "II.2", "III.1", "III.2", "IV", "V", "VI.1", "VI.2")]
    )
    missing = sorted(set(expected) - set(catalogue.dispositifs))
    assert not missing


def test_fiche_3_15_differs_between_years(catalogue):
    d2024, d2025 = catalogue.get("62-2024-3.15"), catalogue.get("62-2025-3.15")
    assert d2024.titre != d2025.titre
    assert d2024.titre == "Préparatoires adaptées"
    assert d2025.titre == "Accompagner autrement"
    assert catalogue.get("62-2024-3.16").titre == "Accompagner autrement"
    bilan = {x.code: x for x in d2025.livrables}["bilan_final"]
    assert (bilan.regle, bilan.mois) == (DeadlineRule.APRES_FIN, 1)


def test_every_dispositif_is_documented(catalogue):
    for d in catalogue:
        assert d.titre and d.public.description, d.key
        assert re.match(r"F00[0-4] L\d+", d.source), d.key
        assert d.indicateurs, f"{d.key} : aucun indicateur"
        assert d.livrables, f"{d.key} : aucun livrable"
        for item in (*d.livrables, *d.indicateurs):
            assert re.match(r"F00[0-4] L\d+", item.source), f"{d.key} : {item.code} sans source"


def test_source_comment_on_first_line():
    for path in sorted(dispositifs_dir().glob("*.toml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# ") and "seeds/00" in first, path.name


# --- spot checks against domain.md -----------------------------------------------------

def test_siae_figures(catalogue):
    ai, ei, aci = (catalogue.get(f"62-2024-3.{n}") for n in (10, 11, 12))
    for d in (ai, ei, aci):
        f = d.financement
        assert f.modele is FundingModel.SIAE_90_5_5
        assert (f.part_mois, f.part_sorties, f.part_qualite) == (D("0.90"), D("0.05"), D("0.05"))
        assert f.charges_indirectes.base is IndirectCostBase.PERSONNEL
        assert d.sorties.variante is ExitVariant.PDC_SIAE
        assert d.public.part_max_jeunes == D("0.20") and d.public.base_part_jeunes == "participants"
    assert ai.financement.plafond_par_participant_mois == D(195)
    assert (ai.financement.seuil_mad_urbain, ai.financement.seuil_mad_rural) == (D(10), D(8))
    assert ai.financement.sorties_dynamiques_par_poste == D("0.45")
    assert ei.financement.sorties_dynamiques_par_poste == D("0.55")
    assert ei.financement.plafond_par_participant_mois == D(200)
    assert ei.financement.seuil_mad_urbain is None
    assert aci.financement.charges_indirectes.taux == D("0.15")
    assert ei.financement.charges_indirectes.taux == D("0.20")
    assert aci.financement.plafond_par_participant_mois == D(375)
    assert aci.financement.seuil_mad_urbain is None and aci.financement.participants_par_etp is None
    assert ai.financement.participants_par_etp == ei.financement.participants_par_etp == 15


def test_referents_price_per_place(catalogue):
    figures = {"PLIE": (300, 150), "SOL": (160, 250), "SP": (250, 180), "SANTE": (500, 90)}
    for fiche, (price, places) in figures.items():
        f = catalogue.get(f"62-2024-{fiche}").financement
        assert f.modele is FundingModel.PRIX_PLACE
        assert (f.prix_place, f.places_par_etp) == (D(price), places), fiche
        assert (f.part_quantitative, f.part_qualitative) == (D("0.5"), D("0.5"))
    plie, sol, sante = (catalogue.get(f"62-2024-{f}") for f in ("PLIE", "SOL", "SANTE"))
    assert plie.convention.parcours_max_mois == 18
    assert catalogue.get("62-2024-SP").convention.parcours_max_mois == 24
    assert plie.jalons.taux_contractualisation_min == D("0.80")
    assert (sol.jalons.cer_delai_mois, sol.jalons.entretiens_physiques_par_place_an, sol.jalons.actions_cer_min) == (2, 4, 1)
    assert sante.jalons.entretiens_par_place_an == 4 and sante.jalons.entretiens_physiques_par_place_an is None
    assert sante.jalons.cer_delai_mois is None
    assert sol.sorties.variante is sante.sorties.variante is ExitVariant.PDC_SOCIAL
    assert plie.sorties.variante is ExitVariant.PDC_REFERENT_PRO


def test_interconnaissance_sessions(catalogue):
    d = catalogue.get("62-2024-INTERCO")
    assert d.financement.modele is FundingModel.SESSIONS
    assert d.financement.part_depart == D("0.5")
    bilan = {x.code: x for x in d.livrables}["bilan_final"]
    assert (bilan.regle, bilan.mois) == (DeadlineRule.APRES_FIN, 2)


def test_dynamisation_des_parcours(catalogue):
    d = catalogue.get("62-2024-1.1")
    ci = d.financement.charges_indirectes
    assert (ci.taux, ci.base, ci.plafond) == (D("0.20"), IndirectCostBase.DIRECTES_HORS_PRESTATIONS, True)
    assert d.financement.places_par_etp == 180
    assert d.financement.penalite_max_solde == D("0.10")
    assert (d.convention.debut, d.convention.fin) == (date(2024, 1, 1), date(2025, 12, 31))
    j = d.jalons
    assert (j.premier_rdv_jours, j.phase_accueil_max_mois, j.cer_delai_mois, j.cer_duree_mois) == (15, 2, 1, 6)
    assert (j.entretiens_par_place_an, j.entretiens_physiques_par_place_an, j.actions_cer_min) == (8, 4, 3)
    livrables = {x.code: x for x in d.livrables}
    assert livrables["bilan_final"].regle is DeadlineRule.MARS_N_PLUS_1
    assert livrables["bilan_intermediaire"].regle is DeadlineRule.DATE_FIXE


def test_indirect_cost_variants(catalogue):
    def ci(key):
        c = catalogue.get(key).financement.charges_indirectes
        return c.taux, c.base, c.plafond

    hors_prestations = IndirectCostBase.DIRECTES_HORS_PRESTATIONS
    assert ci("62-2024-3.2") == (D("0.2"), hors_prestations, False)
    assert ci("62-2025-3.15") == (D("0.2"), hors_prestations, False)
    for key in ("62-2024-3.5", "62-2024-3.6", "62-2024-3.8", "62-2024-3.9"):
        assert ci(key) == (D("0.2"), hors_prestations, True), key
    for key in ("62-2024-3.1", "62-2024-3.3", "62-2024-3.4"):
        assert ci(key)[:2] == (D("0.2"), hors_prestations), key
    assert ci("62-2024-3.13") == (D("0.2"), IndirectCostBase.PERSONNEL, True)
    assert catalogue.get("62-2024-3.13").financement.modele is FundingModel.DEPENSES
    for key in ("62-2024-3.5", "62-2024-3.6", "62-2024-3.8"):
        assert catalogue.get(key).financement.avance_max == D("0.80"), key


def test_exit_variants_and_youth(catalogue):
    variant = {d.key: d.sorties.variante for d in catalogue}
    assert variant["62-2024-3.1"] is variant["62-2024-3.3"] is variant["62-2024-3.4"] is ExitVariant.PDC_3_MOIS
    assert variant["62-2024-3.2"] is ExitVariant.PDC_EMPLOI
    assert all(v is ExitVariant.NORD for k, v in variant.items() if k.startswith("59-"))
    assert catalogue.get("62-2024-3.7").public.age_jeune == 25
    for key in ("62-2024-3.14", "62-2024-3.16", "62-2025-3.15", "62-2024-3.5"):
        p = catalogue.get(key).public
        assert (p.part_max_jeunes, p.base_part_jeunes) == (D("0.20"), "action"), key
    assert catalogue.get("62-2024-3.8").public.part_max_jeunes is None


def test_comites_and_tableau_de_bord(catalogue):
    for key in ("62-2024-3.8", "62-2024-3.9", "62-2024-3.14", "62-2024-3.15", "62-2024-3.16", "62-2025-3.15", "62-2024-3.5"):
        d = catalogue.get(key)
        assert d.comites.frequence_mois == 3 and d.comites.tableau_de_bord_avant_comite, key
        tdb = {x.code: x for x in d.livrables}["tableau_de_bord"]
        assert tdb.regle is DeadlineRule.AVANT_COMITE


def test_fixed_convention_dates(catalogue):
    for key in ("62-2024-3.8", "62-2024-3.10", "62-2024-3.11", "62-2024-3.13", "62-2024-PLIE"):
        c = catalogue.get(key).convention
        assert (c.debut, c.fin) == (date(2024, 1, 1), date(2024, 12, 31)), key
    for key in ("62-2024-3.1", "62-2024-3.12", "62-2024-3.14", "62-2025-3.15"):
        c = catalogue.get(key).convention
        assert c.debut is None and c.fin is None and c.duree_mois_max == 12, key


def test_fse_counterpart(catalogue):
    d = catalogue.get("62-2025-5.6")
    f = d.financement
    assert f.modele is FundingModel.FSE_CONTREPARTIE
    assert (f.taux_forfait_compensation, f.taux_affectation_min) == (D("0.40"), D("0.30"))
    assert f.fonctions_support_eligibles is False and f.categories_eligibles == ("personnel",)
    assert (f.charges_indirectes.taux, f.charges_indirectes.base) == (D("0.40"), IndirectCostBase.PERSONNEL)
    bilan = {x.code: x for x in d.livrables}["bilan_final"]
    assert (bilan.regle, bilan.date) == (DeadlineRule.DATE_FIXE, date(2026, 3, 31))


def test_nord_forfaits(catalogue):
    forfaits = {"I.1": (96800, 100), "I.2": (37800, 100), "I.3": (96800, 100), "II.2": (52500, 35),
                "III.1": (40000, 100), "IV": (41626, 20), "VI.1": (37800, 120)}
    for fiche, (amount, places) in forfaits.items():
        f = catalogue.get(f"59-2019-{fiche}").financement
        assert f.modele is FundingModel.FORFAIT_NORD, fiche
        assert (f.forfait_montant, f.forfait_places) == (D(amount), places), fiche
        assert f.file_active is FileActiveMode.MENSUELLE
    assert catalogue.get("59-2019-VI.1").financement.forfait_montant_ccas == D(30000)
    for fiche in ("II.1", "III.2", "V", "VI.2"):
        f = catalogue.get(f"59-2019-{fiche}").financement
        assert (f.modele, f.file_active) == (FundingModel.FONCTIONNEMENT_ANNUEL, FileActiveMode.ANNUELLE), fiche


def test_nord_rules(catalogue):
    nord = [d for d in catalogue if d.departement is Departement.NORD]
    assert len(nord) == 11
    for d in nord:
        assert d.annee_aap == 2019 and d.public.brsa_requis
        c = d.convention
        assert (c.duree_mois_max, c.debut, c.fin) == (36, date(2019, 1, 1), date(2021, 12, 31)), d.key
        livrables = {x.code: x for x in d.livrables}
        assert (livrables["reporting_mensuel"].regle, livrables["reporting_mensuel"].jour) == (DeadlineRule.MENSUEL, 10)
        assert livrables["bilan_annuel"].regle is DeadlineRule.ANNUEL
    i1, iv = catalogue.get("59-2019-I.1"), catalogue.get("59-2019-IV")
    assert (i1.sorties.objectif_durables_pour_100_places, i1.sorties.objectif_transition_pour_100_places) == (50, 15)
    assert (i1.convention.parcours_max_mois, i1.jalons.rencontres_par_mois_min, i1.jalons.suivi_emploi_mois) == (12, 2, 6)
    assert (iv.convention.parcours_min_mois, iv.convention.parcours_max_mois) == (4, 24)
    assert (iv.jalons.rencontres_par_mois_min, iv.jalons.suivi_emploi_mois) == (1, 3)
    assert iv.sorties.objectif_taux_dynamiques == D("0.50")
    ii1, ii2, iii1 = (catalogue.get(f"59-2019-{f}").sorties for f in ("II.1", "II.2", "III.1"))
    assert (ii1.objectif_taux_durables, ii1.objectif_taux_dynamiques) == (D("0.30"), D("0.70"))
    assert ii2.objectif_taux_durables == D("0.50")
    assert (iii1.objectif_taux_durables, iii1.objectif_taux_dynamiques) == (D("0.25"), D("0.60"))
    assert catalogue.get("59-2019-VI.1").sorties.objectif_taux_positives == D("0.30")
    assert catalogue.get("59-2019-II.2").convention.parcours_max_mois == 3


# --- malformed files -------------------------------------------------------------------

def _base_data() -> dict:
    return tomllib.loads((dispositifs_dir() / "62-2024-3.10.toml").read_text(encoding="utf-8"))


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _replace(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def _base_text() -> str:
    return (dispositifs_dir() / "62-2024-3.10.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "old", "new", "field"),
    [
        ("champ-inconnu.toml", "[public]\n", "[public]\ncouleur = \"bleu\"\n", "public.couleur"),
        ("mauvais-type.toml", "annee_aap = 2024", "annee_aap = \"deux mille\"", "annee_aap"),
        ("mauvais-type-decimal.toml", "plafond_par_participant_mois = 195", "plafond_par_participant_mois = \"beaucoup\"",
         "financement.plafond_par_participant_mois"),
        ("fraction.toml", "part_max_jeunes = 0.20", "part_max_jeunes = 1.5", "public.part_max_jeunes"),
        ("cle.toml", 'key = "62-2024-3.10"', 'key = "62-2025-3.10"', "key"),
        ("parts-siae.toml", "part_qualite = 0.05", "part_qualite = 0.10", "financement.part_mois"),
        ("enum.toml", 'variante = "pdc_siae"', 'variante = "inconnue"', "sorties.variante"),
        ("date.toml", "fin = 2024-12-31", "fin = 2023-12-31", "convention.fin"),
    ],
)
def test_malformed_file_is_refused(tmp_path, name, old, new, field):
    _write(tmp_path, name, _replace(_base_text(), old, new))
    with pytest.raises(CatalogueError) as info:
        load_catalogue(tmp_path)
    message = str(info.value)
    assert name in message
    assert f"« {field} »" in message
    assert info.value.source == name and info.value.field_path == field


def test_missing_required_field(tmp_path):
    data = _base_data()
    del data["financement"]["sorties_dynamiques_par_poste"]
    with pytest.raises(CatalogueError) as info:
        parse_dispositif(data, "manquant.toml")
    assert "manquant.toml" in str(info.value)
    assert info.value.field_path == "financement.sorties_dynamiques_par_poste"


def test_duplicate_key_and_unreadable_file(tmp_path):
    text = _base_text()
    _write(tmp_path, "a.toml", text)
    _write(tmp_path, "b.toml", text)
    with pytest.raises(CatalogueError) as info:
        load_catalogue(tmp_path)
    assert "b.toml" in str(info.value) and info.value.field_path == "key"

    broken = tmp_path / "cassé"
    broken.mkdir()
    _write(broken, "x.toml", "key = \n")
    with pytest.raises(CatalogueError) as info:
        load_catalogue(broken)
    assert "x.toml" in str(info.value)


def test_empty_folder_is_refused(tmp_path):
    with pytest.raises(CatalogueError):
        load_catalogue(tmp_path)


# --- round trip ------------------------------------------------------------------------

def test_round_trip(catalogue):
    for d in catalogue:
        plain = dispositif_to_dict(d)
        assert parse_dispositif(plain, d.key) == d, d.key
