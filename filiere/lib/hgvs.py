"""Checking HGVS variant descriptions with a real parser (mutalyzer-hgvs-parser).

The parser reads the grammar; what a grammar cannot say (a substitution replaces exactly one
nucleotide by another, there is no position 0, a range runs forwards, a coding position lies
within the coding sequence) is checked here on the model it returns. Pure: no Django.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

# A versioned RefSeq transcript (NM_/NR_) or genomic reference (NC_/NG_), or an Ensembl transcript.
_VERSIONED_REFERENCE = re.compile(r"^(?:N[MRCG]_\d+\.\d+|ENST\d+\.\d+)$")
# A versioned RefSeq or Ensembl protein.
_VERSIONED_PROTEIN = re.compile(r"^(?:NP_\d+\.\d+|ENSP\d+\.\d+)$")
# The coordinate systems each kind of reference is described in (HGVS "reference sequences").
_SYSTEMS = {
    "NM": ("c", "r"),
    "ENST": ("c", "n", "r"),
    "NR": ("n", "r"),
    "NC": ("g", "m"),
    "NG": ("g",),
}
_NUCLEOTIDES = {"r": "acgu"}
_DNA = "ACGT"
_STOP = {"Ter", "*", "X"}
# Stands in for the protein reference when a consequence is written without one (p.Arg12Trp).
_PLACEHOLDER = "NP_0.0:"


class HgvsError(ValueError):
    """A variant description that is not valid HGVS (French message)."""


@dataclass(frozen=True)
class Variant:
    description: str
    reference: str
    coordinate_system: str
    kind: str
    # The transcript the positions refer to: the selector of NG_…(NM_…), else the reference.
    transcript: str = ""
    # c. positions inside the coding sequence (intronic offsets and UTR positions left aside).
    cds_positions: tuple[int, ...] = ()


@dataclass(frozen=True)
class ProteinChange:
    description: str
    reference: str
    # (position, whether the residue named there is the stop codon)
    positions: tuple[tuple[int, bool], ...] = ()


@lru_cache(maxsize=4096)
def _parse(description: str) -> dict[str, Any]:
    from mutalyzer_hgvs_parser import to_model

    model: dict[str, Any] = to_model(description)
    return model


def _syntax_error(text: str, exc: Exception, shift: int = 0) -> HgvsError:
    """Say where the parser stopped reading (1-based position in what was typed)."""
    raw = getattr(exc, "pos_in_stream", None)
    if raw is None or not str(raw).isdigit():
        return HgvsError(f"Syntaxe HGVS invalide : « {text} ».")
    index = max(int(raw) - shift, 0)
    if index >= len(text) or type(exc).__name__ == "UnexpectedEnd":
        return HgvsError(
            f"Syntaxe HGVS invalide : la fin de « {text} » est incomplète ou illisible."
        )
    return HgvsError(
        f"Syntaxe HGVS invalide : « {text} » ne se lit plus à partir de la position "
        f"{index + 1} (« {text[index]} »)."
    )


def _model(text: str, shift: int = 0, typed: str = "") -> dict[str, Any]:
    try:
        return _parse(text)
    except Exception as exc:  # the parser raises several exception types for bad syntax
        raise _syntax_error(typed or text, exc, shift) from exc


def _points(location: dict[str, Any]) -> list[dict[str, Any]]:
    if location.get("type") == "range":
        return [location.get("start") or {}, location.get("end") or {}]
    return [location]


def _plain(point: dict[str, Any]) -> bool:
    return _anchored(point) and not point.get("offset")


def _anchored(point: dict[str, Any]) -> bool:
    """A numbered position inside the coding sequence, possibly with an intronic offset."""
    return isinstance(point.get("position"), int) and not point.get("outside_cds")


def _check_substitution(variant: dict[str, Any], system: str) -> None:
    alphabet = _NUCLEOTIDES.get(system, _DNA)
    deleted = "".join(str(s.get("sequence", "")) for s in variant.get("deleted") or [])
    inserted = "".join(str(s.get("sequence", "")) for s in variant.get("inserted") or [])
    single = len(deleted) == 1 and len(inserted) == 1
    if not single or deleted not in alphabet or inserted not in alphabet or deleted == inserted:
        example = "c.1697G>A" if system != "r" else "r.1697g>a"
        raise HgvsError(
            f"Substitution « {deleted or '?'}>{inserted or '?'} » invalide : une substitution "
            f"remplace un seul nucléotide par un autre (par exemple {example})."
        )


def _check_location(variant: dict[str, Any], system: str) -> list[int]:
    """Return the positions of one variant (intronic ones by their anchor) after checking them."""
    location = variant.get("location") or {}
    points = _points(location)
    for point in points:
        if point.get("position") == 0:
            raise HgvsError(
                f"La position {system}.0 n'existe pas (la numérotation saute de -1 à 1)."
            )
    if location.get("type") == "range" and all(_plain(p) for p in points):
        start, end = points[0]["position"], points[1]["position"]
        if start >= end:
            raise HgvsError(
                f"Intervalle {system}.{start}_{end} à l'envers : la première position vient avant."
            )
        if variant.get("type") == "insertion" and end != start + 1:
            raise HgvsError(
                f"Insertion {system}.{start}_{end}ins : une insertion se place entre deux "
                "positions voisines."
            )
    return [int(p["position"]) for p in points if _anchored(p)]


def parse_variant(description: str) -> Variant:
    """Return the parsed variant, or raise ``HgvsError`` naming what is wrong."""
    text = description.strip()
    if not text:
        raise HgvsError("Description HGVS vide.")
    model = _model(text)
    if model.get("type") != "description_dna":
        raise HgvsError(
            f"« {text} » décrit une protéine : attendu un variant nucléotidique "
            "(par exemple NM_000212.3:c.1697G>A)."
        )
    reference_part = model.get("reference") or {}
    reference = str(reference_part.get("id", ""))
    if not _VERSIONED_REFERENCE.match(reference):
        raise HgvsError(
            f"Référence « {reference or '?'} » : un transcrit RefSeq versionné est exigé "
            "(par exemple NM_000212.3:c.1697G>A)."
        )
    selector = str((reference_part.get("selector") or {}).get("id", ""))
    if selector and not _VERSIONED_REFERENCE.match(selector):
        raise HgvsError(f"Transcrit « {selector} » : un transcrit RefSeq versionné est exigé.")
    transcript = selector or reference
    system = str(model.get("coordinate_system", ""))
    kind_of_reference = re.sub(r"[_\d.]+$", "", transcript)
    allowed = _SYSTEMS.get(kind_of_reference, ())
    if system not in allowed:
        raise HgvsError(
            f"« {transcript} » se décrit en "
            f"{' ou '.join(s + '.' for s in allowed)}, pas en {system or '?'}."
        )
    variants = model.get("variants") or []
    positions: list[int] = []
    for variant in variants:
        if variant.get("type") == "substitution":
            _check_substitution(variant, system)
        positions.extend(_check_location(variant, system))
    kind = str(variants[0].get("type", "")) if variants else ""
    cds = tuple(positions) if system == "c" else ()
    return Variant(text, reference, system, kind, transcript, cds)


def check_cds_length(variant: Variant, cds_length: int) -> None:
    """Refuse a coding position past the end of the coding sequence (stop codon included)."""
    beyond = [p for p in variant.cds_positions if p > cds_length]
    if beyond:
        raise HgvsError(
            f"Position c.{max(beyond)} au-delà de la séquence codante de {variant.transcript} "
            f"({_french_int(cds_length)} nucléotides, codon stop compris)."
        )


def parse_protein_change(description: str) -> ProteinChange:
    """Return the parsed protein consequence (p.(Arg123Trp), NP_000203.2:p.Gly12fs, p.?…)."""
    text = description.strip()
    if not text:
        raise HgvsError("Conséquence protéique vide.")
    has_reference = ":" in text
    source = text if has_reference else _PLACEHOLDER + text
    shift = 0 if has_reference else len(_PLACEHOLDER)
    model = _model(source, shift, typed=text)
    if model.get("type") != "description_protein" or model.get("coordinate_system") != "p":
        raise HgvsError(
            f"« {text} » n'est pas une conséquence protéique (par exemple p.Arg123Trp)."
        )
    reference = str((model.get("reference") or {}).get("id", "")) if has_reference else ""
    if has_reference and not _VERSIONED_PROTEIN.match(reference):
        raise HgvsError(
            f"Référence « {reference or '?'} » : une protéine RefSeq versionnée est exigée "
            "(par exemple NP_000203.2:p.(Arg123Trp))."
        )
    positions: list[tuple[int, bool]] = []
    for variant in model.get("variants") or []:
        points = _points(variant.get("location") or {})
        whole = len(points) == 1 and "amino_acid" not in points[0]
        for point in points:
            position = point.get("position")
            if not isinstance(position, int):
                continue
            if position == 0 and not whole:
                raise HgvsError("La position p.0 n'existe pas (seul « p.0 » s'écrit ainsi).")
            if position:
                positions.append((position, str(point.get("amino_acid", "")) in _STOP))
    return ProteinChange(text, reference, tuple(positions))


def check_protein_length(change: ProteinChange, length: int, protein: str) -> None:
    """Refuse a residue past the end of the protein (the stop codon sits at length + 1)."""
    beyond = [p for p, stop in change.positions if p > length + (1 if stop else 0)]
    if beyond:
        raise HgvsError(
            f"Position p.{max(beyond)} au-delà de la protéine {protein} "
            f"({_french_int(length)} acides aminés)."
        )


def _french_int(value: int) -> str:
    # French thousands separator: a narrow no-break space (2 367).
    return f"{value:,}".replace(",", "\u202f")
