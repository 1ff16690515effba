"""Property-based tests (hypothesis) of the three readers: SAB file, typing, donor file.

- Whatever the input, a reader returns or raises its documented error (SabFormatError,
  HlaParseError, DonorFileError), never anything else: the pages and the command line turn those
  into one French message naming the line (issue 11, build 6 and 8).
- What is written in the documented format reads back identically (round trips).
- MFIs are ≥ 0 and a bead appears once (transfusion.md §2.3 step 1, QC).
"""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from filiere.hla.donors import REGION_CODES, Abo, DonorFileError, iter_donors_text
from filiere.hla.nomenclature import HlaParseError, Locus, parse_typing
from filiere.hla.sab import SabFormatError, read_sab_text
from filiere.hla.serology import default_serology

KNOWN = sorted(default_serology().alleles)
ALLELES = {locus: [k for k in KNOWN if k.startswith(locus.value)] for locus in Locus}
ANTIGENS = {
    Locus.A: ["A1", "A2", "A3", "A9", "A11", "A23", "A24", "A68"],
    Locus.B: ["B5", "B7", "B8", "B12", "B15", "B44", "B45", "B51", "B57", "B62"],
    Locus.C: ["Cw1", "Cw4", "Cw5", "Cw7"],
}
HLA_ALPHABET = string.ascii_letters + string.digits + "*:-,;+/() \t"
SETTINGS = settings(max_examples=150, deadline=None)


def _call(locus: Locus) -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(ALLELES[locus]),
        st.sampled_from(ANTIGENS[locus]),
        st.sampled_from(ALLELES[locus]).map(lambda key: key.split(":")[0]),  # one field
    )


def _locus_calls(locus: Locus) -> st.SearchStrategy[list[str]]:
    return st.lists(_call(locus), min_size=0, max_size=2, unique=True)


# --- SAB file ----------------------------------------------------------------------------


@SETTINGS
@given(st.text(alphabet=string.printable + "éèµ\u00a0\ufeff", max_size=400))
def test_the_sab_reader_raises_only_its_format_error(text: str) -> None:
    try:
        run = read_sab_text(text, "fuzz.csv")
    except SabFormatError:
        return
    assert run.beads
    assert all(b.mfi >= 0 for b in run.beads)
    keys = [b.allele.key for b in run.beads]
    assert len(keys) == len(set(keys))


@SETTINGS
@given(
    st.lists(st.tuples(st.text(alphabet=HLA_ALPHABET, max_size=20), st.integers(-50, 99999))),
)
def test_the_sab_reader_raises_only_its_format_error_on_bead_like_rows(
    rows: list[tuple[str, int]],
) -> None:
    text = "bead;mfi\n" + "".join(f"{bead};{mfi}\n" for bead, mfi in rows)
    try:
        run = read_sab_text(text, "fuzz.csv")
    except SabFormatError as error:
        message = str(error)
    else:
        assert all(b.mfi >= 0 for b in run.beads)
        return
    assert message.startswith("fuzz.csv")


@SETTINGS
@given(
    st.dictionaries(st.sampled_from(KNOWN), st.integers(0, 30000), min_size=1, max_size=40),
    st.sampled_from([",", ";", "\t"]),
    st.integers(0, 3),
    st.tuples(st.integers(0, 1500), st.integers(3000, 30000)),
)
def test_a_documented_sab_file_reads_back_identically(
    mfis: dict[str, int], delimiter: str, comments: int, controls: tuple[int, int]
) -> None:
    lines = ["# commentaire"] * comments + [f"bead{delimiter}mfi"]
    lines += [f"NC{delimiter}{controls[0]}", f"PC{delimiter}{controls[1]}"]
    lines += [f"{key}{delimiter}{mfi}" for key, mfi in mfis.items()]
    run = read_sab_text("\n".join(lines) + "\n", "serum.csv")
    assert [(b.allele.key, b.mfi) for b in run.beads] == list(mfis.items())
    assert [b.line for b in run.beads] == list(range(comments + 4, comments + 4 + len(mfis)))
    assert (run.negative_control, run.positive_control) == controls
    run.check_controls()


