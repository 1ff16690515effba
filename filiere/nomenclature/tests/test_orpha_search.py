"""The ORPHA search of the diagnosis form ignores accents and case, as clinicians type."""

from __future__ import annotations

import pytest

from filiere.nomenclature.models import OrphaConcept
from filiere.nomenclature.selectors import orpha_search

pytestmark = pytest.mark.django_db


def test_a_name_typed_without_accents_finds_the_accented_french_name(nomenclature: None) -> None:
    """Orphanet stores "Thrombasthénie de Glanzmann"; a keyboard without accents types
    "thrombasthenie" (before: no result)."""
    assert [c.code for c in orpha_search("thrombasthenie")] == [849]
    assert [c.code for c in orpha_search("THROMBASTHÉNIE DE glanzmann")] == [849]


def test_the_english_name_and_the_code_still_find_the_concept(nomenclature: None) -> None:
    assert 849 in [c.code for c in orpha_search("Glanzmann Thrombasthenia")]
    assert [c.code for c in orpha_search("ORPHA:849")] == [849]


def test_the_import_fills_the_search_key(nomenclature: None) -> None:
    concept = OrphaConcept.objects.get(code=849)
    assert concept.search_key == "thrombasthenie de glanzmann glanzmann thrombasthenia"
