"""Correcting, withdrawing and reading the history of any clinical record of a patient.

One set of pages for every kind of record (diagnosis, variant, phenotype, work-up, consent,
visit, bleed, ISTH-BAT, treatment, adverse event): the kinds are registered by their apps with
``filiere.core.corrections``.
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from filiere.access import Capability
from filiere.core.corrections import (
    CorrectableKind,
    reason_required,
    record_correct,
    record_history,
    record_withdraw,
)
from filiere.core.forms import apply_errors
from filiere.core.http import AuthenticatedRequest
from filiere.core.models import WithdrawableRecord
from filiere.patients import services
from filiere.patients.models import Patient
from filiere.patients.selectors import get_record_for_user


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Motif"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Gardé dans l'historique de l'enregistrement."),
    )


def _record(
    request: AuthenticatedRequest,
    public_id: uuid.UUID,
    slug: str,
    record_id: uuid.UUID,
    capability: Capability,
) -> tuple[Patient, CorrectableKind, WithdrawableRecord]:
    return get_record_for_user(request.user, public_id, slug, record_id, capability)


def _back(kind: CorrectableKind, patient: Patient) -> HttpResponse:
    return redirect(kind.extra.get("page", "patients:detail"), public_id=patient.public_id)


def _context(patient: Patient, kind: CorrectableKind, record: Any, **extra: Any) -> dict[str, Any]:
    return {
        "patient": patient,
        "kind": kind,
        "record": record,
        "back_url_name": kind.extra.get("page", "patients:detail"),
        **extra,
    }


@login_required
def record_correct_view(
    request: AuthenticatedRequest, public_id: uuid.UUID, slug: str, record_id: uuid.UUID
) -> HttpResponse:
    """Correct a record: its own form, plus the reason once the record is old or exported."""
    patient, kind, record = _record(request, public_id, slug, record_id, Capability.EDIT_PATIENTS)
    if not kind.correctable or kind.build_form is None:
        raise Http404
    if record.is_withdrawn:
        messages.error(
            request, _("Cet enregistrement a été retiré ; il ne peut plus être corrigé.")
        )
        return redirect("patients:record_history", patient.public_id, slug, record_id)
    data = request.POST if request.method == "POST" else None
    form = kind.build_form(request, record, data)
    needs_reason = reason_required(record)
    reason_form = ReasonForm(data, prefix="correction")
    reason_form.fields["reason"].required = needs_reason
    reason_form.fields["reason"].label = _("Motif de la correction")
    if request.method == "POST" and form.is_valid() and reason_form.is_valid():
        try:
            changes = record_correct(
                actor=request.user,
                record=record,
                reason=reason_form.cleaned_data["reason"],
                values={k: v for k, v in form.cleaned_data.items() if k not in form_disabled(form)},
            )
        except ValidationError as error:
            if kind.extra.get("on_refusal"):
                kind.extra["on_refusal"](form, error)
            if hasattr(error, "error_dict") and "reason" in error.error_dict:
                reason_form.add_error("reason", error.error_dict.pop("reason"))
            apply_errors(form, error)
        else:
            if changes:
                messages.success(request, _("%(kind)s corrigé.") % {"kind": kind.label})
            else:
                messages.info(request, _("Aucune modification."))
            return _back(kind, patient)
    elif request.method != "POST":
        services.patient_record_viewed(
            actor=request.user, patient=patient, what=f"correction : {kind.label}"
        )
    return render(
        request,
        "patients/record_correct.html",
        _context(
            patient,
            kind,
            record,
            form=form,
            reason_form=reason_form,
            **(kind.extra["context"](record) if kind.extra.get("context") else {}),
        ),
    )


def form_disabled(form: forms.BaseForm) -> set[str]:
    return {name for name, field in form.fields.items() if field.disabled}


@login_required
def record_withdraw_view(
    request: AuthenticatedRequest, public_id: uuid.UUID, slug: str, record_id: uuid.UUID
) -> HttpResponse:
    """Withdraw a record entered in error (reason required); it stays in the history."""
    patient, kind, record = _record(request, public_id, slug, record_id, Capability.EDIT_PATIENTS)
    if record.is_withdrawn:
        return redirect("patients:record_history", patient.public_id, slug, record_id)
    form = ReasonForm(request.POST or None)
    form.fields["reason"].label = _("Motif du retrait")
    form.fields["reason"].initial = _("Saisie erronée")
    if request.method == "POST" and form.is_valid():
        try:
            record_withdraw(actor=request.user, record=record, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("%(kind)s retiré.") % {"kind": kind.label})
            return _back(kind, patient)
    elif request.method != "POST":
        services.patient_record_viewed(
            actor=request.user, patient=patient, what=f"retrait : {kind.label}"
        )
    return render(
        request, "patients/record_withdraw.html", _context(patient, kind, record, form=form)
    )


@login_required
def record_history_view(
    request: AuthenticatedRequest, public_id: uuid.UUID, slug: str, record_id: uuid.UUID
) -> HttpResponse:
    """Every version of a record: what changed, who, when and why."""
    patient, kind, record = _record(request, public_id, slug, record_id, Capability.VIEW_PATIENTS)
    services.patient_record_viewed(
        actor=request.user, patient=patient, what=f"historique : {kind.label}"
    )
    versions = [
        {
            "version": version,
            "rows": [
                (
                    _field_label(kind, name),
                    _shown(kind, name, change.get("avant")),
                    _shown(kind, name, change.get("après")),
                )
                for name, change in version.changes.items()
            ],
            "values": [
                (_field_label(kind, name), _shown(kind, name, value))
                for name, value in version.values.items()
                if value not in (None, "", [], {})
            ],
        }
        for version in reversed(record_history(record))
    ]
    return render(
        request, "patients/record_history.html", _context(patient, kind, record, versions=versions)
    )


def _shown(kind: CorrectableKind, name: str, value: Any) -> Any:
    """A stored value as the form showed it: the label of a choice, « oui »/« non »."""
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    if isinstance(value, list | dict):
        return value
    try:
        field = kind.model._meta.get_field(name)
    except FieldDoesNotExist:
        return value
    choices = dict(getattr(field, "flatchoices", None) or ())
    return choices.get(value, value)


def _field_label(kind: CorrectableKind, name: str) -> str:
    try:
        return str(kind.model._meta.get_field(name).verbose_name)  # type: ignore[union-attr]
    except FieldDoesNotExist:  # a derived name (e.g. "retiré") keeps its own name
        return name
