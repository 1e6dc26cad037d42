"""The dispositif catalogue: every fiche of the funders' calls, read from ``resources/dispositifs``.

One TOML file per fiche, parsed and validated by :func:`aapdesk.domain.dispositif.parse_dispositif`.
A malformed file stops loading with a French message naming the file and the field.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from aapdesk.domain.dispositif import CatalogueError, Dispositif, parse_dispositif
from aapdesk.resources import dispositifs_dir


@dataclass(frozen=True)
class Catalogue:
    dispositifs: dict[str, Dispositif]

    def get(self, key: str) -> Dispositif:
        try:
            return self.dispositifs[key]
        except KeyError:
            raise KeyError(f"dispositif inconnu : {key!r} (voir « aapdesk dispositifs list »)") from None

    def __iter__(self):
        return iter(sorted(self.dispositifs.values(), key=_sort_key))

    def __len__(self) -> int:
        return len(self.dispositifs)


ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8}


def _sort_key(d: Dispositif) -> tuple:
    """Pas-de-Calais first, then by year and fiche number (Nord's axes are Roman numerals)."""
    parts = tuple(int(p) if p.isdigit() else ROMAN.get(p, 999) for p in d.fiche.split("."))
    return (d.departement.value != "62", d.annee_aap, parts, d.fiche)


def load_catalogue(folder: Path | None = None) -> Catalogue:
    folder = folder or dispositifs_dir()
    files = sorted(folder.glob("*.toml"))
    if not files:
        raise CatalogueError(str(folder), "(dossier)", "aucun fichier de dispositif trouvé")
    found: dict[str, Dispositif] = {}
    for path in files:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise CatalogueError(path.name, "(fichier)", f"illisible : {exc}") from None
        dispositif = parse_dispositif(data, path.name)
        if dispositif.key in found:
            raise CatalogueError(path.name, "key", f"{dispositif.key!r} est déjà défini par un autre fichier")
        found[dispositif.key] = dispositif
    return Catalogue(found)
