"""Reads of the transfusion module. Who sees a patient here is decided by
``filiere.patients.selectors.patients_visible_for_transfusion``; these functions take a patient
already authorized (or the user, for lists)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Prefetch, QuerySet, Subquery
from django.utils import timezone

from filiere.access.patients import PatientRights
from filiere.access.transfusion import specialist_regions
from filiere.accounts.models import User
from filiere.clinical import transfusion as efficacy
from filiere.core.access_errors import NotVisible
from filiere.network.models import Centre
from filiere.patients.models import CareEpisode, Patient
from filiere.patients.selectors import patients_visible_for_transfusion
from filiere.transfusion.domain import assess
from filiere.transfusion.models import (
    AntibodyScreen,
    HlaTyping,
    PostTransfusionCount,
    Transfusion,
    TransfusionInstruction,
    TransfusionProfile,
)


def clinical_centres_of(regions: Iterable[str]) -> QuerySet[Centre]:
    """The centres of these regions that follow patients (not the blood-establishment sites)."""
    return (
        Centre.objects.filter(region__in=regions, is_active=True)
        .exclude(kind=Centre.Kind.BLOOD_ESTABLISHMENT)
        .order_by("name")
    )


def following_regions(patient: Patient) -> list[str]:
    """Regions of the centres following the patient, open follow-ups first, oldest first."""
    episodes = patient.care_episodes.select_related("centre").order_by(
        "ended_on", "inclusion_year", "pk"
    )
    return list(dict.fromkeys(episode.centre.region for episode in episodes))


def patient_region(patient: Patient, user: User) -> str:
    """The region whose donors the instruction counts: the specialist's region when it follows
    the patient, else the region of the patient's main centre."""
    regions = following_regions(patient)
    mine = specialist_regions(user)
    return next((r for r in regions if r in mine), regions[0] if regions else "")


# --- Transfusions and their efficacy -----------------------------------------------------


@dataclass(frozen=True)
class TransfusionRow:
    transfusion: Transfusion
    assessment: efficacy.TransfusionAssessment
    step: efficacy.RunStep


@dataclass(frozen=True)
class TransfusionHistory:
    rows: tuple[TransfusionRow, ...]  # oldest first
    refractoriness: efficacy.RefractorinessAssessment

    def chart_data(self) -> dict[str, Any]:
        """Values for the trend chart, on a time axis: each point at the end of its transfusion
        (milliseconds since the epoch) with its CCI or RTP at 1 h and 24 h, rounded as the
        table shows and judges them. A series without any value is left out, and so is an axis
        without any series (no empty RTP axis)."""

        def value(window: efficacy.WindowVerdict, name: str) -> float | None:
            number = getattr(window.count, name) if window.count is not None else None
            digits = efficacy.Index.CCI.digits if name == "cci" else efficacy.Index.RTP.digits
            return None if number is None else efficacy.shown_value(number, digits)

        series: dict[str, list[dict[str, Any]]] = {}
        for key, window_name, name in (
            ("cci_1h", "one_hour", "cci"),
            ("cci_24h", "twenty_four_hours", "cci"),
            ("rtp_1h", "one_hour", "rtp_percent"),
            ("rtp_24h", "twenty_four_hours", "rtp_percent"),
        ):
            points = []
            for row in self.rows:
                y = value(getattr(row.assessment, window_name), name)
                if y is not None:
                    when = timezone.localtime(row.transfusion.ended_at)
                    points.append(
                        {
                            "x": int(row.transfusion.ended_at.timestamp() * 1000),
                            "y": y,
                            "label": when.strftime("%d/%m/%Y %H:%M"),
                        }
                    )
            if points:
                series[key] = points
        times = [int(row.transfusion.ended_at.timestamp() * 1000) for row in self.rows]
        return {
            "series": series,
            "first": min(times, default=None),
            "last": max(times, default=None),
            "cci_1h_threshold": efficacy.ONE_HOUR_CRITERIA.cci_min,
            "cci_24h_threshold": efficacy.TWENTY_FOUR_HOUR_CRITERIA.cci_min,
        }


