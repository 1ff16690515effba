"""Eplet tables in the hlaR format and mismatch counts (HLAMatchmaker; transfusion.md §2.4)."""

from __future__ import annotations

import pytest

from filiere.hla.eplets import EpletFileError, eplet_mismatches, load_eplets, read_eplets_text
from filiere.hla.nomenclature import parse_typing
from filiere.hla.tests.conftest import shared

SMALL = """\
index,type,A*01:01,A*02:01,B*07:02,B*08:01,C*07:02
1,AbV,44KM,,,,
2,AbV,62QE,62GE,,,
3,Oth,,,41T,,
4,Oth,,,,,9Y
"""


def test_the_hlar_format_is_read() -> None:
    table = read_eplets_text(SMALL)
    assert table.alleles["A*01:01"] == {"44KM", "62QE"}
    assert table.alleles["B*08:01"] == frozenset()
    assert table.verified == {"44KM", "62QE", "62GE"}


def test_mismatches_are_donor_eplets_the_patient_lacks() -> None:
    table = read_eplets_text(SMALL)
    patient = parse_typing("A*02:01 B*08:01")
    assert eplet_mismatches(parse_typing("A*01:01 B*07:02"), patient, table) == 3
    assert eplet_mismatches(parse_typing("A*02:01 B*08:01"), patient, table) == 0
    # Antigen-level typing: eplets unknown.
    assert eplet_mismatches(parse_typing("A1 B7"), patient, table) is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("allele,type\n", "ligne 1"),
        ("index,type,A*01:01\n1,XYZ,44KM\n", "ligne 2, champ « type »"),
        ("index,type,zz\n", "colonne 3"),
    ],
)
def test_a_bad_table_is_refused(text: str, message: str) -> None:
    with pytest.raises(EpletFileError, match=message):
        read_eplets_text(text)


def test_the_hlar_v3_table_loads() -> None:
    """hlaR MHC_I_eplet_v3.csv: 1,890 class I alleles."""
    table = load_eplets(shared("eplets-hlaR") / "MHC_I_eplet_v3.csv")
    assert len(table.alleles) > 1800
    assert table.alleles["A*02:01"]
    assert 100 < len(table.names) < 200
