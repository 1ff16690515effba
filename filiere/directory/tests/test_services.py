"""The directory's services: a draft is validated (a clear French message naming the field, and
nothing written), and only publishing shows it to the public."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from filiere.access.actors import SYSTEM
from filiere.audit.models import AuditEvent
from filiere.directory import services
from filiere.directory.models import CentreProfile, DiagnosticTest, TeamMember
from filiere.directory.selectors import public_centres, public_tests
from filiere.directory.services import TeamEntry
from filiere.directory.tests.factories import make_profile, make_test
from filiere.network.models import Centre

pytestmark = pytest.mark.django_db


def _writes() -> int:
    return AuditEvent.objects.exclude(action=AuditEvent.Action.REFUSED).count()


def test_a_draft_names_its_team_and_checks_the_orpha_codes(
    centre_a: Centre, nomenclature: None
) -> None:
    profile = services.profile_save(
        actor=SYSTEM,
        centre=centre_a,
        presentation="  Consultations adultes.  ",
        team=[
            TeamEntry("Dr Claire Martin", "médecin coordonnateur", "hématologie"),
            TeamEntry("", "", ""),
            TeamEntry("Mme Lucie Roche", "infirmière", ""),
        ],
        disease_codes=["ORPHA:849", "274", "ORPHA:849"],
    )
    assert profile.presentation == "Consultations adultes."
    assert [m.name for m in profile.team.all()] == ["Dr Claire Martin", "Mme Lucie Roche"]
    assert sorted(c.code for c in profile.diseases.all()) == [274, 849]
    assert not profile.is_published
    assert public_centres() == []


def test_an_unknown_orpha_code_is_refused_naming_the_field_and_nothing_is_written(
    centre_a: Centre, nomenclature: None
) -> None:
    writes = _writes()
    with pytest.raises(ValidationError) as refused:
        services.profile_save(
            actor=SYSTEM,
            centre=centre_a,
            presentation="Texte",
            team=[TeamEntry("Dr Martin", "médecin", "")],
            disease_codes=["ORPHA:9999999"],
        )
    assert refused.value.message_dict["diseases"] == [
        "Maladies suivies : Code ORPHA:9999999 inconnu de la nomenclature chargée."
    ]
    assert not CentreProfile.objects.exists()
    assert not TeamMember.objects.exists()
    assert _writes() == writes
    assert AuditEvent.objects.filter(action=AuditEvent.Action.REFUSED).count() == 1


def test_a_team_member_without_a_name_or_role_is_refused_by_line(
    centre_a: Centre, nomenclature: None
) -> None:
    make_profile(centre_a, publish=False)
    with pytest.raises(ValidationError) as refused:
        services.profile_save(
            actor=SYSTEM,
            centre=centre_a,
            presentation="Autre texte",
            team=[TeamEntry("Dr Martin", "médecin", ""), TeamEntry("", "infirmière", "")],
            disease_codes=[],
        )
    assert refused.value.message_dict["team"] == ["Équipe, ligne 2 : indiquez le nom."]
    profile = CentreProfile.objects.get()
    assert profile.presentation == "Consultations de pathologies plaquettaires."
    assert profile.team.count() == 1


def test_publishing_shows_the_draft_and_a_later_draft_stays_private(
    centre_a: Centre, nomenclature: None
) -> None:
    profile = make_profile(centre_a)
    (shown,) = public_centres()
    assert shown.presentation == "Consultations de pathologies plaquettaires."
    assert [d.curie for d in shown.diseases] == ["ORPHA:849"]

    services.profile_save(
        actor=SYSTEM, centre=centre_a, presentation="Nouveau texte", team=[], disease_codes=[]
    )
    profile.refresh_from_db()
    assert profile.draft_is_newer
    (still,) = public_centres()
    assert still.presentation == "Consultations de pathologies plaquettaires."

    services.profile_publish(actor=SYSTEM, profile=profile)
    (now,) = public_centres()
    assert now.presentation == "Nouveau texte"
    assert now.team == ()


def test_an_inactive_centre_is_not_published(centre_a: Centre, nomenclature: None) -> None:
    profile = make_profile(centre_a, publish=False)
    Centre.objects.filter(pk=centre_a.pk).update(is_active=False)
    with pytest.raises(ValidationError) as refused:
        services.profile_publish(actor=SYSTEM, profile=profile)
    assert refused.value.message_dict["centre"] == [
        "Centre : un centre inactif ne figure pas dans l'annuaire."
    ]
    profile.refresh_from_db()
    assert profile.published_at is None


def test_a_test_missing_its_sample_and_laboratory_is_refused_field_by_field(
    nomenclature: None,
) -> None:
    with pytest.raises(ValidationError) as refused:
        services.diagnostic_test_save(
            actor=SYSTEM,
            laboratory=None,
            laboratory_name="  ",
            name="Cytométrie en flux",
            sample="",
            turnaround="1 semaine",
            how_to_send="Ambiante",
            contact="04 91 00 00 10",
        )
    errors = refused.value.message_dict
    assert errors["sample"] == ["Prélèvement : indiquez le prélèvement (tube, volume, conditions)."]
    assert errors["laboratory"] == [
        "Laboratoire : choisissez un centre du réseau ou indiquez son nom."
    ]
    assert not DiagnosticTest.objects.exists()


def test_a_test_of_a_laboratory_outside_the_network_is_published_with_its_name(
    nomenclature: None,
) -> None:
    make_test(None, laboratory_name="Laboratoire Pasteur (Lille)")
    (shown,) = public_tests()
    assert shown.laboratory is None
    assert shown.laboratory_name == "Laboratoire Pasteur (Lille)"
    assert [d.code for d in shown.indications] == [274, 849]


def test_a_test_of_a_network_laboratory_forgets_a_free_text_name(
    centre_a: Centre, nomenclature: None
) -> None:
    test = make_test(centre_a, laboratory_name="Ignoré")
    assert test.laboratory_name == ""
    assert public_tests()[0].laboratory_name == centre_a.name


def test_a_withdrawn_test_leaves_the_public_directory_and_keeps_its_draft(
    centre_a: Centre, nomenclature: None
) -> None:
    test = make_test(centre_a)
    assert [t.name for t in public_tests()] == ["Agrégation plaquettaire"]
    services.diagnostic_test_withdraw(actor=SYSTEM, test=test)
    assert public_tests() == []
    test.refresh_from_db()
    assert test.name == "Agrégation plaquettaire"
    assert test.search_text == ""
    with pytest.raises(ValidationError) as refused:
        services.diagnostic_test_withdraw(actor=SYSTEM, test=test)
    assert refused.value.message_dict["published_at"] == ["Examen : il n'est pas publié."]


def test_a_withdrawn_profile_leaves_the_public_directory(
    centre_a: Centre, nomenclature: None
) -> None:
    profile = make_profile(centre_a)
    services.profile_withdraw(actor=SYSTEM, profile=profile)
    assert public_centres() == []
    assert CentreProfile.objects.get().presentation == "Consultations de pathologies plaquettaires."
