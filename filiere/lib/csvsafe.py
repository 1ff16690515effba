"""CSV cells that a spreadsheet will never run as formulas (OWASP ASVS v5.0.0-1.2.10)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

BOM = "\ufeff"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0", "|", "%")


def safe_cell(value: object) -> str:
    """Return the cell text, prefixed with an apostrophe when it could start a formula.

    Numbers stay numbers, written as a French spreadsheet reads them: -12.5 is « -12,5 » (with
    a point, the semicolon-separated file's reader takes it for text or a date).
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float | Decimal):
        return str(value).replace(".", ",")
    text = str(value)
    if text.startswith(_FORMULA_STARTS):
        return "'" + text
    return text


def write_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """Return an RFC 4180 CSV document for French spreadsheets: semicolon-separated, and opened by
    a byte-order mark, without which Excel reads UTF-8 accents as Windows-1252 (« Ã© »)."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return buffer.getvalue()
