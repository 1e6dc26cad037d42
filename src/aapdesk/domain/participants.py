"""Participants and parcours: the data a form or an import provides, and the rules it must obey.

Checks return :class:`~aapdesk.domain.problems.Problem` lists naming the field, in French.
"Moins de 26 ans" is computed from the birth date and the entry date, never typed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from aapdesk.domain.periods import age_on
from aapdesk.domain.problems import Problem
from aapdesk.domain.references import NIVEAUX_FORMATION, PRESCRIPTEURS, SEXES, ZONES

POSTAL_CODE = re.compile(r"^\d{5}$")
OLDEST_PLAUSIBLE_AGE = 100
YOUNGEST_PLAUSIBLE_AGE = 15


@dataclass(frozen=True)
class ParticipantInput:
    nom: str
    prenom: str
    sexe: str
    date_naissance: date | None
    brsa: bool = False
    rqth: bool = False
    niveau_formation: str | None = None
    commune: str | None = None
    code_postal: str | None = None
    zone: str | None = None
    qpv: bool = False
    territoire: str | None = None
    prescripteur: str | None = None
    id_externe: str | None = None

    def normalised(self) -> ParticipantInput:
        """Trimmed text, surname in capitals, empty strings as None."""

        def clean(value: str | None) -> str | None:
            if value is None:
                return None
            value = " ".join(value.split())
            return value or None

        return ParticipantInput(
            nom=(clean(self.nom) or "").upper(),
            prenom=clean(self.prenom) or "",
            sexe=(clean(self.sexe) or "").upper(),
            date_naissance=self.date_naissance,
            brsa=self.brsa,
            rqth=self.rqth,
            niveau_formation=clean(self.niveau_formation),
            commune=clean(self.commune),
            code_postal=clean(self.code_postal),
            zone=(clean(self.zone) or "").lower() or None,
            qpv=self.qpv,
            territoire=clean(self.territoire),
            prescripteur=clean(self.prescripteur),
            id_externe=clean(self.id_externe),
        )


@dataclass(frozen=True)
class ParcoursInput:
    date_entree: date | None
    date_orientation: date | None = None
    date_sortie: date | None = None
    referent: str | None = None


def check_participant(data: ParticipantInput, today: date) -> list[Problem]:
    p: list[Problem] = []
    if not data.nom.strip():
        p.append(Problem("nom", "le nom est obligatoire"))
    if not data.prenom.strip():
        p.append(Problem("prenom", "le prénom est obligatoire"))
    if data.sexe not in SEXES:
        p.append(Problem("sexe", "indiquez F (femme) ou M (homme)"))
    if data.date_naissance is None:
        p.append(Problem("date_naissance", "la date de naissance est obligatoire"))
    elif data.date_naissance > today:
        p.append(Problem("date_naissance", "la date de naissance est dans le futur"))
    else:
        age = age_on(data.date_naissance, today)
        if age > OLDEST_PLAUSIBLE_AGE:
            p.append(Problem("date_naissance", f"la date de naissance donne {age} ans : vérifiez-la"))
        elif age < YOUNGEST_PLAUSIBLE_AGE:
            p.append(Problem("date_naissance", f"la date de naissance donne {age} ans : vérifiez-la"))
    if data.niveau_formation and data.niveau_formation not in NIVEAUX_FORMATION:
        p.append(Problem("niveau_formation", "code de niveau de formation inconnu (codes ASP : 00, 01, 10 … 70)"))
    if data.prescripteur and data.prescripteur not in PRESCRIPTEURS:
        p.append(Problem("prescripteur", "code de prescripteur inconnu (codes ASP : 01 … 23, 99)"))
    if data.zone and data.zone not in ZONES:
        p.append(Problem("zone", "indiquez urbain ou rural"))
    if data.code_postal and not POSTAL_CODE.match(data.code_postal):
        p.append(Problem("code_postal", "le code postal doit avoir 5 chiffres"))
    return p


def check_parcours(
    data: ParcoursInput,
    *,
    operation_start: date,
    operation_end: date,
    entry_before_start_allowed: bool,
    birth_date: date | None,
    today: date,
) -> list[Problem]:
    p: list[Problem] = []
    if data.date_entree is None:
        p.append(Problem("date_entree", "la date d'entrée est obligatoire"))
        return p
    if data.date_entree > operation_end:
        p.append(Problem("date_entree", "la date d'entrée est après la fin de l'opération"))
    if data.date_entree < operation_start and not entry_before_start_allowed:
        p.append(Problem("date_entree", "le dispositif n'admet pas d'entrée avant le début de l'opération"))
    if data.date_entree > today:
        p.append(Problem("date_entree", "la date d'entrée est dans le futur"))
    if birth_date and data.date_entree <= birth_date:
        p.append(Problem("date_entree", "la date d'entrée précède la date de naissance"))
    if data.date_orientation and data.date_orientation > data.date_entree:
        p.append(Problem("date_orientation", "l'orientation doit précéder ou égaler l'entrée"))
    if data.date_sortie is not None:
        if data.date_sortie < data.date_entree:
            p.append(Problem("date_sortie", "la date de sortie précède la date d'entrée"))
        if data.date_sortie > today:
            p.append(Problem("date_sortie", "la date de sortie est dans le futur"))
    return p


def is_under(birth_date: date, entry_date: date, age_limit: int = 26) -> bool:
    """Whether the person is "moins de 26 ans" (or another limit) at the entry date."""
    return age_on(birth_date, entry_date) < age_limit


def share_of_young(birth_and_entry: list[tuple[date, date]], age_limit: int = 26) -> float:
    """Share of participants under ``age_limit`` at their entry (0 when there is nobody)."""
    if not birth_and_entry:
        return 0.0
    young = sum(1 for birth, entry in birth_and_entry if is_under(birth, entry, age_limit))
    return young / len(birth_and_entry)


def fold_accents(text: str) -> str:
    """Lower case without accents or ligatures: « Lecœur » → « lecoeur », « Noël » → « noel »."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("œ", "oe").replace("æ", "ae"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def sort_key(nom: str, prenom: str) -> tuple[str, str]:
    """Alphabetical order as people expect it: accents and case ignored (BÉCOURT before BOULANGER)."""
    return fold_accents(nom), fold_accents(prenom)


def identity_key(nom: str, prenom: str, birth: date | None) -> tuple[str, str, date | None]:
    """Case-, accent- and spacing-insensitive identity (Noël = NOEL, Jean Noël = Jean-Noël): two
    participants with the same key are the same person."""

    def letters(text: str) -> str:
        return "".join(c for c in fold_accents(text) if c.isalnum())

    return letters(nom), letters(prenom), birth
