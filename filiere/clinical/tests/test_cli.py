"""`filiere transfusion assess`: JSON on stdout, one-line errors naming the option, exit 2."""

from __future__ import annotations

import json
from typing import Any

import pytest

from filiere.cli import main as filiere_main
from filiere.clinical.cli import main

EXAMPLE = [
    "assess",
    "--pre", "8",
    "--post-1h", "32",
    "--post-24h", "21",
    "--dose", "3.5",
    "--weight", "70",
    "--height", "175",
    "--sex", "M",
    "--age", "40",
]  # fmt: skip


def run(capsys: pytest.CaptureFixture[str], argv: list[str]) -> Any:
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_issue_example(capsys: pytest.CaptureFixture[str]) -> None:
    """The example of issue 4 gives every value, the verdict per window and the provenance.

    The RTP at 24 h (19.5 %) is shown as 20 % and judged so (issue 11): effective.
    """
    output = run(capsys, EXAMPLE)
    assert output["verdict"] == "effective"
    assert output["rule"] == "cci"
    assert output["windows"] == {"1h": "effective", "24h": "effective"}
    assert output["body_surface_area_m2"] == 1.845
    assert output["blood_volume_l"] == 5.25
    one_hour, day = output["counts"]
    assert one_hour["window"] == "1h"
    assert one_hour["minutes_after_end"] == 60
    assert (one_hour["increment_e9_per_l"], one_hour["rtp_percent"], one_hour["cci"]) == (
        24,
        36,
        12.65,
    )
    assert day["window"] == "24h"
    assert day["minutes_after_end"] == 1200
    assert (day["increment_e9_per_l"], day["rtp_percent"], day["cci"]) == (13, 19.5, 6.85)
    assert [c["shown"] for c in day["criteria"]] == [13, 20, 6.9]
    provenance = output["provenance"]
    assert provenance["dose_source"] == "label"
    assert provenance["bsa_formula"] == "mosteller"
    assert provenance["blood_volume_ml_per_kg"] == 75


def test_the_filiere_command_routes_to_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert filiere_main(["transfusion", *EXAMPLE]) == 0
    assert json.loads(capsys.readouterr().out)["verdict"] == "effective"


ISSUE_11 = [
    "assess",
    "--pre", "8",
    "--post-1h", "27",
    "--post-24h", "17.5",
    "--dose", "3.5",
    "--weight", "70",
    "--height", "175",
    "--sex", "M",
    "--age", "40",
]  # fmt: skip


