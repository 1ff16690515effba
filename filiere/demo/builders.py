"""The modules that add demo data, in the order they run (later ones use earlier objects)."""

from __future__ import annotations

from collections.abc import Callable

from filiere.demo.context import DemoContext


def builders() -> list[tuple[str, Callable[[DemoContext], None]]]:
    from filiere.directory import demo as directory_demo
    from filiere.education import demo as education_demo
    from filiere.events import demo as events_demo
    from filiere.followup import demo as followup_demo
    from filiere.guidelines import demo as guidelines_demo
    from filiere.meetings import demo as meetings_demo
    from filiere.network import demo as network_demo
    from filiere.nomenclature import demo as nomenclature_demo
    from filiere.patients import demo as patients_demo
    from filiere.surveys import demo as surveys_demo
    from filiere.transfusion import demo as transfusion_demo

    return [
        ("network", network_demo.build),
        ("nomenclature", nomenclature_demo.build),
        ("patients", patients_demo.build),
        ("meetings", meetings_demo.build),
        ("followup", followup_demo.build),
        ("transfusion", transfusion_demo.build),
        ("surveys", surveys_demo.build),
        ("directory", directory_demo.build),
        ("education", education_demo.build),
        ("guidelines", guidelines_demo.build),
        ("events", events_demo.build),
    ]
