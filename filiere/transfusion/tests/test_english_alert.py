"""The refractoriness alert in English: the pattern, the tests to order and the advice."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from filiere.accounts.models import User
from filiere.transfusion.tests.factories import make_refractory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _back_to_french() -> Iterator[None]:
    """The English requests leave English active in the thread: give the next test French."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def test_the_refractoriness_alert_reads_in_english(
    alice: User, patient: Any, client_for: Callable[[User], Client]
) -> None:
    make_refractory(patient)
    client = client_for(alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("transfusion:patient", kwargs={"public_id": patient.public_id})
    html = client.get(url).content.decode()
    assert "Low recovery from 1 h: immune cause suspected" in html
    assert "Anti-HPA antibody testing (MAIPA)" in html
    assert "if the screen is positive" in html
    assert "cause immune suspectée" not in html
    assert "recherche d&#x27;anticorps" not in html
