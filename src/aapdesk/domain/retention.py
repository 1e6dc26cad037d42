"""Which backups to keep: every backup of the last day, then one a day, a week, a month.

Anki's thinning with its tested defaults (12 daily, 10 weekly, 9 monthly): the newest
backup of each of the 12 most recent days is kept, then, among older ones, the newest
of each of the 10 most recent weeks, then of the 9 most recent months. The newest
backup is always kept, whatever its age. Pure: the caller passes ``now``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Callable, Hashable, Iterable


def backups_to_keep(
    created: Iterable[datetime],
    now: datetime,
    *,
    daily: int = 12,
    weekly: int = 10,
    monthly: int = 9,
    recent: timedelta = timedelta(days=1),
) -> set[datetime]:
    ordered = sorted(set(created), reverse=True)
    if not ordered:
        return set()
    keep = {ordered[0]}
    older = []
    for moment in ordered:
        if now - moment <= recent:
            keep.add(moment)
        else:
            older.append(moment)
    buckets: list[tuple[int, Callable[[datetime], Hashable]]] = [
        (daily, lambda m: m.date()),
        (weekly, lambda m: tuple(m.isocalendar())[:2]),
        (monthly, lambda m: (m.year, m.month)),
    ]
    for quota, key in buckets:
        kept_keys: set[Hashable] = set()
        rest = []
        for moment in older:  # newest first
            k = key(moment)
            if k in kept_keys:
                continue  # an newer backup already represents this day/week/month
            if len(kept_keys) < quota:
                kept_keys.add(k)
                keep.add(moment)
            else:
                rest.append(moment)
        older = rest
    return keep
