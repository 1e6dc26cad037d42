"""Exits (sorties): their types, the categories funders count, and classification by each
family of fiches' own table.

The tables live in the catalogue (``resources/sorties/*.toml``), one per variant; an
operation keeps a copy with its rules, so the same exit can count differently in two
operations and an existing operation never changes under a catalogue update. Everything
here is pure: :func:`classify` takes the exit type, the contract length and the table,
and says in French which rule classified it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from aapdesk.domain.problems import Problem


class ExitType(StrEnum):
    CDI = "CDI"
    CDD = "CDD"
    INTERIM = "INTERIM"
    CONTRAT_AIDE = "CONTRAT_AIDE"
    CONTRAT_PRO = "CONTRAT_PRO"
    APPRENTISSAGE = "APPRENTISSAGE"
    CREATION_ENTREPRISE = "CREATION_ENTREPRISE"
    FONCTION_PUBLIQUE = "FONCTION_PUBLIQUE"
    FORMATION_QUALIFIANTE = "FORMATION_QUALIFIANTE"
    EMBAUCHE_SIAE = "EMBAUCHE_SIAE"
    ACTION_INSERTION_PRO = "ACTION_INSERTION_PRO"
    AUTRE_SORTIE_POSITIVE = "AUTRE_SORTIE_POSITIVE"
    AAH = "AAH"
    CHOMAGE = "CHOMAGE"
    INVALIDITE = "INVALIDITE"
    IJ = "IJ"
    RETRAITE = "RETRAITE"
    REORIENTATION = "REORIENTATION"
    DEMENAGEMENT = "DEMENAGEMENT"
    ABANDON = "ABANDON"
    EXCLUSION = "EXCLUSION"
    DECES = "DECES"
    SANS_SOLUTION = "SANS_SOLUTION"
    AUTRE = "AUTRE"


EXIT_TYPE_LABELS: dict[ExitType, str] = {
    ExitType.CDI: "CDI",
    ExitType.CDD: "CDD",
    ExitType.INTERIM: "Contrat de mission (intérim)",
    ExitType.CONTRAT_AIDE: "Contrat aidé en CDD (PEC, CUI-CIE, emploi franc)",
    ExitType.CONTRAT_PRO: "Contrat de professionnalisation",
    ExitType.APPRENTISSAGE: "Contrat d'apprentissage",
    ExitType.CREATION_ENTREPRISE: "Création d'entreprise ou activité indépendante",
    ExitType.FONCTION_PUBLIQUE: "Intégration dans la fonction publique",
    ExitType.FORMATION_QUALIFIANTE: "Formation qualifiante ou poursuite de formation qualifiante",
    ExitType.EMBAUCHE_SIAE: "Embauche dans une (autre) SIAE",
    ExitType.ACTION_INSERTION_PRO: "Autre action d'insertion professionnelle",
    ExitType.AUTRE_SORTIE_POSITIVE: "Autre sortie positive",
    ExitType.AAH: "Allocation aux adultes handicapés (AAH)",
    ExitType.CHOMAGE: "Allocations chômage",
    ExitType.INVALIDITE: "Pension d'invalidité",
    ExitType.IJ: "Indemnités journalières",
    ExitType.RETRAITE: "Pension de retraite ou ASPA",
    ExitType.REORIENTATION: "Réorientation vers un autre accompagnement",
    ExitType.DEMENAGEMENT: "Déménagement",
    ExitType.ABANDON: "Abandon",
    ExitType.EXCLUSION: "Exclusion",
    ExitType.DECES: "Décès",
    ExitType.SANS_SOLUTION: "Sans solution",
    ExitType.AUTRE: "Autre",
}

#: Types whose classification may depend on the contract's length.
CONTRACT_TYPES = frozenset({ExitType.CDD, ExitType.INTERIM, ExitType.CONTRAT_AIDE,
                            ExitType.CONTRAT_PRO, ExitType.APPRENTISSAGE})


class ExitCategory(StrEnum):
    EMPLOI_DURABLE = "EMPLOI_DURABLE"
    EMPLOI_TRANSITION = "EMPLOI_TRANSITION"
    SORTIE_POSITIVE = "SORTIE_POSITIVE"
    CHANGEMENT_SITUATION_FINANCIERE = "CHANGEMENT_SITUATION_FINANCIERE"
    AUTRE = "AUTRE"
    NON_COMPTEE = "NON_COMPTEE"


CATEGORY_LABELS: dict[ExitCategory, str] = {
    ExitCategory.EMPLOI_DURABLE: "emploi durable",
    ExitCategory.EMPLOI_TRANSITION: "emploi de transition",
    ExitCategory.SORTIE_POSITIVE: "sortie positive",
    ExitCategory.CHANGEMENT_SITUATION_FINANCIERE: "changement de situation financière",
    ExitCategory.AUTRE: "autre sortie",
    ExitCategory.NON_COMPTEE: "non comptée",
}

DYNAMIC = frozenset({ExitCategory.EMPLOI_DURABLE, ExitCategory.EMPLOI_TRANSITION, ExitCategory.SORTIE_POSITIVE})


class DurationRule(StrEnum):
    """How a contract type's length decides its category."""

    DURABLE_OU_TRANSITION = "durable_ou_transition"  # ≥ threshold: durable; below: transition
    TRANSITION = "transition"  # transition whatever the length (above the minimum, if any)


