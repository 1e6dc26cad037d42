"""The structure (porteur de projet): read and save its identity."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select

from aapdesk.domain.problems import Problem, require
from aapdesk.domain.references import TYPES_STRUCTURE
from aapdesk.services.context import AppContext, journal
from aapdesk.storage.schema import Structure


@dataclass(frozen=True)
class StructureData:
    nom: str
    type_structure: str = "ASSOCIATION"
    siret: str | None = None
    adresse: str | None = None
    code_postal: str | None = None
    commune: str | None = None


def check_structure(data: StructureData) -> list[Problem]:
    p = []
    if not data.nom.strip():
        p.append(Problem("nom", "le nom de la structure est obligatoire"))
    if data.type_structure not in TYPES_STRUCTURE:
        p.append(Problem("type", f"type de structure inconnu : {data.type_structure}"))
    if data.siret and not _valid_siret(data.siret):
        p.append(Problem("siret", "le SIRET doit avoir 14 chiffres et une clé de contrôle valide"))
    if data.code_postal and not re.fullmatch(r"\d{5}", data.code_postal):
        p.append(Problem("code_postal", "le code postal doit avoir 5 chiffres"))
    return p


def _valid_siret(siret: str) -> bool:
    digits = siret.replace(" ", "")
    if not re.fullmatch(r"\d{14}", digits):
        return False
    if digits.startswith("356000000"):  # La Poste's establishments use a sum-of-digits rule
        return sum(int(c) for c in digits) % 5 == 0
    total = 0
    for index, char in enumerate(reversed(digits)):  # Luhn
        n = int(char) * (2 if index % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def get_structure(app: AppContext) -> StructureData | None:
    with app.reading() as session:
        row = session.scalar(select(Structure).limit(1))
        if row is None:
            return None
        return StructureData(row.nom, row.type_structure, row.siret, row.adresse, row.code_postal, row.commune)


def save_structure(app: AppContext, data: StructureData) -> None:
    data = StructureData(
        nom=" ".join(data.nom.split()),
        type_structure=data.type_structure,
        siret=(data.siret or "").replace(" ", "") or None,
        adresse=(data.adresse or "").strip() or None,
        code_postal=(data.code_postal or "").strip() or None,
        commune=(data.commune or "").strip() or None,
    )
    require(check_structure(data))
    now = app.now()
    with app.transaction() as session:
        row = session.scalar(select(Structure).limit(1))
        action = "modification"
        if row is None:
            row = Structure(created_at=now)
            session.add(row)
            action = "creation"
        row.nom, row.type_structure, row.siret = data.nom, data.type_structure, data.siret
        row.adresse, row.code_postal, row.commune = data.adresse, data.code_postal, data.commune
        row.updated_at = now
        session.flush()
        journal(session, now, action, "structure", row.id)
