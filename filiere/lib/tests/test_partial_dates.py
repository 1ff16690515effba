"""Partial dates as the national minimum dataset stores them (year, month, day, precision)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from filiere.lib.partial_dates import PartialDate, PartialDateError, Precision, age_in_years


@pytest.mark.parametrize(
    ("text", "expected", "precision"),
    [
        ("2019", PartialDate(2019), Precision.YEAR),
        ("03/2019", PartialDate(2019, 3), Precision.MONTH),
        ("12/03/2019", PartialDate(2019, 3, 12), Precision.DAY),
        ("2019-03-12", PartialDate(2019, 3, 12), Precision.DAY),
        ("2019-03", PartialDate(2019, 3), Precision.MONTH),
    ],
)
def test_french_and_iso_forms_are_read(text: str, expected: PartialDate, precision: str) -> None:
    parsed = PartialDate.parse(text)
    assert parsed == expected
    assert parsed.precision == precision


@pytest.mark.parametrize("text", ["31/02/2019", "13/2019", "hier", "2019-13", "00/2019"])
def test_impossible_dates_are_refused_in_french(text: str) -> None:
    with pytest.raises(PartialDateError):
        PartialDate.parse(text)


def test_a_day_without_a_month_is_refused() -> None:
    with pytest.raises(PartialDateError, match="jour sans mois"):
        PartialDate(2019, None, 3)


def test_bounds_of_a_year_only_date() -> None:
    year = PartialDate(2020)
    assert year.earliest() == dt.date(2020, 1, 1)
    assert year.latest() == dt.date(2020, 12, 31)
    assert PartialDate(2020, 2).latest() == dt.date(2020, 2, 29)


def test_surely_before_is_false_when_the_periods_overlap() -> None:
    assert PartialDate(2019).is_surely_before(PartialDate(2020, 1, 1))
    assert not PartialDate(2019).is_surely_before(PartialDate(2019, 6))
    assert not PartialDate(2019, 6, 2).is_surely_before(PartialDate(2019, 6, 1))


def test_french_rendering() -> None:
    assert PartialDate(2019, 3, 2).french() == "02/03/2019"
    assert PartialDate(2019, 3).french() == "03/2019"
    assert PartialDate(2019).iso() == "2019"


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_a_full_date_round_trips(value: dt.date) -> None:
    partial = PartialDate.from_date(value)
    assert PartialDate.parse(partial.french()) == partial
    assert partial.earliest() == partial.latest() == value


def test_age_in_completed_years() -> None:
    assert age_in_years(dt.date(2010, 6, 15), dt.date(2026, 6, 14)) == 15
    assert age_in_years(dt.date(2010, 6, 15), dt.date(2026, 6, 15)) == 16
