"""The demo's directory: every demo centre of PROFILES published with its contact details, and
six diagnostic tests; a second run publishes nothing more."""

from __future__ import annotations

import pytest

from filiere.demo.context import DemoContext
from filiere.directory import demo
from filiere.directory.selectors import public_centres, public_tests
from filiere.network import demo as network_demo

pytestmark = pytest.mark.django_db


def test_the_demo_publishes_the_centres_profiles_and_six_tests(nomenclature: None) -> None:
    reports: list[str] = []
    ctx = DemoContext(seed=7, size=10, report=reports.append)
    network_demo.build(ctx)
    demo.build(ctx)
    centres = public_centres()
    assert len(centres) == len(demo.PROFILES)
    assert all(centre.address and centre.phone and centre.email for centre in centres)
    names = [test.name for test in public_tests()]
    assert len(names) == 6
    assert "Panel NGS des maladies plaquettaires constitutionnelles" in names
    assert reports[-1] == "Annuaire : 11 fiche(s) de centre et 6 examen(s) publiés."
    demo.build(ctx)
    assert reports[-1] == "Annuaire : 0 fiche(s) de centre et 0 examen(s) publiés."
    assert len(public_tests()) == 6
