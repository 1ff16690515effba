"""Small builders for the directory's tests."""

from __future__ import annotations

from typing import Any

from filiere.access.actors import SYSTEM
from filiere.directory import services
from filiere.directory.models import CentreProfile, DiagnosticTest
from filiere.directory.services import TeamEntry
from filiere.network.models import Centre


def make_profile(centre: Centre, *, publish: bool = True, **values: Any) -> CentreProfile:
    profile = services.profile_save(
        actor=SYSTEM,
        centre=centre,
        presentation=values.pop("presentation", "Consultations de pathologies plaquettaires."),
        team=values.pop(
            "team", [TeamEntry("Dr Claire Martin", "médecin coordonnateur", "hématologie")]
        ),
        disease_codes=values.pop("disease_codes", ["ORPHA:849"]),
    )
    if publish:
        profile = services.profile_publish(actor=SYSTEM, profile=profile)
    return profile


def make_test(laboratory: Centre | None, *, publish: bool = True, **values: Any) -> DiagnosticTest:
    defaults: dict[str, Any] = {
        "laboratory": laboratory,
        "laboratory_name": "" if laboratory is not None else "Laboratoire hors réseau",
        "name": "Agrégation plaquettaire",
        "indication_codes": ["ORPHA:849", "ORPHA:274"],
        "sample": "Sang citraté 3,2 %",
        "turnaround": "1 semaine",
        "how_to_send": "À température ambiante, dans les 4 heures.",
        "contact": "04 91 00 00 10",
    }
    defaults.update(values)
    test = services.diagnostic_test_save(actor=SYSTEM, **defaults)
    if publish:
        test = services.diagnostic_test_publish(actor=SYSTEM, test=test)
    return test
