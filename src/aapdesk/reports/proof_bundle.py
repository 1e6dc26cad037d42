"""The proof bundle: a ZIP with one folder per participant, proofs renamed readably
(``DUPONT_Marie/2024-05-12_CDI_contrat.pdf``), and an ``index.xlsx`` listing each exit, its
category, the rule that classified it, its files, and the missing proofs.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import BinaryIO

from openpyxl import Workbook

from aapdesk.reports.xlsx_common import write_table


@dataclass(frozen=True)
class BundleProof:
    original_name: str
    stored_path: Path


@dataclass(frozen=True)
class BundleExit:
    nom: str
    prenom: str
    date_sortie: date
    type_code: str
    type_label: str
    duree_mois: object
    categorie: str
    regle: str
    preuve_requise: bool
    proofs: tuple[BundleProof, ...]
    employeur: str = ""


def safe_name(text: str, limit: int = 60) -> str:
    """ASCII letters, digits, dash and underscore only: valid on every file system and in every unzip tool."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    ascii_text = ascii_text.replace("œ", "oe").replace("Œ", "OE")
    cleaned = re.sub(r"[^A-Za-z0-9_-]+", "-", ascii_text).strip("-_")
    return (cleaned or "document")[:limit]


def folder_for(exit_: BundleExit) -> str:
    return f"{safe_name(exit_.nom.replace('Œ', 'OE').replace('œ', 'oe'))}_{safe_name(exit_.prenom)}"


def write_bundle(exits: list[BundleExit], handle: BinaryIO, *, title: str) -> dict[str, int]:
    """Write the ZIP to ``handle``; returns counts (exits, files, missing)."""
    used: set[str] = set()
    index_rows = []
    files = missing = 0
    with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for exit_ in exits:
            folder = folder_for(exit_)
            names = []
            for proof in exit_.proofs:
                stem, _, ext = proof.original_name.rpartition(".")
                base = f"{folder}/{exit_.date_sortie:%Y-%m-%d}_{exit_.type_code}_{safe_name(stem or ext, 40)}"
                suffix = f".{safe_name(ext, 8).lower()}" if stem else ""
                name, n = base + suffix, 1
                while name in used:
                    n += 1
                    name = f"{base}-{n}{suffix}"
                used.add(name)
                archive.write(proof.stored_path, name)
                names.append(name)
                files += 1
            is_missing = exit_.preuve_requise and not exit_.proofs
            missing += is_missing
            index_rows.append((exit_.nom, exit_.prenom, exit_.date_sortie, exit_.type_label, exit_.duree_mois,
                               exit_.employeur, exit_.categorie, exit_.regle, "\n".join(names),
                               "MANQUANTE" if is_missing else ("non requise" if not exit_.preuve_requise else "jointe")))
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "Sorties"
        sheet["A1"] = title
        write_table(sheet, ["Nom", "Prénom", "Date de sortie", "Type de sortie", "Durée (mois)", "Employeur ou organisme",
                            "Catégorie", "Règle appliquée", "Fichiers dans l'archive", "Pièce probante"], index_rows,
                    widths=[18, 16, 14, 30, 12, 26, 22, 70, 50, 14], start_row=3)
        buffer = io.BytesIO()
        workbook.save(buffer)
        archive.writestr("index.xlsx", buffer.getvalue())
    return {"exits": len(exits), "files": files, "missing": missing}
