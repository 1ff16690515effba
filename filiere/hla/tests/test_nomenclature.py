"""Reading HLA class I names as laboratories write them (WHO nomenclature, Marsh et al. 2010)."""

from __future__ import annotations

import pytest

from filiere.hla.nomenclature import (
    Allele,
    Antigen,
    HlaParseError,
    Locus,
    PublicEpitope,
    Typing,
    parse_hla,
    parse_locus_typing,
    parse_typing,
)
from filiere.hla.serology import default_serology


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A*02:01", Allele(Locus.A, ("02", "01"))),
        ("HLA-A*24:02:01", Allele(Locus.A, ("24", "02", "01"))),
        ("A*0201", Allele(Locus.A, ("02", "01"))),
        ("A*02:XX", Allele(Locus.A, ("02",))),
        ("a*02:01", Allele(Locus.A, ("02", "01"))),
        ("Cw*0702", Allele(Locus.C, ("07", "02"))),
        ("A*01:11N", Allele(Locus.A, ("01", "11"), "N")),
        ("B*44:02:01G", Allele(Locus.B, ("44", "02"))),
        ("A2", Antigen(Locus.A, 2)),
        ("B44", Antigen(Locus.B, 44)),
        ("Aw68", Antigen(Locus.A, 68)),
        ("Cw7", Antigen(Locus.C, 7)),
        ("C7", Antigen(Locus.C, 7)),
        ("B51(5)", Antigen(Locus.B, 51)),
        ("A2403", Antigen(Locus.A, 2403)),
        ("Bw4", PublicEpitope.BW4),
        ("bw6", PublicEpitope.BW6),
    ],
)
def test_what_laboratories_write_is_read(text: str, expected: object) -> None:
    assert parse_hla(text) == expected


@pytest.mark.parametrize("text", ["B83", "A*02:AB", "X*01:01", "A*", "hello", ""])
def test_unreadable_names_are_refused_in_french(text: str) -> None:
    with pytest.raises(HlaParseError):
        parse_hla(text)


def test_a_typing_keeps_class_i_and_sets_aside_class_ii_and_public_epitopes() -> None:
    typing = parse_typing("A*02:01, A*24:02; B*44:02 + B51 Bw4 DRB1*15:01 Cw7")
    assert str(typing) == "A*02:01 A*24:02 B*44:02 B51 Cw7"
    assert typing.typed_loci == {Locus.A, Locus.B, Locus.C}
    assert typing.at(Locus.C) == (Antigen(Locus.C, 7),)


def test_a_homozygous_call_written_twice_is_one_call() -> None:
    assert parse_typing("A2 A2 B7").at(Locus.A) == (Antigen(Locus.A, 2),)


def test_three_calls_at_one_locus_are_refused() -> None:
    with pytest.raises(HlaParseError, match="plus de deux"):
        parse_typing("A1 A2 A3")


def test_a_locus_column_accepts_bare_fields_and_numbers() -> None:
    assert parse_locus_typing("02:01 24:02", Locus.A) == (
        Allele(Locus.A, ("02", "01")),
        Allele(Locus.A, ("24", "02")),
    )
    assert parse_locus_typing("7", Locus.C) == (Antigen(Locus.C, 7),)
    assert parse_locus_typing("", Locus.C) == ()
    with pytest.raises(HlaParseError, match="HLA-B"):
        parse_locus_typing("A*02:01", Locus.B)


def test_alleles_map_to_serological_antigens() -> None:
    serology = default_serology()

    def antigens(text: str) -> set[str]:
        call = parse_hla(text)
        assert not isinstance(call, PublicEpitope)
        return {a.name for a in serology.antigens(call)}

    assert antigens("A*02:01") == {"A2"}
    assert antigens("A*24:02:01:01") == {"A24"}
    assert antigens("B*15:01") == {"B62"}
    assert antigens("C*07:02") == {"Cw7"}
    # Associated antigens count as their antigen: A*02:03 is A203, an A2.
    assert antigens("A*02:03") == {"A2"}
    # Null alleles express nothing.
    assert antigens("A*01:11N") == set()
    # A broad stands for its splits.
    assert antigens("A9") == {"A23", "A24"}
    assert antigens("B12") == {"B44", "B45"}


def test_bw4_and_bw6_follow_the_antigen() -> None:
    """Bw4/Bw6 associations: WMDA list (hla.alleles.org), incl. A23, A24, A25, A32 and B*27:08."""
    serology = default_serology()
    for name in ("A*23:01", "A*24:02", "A*25:01", "A*32:01", "B*44:02", "B*51:01", "B*57:01"):
        call = parse_hla(name)
        assert isinstance(call, Allele)
        assert serology.certain_epitopes(call) == {PublicEpitope.BW4}, name
    for name in ("B*07:02", "B*08:01", "B*35:01", "B*27:08"):
        call = parse_hla(name)
        assert isinstance(call, Allele)
        assert serology.certain_epitopes(call) == {PublicEpitope.BW6}, name
    a2 = parse_hla("A*02:01")
    assert isinstance(a2, Allele)
    assert serology.epitopes(a2) == frozenset()
    # B12 is B44 (Bw4) or B45 (Bw6): either is possible, neither certain.
    b12 = Antigen(Locus.B, 12)
    assert serology.epitopes(b12) == {PublicEpitope.BW4, PublicEpitope.BW6}
    assert serology.certain_epitopes(b12) == frozenset()


def test_typing_of_sorts_by_locus() -> None:
    typing = Typing.of([Antigen(Locus.B, 7), Antigen(Locus.A, 1)])
    assert str(typing) == "A1 B7"
