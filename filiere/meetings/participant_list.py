"""Reading a list of participants pasted or uploaded by the secretariat.

One physician a line: e-mail or RPPS, specialty, optional role; cells separated by « ; » or
« , » (a French spreadsheet saves « ; »), UTF-8 with or without a byte-order mark, an optional
header line. No Django here: the service matches the lines with accounts.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from dataclasses import dataclass

from filiere.lib.names import search_key

RPPS_PATTERN = re.compile(r"^[0-9]{11}$")
_HEADER_WORDS = ("email", "e mail", "courriel", "rpps", "adresse", "identifiant", "mail")


@dataclass(frozen=True)
class ListLine:
    """One line of the list as written, numbered from 1 as an editor shows it."""

    number: int
    identifier: str
    specialty: str
    role: str

    @property
    def is_rpps(self) -> bool:
        return RPPS_PATTERN.match(self.identifier) is not None


def decode(content: bytes) -> str:
    """The text of an uploaded file: UTF-8, its byte-order mark dropped."""
    return content.decode("utf-8-sig")


def _cells(line: str) -> list[str]:
    # Per line: a pasted list may mix « ; » (a French spreadsheet) and « , ».
    delimiter = ";" if line.count(";") >= line.count(",") else ","
    row = next(csv.reader([line], delimiter=delimiter, skipinitialspace=True), [])
    return [cell.strip() for cell in row]


def _is_header(cells: list[str]) -> bool:
    """« E-mail ou RPPS ; Spécialité » and the like: a title, not an address or a number."""
    key = search_key(cells[0]) if cells else ""
    return "@" not in cells[0] and key.startswith(_HEADER_WORDS)


def read_lines(text: str) -> list[ListLine]:
    """The list's lines with their numbers; blank lines and a header line are skipped."""
    lines = []
    first = True
    for number, line in enumerate(text.removeprefix("\ufeff").splitlines(), start=1):
        cells = _cells(line)
        if not any(cells):
            continue
        if first and _is_header(cells):
            first = False
            continue
        first = False
        cells += [""] * (3 - len(cells))
        identifier = cells[0]
        identifier = identifier.lower() if "@" in identifier else re.sub(r"[\s.]", "", identifier)
        lines.append(ListLine(number, identifier, cells[1], cells[2]))
    return lines


def choice_matching(value: str, choices: Mapping[str, str]) -> str | None:
    """The code of the choice written as ``value``: its code or its French label, whatever
    the case and accents (« hematologie » is « Hématologie »)."""
    key = search_key(value)
    if not key:
        return None
    for code, label in choices.items():
        if key in (search_key(code), search_key(label)):
            return code
    return None
