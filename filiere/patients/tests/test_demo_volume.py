"""A demo big enough for the load test: detailed patients through the services, the rest in bulk.

Seen: the 100,000-patient demo of the load test, registered patient by patient through the
services, would take hours; the load test needs the registry's volume, not a hundred thousand
histories.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command

from filiere.audit.models import AuditEvent
from filiere.identity.models import Identity
from filiere.network.demo import CENTRES, demo_finess
from filiere.patients.demo import CLINICAL_CENTRES
from filiere.patients.models import CareEpisode, Patient

pytestmark = pytest.mark.django_db


def _demo(size: int, detailed: int) -> None:
    call_command("demo", size=size, detailed=detailed, only=["network", "nomenclature", "patients"])


def test_patients_beyond_the_detailed_ones_are_registry_volume_in_the_clinical_centres(
    settings,
) -> None:
    settings.DEBUG = True
    _demo(size=12, detailed=4)
    detailed = Patient.objects.exclude(pseudonym__startswith="VOL-")
    volume = Patient.objects.filter(pseudonym__startswith="VOL-")
    assert detailed.count() == 4
    assert volume.count() == 8
    # Every volume patient has an identity and is followed by one of the demo's clinical centres.
    links = volume.values_list("identity_link", flat=True)
    assert Identity.objects.filter(link__in=links).count() == 8
    clinical = {
        demo_finess(spec.department, index)
        for index, spec in enumerate(CENTRES)
        if spec.key in dict(CLINICAL_CENTRES)
    }
    centres = set(
        CareEpisode.objects.filter(patient__in=volume).values_list("centre__finess", flat=True)
    )
    assert centres
    assert centres <= clinical
    # Nobody registered the volume patients: no audit event names them.
    assert not AuditEvent.objects.filter(patient_id__in=volume.values("public_id")).exists()


def test_a_second_run_adds_nothing(settings) -> None:
    settings.DEBUG = True
    _demo(size=9, detailed=3)
    before = (Patient.objects.count(), AuditEvent.objects.count())
    _demo(size=9, detailed=3)
    assert (Patient.objects.count(), AuditEvent.objects.count()) == before
