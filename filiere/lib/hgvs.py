"""Checking HGVS variant descriptions with a real parser (mutalyzer-hgvs-parser)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

# A versioned RefSeq transcript (NM_/NR_) or genomic reference (NC_/NG_), or an Ensembl transcript.
_VERSIONED_REFERENCE = re.compile(r"^(?:N[MRCG]_\d+\.\d+|ENST\d+\.\d+)$")


class HgvsError(ValueError):
    """A variant description that is not valid HGVS (French message)."""


@dataclass(frozen=True)
class Variant:
    description: str
    reference: str
    coordinate_system: str
    kind: str


@lru_cache(maxsize=4096)
def _parse(description: str) -> dict[str, Any]:
    from mutalyzer_hgvs_parser import to_model

    model: dict[str, Any] = to_model(description)
    return model


def parse_variant(description: str) -> Variant:
    """Return the parsed variant, or raise ``HgvsError`` naming what is wrong."""
    text = description.strip()
    if not text:
        raise HgvsError("Description HGVS vide.")
    try:
        model = _parse(text)
    except Exception as exc:  # the parser raises several exception types for bad syntax
        raise HgvsError(f"Syntaxe HGVS invalide : « {text} ».") from exc
    reference = str(model.get("reference", {}).get("id", ""))
    if not _VERSIONED_REFERENCE.match(reference):
        raise HgvsError(
            f"Référence « {reference or '?'} » : un transcrit RefSeq versionné est exigé "
            "(par exemple NM_000212.3:c.1697G>A)."
        )
    variants = model.get("variants") or []
    kind = str(variants[0].get("type", "")) if variants else ""
    return Variant(text, reference, str(model.get("coordinate_system", "")), kind)
