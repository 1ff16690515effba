"""The donors CSV file (documented in filiere/hla/donors.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from filiere.hla.donors import Abo, DonorFileError, PlateletAntigen, iter_donors_text
from filiere.hla.nomenclature import Locus

GOOD = """\
id;site;région;ABO;HLA-A;HLA-B;HLA-C;HPA1;HPA5;CD36;dernier don;actif
D1;EFS Marseille;93;O;A*02:01 A*24:02;B*44:02 B51;;1b1b;aa;neg;01/03/2026;oui
D2;EFS Lyon;84;AB;02:01;7 8;Cw7;aa;ab;pos;2026-02-01;0
"""


def test_a_french_spreadsheet_export_is_read() -> None:
    first, second = iter_donors_text(GOOD)
    assert (first.region, first.abo, first.site) == ("93", Abo.O, "EFS Marseille")
    assert str(first.typing) == "A*02:01 A*24:02 B*44:02 B51"
    assert first.typing.at(Locus.C) == ()
    assert first.lacks(PlateletAntigen.HPA_1A)
    assert first.lacks(PlateletAntigen.CD36)
    assert first.lacks(PlateletAntigen.HPA_5B)  # HPA-5 "aa": no 5b
    assert first.last_donation == dt.date(2026, 3, 1)
    assert str(second.typing) == "A*02:01 B7 B8 Cw7"
    assert not second.active


def test_hpa_5b_negative_means_genotype_aa() -> None:
    (donor,) = iter_donors_text("id,region,abo,hla_a,hla_b,hpa5\nD,84,A,A1,B8,aa\n")
    assert donor.lacks(PlateletAntigen.HPA_5B)
    assert not donor.lacks(PlateletAntigen.HPA_1A)  # unknown HPA-1: assumed to carry 1a


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("D3,99,A,A1,B8", "ligne 2, champ « region » : « 99 » n'est pas un code de région INSEE"),
        ("D3,84,Z,A1,B8", "ligne 2, champ « abo »"),
        ("D3,84,A,A1 A2 A3,B8", "ligne 2, champ « hla_a » : plus de deux"),
        ("D3,84,A,B8,B7", "ligne 2, champ « hla_a »"),
        ("D3,84,A,A*02:AB,B8", "ligne 2, champ « hla_a » : nom HLA illisible"),
        (",84,A,A1,B8", "ligne 2, champ « id »"),
    ],
)
def test_a_bad_row_names_the_line_and_field(row: str, message: str) -> None:
    with pytest.raises(DonorFileError, match=message):
        list(iter_donors_text(f"id,region,abo,hla_a,hla_b\n{row}\n", "donneurs.csv"))


def test_missing_columns_and_duplicates_are_refused() -> None:
    with pytest.raises(DonorFileError, match="« hla_b » : colonne obligatoire absente"):
        list(iter_donors_text("id,region,abo,hla_a\nD,84,A,A1\n"))
    with pytest.raises(DonorFileError, match="ligne 3, champ « id » : identifiant en double"):
        list(iter_donors_text("id,region,abo,hla_a,hla_b\nD,84,A,A1,B8\nD,84,A,A1,B8\n"))
