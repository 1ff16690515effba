"""`filiere hla unacceptable|search`: JSON on stdout, one-line errors with exit status 2."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from filiere.cli import main as filiere_main
from filiere.hla.cli import main

SAB = """\
bead,mfi
NC,300
PC,20000
A*01:01,5000
A*02:01,9000
A*03:01,1500
A*11:01,800
B*08:01,2500
B*44:02,7000
C*07:02,3000
"""

DONORS = """\
id,site,region,abo,hla_a,hla_b,hla_c,hpa1
D1,EFS Lyon,84,A,A*02:01 A*24:02,B*44:02 B*51:01,C*05:01,aa
D2,EFS Lyon,84,O,A1 A2,B44 B51,Cw5,aa
D3,EFS Paris,11,A,A3 A2,B44 B51,,bb
D4,EFS Paris,11,A,A*11:01 A*24:02,B*35:01 B*51:01,C*04:01,ab
D5,EFS Marseille,93,B,A9 A2,B44 B51,Cw5,aa
"""

PATIENT = "A*02:01 A*24:02 B*44:02 B*51:01 C*05:01 C*04:01"


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    sab, donors = tmp_path / "serum.csv", tmp_path / "donneurs.csv"
    sab.write_text(SAB, encoding="utf-8")
    donors.write_text(DONORS, encoding="utf-8")
    return sab, donors


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any], str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, json.loads(captured.out) if captured.out else {}, captured.err


def test_unacceptable_prints_the_antigens_at_the_threshold(
    files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys, "unacceptable", "--sab", str(files[0]), "--typing", PATIENT, "--threshold", "2000"
    )
    assert (code, err) == (0, "")
    assert out["unacceptable"] == ["A1", "B8", "Cw7"]
    assert out["ignored_self_beads"] == ["A*02:01", "B*44:02"]
    assert out["controls"] == {"negative": 300, "positive": 20000, "checked": True}
    assert out["rule"] == "any"
    assert 0 < out["cpra_estimate"]["value"] < 1


def test_the_filiere_command_dispatches_to_the_hla_cli(
    files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["hla", "unacceptable", "--sab", str(files[0]), "--typing", PATIENT]
    code = filiere_main([*argv, "--threshold", "1000", "--rule", "all", "--loci", "A,B"])
    assert code == 0
    assert json.loads(capsys.readouterr().out)["unacceptable"] == ["A1", "A3", "B8"]


def test_search_prints_the_table_and_the_ranked_donors(
    files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys,
        "search", "--sab", str(files[0]), "--typing", PATIENT, "--donors", str(files[1]),
        "--thresholds", "1000,2000,5000", "--region", "84", "--top", "3", "--abo", "A",
        "--threshold", "2000",
    )  # fmt: skip
    assert (code, err) == (0, "")
    table = {row["threshold"]: row for row in out["table"]}
    # At 2,000: D1 (self antigens only), D4 (A11 at 800; Cw4 is self) and D5 (A9 is A23 or A24,
    # both acceptable) are compatible; D2 carries A1; D3 lacks HLA-C with anti-Cw7: undecidable.
    assert table[2000]["nation"] == {"eligible": 3, "to_retype": 1, "to_type": 0}
    assert table[2000]["region"] == {"eligible": 1, "to_retype": 0, "to_type": 0}
    assert table[5000]["unacceptable"] == ["A1"]
    donors = out["donors"]
    # Summed MFI before ABO: D5 (0, bidirectional ABO) before D4 (800 against A11, ABO identical).
    assert [d["id"] for d in donors] == ["D1", "D5", "D4"]
    first = donors[0]
    assert (first["grade"], first["abo_relation"]) == ("A", "identical")
    assert first["cregs"]["A2"] == ["2C"]
    # Every ranking key is in each donor and explained once (issue 11, defect 6).
    assert [k["key"] for k in out["ranking"]] == [
        "compatible dès",
        "somme MFI",
        "grade",
        "ABO",
        "eplets",
        "identifiant",
    ]
    assert {
        "lowest_threshold",
        "summed_mfi",
        "grade",
        "abo_relation",
        "eplet_mismatches",
        "id",
    } <= (set(first))


CD36_DONORS = """\
id,site,region,abo,hla_a,hla_b,hla_c,hpa1,cd36
N1,EFS Lyon,84,A,A*02:01 A*24:02,B*44:02 B*51:01,C*05:01,bb,neg
P1,EFS Lyon,84,A,A*02:01 A*24:02,B*44:02 B*51:01,C*05:01,aa,pos
P2,EFS Lyon,84,O,A*02:01 A*24:02,B*44:02 B*51:01,C*05:01,bb,pos
U1,EFS Paris,11,A,A*02:01 A*24:02,B*44:02 B*51:01,C*05:01,,
N2,EFS Marseille,93,A,A9 A2,B44 B51,Cw5,ab,neg
"""


def test_search_negative_for_cd36_keeps_only_cd36_negative_donors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 11: with CD36 required, every donor counted or listed is CD36-negative; a donor of
    unknown CD36 status is counted and listed apart as "to type"."""
    sab, donors = tmp_path / "serum.csv", tmp_path / "donneurs.csv"
    sab.write_text(SAB, encoding="utf-8")
    donors.write_text(CD36_DONORS, encoding="utf-8")
    code, out, err = run(
        capsys, "search", "--sab", str(sab), "--typing", PATIENT, "--donors", str(donors),
        "--thresholds", "1000,2000", "--region", "84", "--threshold", "2000",
        "--negative-for", "CD36",
    )  # fmt: skip
    assert (code, err) == (0, "")
    row = {r["threshold"]: r for r in out["table"]}[2000]
    assert row["nation"] == {"eligible": 2, "to_retype": 0, "to_type": 1}
    assert row["region"] == {"eligible": 1, "to_retype": 0, "to_type": 0}
    assert [d["id"] for d in out["donors"]] == ["N1", "N2"]
    assert all(d["platelet_antigens_ok"] for d in out["donors"])
    assert [d["id"] for d in out["to_type"]] == ["U1"]
    code, out, _ = run(
        capsys, "search", "--sab", str(sab), "--typing", PATIENT, "--donors", str(donors),
        "--thresholds", "1000,2000", "--threshold", "2000", "--negative-for", "HPA-1a,CD36",
    )  # fmt: skip
    assert [d["id"] for d in out["donors"]] == ["N1"]


