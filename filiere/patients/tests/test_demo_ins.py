"""The demo's test INS numbers: valid, consistent with the identity, never shared.

Seen: `make demo DEMO_ARGS="--size 5000"` crashed with « Ce matricule INS est déjà celui d'un
autre patient du registre » — the order number was drawn at random among 900 values.
"""

import datetime as dt

from filiere.lib.identifiers import is_valid_nir, nir_contradictions
from filiere.patients.demo import demo_ins


def test_twenty_thousand_patients_born_the_same_month_get_distinct_valid_ins() -> None:
    birth = dt.date(2011, 3, 14)
    numbers = [demo_ins(index, "F", birth) for index in range(1, 20_001)]
    assert len(set(numbers)) == len(numbers)
    assert all(is_valid_nir(n) for n in numbers[::997])


def test_a_hundred_thousand_patient_demo_gets_distinct_valid_ins() -> None:
    """The load test's demo: every number distinct and with a correct NIR key, whatever the
    sex and birth date the seeded draw gives (the worst case, one shared month, per sex)."""
    for sex, birth in (("M", dt.date(1980, 1, 1)), ("F", dt.date(2024, 12, 31))):
        numbers = [demo_ins(index, sex, birth) for index in range(1, 100_001)]
        assert len(set(numbers)) == len(numbers)
        assert all(is_valid_nir(n) for n in numbers)


def test_ins_agrees_with_sex_year_and_month_of_birth() -> None:
    for sex, birth in (("M", dt.date(1999, 12, 1)), ("F", dt.date(2024, 1, 31))):
        ins = demo_ins(123_456, sex, birth)
        contradicted = nir_contradictions(
            ins, sex=sex, birth_year=birth.year, birth_month=birth.month
        )
        assert contradicted == []
