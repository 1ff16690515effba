"""Reading single-antigen-bead files and checking their control beads."""

from __future__ import annotations

from pathlib import Path

import pytest

from filiere.hla.catalogue import default_catalogue, load_hla_nom, read_hla_nom
from filiere.hla.nomenclature import Allele, Locus, parse_hla
from filiere.hla.sab import (
    ControlRule,
    SabControlError,
    SabFormatError,
    read_sab_csv,
    read_sab_text,
)
from filiere.hla.tests.conftest import shared

DOCUMENTED = """\
bead,mfi
NC,250
PC,18000
A*01:01,5200
A*02:01,120
B*44:02,3100.6
"""


def test_the_documented_format_is_read() -> None:
    run = read_sab_text(DOCUMENTED)
    assert run.negative_control == 250
    assert run.positive_control == 18000
    assert run.mfi_column == "mfi"
    assert [(b.allele.name, b.mfi, b.line) for b in run.beads] == [
        ("A*01:01", 5200, 4),
        ("A*02:01", 120, 5),
        ("B*44:02", 3101, 6),
    ]
    run.check_controls()


def test_a_vendor_export_with_a_preamble_semicolons_and_decimal_commas_is_read() -> None:
    """A flat HLA Fusion-style export: metadata lines, then the bead table; normalised values."""
    text = (
        "Patient;DUPONT\n"
        "Date;12/03/2026\n"
        "\n"
        "Sample ID;Bead ID;Allele Specificity;Raw Value;Normalized Value\n"
        "S1;1;Negative Control;310;0\n"
        "S1;2;Positive Control;21000;20690\n"
        "S1;3;A*01:01, Bw4;4 100,5;3790,5\n"
        "S1;4;HLA-B*08:01;900;590\n"
    )
    run = read_sab_text(text, "export.csv")
    assert run.mfi_column == "Normalized Value"
    assert run.negative_control == 0
    assert run.positive_control == 20690
    assert [(b.allele, b.mfi) for b in run.beads] == [
        (Allele(Locus.A, ("01", "01")), 3790),
        (Allele(Locus.B, ("08", "01")), 590),
    ]


def test_a_run_with_a_high_negative_control_is_rejected() -> None:
    run = read_sab_text(DOCUMENTED.replace("NC,250", "NC,2400"), "serum.csv")
    with pytest.raises(SabControlError, match="contrôle négatif à 2400 MFI"):
        run.check_controls()


def test_a_run_with_a_weak_positive_control_is_rejected() -> None:
    run = read_sab_text(DOCUMENTED.replace("PC,18000", "PC,900"))
    with pytest.raises(SabControlError, match="contrôle positif"):
        run.check_controls()
    # The limits are the laboratory's to set.
    run.check_controls(ControlRule(positive_min=500))


def test_a_run_without_control_beads_is_rejected() -> None:
    run = read_sab_text("bead,mfi\nA*01:01,100\n")
    with pytest.raises(SabControlError, match="NC"):
        run.check_controls()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("bead,mfi\nA*01:01,abc\n", "ligne 2, champ « mfi » : MFI « abc » non numérique"),
        ("bead,mfi\nNC,1\nA*99:99:99:99:99,100\n", "ligne 3, champ « bead »"),
        ("bead,mfi\nA2,100\n", "une bille porte un allèle"),
        ("bead,mfi\nA*01:01/A*02:01,100\n", "un allèle par bille"),
        ("allele;valeur\nA*01:01;100\n", "en-tête introuvable"),
        ("sample,bead,mfi\nS1,A*01:01,1\nS2,A*02:01,2\n", "plusieurs sérums"),
        ("bead,mfi\nNC,1\n", "aucune bille HLA"),
    ],
)
def test_bad_files_name_the_line_and_field(text: str, message: str) -> None:
    with pytest.raises(SabFormatError, match=message):
        read_sab_text(text, "serum.csv")