def test_search_help_says_the_platelet_requirement_is_a_filter(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        main(["search", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "passent devant" not in text
    assert "seuls les donneurs négatifs" in text


def test_search_chooses_the_lowest_threshold_giving_enough_donors(
    files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys, "search", "--sab", str(files[0]), "--typing", PATIENT, "--donors", str(files[1]),
        "--thresholds", "1000,2000,5000", "--top", "4",
    )  # fmt: skip
    assert code == 0
    assert out["threshold"] == 5000
    assert len(out["donors"]) == 4


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--typing", "A*02:01 Q17", "erreur : --typing : nom HLA illisible : « Q17 »"),
        ("--typing", "DRB1*15:01", "erreur : --typing : aucun antigène HLA de classe I"),
        ("--loci", "A,Z", "erreur : --loci"),
    ],
)
def test_a_bad_typing_gives_one_line_and_status_2(
    files: tuple[Path, Path],
    capsys: pytest.CaptureFixture[str],
    option: str,
    value: str,
    message: str,
) -> None:
    args = {"--sab": str(files[0]), "--typing": PATIENT, "--threshold": "2000", option: value}
    code, _, err = run(capsys, "unacceptable", *[x for pair in args.items() for x in pair])
    assert code == 2
    assert err.startswith(message)
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("option", "value"), [("--threshold", "beaucoup"), ("--threshold", "0"), ("--rule", "most")]
)
def test_a_bad_option_value_gives_one_line_and_status_2(
    files: tuple[Path, Path], capsys: pytest.CaptureFixture[str], option: str, value: str
) -> None:
    args = {"--sab": str(files[0]), "--typing": PATIENT, "--threshold": "2000", option: value}
    with pytest.raises(SystemExit) as exit_info:
        main(["unacceptable", *[x for pair in args.items() for x in pair]])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(f"erreur : argument {option}")
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("sab", "message"),
    [
        ("bead,mfi\nNC,300\nPC,20000\nA*01:01,beaucoup\n", "serum.csv, ligne 4, champ « mfi »"),
        ("bead,mfi\nNC,3000\nPC,20000\nA*01:01,100\n", "serum.csv : contrôle négatif à 3000 MFI"),
    ],
)
def test_a_bad_sab_file_names_the_line_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], sab: str, message: str
) -> None:
    path = tmp_path / "serum.csv"
    path.write_text(sab, encoding="utf-8")
    code, _, err = run(
        capsys, "unacceptable", "--sab", str(path), "--typing", PATIENT, "--threshold", "2000"
    )
    assert code == 2
    assert err.startswith(f"erreur : {message}")
    assert err.count("\n") == 1


