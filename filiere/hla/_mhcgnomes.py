"""The one door to `mhcgnomes`, which ships no type information.

Everything that leaves this module is a plain, typed value: the rest of the package never sees a
mhcgnomes object.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import mhcgnomes


@dataclass(frozen=True)
class ParsedToken:
    """What mhcgnomes recognised in one token: an allele (gene and fields) or a serotype name."""

    kind: str  # "allele" or "serotype"
    gene: str = ""
    fields: tuple[str, ...] = ()
    annotations: tuple[str, ...] = ()
    serotype: str = ""


@lru_cache(maxsize=65536)
def parse_token(text: str) -> ParsedToken | None:
    """Return what `text` names, or None unless it is one human allele or serotype."""
    try:
        result: Any = mhcgnomes.parse(text, default_species="HLA")
    except Exception:  # mhcgnomes raises its own ParseError, and ValueError on odd input
        return None
    kind = type(result).__name__
    if kind == "Allele":
        if str(result.species.name) != "Homo sapiens":
            return None
        return ParsedToken(
            kind="allele",
            gene=str(result.gene.name),
            fields=tuple(str(f) for f in result.allele_fields),
            annotations=tuple(str(a) for a in result.annotations),
        )
    if kind == "Serotype":
        if str(result.species.name) != "Homo sapiens":
            return None
        return ParsedToken(kind="serotype", serotype=str(result.name))
    return None


def direct_serotypes() -> dict[str, tuple[str, ...]]:
    """Return the human serotype → allele names assignments (WHO dictionary, no split expansion)."""
    species: Any = mhcgnomes.parse("A2").species
    table: Any = species.direct_serotypes
    return {str(name): tuple(str(a) for a in table[name]) for name in table}


def serotype_splits() -> dict[str, tuple[str, ...]]:
    """Return the human broad → split antigens (WMDA rel_ser_ser column 3, via mhcgnomes)."""
    from mhcgnomes import data

    table: Any = data.serotype_splits["HLA"]
    return {str(broad): tuple(str(s) for s in table[broad]) for broad in table}


def version() -> str:
    return f"mhcgnomes {mhcgnomes.__version__}"