@SETTINGS
@given(
    st.dictionaries(st.sampled_from(KNOWN), st.integers(0, 30000), min_size=1, max_size=10),
    st.data(),
)
def test_a_negative_or_repeated_bead_is_refused_with_its_line(
    mfis: dict[str, int], data: st.DataObject
) -> None:
    rows = [f"{key},{mfi}" for key, mfi in mfis.items()]
    bad = data.draw(st.sampled_from(list(mfis)))
    if data.draw(st.booleans()):
        rows.append(f"{bad},{-data.draw(st.integers(1, 500))}")
        message = "MFI négative"
    else:
        rows.append(f"{bad},{data.draw(st.integers(0, 500))}")
        message = "en double"
    with pytest.raises(SabFormatError, match=message) as error:
        read_sab_text("bead,mfi\n" + "\n".join(rows) + "\n", "serum.csv")
    assert error.value.line == len(rows) + 1


# --- Typing ------------------------------------------------------------------------------


@SETTINGS
@given(st.text(alphabet=HLA_ALPHABET + "ABCDRQPw", max_size=60))
def test_the_typing_reader_raises_only_its_parse_error(text: str) -> None:
    try:
        typing = parse_typing(text)
    except HlaParseError:
        return
    for locus in Locus:
        assert len(typing.at(locus)) <= 2


@SETTINGS
@given(_locus_calls(Locus.A), _locus_calls(Locus.B), _locus_calls(Locus.C), st.data())
def test_a_typing_reads_back_identically(
    a: list[str], b: list[str], c: list[str], data: st.DataObject
) -> None:
    separator = data.draw(st.sampled_from([" ", ", ", " ; ", "+"]))
    typing = parse_typing(separator.join(a + b + c))
    assert parse_typing(str(typing)) == typing
    assert len(typing.calls) == len(a) + len(b) + len(c)


# --- Donor file --------------------------------------------------------------------------

HEADER = "id;region;abo;hla_a;hla_b;hla_c;hpa1;cd36;active"


@SETTINGS
@given(st.lists(st.text(alphabet=HLA_ALPHABET + "abéO0", max_size=12), min_size=1, max_size=9))
def test_the_donor_reader_raises_only_its_format_error(cells: list[str]) -> None:
    text = HEADER + "\n" + ";".join(c.replace(";", ",") for c in cells) + "\n"
    try:
        donors = list(iter_donors_text(text, "fuzz.csv"))
    except DonorFileError as error:
        message = str(error)
    else:
        assert all(d.id for d in donors)
        return
    assert message.startswith("fuzz.csv")


donor_rows = st.lists(
    st.tuples(
        st.sampled_from(sorted(REGION_CODES)),
        st.sampled_from(["", *Abo]),
        _locus_calls(Locus.A),
        _locus_calls(Locus.B),
        _locus_calls(Locus.C),
        st.sampled_from(["", "aa", "ab", "bb"]),
        st.sampled_from(["", "pos", "neg"]),
        st.booleans(),
    ),
    max_size=15,
)


@SETTINGS
@given(donor_rows)
def test_a_donor_file_reads_back_identically(rows: list[tuple]) -> None:  # type: ignore[type-arg]
    lines = [HEADER]
    for i, (region, abo, a, b, c, hpa1, cd36, active) in enumerate(rows):
        fields = [f"D{i}", region, abo, " ".join(a), " ".join(b), " ".join(c), hpa1, cd36]
        lines.append(";".join([*fields, "1" if active else "0"]))
    donors = list(iter_donors_text("\n".join(lines) + "\n", "donneurs.csv"))
    assert [d.id for d in donors] == [f"D{i}" for i in range(len(rows))]
    for donor, (region, abo, a, b, c, hpa1, cd36, active) in zip(donors, rows, strict=True):
        assert donor.region == region
        assert (donor.abo.value if donor.abo else "") == abo
        assert donor.typing == parse_typing(" ".join(a + b + c))
        assert (donor.hpa1 or "") == hpa1
        assert donor.cd36_positive is {"": None, "pos": True, "neg": False}[cd36]
        assert donor.active is active


def test_an_unknown_allele_in_a_donor_file_is_refused_with_its_line() -> None:
    """Issue 11, build 6: HLA names checked against the nomenclature in every reader."""
    text = f"{HEADER}\nD1;84;A;A*02:01;B*44:02;;;;1\nD2;84;A;A*99:99;B*44:02;;;;1\n"
    with pytest.raises(DonorFileError, match=r"ligne 3, champ « hla_a » : .*A\*99:99"):
        list(iter_donors_text(text, "donneurs.csv"))