def test_controls_can_be_waived(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "serum.csv"
    path.write_text("bead,mfi\nA*01:01,3000\n", encoding="utf-8")
    argv = ["unacceptable", "--sab", str(path), "--typing", PATIENT, "--threshold", "2000"]
    assert run(capsys, *argv)[0] == 2
    code, out, _ = run(capsys, *argv, "--no-controls")
    assert code == 0
    assert out["controls"]["checked"] is False


def test_a_bad_donors_file_or_a_missing_file_gives_one_line(
    files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    files[1].write_text(
        "id,region,abo,hla_a,hla_b\nD1,84,A,A1,B8\nD2,84,A,A1,Bx\n", encoding="utf-8"
    )
    common = ["search", "--sab", str(files[0]), "--typing", PATIENT]
    code, _, err = run(capsys, *common, "--donors", str(files[1]))
    assert code == 2
    assert err == "erreur : donneurs.csv, ligne 3, champ « hla_b » : nom HLA illisible : « Bx »\n"
    code, _, err = run(capsys, *common, "--donors", str(files[1].with_name("absent.csv")))
    assert code == 2
    assert "absent.csv" in err
    assert err.count("\n") == 1


def test_help_explains_every_option(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["search", "--help"])
    text = capsys.readouterr().out
    for option in ("--sab", "--typing", "--donors", "--thresholds", "--region", "--top", "--rule"):
        assert option in text
    assert "région" in text


def test_an_unknown_region_is_refused(
    files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    common = ["search", "--sab", str(files[0]), "--typing", PATIENT, "--donors", str(files[1])]
    code, _, err = run(capsys, *common, "--region", "99")
    assert code == 2
    assert err == "erreur : --region : « 99 » n'est pas un code de région INSEE\n"


def test_unacceptable_reports_self_to_refine_allele_specific_beads_and_the_epitope_rule(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 11, seen 3 and 7, on the command line: the broad call to refine with its beads, the
    allele-specific antibody, and the Bw4/Bw6 rule with its share (transfusion.md §2.3–2.4)."""
    sab = tmp_path / "serum.csv"
    sab.write_text(
        "bead,mfi\nNC,100\nPC,20000\nA*24:02,12000\nB*44:03,8000\nB*44:02,9000\n",
        encoding="utf-8",
    )
    code, out, err = run(
        capsys,
        "unacceptable",
        "--sab",
        str(sab),
        "--typing",
        "A2 A9 B*44:02 B*51:01",
        "--threshold",
        "2000",
        "--epitope-share",
        "0.75",
    )
    assert (code, err) == (0, "")
    assert out["unacceptable"] == ["A24", "B*44:03"]
    assert out["typing_to_refine"] == [
        {
            "call": "A9",
            "possible_self": ["A23", "A24"],
            "beads": [{"bead": "A*24:02", "mfi": 12000}],
        }
    ]
    assert out["allele_specific"] == [{"bead": "B*44:03", "mfi": 8000}]
    assert out["ignored_self_beads"] == ["B*44:02"]
    assert out["epitope_rule"]["share"] == 0.75
    assert "75 %" in out["epitope_rule"]["text"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--typing", "A*99:99 A*02:01 B44"], "allèle HLA inconnu : « A*99:99 »"),
        (["--epitope-share", "1.5"], "part attendue entre 0"),
    ],
)
def test_unknown_alleles_and_bad_shares_are_refused(
    files: tuple[Path, Path], capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    base = ["unacceptable", "--sab", str(files[0]), "--threshold", "2000"]
    if "--typing" not in argv:
        base += ["--typing", PATIENT]
    try:
        code = main([*base, *argv])
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    assert code == 2
    assert message in capsys.readouterr().err
