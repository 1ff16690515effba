"""The demo's transfusion data: a synthetic donor pool, documented patients, an instruction."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from filiere.demo.context import DemoContext
from filiere.transfusion import demo
from filiere.transfusion.models import (
    Donor,
    EpletRelease,
    HlaTyping,
    TransfusionInstruction,
)

pytestmark = pytest.mark.django_db


def test_the_demo_builds_the_transfusion_data_once(nomenclature: None) -> None:
    from filiere.network import demo as network_demo
    from filiere.patients import demo as patients_demo

    lines: list[str] = []
    ctx = DemoContext(seed=2026, size=30, report=lines.append)
    network_demo.build(ctx)
    patients_demo.build(ctx)
    demo.build(ctx)
    counts = (
        Donor.objects.count(),
        HlaTyping.objects.count(),
        TransfusionInstruction.objects.count(),
        EpletRelease.objects.count(),
    )
    assert counts[0] > 0
    assert counts[1] > 0
    assert counts[2] == 1
    shared_table = Path(settings.SHARED_DATA_DIR) / "hla" / "eplets-hlaR" / "MHC_I_eplet_v3.csv"
    assert counts[3] == (1 if shared_table.is_file() else 0)

    demo.build(ctx)
    assert (
        Donor.objects.count(),
        HlaTyping.objects.count(),
        TransfusionInstruction.objects.count(),
        EpletRelease.objects.count(),
    ) == counts
