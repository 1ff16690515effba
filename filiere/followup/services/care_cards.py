"""A centre's care cards printed at once: those of the patients expected at a follow-up visit
(overdue, or due within three months), one A4 page each in one PDF, for the coordinator who
prepares the coming visits (each patient leaves with a card that carries the current record).

Written by the worker; downloaded by the requester alone. Each card is built and laid out as the
patient's own card page does (``care_card.build_care_card``, ``pdf.render_cards_a4``); its name
printed only where the requester may see the patient's identity; each print audited on the
patient, as a card printed from the patient's page.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from filiere.access import Capability
from filiere.access.actors import Actor
from filiere.access.grants import grants_for
from filiere.access.patients import patient_rights
from filiere.accounts.models import User
from filiere.followup.care_card import build_care_card
from filiere.followup.pdf import render_cards_a4
from filiere.followup.rhythm import FollowUpStatus
from filiere.followup.selectors import worklist
from filiere.followup.services.visits import followup_printed
from filiere.jobs.models import Job
from filiere.jobs.services import Progress, job_create, job_file_write, job_run, job_send
from filiere.network.models import Centre
from filiere.patients.models import Patient
from filiere.patients.selectors import identity_of

# The lists whose patients are expected at a visit: the cards to renew before it.
PRINTABLE = (FollowUpStatus.OVERDUE, FollowUpStatus.DUE)
# The progress is reported every so many cards (one UPDATE each).
PROGRESS_EVERY = 20


def care_cards_start(*, actor: Actor, centre: Centre, status: FollowUpStatus) -> Job:
    """Ask the worker for the cards of the centre's patients in ``status``; return the job to
    follow. The job is sent once the transaction that records it commits."""
    if status not in PRINTABLE:
        raise ValidationError(
            {"statut": "Liste : seuls les patients en retard ou attendus sous trois mois."}
        )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    with transaction.atomic():
        job = job_create(
            actor=actor,
            kind=Job.Kind.CARE_CARDS,
            centre=centre,
            file_name=f"cartes_de_soins_{centre.finess or centre.public_id}_{status}_{stamp}.pdf",
            params={"status": str(status)},
        )
        transaction.on_commit(lambda: job_send(job))
    return job


def care_cards_write(job_id: str) -> dict[str, int]:
    """The worker's part: the cards of the patients in the list today, as one PDF. A requester
    who no longer sees the centre's patients gets no card (the job fails, nothing written)."""
    job = Job.objects.select_related("centre", "requested_by").get(public_id=job_id)
    user, centre = job.requested_by, job.centre
    status = FollowUpStatus(job.params["status"])

    def work(progress: Progress) -> dict[str, int]:
        if (
            user is None
            or centre is None
            or not grants_for(user).has(Capability.VIEW_PATIENTS, centre.pk)
        ):
            raise PermissionError("Le demandeur ne voit plus les patients du centre.")
        today = timezone.localdate()
        patients = [schedule.patient for schedule in worklist(centre, status, today)]
        cards = []
        for done, patient in enumerate(patients, start=1):
            rights = patient_rights(user, patient)
            identity = identity_of(patient) if rights.see_identity else None
            cards.append(build_care_card(patient, identity=identity, today=today))
            if done % PROGRESS_EVERY == 0:
                progress(done, len(patients) + 1)
        progress(len(patients), len(patients) + 1)
        title = f"Cartes de soins — {centre} ({today:%d/%m/%Y})"
        job_file_write(job, render_cards_a4(cards, title=title))
        _audit_prints(user, patients, [card.name != "" for card in cards])
        return {"cards": len(cards)}

    return dict(job_run(job_id=job_id, work=work).result)


@transaction.atomic
def _audit_prints(user: User, patients: list[Patient], named: list[bool]) -> None:
    for patient, with_identity in zip(patients, named, strict=True):
        followup_printed(
            actor=user,
            patient=patient,
            what="carte de soins (A4, impression groupée"
            + (", avec identité)" if with_identity else ")"),
        )
