"""The IPD-IMGT/HLA serology importer: rel_dna_ser.txt (6 or 7 columns) and rel_ser_ser.txt."""

from __future__ import annotations

import pytest

from filiere.hla.imgt import ImgtFormatError, load_imgt_serology, read_imgt_serology
from filiere.hla.nomenclature import Allele, Antigen, Locus, PublicEpitope, parse_hla
from filiere.hla.tests.conftest import shared

HEADER = "# file: rel_dna_ser.txt\n# date: 2024-10-09\n# version: IPD-IMGT/HLA 3.58.0\n"

# Six columns: Locus*;Allele;Unambiguous;Possible;Assumed;Expert (up to release 3.63.0).
SIX_COLUMNS = (
    HEADER
    + """\
A*;01:01:01:01;1;;;
A*;01:01:01:02N;0;;;
A*;01:11N;0;;;
A*;02:01:01:01;2;;;
A*;02:01:01:02L;;0/2;;
A*;02:03:01:01;203;;;
A*;24:19;9;;;
A*;02:65;;2/19;;
B*;27:08;2708;;;7
C*;17:01:01:01;?;;;7
C*;07:02:01:01;7;;;
DRB1*;15:01:01:01;15;;;
"""
)

# Seven columns: the HATS assignment of the 2026 nomenclature report (release 3.64.0 on).
SEVEN_COLUMNS = (
    HEADER.replace("3.58.0", "3.64.0")
    + """\
A*;01:01:01:01;1;;;;1
A*;01:200;;;1;;36
A*;24:02:01:01;24;;;;24
B*;44:02:01:01;44;;;;44
"""
)

SER_SER = """\
# file: rel_ser_ser.txt
A;2;;203/210
A;9;23/24;
A;19;29/30/31/32/33/74;
B;12;44/45;
B;27;;2708
Cw;3;9/10;
DR;2;15/16;
"""

SER_SER_364 = "A;2;;0203/0210\nA;9;23/24;\n"


def test_the_six_column_format_is_read() -> None:
    serology = read_imgt_serology(SIX_COLUMNS, SER_SER)
    assert serology.source == "IPD-IMGT/HLA 3.58.0"
    assert serology.alleles["A*01:01"] == (Antigen(Locus.A, 1),)
    # A null allele of a two-field name that also has expressed alleles does not hide them…
    assert serology.alleles["A*02:01"] == (Antigen(Locus.A, 2),)
    # …but a two-field name with only null alleles expresses nothing.
    assert serology.alleles["A*01:11"] == ()
    assert serology.alleles["A*02:65"] == (Antigen(Locus.A, 2), Antigen(Locus.A, 19))
    # Unknown serology ("?") falls back to the first field: C*17 → Cw17.
    assert "C*17:01" not in serology.alleles
    c17 = parse_hla("C*17:01")
    assert isinstance(c17, Allele)
    assert serology.antigens(c17) == {Antigen(Locus.C, 17)}
    # Class II rows are left out.
    assert not any(k.startswith("DRB1") for k in serology.alleles)


def test_the_seven_column_format_is_read() -> None:
    serology = read_imgt_serology(SEVEN_COLUMNS, SER_SER_364)
    assert serology.source == "IPD-IMGT/HLA 3.64.0"
    assert serology.alleles["A*24:02"] == (Antigen(Locus.A, 24),)
    # The assumed serology is used, not the HATS column.
    assert serology.alleles["A*01:200"] == (Antigen(Locus.A, 1),)
    # Zero-padded associated antigens (3.64.0 on) are read as numbers.
    assert serology.normalize(Antigen(Locus.A, 203)) == Antigen(Locus.A, 2)


def test_broads_splits_and_associated_antigens_are_related() -> None:
    serology = read_imgt_serology(SIX_COLUMNS, SER_SER)
    assert serology.splits_of(Antigen(Locus.A, 9)) == (Antigen(Locus.A, 23), Antigen(Locus.A, 24))
    assert serology.splits_of(Antigen(Locus.C, 3)) == (Antigen(Locus.C, 9), Antigen(Locus.C, 10))
    assert serology.broad_of(Antigen(Locus.B, 44)) == Antigen(Locus.B, 12)
    a0203 = parse_hla("A*02:03")
    assert isinstance(a0203, Allele)
    assert serology.antigens(a0203) == {Antigen(Locus.A, 2)}
    # B*27:08 is a B27 that carries Bw6, not Bw4.
    b2708 = parse_hla("B*27:08")
    assert isinstance(b2708, Allele)
    assert serology.antigens(b2708) == {Antigen(Locus.B, 27)}
    assert serology.certain_epitopes(b2708) == {PublicEpitope.BW6}
    # An allele of broad serology (A*24:19 is "A9") may be either split.
    a2419 = parse_hla("A*24:19")
    assert isinstance(a2419, Allele)
    assert serology.antigens(a2419) == {Antigen(Locus.A, 23), Antigen(Locus.A, 24)}


def test_a_malformed_line_is_named() -> None:
    with pytest.raises(ImgtFormatError, match="ligne 4"):
        read_imgt_serology(HEADER + "A*;01:01:01:01;1;;\n", SER_SER)
    with pytest.raises(ImgtFormatError, match="ligne 4 : allèle illisible"):
        read_imgt_serology(HEADER + "A*;zz;1;;;\n", SER_SER)
    with pytest.raises(ImgtFormatError, match=r"rel_ser_ser\.txt, ligne 1"):
        read_imgt_serology(SIX_COLUMNS, "A;x;;\n")


def test_release_3_58_0_loads_completely() -> None:
    """IPD-IMGT/HLA 3.58.0 (shared/data/hla/imgt-3.58.0), read in place, never copied."""
    serology = load_imgt_serology(shared("imgt-3.58.0"))
    assert serology.source == "IPD-IMGT/HLA 3.58.0"
    assert len(serology.alleles) > 10_000
    for name, antigen in [
        ("A*02:01", "A2"),
        ("A*24:02", "A24"),
        ("B*44:02", "B44"),
        ("B*51:01", "B51"),
        ("B*15:01", "B62"),
        ("C*03:04", "Cw10"),
        ("B*14:02", "B65"),
    ]:
        call = parse_hla(name)
        assert isinstance(call, Allele)
        assert {a.name for a in serology.antigens(call)} == {antigen}, name


def test_a_folder_without_the_files_is_refused(tmp_path: object) -> None:
    with pytest.raises(FileNotFoundError):
        load_imgt_serology(str(tmp_path))