def test_each_window_names_the_index_that_failed(capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 11: CCI 10.0 at 1 h and 5.0 at 20 h pass (≥ 7.5, ≥ 5; Stanworth 2015) while the
    RTP (29 %, 14 %) fails: effective under the CCI rule, discordant, the RTP named."""
    output = run(capsys, ISSUE_11)
    assert output["verdict"] == "effective"
    assert output["failed"] == {"1h": ["rtp"], "24h": ["rtp"]}
    assert output["discordant"] == {"1h": True, "24h": True}


def test_the_rule_option_keeps_the_slides_reading(capsys: pytest.CaptureFixture[str]) -> None:
    output = run(capsys, [*ISSUE_11, "--rule", "all"])
    assert output["verdict"] == "ineffective"
    assert output["rule"] == "all"


def test_without_dose_the_product_default_is_assumed(capsys: pytest.CaptureFixture[str]) -> None:
    argv = [arg for arg in EXAMPLE if arg not in {"--dose", "3.5"}]
    output = run(capsys, argv)
    assert output["dose_e11"] == 3.5
    assert output["provenance"]["dose_source"] == "assumed"


def test_options_change_methods_times_and_thresholds(capsys: pytest.CaptureFixture[str]) -> None:
    output = run(
        capsys,
        [
            *EXAMPLE,
            "--bsa-formula", "dubois",
            "--blood-volume", "nadler",
            "--post-1h-minutes", "90",
            "--rtp-24h-threshold", "15",
        ],
    )  # fmt: skip
    assert output["provenance"]["bsa_formula"] == "dubois"
    assert output["provenance"]["blood_volume_ml_per_kg"] is None
    assert output["counts"][0]["window"] == "out_of_window"
    assert output["windows"] == {"1h": "not_assessable", "24h": "effective"}


def test_french_decimal_comma_is_accepted(capsys: pytest.CaptureFixture[str]) -> None:
    argv = [*EXAMPLE]
    argv[argv.index("3.5")] = "3,5"
    assert run(capsys, argv)["dose_e11"] == 3.5


@pytest.mark.parametrize(
    ("change", "option"),
    [
        (["--height", "1.75"], "--height"),  # metres instead of centimetres
        (["--pre", "abc"], "--pre"),
        (["--post-1h", "32000"], "--post-1h"),  # /µL instead of ×10⁹/L
        (["--dose", "nan"], "--dose"),
        (["--sex", "X"], "--sex"),
        (["--bsa-formula", "boyd"], "--bsa-formula"),
        (["--cci-1h-threshold", "-1"], "--cci-1h-threshold"),
        (["--product", "MCP", "--pooled-donations", "0"], "--pooled-donations"),
        (["--pooled-donations", "4"], "--pooled-donations"),  # not an MCP
    ],
)
def test_bad_input_names_the_option_on_one_line(
    capsys: pytest.CaptureFixture[str], change: list[str], option: str
) -> None:
    assert main([*EXAMPLE, *change]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert option in captured.err


def test_missing_required_option_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["assess", "--pre", "8", "--post-1h", "30", "--height", "175", "--sex", "F"]) == 2
    assert "--weight" in capsys.readouterr().err


def test_a_post_count_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    argv = [
        "assess",
        "--pre",
        "8",
        "--weight",
        "70",
        "--height",
        "175",
        "--sex",
        "M",
        "--age",
        "40",
    ]
    assert main(argv) == 2
    assert "--post-1h" in capsys.readouterr().err


def test_help_explains_every_option(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["assess", "--help"]) == 0
    text = capsys.readouterr().out
    for option in [
        "--pre", "--post-1h", "--post-1h-minutes", "--post-24h", "--post-24h-minutes", "--dose",
        "--product", "--pooled-donations", "--weight", "--height", "--sex", "--age",
        "--bsa-formula", "--blood-volume", "--pi-1h-threshold", "--pi-24h-threshold",
        "--rtp-1h-threshold", "--rtp-24h-threshold", "--cci-1h-threshold", "--cci-24h-threshold",
    ]:  # fmt: skip
        assert option in text
    assert "10 à 60 min" in text


def test_the_age_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 11, defect 9: without --age a child was an adult man (75 mL/kg). The French VST
    table gives children 70 mL/kg (toutsurlatransfusion.com, transfusion.md §1.2)."""
    argv = [arg for arg in EXAMPLE if arg not in {"--age", "40"}]
    assert main(argv) == 2
    assert "--age" in capsys.readouterr().err


def test_falling_counts_unusual_doses_and_nadler_in_a_child_are_reported(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A fall (post < pre) and a dose of 0.01 ×10¹¹ gave "efficace" silently; Nadler's adult
    equations (Nadler 1962) were applied to a 6-year-old: the per-kg table is used instead."""
    output = run(
        capsys,
        [
            "assess", "--pre", "20", "--post-1h", "15", "--dose", "0.01",
            "--weight", "20", "--height", "115", "--sex", "M", "--age", "6",
            "--blood-volume", "nadler",
        ],
    )  # fmt: skip
    assert output["verdict"] == "ineffective"
    assert output["counts"][0]["falling"] is True
    assert any("0,01" in warning for warning in output["warnings"])
    assert any("baisse" in warning for warning in output["warnings"])
    assert output["provenance"]["blood_volume_method"] == "per_kg"
    assert output["provenance"]["blood_volume_ml_per_kg"] == 70
    assert "Nadler" in output["provenance"]["blood_volume_note"]
