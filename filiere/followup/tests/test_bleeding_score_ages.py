"""The ISTH-BAT cut-off follows the exact age at the assessment, read from the identity (one
audited read) when the clinician may see it; to the month otherwise, said on the record.

Cut-offs of Elbatarny et al., Haemophilia 2014;20:831-5 (normal ranges of the ISTH-BAT):
abnormal from 3 under 18 years (both sexes), from 6 in adult women, from 4 in adult men.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.followup.models import BleedingScore
from filiere.followup.tests.helpers import record_score
from filiere.identity.models import Identity
from filiere.network.models import Centre
from filiere.patients.models import Patient
from filiere.testing.factories import make_patient

EVE_OF_18 = dt.date(2026, 12, 2)
# Nosebleeds with consultation only, bruises with consultation: 2 + 1 = 3.
SCORE_OF_3 = {"epistaxis": 2, "cutaneous": 1}


@pytest.fixture
def lea(centre_a: Centre, nomenclature: None) -> Patient:
    """A girl born on 03/12/2008: 17 on 02/12/2026, the eve of her 18th birthday."""
    return make_patient(centre_a, first_given_name="Léa", birth_date=dt.date(2008, 12, 3))


def test_the_isth_bat_of_a_17_year_old_on_the_eve_of_her_18th_birthday_uses_the_child_cutoff(
    lea: Patient, centre_a: Centre, alice: User
) -> None:
    """Born 03/12/2008, scored 02/12/2026 (total 3): 17 years old, abnormal from 3 (child
    cut-off, Elbatarny 2014), not normal against the adult woman cut-off of 6."""
    score = record_score(
        lea, centre_a, actor=alice, assessed_on=EVE_OF_18, domain_scores=SCORE_OF_3
    )
    assert (score.total, score.age_years, score.age_precision) == (3, 17, "jour")
    assert (score.population, score.cutoff, score.abnormal) == ("child", 3, True)


def test_the_birth_date_read_for_the_age_is_audited_without_its_value(
    lea: Patient, centre_a: Centre, alice: User
) -> None:
    record_score(lea, centre_a, actor=alice, assessed_on=EVE_OF_18, domain_scores=SCORE_OF_3)
    read = AuditEvent.objects.get(action=AuditEvent.Action.VIEW, patient_id=lea.public_id)
    assert read.actor == alice
    assert read.summary == "Lecture de la date de naissance pour le calcul de l'âge"
    assert "2008" not in str(read.changes)


def test_the_day_after_her_birthday_the_adult_woman_cutoff_applies(
    lea: Patient, centre_a: Centre, alice: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.utils import timezone

    birthday = dt.date(2026, 12, 3)
    # The test was written on 02/12/2026: its birthday must not be refused as a future date.
    today = max(birthday, timezone.localdate())
    monkeypatch.setattr(timezone, "localdate", lambda *args: today)
    score = record_score(lea, centre_a, actor=alice, assessed_on=birthday, domain_scores=SCORE_OF_3)
    assert (score.age_years, score.population, score.cutoff, score.abnormal) == (
        18,
        "adult_woman",
        6,
        False,
    )


def test_without_an_identity_reader_the_age_is_to_the_month_and_the_child_cutoff_still_holds(
    lea: Patient, centre_a: Centre
) -> None:
    """Recorded by an import (no actor): born in December 2008, 17 or 18 on 02/12/2026; the
    lowest age is kept, so the more sensitive child cut-off applies, and the record says the age
    is known to the month. Nothing of the identity is read."""
    score = record_score(lea, centre_a, assessed_on=EVE_OF_18, domain_scores=SCORE_OF_3)
    assert (score.age_years, score.age_precision) == (17, "mois")
    assert (score.population, score.abnormal) == ("child", True)
    assert not AuditEvent.objects.filter(summary__contains="date de naissance").exists()


def test_the_verdict_is_kept_when_the_birth_date_is_corrected_later(
    lea: Patient, centre_a: Centre, alice: User
) -> None:
    score = record_score(
        lea, centre_a, actor=alice, assessed_on=EVE_OF_18, domain_scores=SCORE_OF_3
    )
    Identity.objects.filter(link=lea.identity_link).update(birth_date=dt.date(2008, 11, 20))
    score.refresh_from_db()
    assert (score.age_years, score.age_precision, score.abnormal) == (17, "jour", True)


def test_the_detail_page_shows_the_stored_age_and_says_when_it_is_known_to_the_month(
    lea: Patient, centre_a: Centre, alice: User, client_for: Callable[[User], Client]
) -> None:
    exact = record_score(
        lea, centre_a, actor=alice, assessed_on=EVE_OF_18, domain_scores=SCORE_OF_3
    )
    by_month = record_score(lea, centre_a, assessed_on=EVE_OF_18, domain_scores=SCORE_OF_3)
    client = client_for(alice)
    base = f"/suivi/patients/{lea.public_id}/isth-bat"
    html = client.get(f"{base}/{exact.public_id}/").content.decode()
    assert "Seuil d'anormalité 3 (enfant (moins de 18 ans), 17 ans à l'évaluation)." in html
    assert "au mois près" not in html
    html = client.get(f"{base}/{by_month.public_id}/").content.decode()
    assert "Âge au mois près" in html


def test_the_api_gives_the_age_used_and_its_precision(
    lea: Patient, centre_a: Centre, alice: User, client_for: Callable[[User], Client]
) -> None:
    record_score(lea, centre_a, actor=alice, assessed_on=EVE_OF_18, domain_scores=SCORE_OF_3)
    response = client_for(alice).get(f"/api/v1/suivi/patients/{lea.public_id}/isth-bat")
    assert response.status_code == 200, response.content
    (item,) = response.json()
    assert (item["age_years"], item["age_months"], item["age_precision"]) == (17, 215, "jour")


def test_an_assessment_dated_in_the_birth_month_but_before_the_birth_is_refused(
    lea: Patient, centre_a: Centre, alice: User
) -> None:
    """The clinical table knows December 2008 only; the identity says 03/12/2008."""
    with pytest.raises(ValidationError) as caught:
        record_score(lea, centre_a, actor=alice, assessed_on=dt.date(2008, 12, 1))
    assert "précède la naissance" in caught.value.message_dict["assessed_on"][0]
    assert not BleedingScore.objects.exists()
    assert not AuditEvent.objects.filter(summary__contains="date de naissance").exists()
