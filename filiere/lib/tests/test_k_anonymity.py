"""k-anonymity on (age group × sex × centre), Sweeney 2002 (« k-anonymity: a model for
protecting privacy », Int J Uncertain Fuzziness Knowl Based Syst 10(5):557-570)."""

from __future__ import annotations

from collections import Counter

from filiere.lib.k_anonymity import (
    REMOVED,
    QuasiIdentifiers,
    Released,
    five_year_band,
    k_anonymise,
    twenty_year_band,
)


def _people(n: int, age: int, sex: str, centre: str) -> list[QuasiIdentifiers]:
    return [QuasiIdentifiers(age=age, sex=sex, centre=centre)] * n


def _classes(rows: list[Released | None]) -> Counter[tuple[str | None, ...]]:
    return Counter((r.age_group, r.sex, r.centre) for r in rows if r is not None)


def test_bands() -> None:
    assert [five_year_band(a) for a in (0, 4, 5, 37, 89, 90, 103)] == [
        "0-4",
        "0-4",
        "5-9",
        "35-39",
        "85-89",
        "90+",
        "90+",
    ]
    assert [twenty_year_band(a) for a in (0, 19, 20, 59, 79, 80)] == [
        "0-19",
        "0-19",
        "20-39",
        "40-59",
        "60-79",
        "80+",
    ]


def test_classes_of_five_are_released_as_they_are() -> None:
    rows = _people(5, 32, "F", "Marseille") + _people(6, 47, "M", "Lille")
    result = k_anonymise(rows)
    assert result.suppressed == 0
    assert result.generalised == 0
    assert _classes(result.rows) == {("30-34", "F", "Marseille"): 5, ("45-49", "M", "Lille"): 6}


def test_a_class_of_three_loses_its_centre_first() -> None:
    """Three women of 30-34 at Lille join two of Brest once the centre is removed."""
    rows = (
        _people(5, 32, "F", "Marseille")
        + _people(3, 33, "F", "Lille")
        + _people(2, 31, "F", "Brest")
    )
    result = k_anonymise(rows)
    assert result.suppressed == 0
    assert result.generalised == 5
    assert _classes(result.rows) == {("30-34", "F", "Marseille"): 5, ("30-34", "F", REMOVED): 5}


def test_then_twenty_year_bands_then_no_age() -> None:
    rows = _people(3, 22, "M", "A") + _people(2, 37, "M", "B")  # one 20-39 class of 5
    assert _classes(k_anonymise(rows).rows) == {("20-39", "M", REMOVED): 5}
    rows = _people(3, 12, "M", "A") + _people(2, 67, "M", "B")  # only sex in common
    assert _classes(k_anonymise(rows).rows) == {(REMOVED, "M", REMOVED): 5}


def test_what_stays_alone_is_suppressed_and_counted() -> None:
    rows = _people(5, 32, "F", "Marseille") + _people(3, 50, "M", "Lille")
    result = k_anonymise(rows)
    assert result.suppressed == 3
    assert result.rows[5:] == [None, None, None]
    assert _classes(result.rows) == {("30-34", "F", "Marseille"): 5}


def test_every_released_class_holds_at_least_k() -> None:
    rows = [
        QuasiIdentifiers(age=age, sex="FM"[age % 2], centre="ABC"[age % 3]) for age in range(60)
    ]
    result = k_anonymise(rows)
    assert min(_classes(result.rows).values()) >= 5
    assert result.suppressed + sum(_classes(result.rows).values()) == 60


def test_a_quasi_identifier_not_extracted_takes_no_part() -> None:
    rows = [QuasiIdentifiers(age=None, sex="F", centre=None)] * 5
    result = k_anonymise(rows)
    assert result.suppressed == 0
    assert _classes(result.rows) == {(None, "F", None): 5}
