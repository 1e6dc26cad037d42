"""The dispositif catalogue: every fiche of the funders' calls, read from ``resources/dispositifs``.

One TOML file per fiche, parsed and validated by :func:`aapdesk.domain.dispositif.parse_dispositif`.
A malformed file stops loading with a French message naming the file and the field.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass
from pathlib import Path

from aapdesk.domain.dispositif import CatalogueError, Dispositif, ExitVariant, parse_dispositif
from aapdesk.domain.exits import ExitRules, parse_exit_rules
from aapdesk.resources import dispositifs_dir, resources_dir


@dataclass(frozen=True)
class Catalogue:
    dispositifs: dict[str, Dispositif]
    classifications: dict[str, ExitRules] = dataclasses.field(default_factory=dict)

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


def _read_toml(path: Path) -> dict:  # type: ignore[type-arg]
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CatalogueError(path.name, "(fichier)", f"illisible : {exc}") from None


def load_classifications(folder: Path | None = None) -> dict[str, ExitRules]:
    """The exit-classification tables, one per variant, all of them required."""
    folder = folder or resources_dir() / "sorties"
    tables: dict[str, ExitRules] = {}
    for path in sorted(folder.glob("*.toml")):
        rules = parse_exit_rules(_read_toml(path), path.name)
        if rules.variante not in {v.value for v in ExitVariant}:
            raise CatalogueError(path.name, "variante", f"variante inconnue : {rules.variante!r}")
        tables[rules.variante] = rules
    missing = sorted(v.value for v in ExitVariant if v.value not in tables)
    if missing:
        raise CatalogueError(str(folder), "(dossier)", "tables de classification manquantes : " + ", ".join(missing))
    return tables


def load_catalogue(folder: Path | None = None, classifications_folder: Path | None = None) -> Catalogue:
    folder = folder or dispositifs_dir()
    files = sorted(folder.glob("*.toml"))
    if not files:
        raise CatalogueError(str(folder), "(dossier)", "aucun fichier de dispositif trouvé")
    tables = load_classifications(classifications_folder)
    found: dict[str, Dispositif] = {}
    for path in files:
        dispositif = parse_dispositif(_read_toml(path), path.name)
        if dispositif.key in found:
            raise CatalogueError(path.name, "key", f"{dispositif.key!r} est déjà défini par un autre fichier")
        found[dispositif.key] = dataclasses.replace(dispositif, classification=tables[dispositif.sorties.variante.value])
    return Catalogue(found, tables)