@dataclass(frozen=True)
class TypeRule:
    type: ExitType
    categorie: ExitCategory | None = None
    selon_duree: DurationRule | None = None
    #: Why, in French, quoting the fiche when it helps ("Contrat aidé conclu sous la forme d'un CDD").
    motif: str = ""


@dataclass(frozen=True)
class ExitRules:
    """One family's classification table (domain.md §2)."""

    variante: str
    libelle: str
    source: str
    regles: tuple[TypeRule, ...]
    #: Contract length from which a CDD is an emploi durable (6 months).
    seuil_durable_mois: Decimal = Decimal(6)
    #: True: "6 mois et plus" (6 is durable); False: "plus de 6 mois" (6 is not).
    seuil_durable_inclus: bool = True
    #: Minimum length for a contract to count at all (3 months in the 3.1/3.3 variant), None when none.
    duree_minimale_mois: Decimal | None = None
    choix: tuple[str, ...] = ()

    def rule_for(self, exit_type: ExitType) -> TypeRule:
        for rule in self.regles:
            if rule.type is exit_type:
                return rule
        return TypeRule(exit_type, ExitCategory.AUTRE, motif="type non prévu par la fiche")


@dataclass(frozen=True)
class Classification:
    category: ExitCategory
    #: French explanation: "emploi de transition : CDD de 4 mois, moins de 6 mois (fiche 3.16, 2024)".
    explanation: str

    @property
    def dynamic(self) -> bool:
        return self.category in DYNAMIC


def format_months(months: Decimal) -> str:
    return f"{decimal_text(months)} mois"


def classify(exit_type: ExitType, duration_months: Decimal | None, rules: ExitRules, fiche: str) -> Classification:
    """Classify one exit under ``rules``; ``fiche`` names the operation's fiche in the explanation."""
    rule = rules.rule_for(exit_type)
    what = EXIT_TYPE_LABELS[exit_type]
    if duration_months is not None and exit_type in CONTRACT_TYPES:
        what = f"{what} de {format_months(duration_months)}"
    category, reason = _decide(rule, duration_months, rules)
    label = CATEGORY_LABELS[category]
    return Classification(category, f"{label} : {what}, {reason} ({fiche})")


def decimal_text(value: Decimal) -> str:
    """« 0,45 », « 9 »: a decimal written the French way, without trailing zeros."""
    return f"{Decimal(value).normalize():f}".replace(".", ",")


def _same_words(a: str, b: str) -> bool:
    def fold(text: str) -> str:
        return " ".join(text.replace("«", " ").replace("»", " ").casefold().split())

    return fold(a) == fold(b)


