"""The follow-up rhythm's arithmetic, without a database."""

from __future__ import annotations

import datetime as dt

import pytest

from filiere.followup.rhythm import (
    DEFAULT_INTERVAL_MONTHS,
    DEFAULT_RULES,
    FollowUpStatus,
    add_months,
    interval_for,
    status_on,
)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2024, 1, 15), 12, dt.date(2025, 1, 15)),
        (dt.date(2024, 1, 31), 1, dt.date(2024, 2, 29)),  # leap year: the last day of February
        (dt.date(2023, 11, 30), 3, dt.date(2024, 2, 29)),
        (dt.date(2024, 2, 29), 24, dt.date(2026, 2, 28)),
    ],
)
def test_months_are_added_without_inventing_a_day(
    day: dt.date, months: int, expected: dt.date
) -> None:
    assert add_months(day, months) == expected


def test_a_visit_is_due_three_months_ahead_and_overdue_the_day_after() -> None:
    today = dt.date(2025, 6, 1)
    assert status_on(dt.date(2025, 5, 31), today) is FollowUpStatus.OVERDUE
    assert status_on(today, today) is FollowUpStatus.DUE
    assert status_on(dt.date(2025, 8, 30), today) is FollowUpStatus.DUE
    assert status_on(dt.date(2025, 9, 30), today) is FollowUpStatus.UP_TO_DATE


RULES = {(1, ""): (10, 24), (2, "severe"): (20, 12), (2, ""): (21, 12), (2, "mild"): (22, 48)}


def test_the_rule_of_the_patients_form_applies_before_the_groups_general_rule() -> None:
    assert interval_for([2], "mild", RULES).months == 48
    assert interval_for([2], "mild", RULES).rule_id == 22
    assert interval_for([2], "moderate", RULES).rule_id == 21
    assert interval_for([2], "", RULES).rule_id == 21


def test_the_shortest_interval_wins_across_two_diagnoses() -> None:
    interval = interval_for([1, 2], "", RULES)
    assert (interval.months, interval.group_id) == (12, 2)


def test_without_any_rule_the_networks_default_interval_applies() -> None:
    interval = interval_for([3], "severe", RULES)
    assert interval.months == DEFAULT_INTERVAL_MONTHS
    assert (interval.group_id, interval.rule_id) == (3, None)
    assert interval_for([], "", RULES).group_id is None


def test_the_default_rules_follow_the_national_cohort() -> None:
    """FranceCoag: platelet disorders every 2 years, severe haemophilia yearly, minor every 4."""
    rules = {(r.group_slug, r.severity): r.interval_months for r in DEFAULT_RULES}
    assert rules[("thrombopathies", "")] == 24
    assert rules[("thrombopenies", "")] == 24
    assert rules[("hemophilie-a", "severe")] == 12
    assert rules[("hemophilie-b", "moderate")] == 12
    assert rules[("hemophilie-a", "mild")] == 48
    assert len(rules) == len(DEFAULT_RULES)  # one rule per group and form
