"""The rules of a dispositif (one fiche of a funder's call), as typed frozen data.

A dispositif is keyed by (département, AAP year, fiche id) — ``"62-2024-3.10"`` —
because fiche ids collide across years ("3.15" is two different fiches in 2024 and
2025). :func:`parse_dispositif` turns a plain mapping (read from a TOML file by
:mod:`aapdesk.catalogue`) into a :class:`Dispositif`, refusing unknown keys, wrong
types and out-of-range values with a :class:`CatalogueError` that names the field.
:func:`dispositif_to_dict` is its inverse, used to snapshot the rules into an
operation so that a later catalogue change never alters an existing operation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from aapdesk.domain.exits import ExitCategory, ExitRules
from aapdesk.domain.records import CatalogueError, parse_record, to_plain


class Departement(StrEnum):
    PAS_DE_CALAIS = "62"
    NORD = "59"


class FundingModel(StrEnum):
    """How the grant is earned; each has one estimate function in the finances issue."""

    SIAE_90_5_5 = "siae_90_5_5"  # 3.10-3.12: months, sorties dynamiques, quality
    PRIX_PLACE = "prix_place"  # référents 001: price per place, 50 % quantitative / 50 % qualitative
    FORFAIT_NORD = "forfait_nord"  # Nord: forfait for N places in file active, prorata
    DEPENSES = "depenses"  # expense-based with indirect costs
    FSE_CONTREPARTIE = "fse_contrepartie"  # 5.6: staff costs + 40 % flat rate
    SESSIONS = "sessions"  # interconnaissance: 50 % at start, 50 % on sessions held
    FONCTIONNEMENT_ANNUEL = "fonctionnement_annuel"  # Nord annual mode, amount by project


class IndirectCostBase(StrEnum):
    """What the indirect-cost rate applies to (domain.md §1.G)."""

    AUCUNE = "aucune"
    DIRECTES = "directes"
    DIRECTES_HORS_PRESTATIONS = "directes_hors_prestations"
    PERSONNEL = "personnel"


class ExitVariant(StrEnum):
    """Families of exit-classification rules (domain.md §2)."""

    PDC_STANDARD = "pdc_standard"  # variant A: 000, 3.5-3.9, 3.14-3.16, and by default
    PDC_SIAE = "pdc_siae"  # variant B: 3.10-3.12
    PDC_3_MOIS = "pdc_3_mois"  # variant C: 3.1, 3.3 (and 3.4)
    PDC_EMPLOI = "pdc_emploi"  # variant D: 3.2
    NORD = "nord"  # variant E
    PDC_SOCIAL = "pdc_social"  # variant F: référent solidarité, santé
    PDC_REFERENT_PRO = "pdc_referent_pro"  # variant G: PLIE, socioprofessionnel, 1.1


class FileActiveMode(StrEnum):
    """How the places target is read (Nord's definitions, reused for Pas-de-Calais)."""

    MENSUELLE = "mensuelle"  # reached on the last day of each month
    ANNUELLE = "annuelle"  # reached on the last day of the year


class DeadlineRule(StrEnum):
    APRES_FIN = "apres_fin"  # n months after the operation's end
    DATE_FIXE = "date_fixe"  # a fixed date
    MARS_N_PLUS_1 = "31_mars_n_plus_1"  # 31 March of the year after the end
    MENSUEL = "mensuel"  # every month, by day `jour` of the following month
    AVANT_COMITE = "avant_comite"  # before each comité de suivi
    ANNUEL = "annuel"  # each civil year, n months after 31 December
    APRES_DEBUT = "apres_debut"  # n months after the start (e.g. bilan intermédiaire)


@dataclass(frozen=True)
class Public:
    description: str
    #: Largest share of under-age participants (e.g. 0.20), or None when there is no cap.
    part_max_jeunes: Decimal | None = None
    #: Age under which a participant counts as "jeune" (26, or 25 for 3.7).
    age_jeune: int = 26
    #: Whether the cap counts participants "par action" or "du total des participants".
    base_part_jeunes: str = "participants"
    brsa_requis: bool = False


@dataclass(frozen=True)
class Convention:
    duree_mois_max: int
    debut: date | None = None
    fin: date | None = None
    #: Whether a parcours may start before the operation (carried over from a previous one).
    entree_avant_debut_autorisee: bool = True
    parcours_max_mois: int | None = None
    parcours_min_mois: int | None = None


@dataclass(frozen=True)
class IndirectCosts:
    taux: Decimal = Decimal("0")
    base: IndirectCostBase = IndirectCostBase.AUCUNE
    #: True when the rate is a maximum ("dans la limite de"), False for a fixed forfait.
    plafond: bool = False
    libelle: str = ""


@dataclass(frozen=True)
class Funding:
    modele: FundingModel
    charges_indirectes: IndirectCosts = field(default_factory=IndirectCosts)
    categories_eligibles: tuple[str, ...] = ("personnel", "fonctionnement", "prestations", "participants")
    fonctions_support_eligibles: bool = True
    taux_affectation_min: Decimal | None = None
    avance_max: Decimal | None = None
    # SIAE 90/5/5
    part_mois: Decimal | None = None
    part_sorties: Decimal | None = None
    part_qualite: Decimal | None = None
    sorties_dynamiques_par_poste: Decimal | None = None
    plafond_par_participant_mois: Decimal | None = None
    seuil_mad_urbain: Decimal | None = None
    seuil_mad_rural: Decimal | None = None
    participants_par_etp: int | None = None
    # price per place
    prix_place: Decimal | None = None
    places_par_etp: int | None = None
    part_quantitative: Decimal | None = None
    part_qualitative: Decimal | None = None
    # Nord forfait
    forfait_montant: Decimal | None = None
    forfait_places: int | None = None
    forfait_montant_ccas: Decimal | None = None
    # FSE+ counterpart
    taux_forfait_compensation: Decimal | None = None
    # sessions
    part_depart: Decimal | None = None
    # penalty (1.1)
    penalite_max_solde: Decimal | None = None
    file_active: FileActiveMode = FileActiveMode.MENSUELLE


@dataclass(frozen=True)
class Milestones:
    premier_rdv_jours: int | None = None
    phase_accueil_max_mois: int | None = None
    cer_delai_mois: int | None = None
    cer_duree_mois: int | None = None
    cer_renouvellement_mois: int | None = None
    entretiens_par_place_an: int | None = None
    entretiens_physiques_par_place_an: int | None = None
    actions_cer_min: int | None = None
    taux_contractualisation_min: Decimal | None = None
    #: Minimum meetings per month (Nord: IOD 2, ACI 1, coaching 4).
    rencontres_par_mois_min: int | None = None
    suivi_emploi_mois: int | None = None


@dataclass(frozen=True)
class Exits:
    variante: ExitVariant = ExitVariant.PDC_STANDARD
    #: Objective of sorties dynamiques: per poste (SIAE), per 100 places (Nord) or as a rate.
    objectif_dynamiques_par_poste: Decimal | None = None
    objectif_durables_pour_100_places: int | None = None
    objectif_transition_pour_100_places: int | None = None
    objectif_taux_durables: Decimal | None = None
    objectif_taux_dynamiques: Decimal | None = None
    objectif_taux_positives: Decimal | None = None
    #: Whether exits need a pièce probante, and which categories (every dynamic one by default).
    preuve_requise: bool = True
    categories_preuve: tuple[ExitCategory, ...] = (
        ExitCategory.EMPLOI_DURABLE, ExitCategory.EMPLOI_TRANSITION, ExitCategory.SORTIE_POSITIVE)

    def needs_proof(self, category: ExitCategory) -> bool:
        return self.preuve_requise and category in self.categories_preuve


@dataclass(frozen=True)
class Deliverable:
    code: str
    libelle: str
    regle: DeadlineRule
    mois: int = 0
    jour: int | None = None
    date: date | None = None
    plateforme: str = ""
    source: str = ""


@dataclass(frozen=True)
class Indicator:
    code: str
    libelle: str
    objectif: str = ""
    source: str = ""


@dataclass(frozen=True)
class Committees:
    #: Months between two comités de suivi (3 = quarterly), None when the fiche sets none.
    frequence_mois: int | None = None
    libelle: str = ""
    tableau_de_bord_avant_comite: bool = False


@dataclass(frozen=True)
class Dispositif:
    key: str
    departement: Departement
    annee_aap: int
    fiche: str
    titre: str
    source: str
    public: Public
    convention: Convention
    financement: Funding
    jalons: Milestones = field(default_factory=Milestones)
    sorties: Exits = field(default_factory=Exits)
    comites: Committees = field(default_factory=Committees)
    livrables: tuple[Deliverable, ...] = ()
    indicateurs: tuple[Indicator, ...] = ()
    #: Free notes: where the seeds were ambiguous and what was chosen (see docs/regles.md).
    choix: tuple[str, ...] = ()
    #: The exit-classification table of ``sorties.variante``, joined by the catalogue loader.
    classification: ExitRules | None = None

    @property
    def fiche_label(self) -> str:
        """How explanations cite the fiche: « fiche 3.16, 2024 »."""
        return f"fiche {self.fiche}, {self.annee_aap}"

    @property
    def departement_label(self) -> str:
        return "Pas-de-Calais" if self.departement is Departement.PAS_DE_CALAIS else "Nord"

    @property
    def uses_postes(self) -> bool:
        """SIAE fiches count "postes d'insertion" rather than places."""
        return self.financement.modele is FundingModel.SIAE_90_5_5

    @property
    def label(self) -> str:
        return f"{self.fiche} – {self.titre} ({self.departement_label}, AAP {self.annee_aap})"


def make_key(departement: str, annee_aap: int, fiche: str) -> str:
    return f"{departement}-{annee_aap}-{fiche}"


# --- parsing -------------------------------------------------------------------------

def parse_dispositif(data: dict[str, Any], source: str) -> Dispositif:
    """Build a :class:`Dispositif` from a mapping, or raise :class:`CatalogueError`.

    ``key`` must equal ``departement-annee_aap-fiche``, so a file cannot claim a key
    that its own figures contradict.
    """
    result = parse_record(Dispositif, data, source, "")
    expected = make_key(result.departement.value, result.annee_aap, result.fiche)
    if result.key != expected:
        raise CatalogueError(source, "key", f"vaut {result.key!r} mais devrait être {expected!r}")
    _check_ranges(result, source)
    return result


def _check_ranges(d: Dispositif, source: str) -> None:
    fractions = {
        "public.part_max_jeunes": d.public.part_max_jeunes,
        "financement.charges_indirectes.taux": d.financement.charges_indirectes.taux,
        "financement.taux_affectation_min": d.financement.taux_affectation_min,
        "financement.avance_max": d.financement.avance_max,
        "financement.part_mois": d.financement.part_mois,
        "financement.part_sorties": d.financement.part_sorties,
        "financement.part_qualite": d.financement.part_qualite,
        "financement.part_quantitative": d.financement.part_quantitative,
        "financement.part_qualitative": d.financement.part_qualitative,
        "financement.taux_forfait_compensation": d.financement.taux_forfait_compensation,
        "financement.part_depart": d.financement.part_depart,
        "jalons.taux_contractualisation_min": d.jalons.taux_contractualisation_min,
    }
    for name, value in fractions.items():
        if value is not None and not Decimal(0) <= value <= Decimal(1):
            raise CatalogueError(source, name, f"doit être une fraction entre 0 et 1 (lu : {value})")
    f = d.financement
    required = {
        FundingModel.SIAE_90_5_5: ("part_mois", "part_sorties", "part_qualite",
                                   "sorties_dynamiques_par_poste", "plafond_par_participant_mois"),
        FundingModel.PRIX_PLACE: ("prix_place", "places_par_etp", "part_quantitative", "part_qualitative"),
        FundingModel.FORFAIT_NORD: ("forfait_montant", "forfait_places"),
        FundingModel.FSE_CONTREPARTIE: ("taux_forfait_compensation", "taux_affectation_min"),
        FundingModel.SESSIONS: ("part_depart",),
    }.get(f.modele, ())
    for name in required:
        if getattr(f, name) is None:
            raise CatalogueError(source, f"financement.{name}", f"obligatoire pour le modèle {f.modele.value}")
    if f.modele is FundingModel.SIAE_90_5_5:
        total = (f.part_mois or 0) + (f.part_sorties or 0) + (f.part_qualite or 0)
        if total != 1:
            raise CatalogueError(source, "financement.part_mois", f"les trois parts doivent faire 100 % (lu : {total})")
    if d.convention.debut and d.convention.fin and d.convention.fin < d.convention.debut:
        raise CatalogueError(source, "convention.fin", "précède convention.debut")
    codes = [x.code for x in d.livrables]
    if len(codes) != len(set(codes)):
        raise CatalogueError(source, "livrables", "deux livrables ont le même code")


def dispositif_to_dict(d: Dispositif) -> dict[str, Any]:
    """A JSON-ready mapping that :func:`parse_dispositif` turns back into ``d``."""
    return to_plain(d)
