"""Ages on a date: exact from the birth date, to the month from its year and month (the lowest
age possible during the birth month), and the way clinicians write them (never "0 ans")."""

from __future__ import annotations

import datetime as dt

import pytest

from filiere.lib.ages import Age, AgePrecision, AgeUnit, age_by_month, age_display, exact_age


def test_the_eve_of_the_18th_birthday_is_still_17() -> None:
    """Born 03/12/2008: 17 on 02/12/2026, 18 on 03/12/2026."""
    assert exact_age(dt.date(2008, 12, 3), dt.date(2026, 12, 2)).years == 17
    assert exact_age(dt.date(2008, 12, 3), dt.date(2026, 12, 3)).years == 18


def test_an_exact_age_counts_months_and_days() -> None:
    age = exact_age(dt.date(2026, 1, 15), dt.date(2026, 12, 2))
    assert age == Age(years=0, months=10, precision=AgePrecision.DAY, days=321)


def test_born_on_29_february_one_is_of_age_on_1_march_of_a_common_year() -> None:
    born = dt.date(2008, 2, 29)
    assert exact_age(born, dt.date(2026, 2, 28)).years == 17
    assert exact_age(born, dt.date(2026, 3, 1)).years == 18
    assert exact_age(born, dt.date(2028, 2, 29)).years == 20


def test_a_date_before_birth_is_refused() -> None:
    with pytest.raises(ValueError, match="antérieure"):
        exact_age(dt.date(2020, 5, 2), dt.date(2020, 5, 1))
    with pytest.raises(ValueError, match="antérieure"):
        age_by_month(2020, 5, dt.date(2020, 4, 30))


def test_during_the_birth_month_an_age_to_the_month_is_the_lowest_possible() -> None:
    """Born in December 2008, known to the month: 17 until 31/12/2026, when every possible
    birth day has passed (the conservative choice for an age cut-off)."""
    assert age_by_month(2008, 12, dt.date(2026, 11, 30)).years == 17
    assert age_by_month(2008, 12, dt.date(2026, 12, 2)).years == 17
    assert age_by_month(2008, 12, dt.date(2026, 12, 31)).years == 18
    assert age_by_month(2008, 12, dt.date(2027, 1, 1)).years == 18
    assert age_by_month(2008, 12, dt.date(2026, 12, 2)).precision is AgePrecision.MONTH


def test_an_age_to_the_month_of_a_baby_counts_completed_months() -> None:
    assert age_by_month(2026, 1, dt.date(2026, 12, 2)).months == 10
    assert age_by_month(2026, 12, dt.date(2026, 12, 2)).months == 0
    assert age_by_month(2026, 12, dt.date(2026, 12, 2)).days is None


@pytest.mark.parametrize(
    ("age", "shown"),
    [
        (Age(years=17, months=215, precision=AgePrecision.DAY, days=6573), (17, AgeUnit.YEARS)),
        (Age(years=2, months=24, precision=AgePrecision.MONTH), (2, AgeUnit.YEARS)),
        (Age(years=1, months=23, precision=AgePrecision.MONTH), (23, AgeUnit.MONTHS)),
        (Age(years=0, months=11, precision=AgePrecision.DAY, days=340), (11, AgeUnit.MONTHS)),
        (Age(years=0, months=0, precision=AgePrecision.DAY, days=12), (12, AgeUnit.DAYS)),
        (Age(years=0, months=0, precision=AgePrecision.DAY, days=0), (0, AgeUnit.DAYS)),
        (Age(years=0, months=0, precision=AgePrecision.MONTH), (None, AgeUnit.UNDER_A_MONTH)),
    ],
)
def test_ages_are_written_in_years_from_two_in_months_below_and_in_days_for_newborns(
    age: Age, shown: tuple[int | None, AgeUnit]
) -> None:
    assert age_display(age) == shown
