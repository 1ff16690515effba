"""The yearly calendar's pure rules: Easter, French public holidays, « the Nth weekday », pasted
dates. No database."""

from __future__ import annotations

import datetime as dt

import pytest

from filiere.meetings import yearly


@pytest.mark.parametrize(
    ("year", "easter"),
    # Meeus, Astronomical Algorithms (2nd ed., 1998), ch. 8: 1818 → 22 March, 2000 → 23 April,
    # 2038 → 25 April; 2027 → 28 March (calendar of the French administration).
    [
        (1818, dt.date(1818, 3, 22)),
        (2000, dt.date(2000, 4, 23)),
        (2038, dt.date(2038, 4, 25)),
        (2027, dt.date(2027, 3, 28)),
    ],
)
def test_easter_sunday_matches_the_published_dates(year: int, easter: dt.date) -> None:
    assert yearly.easter_sunday(year) == easter


def test_french_public_holidays_2027() -> None:
    """Service-public.fr, « Jours fériés 2027 »: Lundi de Pâques 29 mars, Ascension 6 mai,
    Lundi de Pentecôte 17 mai, and the eight fixed days."""
    holidays = yearly.french_public_holidays(2027)
    assert len(holidays) == 11
    assert holidays[dt.date(2027, 3, 29)] == "Lundi de Pâques"
    assert holidays[dt.date(2027, 5, 6)] == "Ascension"
    assert holidays[dt.date(2027, 5, 17)] == "Lundi de Pentecôte"
    assert dt.date(2027, 7, 14) in holidays


def test_the_second_tuesday_of_chosen_months() -> None:
    days = yearly.dates_by_rule(2027, [12, 3, 6], weekday=1, n=2)
    assert days == [dt.date(2027, 3, 9), dt.date(2027, 6, 8), dt.date(2027, 12, 14)]


def test_a_fifth_weekday_is_skipped_and_last_is_the_last() -> None:
    assert yearly.nth_weekday(2027, 2, 1, 5) is None  # February 2027 has four Tuesdays
    assert yearly.nth_weekday(2027, 3, 1, yearly.LAST) == dt.date(2027, 3, 30)


def test_pasted_dates_are_read_in_french_format_and_sorted() -> None:
    text = "14/12/2027\n09/03/2027, 8/6/2027 ; 09/03/2027"
    assert yearly.parse_date_list(text, 2027) == [
        dt.date(2027, 3, 9),
        dt.date(2027, 6, 8),
        dt.date(2027, 12, 14),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2027-03-09", "« 2027-03-09 » n'est pas une date JJ/MM/AAAA."),
        ("31/02/2027", "« 31/02/2027 » n'est pas une date JJ/MM/AAAA."),
        ("09/03/2028", "Le 09/03/2028 n'est pas en 2027."),
    ],
)
def test_a_wrong_pasted_date_is_named(text: str, message: str) -> None:
    with pytest.raises(yearly.DateListError, match=message):
        yearly.parse_date_list(text, 2027)


def test_review_flags_weekends_holidays_past_and_taken_days() -> None:
    days = [dt.date(2027, 5, 6), dt.date(2027, 5, 8), dt.date(2027, 5, 11), dt.date(2027, 1, 5)]
    review = yearly.review(days, today=dt.date(2027, 2, 1), taken={dt.date(2027, 5, 11)})
    ascension, saturday, taken, past = review
    assert ascension.holiday == "Ascension"
    assert ascension.non_working
    assert saturday.weekend
    assert saturday.holiday == "Victoire 1945"
    assert taken.existing
    assert not taken.non_working
    assert past.past
    assert ascension.label == "jeudi 06/05/2027"
