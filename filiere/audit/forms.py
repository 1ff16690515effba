from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from filiere.audit.models import AuditEvent
from filiere.audit.selectors import AuditFilter


class AuditFilterForm(forms.Form):
    actor_email = forms.CharField(label=_("Auteur (e-mail)"), required=False, max_length=254)
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("Toutes")), *AuditEvent.Action.choices]
    )
    object_type = forms.CharField(label=_("Type d'objet"), required=False, max_length=60)
    patient_id = forms.UUIDField(label=_("Patient (identifiant)"), required=False)
    date_from = forms.DateField(
        label=_("Du"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Au"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("La date de début doit précéder la date de fin."))
        return data

    def to_filter(self) -> AuditFilter:
        data = self.cleaned_data
        return AuditFilter(
            actor_email=data.get("actor_email") or "",
            action=data.get("action") or "",
            object_type=data.get("object_type") or "",
            patient_id=data.get("patient_id"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
