"""Panels that other modules add to the patient page (transfusion, follow-up, case meetings…).

A module registers its panel in its ``AppConfig.ready()``; the panel's context function gets the
reader, the patient and what the page found the reader may do with the patient (so that no panel
reads the patient's centres again), returns None when the reader may not see that panel, and does
its own queries. The patient page stays unaware of the modules.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from filiere.access.patients import PatientRights
from filiere.accounts.models import User
from filiere.patients.models import Patient

PanelContext = Callable[[User, Patient, PatientRights], dict[str, Any] | None]


@dataclass(frozen=True)
class Panel:
    template: str
    context: PanelContext
    position: int


_panels: list[Panel] = []


def register_panel(template: str, context: PanelContext, position: int = 50) -> None:
    if any(panel.template == template for panel in _panels):
        return
    _panels.append(Panel(template, context, position))
    _panels.sort(key=lambda panel: panel.position)


def panels_for(user: User, patient: Patient, rights: PatientRights) -> list[dict[str, Any]]:
    """Return [{"template": …, **context}] for each panel the user may see (``rights``: the
    user's rights on the patient, as the page found them)."""
    shown = []
    for panel in _panels:
        context = panel.context(user, patient, rights)
        if context is not None:
            shown.append({"template": panel.template, **context})
    return shown