def _with_counts(transfusions: QuerySet[Transfusion]) -> QuerySet[Transfusion]:
    return transfusions.prefetch_related(
        Prefetch("post_counts", queryset=PostTransfusionCount.objects.order_by("minutes_after_end"))
    )


def history_of(
    patient: Patient,
    transfusions: list[Transfusion],
    workup: efficacy.Workup = efficacy.NO_WORKUP,
) -> TransfusionHistory:
    """Return each transfusion's efficacy and the refractoriness alert (counts prefetched);
    ``workup`` says what the record holds already (SAB result, valid instruction)."""
    assessments = [assess(patient, t) for t in transfusions]
    refractoriness = efficacy.assess_refractoriness(
        assessments, efficacy.DEFAULT_REFRACTORINESS_SETTINGS, workup
    )
    rows = tuple(
        TransfusionRow(t, a, s)
        for t, a, s in zip(transfusions, assessments, refractoriness.steps, strict=True)
    )
    return TransfusionHistory(rows, refractoriness)


def workup_from(
    instruction: TransfusionInstruction | None,
    *,
    serum_recorded: bool,
    today: dt.date | None = None,
) -> efficacy.Workup:
    """The work-up the refractoriness verdict asks for: HLA antibodies screened, a valid
    instruction (``instruction``: the patient's current one)."""
    return efficacy.Workup(
        hla_antibodies_identified=serum_recorded,
        instruction=instruction is not None and is_valid(instruction, today),
    )


def workup_of(patient: Patient) -> efficacy.Workup:
    return workup_from(
        current_instruction(patient), serum_recorded=patient.antibody_screens.exists()
    )


def transfusion_history(
    patient: Patient, workup: efficacy.Workup | None = None
) -> TransfusionHistory:
    """``workup``: the patient's work-up, when the caller has already read what it needs."""
    transfusions = list(
        _with_counts(
            patient.transfusions.select_related("values_confirmed_by").order_by("ended_at", "pk")
        )
    )
    return history_of(patient, transfusions, workup or workup_of(patient))


def latest_typing(patient: Patient) -> HlaTyping | None:
    return patient.hla_typings.order_by("-typed_on", "-recorded_at", "-pk").first()


def latest_screen(patient: Patient) -> AntibodyScreen | None:
    return patient.antibody_screens.order_by("-serum_date", "-recorded_at", "-pk").first()


def instructions_of(patient: Patient) -> QuerySet[TransfusionInstruction]:
    return patient.transfusion_instructions.select_related("author").order_by("-version")


def current_instruction(patient: Patient) -> TransfusionInstruction | None:
    return instructions_of(patient).first()


def get_instruction(patient: Patient, instruction_id: uuid.UUID | str) -> TransfusionInstruction:
    """Return one version of the patient's instruction, or 404 (recorded)."""
    try:
        return (
            instructions_of(patient)
            .select_related("screen", "typing")
            .get(public_id=instruction_id)
        )
    except (TransfusionInstruction.DoesNotExist, ValidationError, ValueError) as exc:
        raise NotVisible("transfusion.transfusioninstruction", str(instruction_id)) from exc


def is_valid(instruction: TransfusionInstruction, today: dt.date | None = None) -> bool:
    return instruction.valid_until >= (today or timezone.localdate())


# --- Instructions that follow the patient ------------------------------------------------


@dataclass(frozen=True)
class Review:
    """Why the patient's current instruction is "à revoir": the patient's latest serum or typing
    is not the one it rests on. Computed at each read from the instruction's foreign keys, never
    stored, so that no writer (import, API, correction, deletion) can leave it stale."""

    serum_date: dt.date | None = None  # the newer serum's date, when there is one
    typed_on: dt.date | None = None  # the newer typing's date, when there is one

    @property
    def needed(self) -> bool:
        return self.serum_date is not None or self.typed_on is not None