def test_a_file_is_read_from_disk_with_its_name(tmp_path: Path) -> None:
    path = tmp_path / "serum.csv"
    path.write_text("# commentaire\n" + DOCUMENTED, encoding="utf-8")
    run = read_sab_csv(path)
    assert run.source == "serum.csv"
    assert run.beads[0].line == 5


# --- Issue 11, seen 8: names, negative and duplicate beads ----------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "bead,mfi\nNC,1\nB*99:99,9000\n",
            r"ligne 3, champ « bead » : allèle HLA inconnu : « B\*99:99 »",
        ),
        ("bead,mfi\nA*01:01,-40\n", "ligne 2, champ « mfi » : MFI négative « -40 »"),
        (
            "bead,mfi\nA*01:01,100\nA*02:01,50\nA*01:01,900\n",
            r"ligne 4.*A\*01:01 en double \(déjà ligne 2\)",
        ),
        ("bead,mfi\nA*01:01:01,100\nA*01:01,900\n", r"ligne 3.*en double"),
        ("bead,mfi\nNC,10\nNC,20\nA*01:01,5\n", "ligne 3.*NC en double"),
        ("bead,mfi\nA*01:01,nan\n", "non numérique"),
    ],
)
def test_unknown_negative_and_duplicate_beads_are_refused(text: str, message: str) -> None:
    """Issue 11, seen 8: bead "B*99:99" became an unacceptable "B99"; negative MFIs and duplicate
    beads were accepted. Each is refused with its line (transfusion.md §2.3 step 1: QC)."""
    with pytest.raises(SabFormatError, match=message):
        read_sab_text(text, "serum.csv")


def test_an_unknown_allele_is_refused_against_the_loaded_allele_list() -> None:
    """With the IPD-IMGT/HLA allele list loaded, the second field is checked too."""
    catalogue = read_hla_nom(
        [
            "# version: IPD-IMGT/HLA test",
            "A*;01:01:01:01;19680101;;;",
            "A*;02:01:01:01;1;;;",
            "A*;02:998;1;2000;02:01;deleted",
        ]
    )
    assert read_sab_text("bead,mfi\nA*02:01,10\n", catalogue=catalogue).beads
    with pytest.raises(SabFormatError, match=r"« A\*02:999 » \(absent de IPD-IMGT/HLA test"):
        read_sab_text("bead,mfi\nA*02:999,10\n", catalogue=catalogue)
    with pytest.raises(SabFormatError, match=r"A\*02:998"):
        read_sab_text("bead,mfi\nA*02:998,10\n", catalogue=catalogue)
    # Without a list, the shipped groups only: A*02:999 passes, A*99:01 does not.
    assert read_sab_text("bead,mfi\nA*02:999,10\n").beads
    with pytest.raises(SabFormatError, match=r"groupe A\*99 absent"):
        read_sab_text("bead,mfi\nA*99:01,10\n")


def test_the_shared_allele_list_knows_every_bead_of_a_real_panel() -> None:
    catalogue = load_hla_nom(shared("imgt-3.58.0"))
    assert catalogue is not None
    assert catalogue.complete
    for name in ("A*01:01", "B*44:03", "C*17:01", "B*83:01", "C*18:02"):
        allele = parse_hla(name)
        assert isinstance(allele, Allele)
        assert catalogue.unknown(allele) is None
        assert default_catalogue().unknown(allele) is None
    for name in ("A*99:99", "C*17:99"):
        allele = parse_hla(name)
        assert isinstance(allele, Allele)
        assert catalogue.unknown(allele) is not None


def test_a_bw_annotation_in_parentheses_is_ignored() -> None:
    """Issue 11, seen 8: the HLA Fusion cell "B*57:01 (Bw4)" was refused although the README says
    Bw annotations are ignored."""
    run = read_sab_text("bead;mfi\nB*57:01 (Bw4);5000\nA*24:02 (Bw4);300\nB*07:02, Bw6;10\n")
    assert [(b.allele.name, b.mfi) for b in run.beads] == [
        ("B*57:01", 5000),
        ("A*24:02", 300),
        ("B*07:02", 10),
    ]
