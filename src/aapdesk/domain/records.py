"""Strict parsing of catalogue records (TOML or JSON mappings) into frozen dataclasses, and back.

Unknown keys, wrong types and missing fields raise :class:`CatalogueError` naming the
file and the field, in French; :func:`to_plain` gives the JSON-ready inverse.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any


class CatalogueError(Exception):
    """A catalogue file is malformed; the message names the file and the field, in French."""

    def __init__(self, source: str, field_path: str, message: str) -> None:
        self.source, self.field_path, self.reason = source, field_path, message
        super().__init__(f"{source} : champ « {field_path} » : {message}")



def parse_record(cls: type, data: Any, source: str, path: str) -> Any:
    if not isinstance(data, dict):
        raise CatalogueError(source, path or "(racine)", "une table est attendue")
    hints = _type_hints(cls)
    known = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise CatalogueError(source, _join(path, unknown[0]), "champ inconnu")
    values = {}
    for name, f in known.items():
        sub = _join(path, name)
        if name in data:
            values[name] = _convert(hints[name], data[name], source, sub)
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            raise CatalogueError(source, sub, "champ obligatoire manquant")
    return cls(**values)


@functools.lru_cache(maxsize=None)
def _type_hints(cls: type) -> dict[str, Any]:
    """Resolved annotations of a record class (resolving them evaluates strings: do it once per class)."""
    return typing.get_type_hints(cls)


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _convert(tp: Any, value: Any, source: str, path: str) -> Any:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if value is None:
            return None
        return _convert(args[0], value, source, path)
    if origin is tuple:
        (item_type, _ellipsis) = typing.get_args(tp)
        if not isinstance(value, list):
            raise CatalogueError(source, path, "une liste est attendue")
        return tuple(_convert(item_type, v, source, f"{path}[{i}]") for i, v in enumerate(value))
    if dataclasses.is_dataclass(tp):
        return parse_record(tp, value, source, path)
    if isinstance(tp, type) and issubclass(tp, StrEnum):
        try:
            return tp(value)
        except ValueError:
            allowed = ", ".join(m.value for m in tp)
            raise CatalogueError(source, path, f"valeur {value!r} inconnue (attendu : {allowed})") from None
    if tp is Decimal:
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise CatalogueError(source, path, "un nombre est attendu")
        try:
            number = Decimal(str(value))
        except ArithmeticError:
            raise CatalogueError(source, path, f"nombre illisible {value!r}") from None
        if not number.is_finite() or number < 0:
            raise CatalogueError(source, path, "un nombre positif est attendu")
        return number
    if tp is bool:
        if not isinstance(value, bool):
            raise CatalogueError(source, path, "vrai ou faux (true/false) est attendu")
        return value
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise CatalogueError(source, path, "un nombre entier positif est attendu")
        return value
    if tp is date:
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        raise CatalogueError(source, path, "une date AAAA-MM-JJ est attendue")
    if tp is str:
        if not isinstance(value, str):
            raise CatalogueError(source, path, "un texte est attendu")
        return value
    raise CatalogueError(source, path, f"type non géré {tp!r}")  # pragma: no cover - schema bug



def to_plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_plain(getattr(value, f.name)) for f in dataclasses.fields(value)
                if getattr(value, f.name) is not None}
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [to_plain(v) for v in value]
    return value