def review_of(
    instruction: TransfusionInstruction,
    *,
    screen: tuple[int, dt.date] | None,
    typing: tuple[int, dt.date] | None,
) -> Review:
    """Compare the instruction's serum and typing with the patient's latest (id, date)."""
    newer_screen = screen is not None and screen[0] != instruction.screen_id
    newer_typing = typing is not None and typing[0] != instruction.typing_id
    return Review(
        serum_date=screen[1] if screen is not None and newer_screen else None,
        typed_on=typing[1] if typing is not None and newer_typing else None,
    )


def instruction_review(
    instruction: TransfusionInstruction,
    *,
    latest: tuple[AntibodyScreen | None, HlaTyping | None] | None = None,
) -> Review:
    """The review state of one instruction against its patient's latest serum and typing
    (``latest``: the two, when the caller has read them)."""
    screen, typing = (
        latest
        if latest is not None
        else (latest_screen(instruction.patient), latest_typing(instruction.patient))
    )
    return review_of(
        instruction,
        screen=(screen.pk, screen.serum_date) if screen else None,
        typing=(typing.pk, typing.typed_on) if typing else None,
    )


def _latest(model: type[AntibodyScreen] | type[HlaTyping], field: str) -> Any:
    order = ("-serum_date" if field == "serum_date" else "-typed_on", "-recorded_at", "-pk")
    return model.objects.filter(patient=OuterRef("pk")).order_by(*order)


# --- The patient's transfusion profile: what the forms start from ------------------------


@dataclass(frozen=True)
class Prefill:
    """The patient's ABO/RhD group and last known weight and height, with where they come from
    (``source``: "profile" or "visit") and when they were measured."""

    abo: str = ""
    rhd: str = ""
    weight_kg: Decimal | None = None
    height_cm: Decimal | None = None
    measured_on: dt.date | None = None
    source: str = ""


def profile_of(patient: Patient) -> TransfusionProfile | None:
    return TransfusionProfile.objects.filter(patient=patient).first()


def prefill_for(patient: Patient) -> Prefill:
    """The values the transfusion form and the instruction page start from.

    Weight and height come from the most recent of the profile (the last transfusion, or a
    correction) and the last follow-up visit that measured both.
    """
    from filiere.followup.models import Visit

    profile = profile_of(patient)
    visit = (
        Visit.objects.current()
        .filter(patient=patient, weight_kg__isnull=False, height_cm__isnull=False)
        .order_by("-visited_on", "-pk")
        .only("visited_on", "weight_kg", "height_cm")
        .first()
    )
    abo = profile.abo if profile else ""
    rhd = profile.rhd if profile else ""
    measured = profile.measured_on if profile and profile.weight_kg is not None else None
    if visit is not None and (measured is None or visit.visited_on > measured):
        return Prefill(abo, rhd, visit.weight_kg, visit.height_cm, visit.visited_on, "visit")
    if profile is not None and measured is not None:
        return Prefill(abo, rhd, profile.weight_kg, profile.height_cm, measured, "profile")
    return Prefill(abo, rhd)


# --- The specialist's worklist -----------------------------------------------------------


@dataclass(frozen=True)
class WorklistRow:
    patient: Patient
    centres: tuple[str, ...]
    transfusions: int
    last_transfusion: dt.datetime | None
    refractoriness: efficacy.RefractorinessAssessment
    instruction: TransfusionInstruction | None
    instruction_valid: bool
    review: Review = Review()


def worklist(user: User) -> list[WorklistRow]:
    """Patients the user may follow for transfusion who have transfusions or an instruction,
    refractory ones, then those whose refractoriness cannot be excluded for missing data, then
    those with a valid instruction. A fixed number of queries."""
    today = timezone.localdate()
    rows = [_worklist_row(patient, today) for patient in _worklist_patients(user)]
    rows.sort(
        key=lambda r: (
            not r.refractoriness.alert,
            not r.refractoriness.cannot_exclude,
            not r.review.needed,
            not r.instruction_valid,
        )
    )
    return rows


