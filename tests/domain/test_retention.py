"""Backup thinning: exact keep sets over a year of synthetic daily backups (Anki's policy)."""

from datetime import datetime, timedelta

from aapdesk.domain.retention import backups_to_keep

NOW = datetime(2025, 12, 31, 18, 0)


def test_nothing_to_keep_from_nothing():
    assert backups_to_keep([], NOW) == set()


def test_newest_is_always_kept_even_if_old():
    old = datetime(2020, 1, 1)
    assert backups_to_keep([old], NOW) == {old}


def test_all_of_the_last_day_are_kept():
    today = [NOW - timedelta(hours=h) for h in range(0, 20, 2)]
    assert backups_to_keep(today, NOW) == set(today)


def test_a_year_of_daily_backups_keeps_12_days_10_weeks_9_months():
    daily = [datetime(2025, 1, 1, 12) + timedelta(days=i) for i in range(365)]  # 01/01 .. 31/12 at noon
    keep = backups_to_keep(daily, NOW)
    recent = {d for d in daily if NOW - d <= timedelta(days=1)}
    assert recent == {datetime(2025, 12, 31, 12)}
    noon = lambda m, d: datetime(2025, m, d, 12)  # noqa: E731
    expected_daily = {noon(12, d) for d in range(19, 31)}  # 19/12 .. 30/12
    # then the newest of each of 10 ISO weeks among older ones: Thursday 18/12, then Sundays
    expected_weekly = {noon(12, 18), noon(12, 14), noon(12, 7), noon(11, 30), noon(11, 23), noon(11, 16),
                       noon(11, 9), noon(11, 2), noon(10, 26), noon(10, 19)}
    # then the newest of each of 9 months among what is older still (13-18/10 belong to a kept week)
    expected_monthly = {noon(10, 12), noon(9, 30), noon(8, 31), noon(7, 31), noon(6, 30), noon(5, 31),
                        noon(4, 30), noon(3, 31), noon(2, 28)}
    assert keep == recent | expected_daily | expected_weekly | expected_monthly
    assert len(keep) == 1 + 12 + 10 + 9


def test_two_backups_the_same_old_day_keep_only_the_newest():
    a, b = datetime(2025, 12, 20, 9), datetime(2025, 12, 20, 17)
    assert backups_to_keep([a, b, NOW], NOW) == {b, NOW}
