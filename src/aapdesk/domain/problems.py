"""User-facing validation results: a `Problem` names a field and says what is wrong, in French.

Domain checks return lists of problems instead of raising, so a form can show all of
them at once; services raise :class:`ValidationError` carrying the list when asked to
write invalid data, and nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: ``field`` is the form field or column, ``message`` French."""

    field: str
    message: str
    code: str = ""

    def __str__(self) -> str:
        return f"{self.field} : {self.message}" if self.field else self.message


@dataclass
class ValidationError(Exception):
    """Raised by a service when the input is invalid; nothing has been written."""

    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return "\n".join(str(p) for p in self.problems)

    def __str__(self) -> str:
        return self.message


def require(problems: list[Problem]) -> None:
    """Raise :class:`ValidationError` when ``problems`` is not empty."""
    if problems:
        raise ValidationError(list(problems))