def _worklist_patients(user: User) -> list[Patient]:
    """The visible patients with transfusions or an instruction, with what their rows show."""
    visible = patients_visible_for_transfusion(user)
    # Start from the few patients who were transfused or have an instruction, not from the
    # registry's million patients.
    concerned = (
        Transfusion.objects.order_by()
        .values("patient_id")
        .union(TransfusionInstruction.objects.order_by().values("patient_id"))
    )
    screens, typings = _latest(AntibodyScreen, "serum_date"), _latest(HlaTyping, "typed_on")
    return list(
        visible.filter(pk__in=concerned)
        .annotate(
            latest_screen_id=Subquery(screens.values("pk")[:1]),
            latest_serum_date=Subquery(screens.values("serum_date")[:1]),
            latest_typing_id=Subquery(typings.values("pk")[:1]),
            latest_typed_on=Subquery(typings.values("typed_on")[:1]),
        )
        .order_by("pseudonym")
        .prefetch_related(
            Prefetch(
                "transfusions",
                queryset=_with_counts(Transfusion.objects.order_by("ended_at", "pk")),
            ),
            Prefetch(
                "transfusion_instructions",
                queryset=TransfusionInstruction.objects.order_by("-version").only(
                    "public_id",
                    "patient_id",
                    "version",
                    "threshold",
                    "valid_until",
                    "screen_id",
                    "serum_date",
                    "typing_id",
                ),
            ),
            Prefetch(
                "care_episodes",
                queryset=CareEpisode.objects.filter(ended_on__isnull=True).select_related("centre"),
            ),
        )
    )


def _worklist_row(patient: Patient, today: dt.date) -> WorklistRow:
    transfusions = list(patient.transfusions.all())
    instructions = list(patient.transfusion_instructions.all())
    instruction = instructions[0] if instructions else None
    latest: Any = patient  # annotated by _worklist_patients with its latest serum and typing
    serum_recorded = latest.latest_screen_id is not None
    workup = workup_from(instruction, serum_recorded=serum_recorded, today=today)
    valid = workup.instruction
    history = history_of(patient, transfusions, workup)
    return WorklistRow(
        patient=patient,
        centres=tuple(str(e.centre) for e in patient.care_episodes.all()),
        transfusions=len(transfusions),
        last_transfusion=transfusions[-1].ended_at if transfusions else None,
        refractoriness=history.refractoriness,
        instruction=instruction,
        instruction_valid=valid,
        review=Review()
        if instruction is None
        else review_of(
            instruction,
            screen=_pair(latest.latest_screen_id, latest.latest_serum_date),
            typing=_pair(latest.latest_typing_id, latest.latest_typed_on),
        ),
    )


def _pair(pk: int | None, when: dt.date | None) -> tuple[int, dt.date] | None:
    return None if pk is None or when is None else (pk, when)


def panel_summary(user: User, patient: Patient, rights: PatientRights) -> dict[str, Any] | None:
    """The transfusion panel of the patient page (None when the reader may not see it)."""
    # Those who see the patient in the registry manage its transfusion support too.
    if not rights.see and not patients_visible_for_transfusion(user).filter(pk=patient.pk).exists():
        return None
    # Most of the registry's patients have no transfusion record: one query says which kinds
    # exist, and only those are read.
    held = (
        Patient.objects.filter(pk=patient.pk)
        .values(
            instruction=Exists(TransfusionInstruction.objects.filter(patient=OuterRef("pk"))),
            screen=Exists(AntibodyScreen.objects.filter(patient=OuterRef("pk"))),
            typing=Exists(HlaTyping.objects.filter(patient=OuterRef("pk"))),
            transfusion=Exists(Transfusion.objects.filter(patient=OuterRef("pk"))),
        )
        .get()
    )
    instruction = current_instruction(patient) if held["instruction"] else None
    screen = latest_screen(patient) if held["screen"] else None
    typing = latest_typing(patient) if held["typing"] else None
    workup = workup_from(instruction, serum_recorded=screen is not None)
    history = (
        transfusion_history(patient, workup)
        if held["transfusion"]
        else history_of(patient, [], workup)
    )
    return {
        "transfusion_count": len(history.rows),
        "refractoriness": history.refractoriness,
        "instruction": instruction,
        "instruction_valid": workup.instruction,
        "review": instruction_review(instruction, latest=(screen, typing))
        if instruction is not None
        else Review(),
        "typing": typing,
        "screen": screen,
    }
