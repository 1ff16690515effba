"""Reading single-antigen-bead files and checking their control beads."""

from __future__ import annotations

from pathlib import Path

import pytest

from filiere.hla.nomenclature import Allele, Locus
from filiere.hla.sab import (
    ControlRule,
    SabControlError,
    SabFormatError,
    read_sab_csv,
    read_sab_text,
)

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
        ("sample,bead,mfi\nS1,A*01:01,1\nS2,A*01:01,2\n", "plusieurs sérums"),
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
