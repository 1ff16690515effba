"""Every RD-CDM v2.0.2 element is either filled by the FHIR export or has a stated reason."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.conf import settings

from filiere.exports.fhir.rd_cdm import RD_CDM


def rd_cdm_ordinals() -> dict[str, str]:
    path = Path(settings.SHARED_DATA_DIR) / "rd-cdm" / "rd_cdm_v2_0_2_data_elements.csv"
    if not path.is_file():
        pytest.skip("shared/data/rd-cdm/rd_cdm_v2_0_2_data_elements.csv absent (../shared)")
    with path.open(encoding="utf-8", newline="") as source:
        return {row["ordinal"]: row["elementName"] for row in csv.DictReader(source)}


def test_every_rd_cdm_element_is_mapped_or_has_a_reason() -> None:
    ordinals = rd_cdm_ordinals()
    assert len(ordinals) == 78
    missing = sorted(set(ordinals) - set(RD_CDM))
    assert not missing, f"RD-CDM elements absent from the table: {missing}"
    empty = [o for o in ordinals if not (RD_CDM[o].mapped or RD_CDM[o].reason)]
    assert not empty, f"RD-CDM elements with neither a FHIR path nor a reason: {empty}"
    both = [o for o in ordinals if RD_CDM[o].mapped and RD_CDM[o].reason]
    assert not both, both
    # No stale entry: the table names only elements of this RD-CDM version.
    assert set(RD_CDM) == set(ordinals)


def test_the_identity_elements_are_not_exported() -> None:
    rd_cdm_ordinals()
    assert RD_CDM["2.1"].mapped == "Patient.birthDate (l'année seule)"
    assert "identité" in RD_CDM["2.5"].reason
