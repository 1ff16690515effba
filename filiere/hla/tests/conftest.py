"""Helpers for the HLA tests: the shared reference data (optional) and small hand-made SAB runs."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import pytest

from filiere.hla.antibodies import AntibodyProfile, RollUp
from filiere.hla.nomenclature import Allele, Locus, parse_hla, parse_typing
from filiere.hla.sab import Bead


def hla_data_dir() -> Path:
    """shared/data/hla: from SHARED_DATA_DIR (…/shared/data) or beside the repository."""
    configured = os.environ.get("SHARED_DATA_DIR")
    base = (
        Path(configured)
        if configured
        else Path(__file__).resolve().parents[3].parent / "shared" / "data"
    )
    return base / "hla"


def shared(name: str) -> Path:
    """Return a folder of shared/data/hla, skipping the test when it is absent (fresh clone)."""
    path = hla_data_dir() / name
    if not path.exists():
        pytest.skip(f"shared/data/hla/{name} absent")
    return path


def beads(**mfis: int) -> list[Bead]:
    """Beads from keyword arguments: beads(A_01_01=5000) is bead A*01:01 at 5,000 MFI."""
    result = []
    for name, mfi in mfis.items():
        locus, first, second = name.split("_")
        allele = parse_hla(f"{locus}*{first}:{second}")
        assert isinstance(allele, Allele)
        result.append(Bead(allele, mfi))
    return result


def profile(
    typing: str,
    *,
    rule: RollUp = RollUp.ANY,
    loci: tuple[Locus, ...] = tuple(Locus),
    **mfis: int,
) -> AntibodyProfile:
    """A serum written inline: profile("A*02:01 B*07:02", A_01_01=5000)."""
    return serum_of(typing, mfis, rule=rule, loci=loci)


def serum_of(
    typing: str,
    mfis: Mapping[str, int],
    *,
    rule: RollUp = RollUp.ANY,
    loci: tuple[Locus, ...] = tuple(Locus),
) -> AntibodyProfile:
    """The same from a table of bead MFIs: serum_of("A*02:01", {"A_01_01": 5000})."""
    return AntibodyProfile.build(beads(**mfis), parse_typing(typing), rule=rule, loci=loci)
