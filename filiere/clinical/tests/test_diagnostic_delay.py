"""Diagnostic delay and its quartiles (see ``filiere.clinical.diagnostic_delay``)."""

from __future__ import annotations

import pytest

from filiere.clinical.diagnostic_delay import (
    ANTENATAL,
    DURING_LIFE,
    NEONATAL,
    age_in_months,
    banded,
    delay_months,
    histogram,
    quantile,
    quartiles,
)

NO_SIGN = "MED-1288"
UNDETERMINED = "373068000"


def test_age_in_months_of_each_category() -> None:
    assert age_in_months(DURING_LIFE, 2, 3) == 27
    assert age_in_months(DURING_LIFE, None, 7) == 7
    assert age_in_months(DURING_LIFE, 4, None) == 48
    assert age_in_months(NEONATAL, None, None) == 0
    assert age_in_months(ANTENATAL, None, None) == 0
    # No age given: no delay can be computed.
    assert age_in_months(DURING_LIFE, None, None) is None
    assert age_in_months(UNDETERMINED, None, None) is None
    assert age_in_months(NO_SIGN, None, None) is None


def test_delay_is_age_at_diagnosis_minus_age_at_first_signs() -> None:
    # EURORDIS (2009): time between first symptoms and diagnosis. First signs at 2 years 3
    # months, clinical diagnosis at 5 years: 33 months.
    assert delay_months(age_in_months(DURING_LIFE, 2, 3), age_in_months(DURING_LIFE, 5, 0)) == 33
    # Bleeding at birth, diagnosed the same day.
    assert delay_months(age_in_months(NEONATAL, None, None), 0) == 0


def test_no_delay_when_an_age_is_missing_or_the_record_is_inconsistent() -> None:
    assert delay_months(None, 40) is None
    assert delay_months(12, None) is None
    assert delay_months(40, 12) is None


def test_quantiles_match_definition_7_worked_example() -> None:
    # R's documentation, ?quantile (type 7, the default): quantile(1:10) gives
    # 1.00 3.25 5.50 7.75 10.00 (Hyndman & Fan 1996, definition 7).
    counts = histogram(range(1, 11))
    assert [quantile(counts, p) for p in (0, 0.25, 0.5, 0.75, 1)] == [1, 3.25, 5.5, 7.75, 10]


def test_quartiles_from_repeated_values() -> None:
    # NumPy's documentation: np.percentile([10, 7, 4, 3, 2, 1], 50) == 3.5.
    summary = quartiles(histogram([10, 7, 4, 3, 2, 1, None]))
    assert summary is not None
    assert summary.count == 6
    assert summary.median == 3.5
    assert quartiles({5: 3}) == quartiles(histogram([5, 5, 5]))
    assert quartiles({}) is None
    assert quartiles({4: 0}) is None


def test_quantile_refuses_nonsense() -> None:
    with pytest.raises(ValueError, match="Aucune valeur"):
        quantile({}, 0.5)
    with pytest.raises(ValueError, match="hors de"):
        quantile({1: 1}, 1.5)


def test_bands_count_every_delay_once() -> None:
    counts = histogram([0, 5, 6, 11, 12, 35, 36, 59, 60, 119, 120, 400])
    rows = banded(counts)
    assert [n for _, n in rows] == [2, 2, 2, 2, 2, 2]
    assert sum(n for _, n in rows) == sum(counts.values())
