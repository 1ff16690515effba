"""The follow-up's correctable records, registered with the shared correction mechanism."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from filiere.core.corrections import CorrectableKind, corrector, on_change, register
from filiere.followup import forms as followup_forms
from filiere.followup import services
from filiere.followup.models import AdverseEvent, BleedingEvent, BleedingScore, Treatment, Visit
from filiere.followup.services.adverse_events import ADVERSE_EVENT_FIELDS
from filiere.followup.services.bleeding import BLEEDING_EVENT_FIELDS
from filiere.followup.services.treatments import TREATMENT_FIELDS
from filiere.followup.services.visits import VISIT_FIELDS
from filiere.followup.views.common import writing_centres
from filiere.patients.models import Diagnosis


def _initial(record: Any, names: Any) -> dict[str, Any]:
    return {name: getattr(record, name) for name in names if hasattr(record, name)}


def _centre_form(form: forms.BaseForm) -> forms.BaseForm:
    form.fields["centre"].disabled = True
    return form


def _visit_form(request: Any, visit: Any, data: Any) -> forms.BaseForm:
    form = followup_forms.VisitForm(
        data,
        centres=writing_centres(request.user, visit.patient),
        initial=_initial(visit, VISIT_FIELDS) | {"centre": visit.centre},
    )
    return _centre_form(form)


def _bleed_form(request: Any, event: Any, data: Any) -> forms.BaseForm:
    form = followup_forms.BleedingEventForm(
        data,
        centres=writing_centres(request.user, event.patient),
        initial=_initial(event, BLEEDING_EVENT_FIELDS) | {"centre": event.centre},
    )
    return _centre_form(form)


def _treatment_form(request: Any, treatment: Any, data: Any) -> forms.BaseForm:
    return followup_forms.TreatmentUpdateForm(data, treatment=treatment)


def _treatment_correct(*, actor: Any, record: Any, values: dict[str, Any]) -> dict[str, Any]:
    values = dict(values)
    atc_code = values.pop("atc_code", None) or None
    return services.treatment_update(actor=actor, treatment=record, atc_code=atc_code, **values)


def _treatment_refused(form: Any, error: ValidationError) -> None:
    from filiere.followup.views.patient import ask_dose_confirmation

    ask_dose_confirmation(form, error)


def _treatment_context(record: Any) -> dict[str, Any]:
    return {"atc_codes": followup_forms.TreatmentForm.atc_choices(), "treatment": record}


def _adverse_form(request: Any, event: Any, data: Any) -> forms.BaseForm:
    form = followup_forms.AdverseEventForm(
        data,
        centres=writing_centres(request.user, event.patient),
        treatments=event.patient.treatments.current().select_related("atc"),
        initial=_initial(event, ADVERSE_EVENT_FIELDS) | {"centre": event.centre},
    )
    return _centre_form(form)


def _refresh_schedule(record: Any) -> None:
    services.schedule_refresh(record.patient)


# Where the shared correction pages send the user back to.
_ON_PATIENT_PAGE = {"page": "followup:patient"}


def register_followup_records() -> None:
    register(
        CorrectableKind(
            slug="visite",
            model=Visit,
            label=_("Visite de suivi"),
            fields=VISIT_FIELDS,
            correct=corrector(services.visit_update, "visit", VISIT_FIELDS),
            build_form=_visit_form,
            extra=_ON_PATIENT_PAGE,
        )
    )
    register(
        CorrectableKind(
            slug="saignement",
            model=BleedingEvent,
            label=_("Épisode hémorragique"),
            fields=BLEEDING_EVENT_FIELDS,
            correct=corrector(services.bleeding_event_update, "event", BLEEDING_EVENT_FIELDS),
            build_form=_bleed_form,
            extra=_ON_PATIENT_PAGE,
        )
    )
    register(
        CorrectableKind(
            slug="isth-bat",
            model=BleedingScore,
            label=_("Score ISTH-BAT"),
            fields=("assessed_on", "version", "total", "population", "abnormal"),
            extra=_ON_PATIENT_PAGE,
        )
    )
    register(
        CorrectableKind(
            slug="traitement",
            model=Treatment,
            label=_("Traitement"),
            fields=TREATMENT_FIELDS,
            correct=_treatment_correct,
            build_form=_treatment_form,
            extra={
                **_ON_PATIENT_PAGE,
                "on_refusal": _treatment_refused,
                "context": _treatment_context,
            },
        )
    )
    register(
        CorrectableKind(
            slug="evenement-indesirable",
            model=AdverseEvent,
            label=_("Événement indésirable"),
            fields=ADVERSE_EVENT_FIELDS,
            correct=corrector(services.adverse_event_update, "event", ADVERSE_EVENT_FIELDS),
            build_form=_adverse_form,
            extra=_ON_PATIENT_PAGE,
        )
    )
    # Visits and diagnoses set the next due visit (rhythm per disease group).
    on_change(Visit, _refresh_schedule)
    on_change(Diagnosis, _refresh_schedule)
