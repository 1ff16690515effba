"""Identity names are written in Latin script: a look-alike letter or an emoji is refused.

A Cyrillic « а » in "Mаrtin" or an emoji let a second record of the same person escape the
duplicate search (seen in issue 13, finding 13). The rule sits in the identity service's
cleaning, so the registration form, the API, the import and a later correction all meet it.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from filiere.accounts.models import User
from filiere.identity.models import Identity
from filiere.lib.partial_dates import PartialDate
from filiere.network.models import Centre
from filiere.patients.models import Patient
from filiere.patients.services import patient_register, patient_update_identity
from filiere.testing.factories import identity_input, make_patient, with_form_token

pytestmark = pytest.mark.usefixtures("nomenclature")

CYRILLIC_A = "\u0430"


@pytest.mark.parametrize(
    ("field", "value", "label"),
    [
        ("birth_name", f"M{CYRILLIC_A}rtin", "Nom de naissance"),
        ("used_name", "Martin 😀", "Nom utilisé"),
        ("birth_first_names", "Camille Ἀnna", "Prénoms de naissance"),
        ("used_first_name", "Cam1lle", "Prénom utilisé"),
    ],
)
def test_a_name_outside_the_latin_script_is_refused_naming_the_field(
    centre_a: Centre, alice: User, field: str, value: str, label: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        patient_register(
            actor=alice,
            centre=centre_a,
            identity=identity_input(**{field: value}),
            inclusion_date=PartialDate(2021, 6),
        )
    message = " ".join(refused.value.message_dict[field])
    assert label in message
    assert "lettres latines" in message
    assert Patient.objects.count() == 0


def test_the_first_given_name_is_checked_too(centre_a: Centre, alice: User) -> None:
    with pytest.raises(ValidationError) as refused:
        patient_register(
            actor=alice,
            centre=centre_a,
            identity=identity_input(first_given_name=f"C{CYRILLIC_A}mille"),
            inclusion_date=PartialDate(2021, 6),
        )
    assert "Premier prénom de naissance" in " ".join(refused.value.message_dict["first_given_name"])


def test_a_correction_cannot_bring_a_homoglyph_in(centre_a: Centre, alice: User) -> None:
    patient = make_patient(centre_a, actor=alice, birth_name="Martin")
    with pytest.raises(ValidationError):
        patient_update_identity(
            actor=alice, patient=patient, values={"birth_name": f"M{CYRILLIC_A}rtin"}
        )
    assert Identity.objects.get(link=patient.identity_link).birth_name == "Martin"


def test_accents_hyphens_and_apostrophes_are_kept(centre_a: Centre, alice: User) -> None:
    patient = make_patient(
        centre_a, actor=alice, birth_name="N’Diaye-Lefèvre", used_name="D'Argent Œuvray"
    )
    identity = Identity.objects.get(link=patient.identity_link)
    assert (identity.birth_name, identity.used_name) == ("N’Diaye-Lefèvre", "D'Argent Œuvray")


def test_the_registration_form_explains_the_refusal_in_french(
    centre_a: Centre, alice: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(alice).post(
        "/patients/inclure/",
        with_form_token(
            {
                "birth_name": f"M{CYRILLIC_A}rtin",
                "birth_first_names": "Léo",
                "first_given_name": "Léo",
                "birth_date": "2012-04-02",
                "sex": "M",
                "status": "provisional",
                "centre": centre_a.pk,
                "inclusion_date": "03/2020",
                "referred_by": ["ORG-182"],
            }
        ),
    )
    assert response.status_code == 200
    assert "Nom de naissance : seules les lettres latines" in response.content.decode()
    assert Patient.objects.count() == 0
