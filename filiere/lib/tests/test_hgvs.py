"""HGVS checks beyond the grammar: what a laboratory report may and may not say.

Rules from the HGVS nomenclature (varnomen.hgvs.org, den Dunnen et al., Hum Mutat 2016;37:564):
a substitution changes one nucleotide into another; c. numbering has no 0 (c.-1 is followed by
c.1); c.123+5 is intronic, anchored at c.123; c.*12 lies after the stop codon, c.-30 before the
start; the stop codon is the last three coding nucleotides, so a 788-residue protein (ITGB3,
NP_000203.2) has a coding sequence of 3 × (788 + 1) = 2,367 nucleotides.
"""

from __future__ import annotations

import pytest

from filiere.lib.hgvs import (
    HgvsError,
    check_cds_length,
    check_protein_length,
    parse_protein_change,
    parse_variant,
)

ITGB3_CDS = 3 * (788 + 1)


@pytest.mark.parametrize(
    "text",
    [
        "NM_000212.3:c.12AA>G",  # two nucleotides cannot be a substitution (issue 10)
        "NM_000212.3:c.12A>A",  # nothing changes
        "NM_000212.3:c.12A>GT",  # that is a delins
    ],
)
def test_a_malformed_substitution_is_refused(text: str) -> None:
    with pytest.raises(HgvsError, match="un seul nucléotide"):
        parse_variant(text)


def test_the_syntax_error_says_where_reading_stopped() -> None:
    with pytest.raises(HgvsError, match=r"position 21 \(« > »\)"):
        parse_variant("NM_000212.3:c.16x97G>A")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("NM_000212.3:c.0A>G", "c.0 n'existe pas"),
        ("NM_000212.3:c.20_10del", "à l'envers"),
        ("NM_000212.3:c.12_14insA", "positions voisines"),
        ("NM_000212.3:g.12A>G", "pas en g."),
        ("NP_000203.2:p.Arg123Trp", "protéine"),
    ],
)
def test_positions_and_coordinate_systems_are_checked(text: str, message: str) -> None:
    with pytest.raises(HgvsError, match=message):
        parse_variant(text)


def test_a_coding_position_beyond_the_cds_is_refused() -> None:
    variant = parse_variant("NM_000212.3:c.999999G>A")
    with pytest.raises(HgvsError, match="2\u202f367 nucléotides"):
        check_cds_length(variant, ITGB3_CDS)


@pytest.mark.parametrize(
    "text",
    [
        "NM_000212.3:c.2367G>A",  # last nucleotide of the stop codon
        "NM_000212.3:c.*12del",  # 3' UTR: not a CDS position
        "NM_000212.3:c.-30_-28del",  # 5' UTR
        "NM_000212.3:c.123+5G>A",  # intronic, anchored inside the CDS
        "NG_009278.1(NM_000212.3):c.1697G>A",  # genomic reference with a transcript selector
    ],
)
def test_utr_and_intronic_positions_are_accepted(text: str) -> None:
    check_cds_length(parse_variant(text), ITGB3_CDS)


def test_an_intronic_position_is_checked_by_its_anchor() -> None:
    with pytest.raises(HgvsError, match=r"c\.2400"):
        check_cds_length(parse_variant("NM_000212.3:c.2400+5G>A"), ITGB3_CDS)


@pytest.mark.parametrize(
    ("text", "positions"),
    [
        ("p.(Arg123Trp)", ((123, False),)),
        ("p.Arg123Trp", ((123, False),)),
        ("p.?", ()),
        ("p.(=)", ()),
        ("p.0", ()),
        ("p.Gly12fs", ((12, False),)),
        ("p.Gly12ValfsTer3", ((12, False),)),
        ("NP_000203.2:p.(Arg123Trp)", ((123, False),)),
        ("p.Ter789Glnext*21", ((789, True),)),
    ],
)
def test_protein_consequences_are_read_as_hgvs(
    text: str, positions: tuple[tuple[int, bool], ...]
) -> None:
    change = parse_protein_change(text)
    assert change.positions == positions
    check_protein_length(change, 788, "NP_000203.2")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("banana", "position 2"),  # issue 10
        ("NM_000212.3:c.1697G>A", "conséquence protéique"),
        ("NP_000203:p.Arg12Trp", "versionnée"),
        ("p.Arg0Trp", "p.0"),
    ],
)
def test_what_is_not_a_protein_consequence_is_refused(text: str, message: str) -> None:
    with pytest.raises(HgvsError, match=message):
        parse_protein_change(text)


def test_a_residue_beyond_the_protein_is_refused_but_the_stop_codon_is_not() -> None:
    with pytest.raises(HgvsError, match="788 acides aminés"):
        check_protein_length(parse_protein_change("p.Arg789Trp"), 788, "NP_000203.2")
    check_protein_length(parse_protein_change("p.*789Glnext*21"), 788, "NP_000203.2")
