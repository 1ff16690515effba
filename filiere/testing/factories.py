"""Small factory functions for tests: every object is made through the services."""

from __future__ import annotations

import itertools
from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP

from filiere.access.actors import SYSTEM, Actor
from filiere.accounts.models import User
from filiere.accounts.services import user_create
from filiere.lib.identifiers import luhn_key
from filiere.network.models import Centre, Membership, Region
from filiere.network.services import centre_create, membership_grant

PASSWORD = "Un-mot-de-passe-solide-2026"  # noqa: S105 - test-only password
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105 - test-only secret

_counter = itertools.count(1)


def finess_for(index: int) -> str:
    body = f"13{index:06d}"
    return body + luhn_key(body)


def make_centre(**values: Any) -> Centre:
    index = next(_counter)
    defaults: dict[str, Any] = {
        "name": f"Centre de test {index}",
        "kind": Centre.Kind.CCMR,
        "finess": finess_for(index),
        "city": "Marseille",
        "region": Region.PROVENCE_ALPES_COTE_D_AZUR,
        "rd_site_code": f"S{index:03d}",
    }
    defaults.update(values)
    return centre_create(actor=SYSTEM, **defaults)


def make_user(*, second_factor: bool = True, **values: Any) -> User:
    index = next(_counter)
    defaults: dict[str, Any] = {
        "email": f"user{index}@hopital.test",
        "first_name": "Prénom",
        "last_name": f"Nom{index}",
        "password": PASSWORD,
    }
    defaults.update(values)
    user = user_create(actor=SYSTEM, **defaults)
    if second_factor:
        TOTP.activate(user, TOTP_SECRET)
    return user


def give_role(user: User, centre: Centre, role: str) -> Membership:
    return membership_grant(actor=SYSTEM, user=user, centre=centre, role=role)


def has_totp(user: User) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


# --- Registry -----------------------------------------------------------------------------

TEST_GENES = (
    "ITGA2B",
    "ITGB3",
    "GP1BA",
    "GP1BB",
    "GP9",
    "MYH9",
    "RUNX1",
    "ANKRD26",
    "ETV6",
    "NBEAL2",
    "WAS",
    "FLI1",
    "F8",
    "F9",
    "VWF",
    "RASGRP2",
)
TEST_ICD10 = (
    ("D69.1", "Anomalies qualitatives des plaquettes", "Qualitative platelet defects"),
    ("D69.6", "Thrombopénie, sans précision", "Thrombocytopenia, unspecified"),
    ("D68.0", "Maladie de Willebrand", "Von Willebrand disease"),
)


def load_test_nomenclature() -> None:
    """Load the network's seed ORPHA codes, a few genes, their shipped MANE transcripts and
    ICD-10 codes (fast, no hpo3 load)."""
    from filiere.nomenclature import services, sources

    services.orpha_import_file(actor=SYSTEM, path=services.SEED_FILE)
    services.gene_import_records(
        actor=SYSTEM,
        genes=[sources.GeneRecord(symbol=s) for s in TEST_GENES],
        version="test",
        checksum="test-genes",
    )
    services.icd10_import_records(
        actor=SYSTEM,
        codes=[sources.Icd10Record(c, fr, en) for c, fr, en in TEST_ICD10],
        version="test",
        checksum="test-icd10",
    )
    services.transcript_seed_import(actor=SYSTEM)


def _letters(index: int) -> str:
    """1 → "A", 26 → "Z", 27 → "AA": a counter spelt in Latin letters."""
    text = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        text = chr(ord("A") + rest) + text
    return text.capitalize()


def identity_input(**values: Any) -> Any:
    import datetime as dt

    from filiere.identity.services import IdentityInput

    index = next(_counter)
    defaults: dict[str, Any] = {
        # Distinct and in letters: a digit is not part of a name (identity.services).
        "birth_name": f"Martin-{_letters(index)}",
        "birth_first_names": "Camille Marie",
        "first_given_name": "Camille",
        "birth_date": dt.date(1990, 5, 17),
        "sex": "F",
    }
    if "first_given_name" in values and "birth_first_names" not in values:
        # The first birth first name opens the list of birth first names (INS rules).
        defaults["birth_first_names"] = f"{values['first_given_name']} Marie"
    defaults.update(values)
    return IdentityInput(**defaults)


def make_patient(centre: Centre, *, actor: Actor = SYSTEM, **identity: Any) -> Any:
    """Register a patient followed by ``centre`` (through the registry's service)."""
    from filiere.lib.partial_dates import PartialDate
    from filiere.patients.services import patient_register

    registration = patient_register(
        actor=actor,
        centre=centre,
        identity=identity_input(**identity),
        inclusion_date=PartialDate(2020, 1, 15),
    )
    return registration.patient


def glanzmann_values(**values: Any) -> dict[str, Any]:
    """Keyword arguments of ``diagnosis_record`` for a confirmed Glanzmann thrombasthenia."""
    from filiere.lib.partial_dates import PartialDate
    from filiere.patients.models import AgeCategory, DiagnosisStatus

    defaults: dict[str, Any] = {
        "orpha_code": 849,
        "status": DiagnosisStatus.CONFIRMED,
        "diagnosis_date": PartialDate(1993, 4),
        "onset_category": AgeCategory.DURING_LIFE,
        "onset_months": 8,
        "clinical_dx_category": AgeCategory.DURING_LIFE,
        "clinical_dx_years": 2,
        "genetic_dx_category": AgeCategory.DURING_LIFE,
        "genetic_dx_years": 3,
        "genes": ["ITGB3"],
        "genetic_techniques": ["MED-083"],
    }
    defaults.update(values)
    return defaults


def make_export(centre: Centre, *, actor: Actor = SYSTEM, dataset: str = "sdm-mr") -> Any:
    """The centre's export asked for by ``actor`` and run as the worker runs it (its zip
    written to the private storage); return its job."""
    from filiere.patients.services.national_exports import national_export_start
    from filiere.patients.tasks import export_centre

    job = national_export_start(actor=actor, dataset=dataset, centre=centre)
    export_centre(str(job.public_id))
    job.refresh_from_db()
    return job


def make_activity_report(actor: Actor, centre: Centre, *, year: int = 2025) -> Any:
    """The centre's activity report asked for by ``actor`` and written as the worker writes it
    (its PDF and CSV in the private storage); return its job."""
    from filiere.core.reports import ReportPeriod
    from filiere.core.reports.services import activity_report_start, activity_report_write

    job = activity_report_start(actor=actor, period=ReportPeriod(year, centre))
    activity_report_write(str(job.public_id))
    job.refresh_from_db()
    return job


def with_form_token(data: dict[str, Any]) -> dict[str, Any]:
    """Return a creating form's POST data with a fresh one-time token, as the page renders it."""
    from filiere.core.submissions import FIELD, new_form_token

    return {**data, FIELD: new_form_token()}


def fresh_totp_code() -> str:
    """The current TOTP code, taken with at least 5 s left in its 30 s period: a browser test
    types it a moment later, and a code that expires on the way is refused (a flake seen in CI)."""
    import time

    import pyotp

    left = 30 - time.time() % 30
    if left < 5:
        time.sleep(left + 0.2)
    return str(pyotp.TOTP(TOTP_SECRET).now())
