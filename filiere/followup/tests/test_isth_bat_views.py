"""The guided ISTH-BAT interview: question by question in French (one htmx partial per domain),
stored once every domain is settled; the detail page shows what each score means."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.clinical.isth_bat import Domain
from filiere.followup.models import BleedingScore
from filiere.network.models import Centre
from filiere.patients.models import Patient

ClientFor = Callable[[User], Client]


def _url(patient: Patient, page: str) -> str:
    return f"/suivi/patients/{patient.public_id}/isth-bat/{page}"


def _all_absent() -> dict[str, str]:
    return {f"{domain.value}-present": "non" for domain in Domain}


def test_the_form_asks_first_whether_each_domain_is_present(
    patient_a: Patient, alice: User, client_for: ClientFor
) -> None:
    html = client_for(alice).get(_url(patient_a, "nouveau/")).content.decode()
    assert html.count('class="bat-domain') == 14
    assert html.count("Symptôme présent, avant ou au moment du diagnostic ?") == 14
    assert "Ne comptent que les symptômes et les traitements antérieurs" in html
    assert "04/1993" not in html  # no diagnosis recorded for this patient yet
    assert AuditEvent.objects.filter(
        action="view", patient_id=patient_a.public_id, summary__contains="ISTH-BAT"
    ).exists()


def test_each_answer_brings_the_next_question_of_the_domain(
    patient_a: Patient, alice: User, client_for: ClientFor
) -> None:
    client = client_for(alice)
    url = _url(patient_a, "rubrique/")
    first = client.post(url, {"domain": "epistaxis", "epistaxis-present": "oui"})
    assert "plus de 5 fois par an ou de plus de 10 minutes" in first.content.decode()
    answers = {
        "domain": "epistaxis",
        "epistaxis-present": "oui",
        "epistaxis-q-frequent_or_long": "oui",
    }
    second = client.post(url, answers).content.decode()
    assert "Avez-vous consulté un médecin pour ces saignements de nez ?" in second
    answers |= {
        "epistaxis-q-consultation": "oui",
        "epistaxis-q-local_treatment": "oui",
        "epistaxis-q-systemic_treatment": "non",
    }
    settled = client.post(url, answers).content.decode()
    assert "score 3" in settled
    assert "Méchage, cautérisation ou antifibrinolytique" in settled


def test_the_domain_partial_refuses_an_outsider_and_an_unknown_domain(
    patient_a: Patient, alice: User, charlie: User, client_for: ClientFor
) -> None:
    url = _url(patient_a, "rubrique/")
    assert client_for(charlie).post(url, {"domain": "epistaxis"}).status_code == 404
    assert client_for(alice).post(url, {"domain": "nosebleeds"}).status_code == 404
    assert client_for(alice).get(url).status_code == 405


def test_a_man_has_no_menorrhagia_question(
    centre_a: Centre, nomenclature: None, alice: User, client_for: ClientFor
) -> None:
    from filiere.testing.factories import make_patient

    man = make_patient(centre_a, sex="M")
    html = client_for(alice).get(_url(man, "nouveau/")).content.decode()
    assert html.count("Rubrique propre aux femmes") == 2


def test_a_complete_interview_is_scored_and_stored(
    patient_a: Patient, centre_a: Centre, alice: User, client_for: ClientFor
) -> None:
    data = _all_absent() | {
        "centre": centre_a.pk,
        "assessed_on": "2024-03-01",
        "version": "ISTH-BAT",
        "oral_cavity-present": "oui",
        "oral_cavity-q-present": "oui",
        "oral_cavity-q-consultation": "oui",
        "oral_cavity-q-surgical_haemostasis": "oui",
        "oral_cavity-q-systemic_treatment": "non",
        "oral_cavity-note": "Gingivorragies à l'éruption dentaire.",
        "menorrhagia-present": "oui",
        **{
            f"menorrhagia-q-{key}": "non"
            for key in (
                "consultation",
                "pads_every_2_hours",
                "clots_or_flooding",
                "pbac_over_100",
                "time_off",
                "single_treatment",
                "combined_treatment",
                "since_menarche",
                "emergency",
                "systemic_treatment",
                "gynaecological_procedure",
            )
        },
    }
    data["menorrhagia-q-time_off"] = "oui"
    response = client_for(alice).post(_url(patient_a, "nouveau/"), data)
    assert response.status_code == 302
    score = BleedingScore.objects.get()
    assert (score.oral_cavity, score.menorrhagia, score.total) == (3, 2, 5)
    # An adult woman is abnormal from 6: a total of 5 is within the normal range.
    assert (score.abnormal, score.interviewer) == (False, alice)
    assert score.answers["oral_cavity"]["note"] == "Gingivorragies à l'éruption dentaire."
    detail = client_for(alice).get(response["Location"]).content.decode()
    assert "Score total : 5/56" in detail
    assert "Hémostase chirurgicale ou antifibrinolytique" in detail


def test_an_unfinished_interview_is_not_saved_and_says_which_domains_remain(
    patient_a: Patient, centre_a: Centre, alice: User, client_for: ClientFor
) -> None:
    data = _all_absent() | {
        "centre": centre_a.pk,
        "assessed_on": "2024-03-01",
        "version": "ISTH-BAT",
        "epistaxis-present": "oui",
    }
    del data["cns-present"]
    html = client_for(alice).post(_url(patient_a, "nouveau/"), data).content.decode()
    assert (
        "Rubriques à terminer : 1. Épistaxis, 13. Saignements du système nerveux central." in html
    )
    assert not BleedingScore.objects.exists()


def test_a_tampered_answer_outside_the_questionnaire_is_refused(
    patient_a: Patient, centre_a: Centre, alice: User, client_for: ClientFor
) -> None:
    data = _all_absent() | {
        "centre": centre_a.pk,
        "assessed_on": "2024-03-01",
        "version": "ISTH-BAT",
        "cns-present": "oui",
        "cns-q-subdural": "peut-être",
    }
    html = client_for(alice).post(_url(patient_a, "nouveau/"), data).content.decode()
    assert "Rubriques à terminer" in html
    assert not BleedingScore.objects.exists()