def _decide(rule: TypeRule, months: Decimal | None, rules: ExitRules) -> tuple[ExitCategory, str]:
    if rule.selon_duree is None:
        assert rule.categorie is not None
        if not rule.motif or _same_words(rule.motif, EXIT_TYPE_LABELS[rule.type]):
            return rule.categorie, "selon la liste de la fiche"
        return rule.categorie, rule.motif
    if months is None:
        return ExitCategory.AUTRE, "durée du contrat non renseignée : à compléter pour classer la sortie"
    minimum = rules.duree_minimale_mois
    if minimum is not None and months < minimum:
        return ExitCategory.AUTRE, f"moins de {format_months(minimum)} : pas une sortie dynamique pour cette fiche"
    if rule.selon_duree is DurationRule.TRANSITION:
        return ExitCategory.EMPLOI_TRANSITION, rule.motif or "emploi de transition quelle que soit sa durée"
    threshold = rules.seuil_durable_mois
    durable = months >= threshold if rules.seuil_durable_inclus else months > threshold
    if durable:
        wording = f"{format_months(threshold)} et plus" if rules.seuil_durable_inclus else f"plus de {format_months(threshold)}"
        return ExitCategory.EMPLOI_DURABLE, wording
    return ExitCategory.EMPLOI_TRANSITION, f"moins de {format_months(threshold)}" if months < threshold else (
        f"exactement {format_months(threshold)}, pas plus")


def needs_duration(exit_type: ExitType, rules: ExitRules) -> bool:
    return rules.rule_for(exit_type).selon_duree is not None


@dataclass(frozen=True)
class ExitInput:
    type: ExitType | None
    duree_contrat_mois: Decimal | None = None
    contrat_aide: bool = False
    employeur: str = ""
    commentaire: str = ""


def check_exit(data: ExitInput, rules: ExitRules, *, exit_date: date | None, entry_date: date,
               operation_start: date, operation_end: date) -> list[Problem]:
    p: list[Problem] = []
    if data.type is None:
        p.append(Problem("type_sortie", "choisissez le type de sortie"))
    elif needs_duration(data.type, rules) and data.duree_contrat_mois is None:
        p.append(Problem("duree_contrat_mois", "indiquez la durée du contrat en mois : elle décide de sa catégorie"))
    if data.duree_contrat_mois is not None and not Decimal(0) < data.duree_contrat_mois <= 600:
        p.append(Problem("duree_contrat_mois", "la durée du contrat doit être comprise entre 0 et 600 mois"))
    if exit_date is None:
        p.append(Problem("date_sortie", "la date de sortie est obligatoire"))
    else:
        if exit_date < entry_date:
            p.append(Problem("date_sortie", "la date de sortie précède la date d'entrée"))
        if not operation_start <= exit_date <= operation_end:
            p.append(Problem("date_sortie", "la date de sortie est en dehors de la période de l'opération"))
    return p


@dataclass(frozen=True)
class ExitSummary:
    counts: dict[ExitCategory, int]
    by_type: dict[ExitType, int]
    dynamiques: int
    comptees: int  # every exit but NON_COMPTEE: the rate's denominator

    @property
    def taux_dynamiques(self) -> Decimal | None:
        return None if not self.comptees else Decimal(self.dynamiques) / self.comptees


def summarize(classified: list[tuple[ExitType, ExitCategory]]) -> ExitSummary:
    counts = {category: 0 for category in ExitCategory}
    by_type: dict[ExitType, int] = {}
    for exit_type, category in classified:
        counts[category] += 1
        by_type[exit_type] = by_type.get(exit_type, 0) + 1
    dynamic = sum(counts[c] for c in DYNAMIC)
    counted = sum(n for c, n in counts.items() if c is not ExitCategory.NON_COMPTEE)
    return ExitSummary(counts, by_type, dynamic, counted)


def parse_exit_rules(data: dict, source: str) -> ExitRules:  # type: ignore[type-arg]
    """Build an :class:`ExitRules` table from a mapping; every exit type must have exactly one rule."""
    from aapdesk.domain.records import CatalogueError, parse_record

    rules = parse_record(ExitRules, data, source, "")
    seen: set[ExitType] = set()
    for index, rule in enumerate(rules.regles):
        where = f"regles[{index}]"
        if (rule.categorie is None) == (rule.selon_duree is None):
            raise CatalogueError(source, where, "indiquez soit « categorie », soit « selon_duree »")
        if rule.selon_duree is not None and rule.type not in CONTRACT_TYPES:
            raise CatalogueError(source, where, f"{rule.type.value} n'est pas un contrat : pas de règle de durée")
        if rule.type in seen:
            raise CatalogueError(source, where, f"{rule.type.value} a deux règles")
        seen.add(rule.type)
    missing = [t.value for t in ExitType if t not in seen]
    if missing:
        raise CatalogueError(source, "regles", "types de sortie sans règle : " + ", ".join(missing))
    return rules
