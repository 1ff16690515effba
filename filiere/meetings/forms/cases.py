"""Forms of a case: the request and its details, attachments, triage, the recommendation,
its signature and correction, written opinions and the follow-up."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.forms.models import fields_for_model
from django.utils.translation import gettext_lazy as _

from filiere.identity.models import Sex
from filiere.meetings.forms.common import DATE_INPUT, TIME_INPUT
from filiere.meetings.models import (
    CaseRequest,
    ExpertOpinion,
    Meeting,
    MeetingSeries,
    Recommendation,
    RecommendationFollowUp,
)
from filiere.meetings.services.recommendations import CONTENT_FIELDS
from filiere.network.models import Centre


class CaseDetailsForm(forms.Form):
    question_type = forms.ChoiceField(
        label=_("Type de question"), choices=CaseRequest.QuestionType.choices
    )
    question = forms.CharField(
        label=_("Question posée à la RCP"), widget=forms.Textarea(attrs={"rows": 3})
    )
    proposal = forms.CharField(
        label=_("Proposition que vous envisagez"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    off_label_drug = forms.CharField(
        label=_("Médicament envisagé hors AMM"), max_length=200, required=False
    )
    planned_procedure = forms.CharField(
        label=_("Geste, chirurgie ou grossesse envisagés (date prévue)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    is_urgent = forms.BooleanField(label=_("Demande urgente"), required=False)
    urgency_justification = forms.CharField(
        label=_("Justification de l'urgence"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    patient_not_opposed = forms.BooleanField(
        label=_(
            "Le patient (ou son représentant légal) a été informé et ne s'oppose pas à la "
            "discussion de son dossier en RCP"
        ),
        required=False,
    )
    patient_informed_on = forms.DateField(
        label=_("Date de l'information"), widget=DATE_INPUT, required=False
    )
    clinical_summary = forms.CharField(
        label=_("Résumé clinique (histoire hémorragique, antécédents familiaux, contexte)"),
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    current_treatments = forms.CharField(
        label=_("Traitements en cours et antérieurs, réponse"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    bleeding_score = forms.IntegerField(
        label=_("Score hémorragique ISTH-BAT"), min_value=0, max_value=56, required=False
    )
    treating_physician = forms.CharField(
        label=_("Médecin traitant et correspondants"), max_length=300, required=False
    )
    additional_recipients = forms.CharField(
        label=_("Autres destinataires de l'avis (une adresse e-mail par ligne)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


class CaseRequestForm(CaseDetailsForm):
    series = forms.ModelChoiceField(label=_("RCP"), queryset=MeetingSeries.objects.none())
    patient_mode = forms.ChoiceField(
        label=_("Patient"),
        choices=[
            ("existing", _("Patient du registre (pseudonyme)")),
            ("new", _("Nouveau patient")),
        ],
        widget=forms.RadioSelect,
        initial="existing",
    )
    pseudonym = forms.CharField(label=_("Pseudonyme du patient"), max_length=20, required=False)
    birth_name = forms.CharField(label=_("Nom de naissance"), max_length=100, required=False)
    first_given_name = forms.CharField(label=_("Premier prénom"), max_length=100, required=False)
    birth_date = forms.DateField(label=_("Date de naissance"), widget=DATE_INPUT, required=False)
    sex = forms.ChoiceField(label=_("Sexe"), choices=[("", "—"), *Sex.choices], required=False)
    centre = forms.ModelChoiceField(
        label=_("Centre qui suit le patient"), queryset=Centre.objects.none(), required=False
    )
    attachment = forms.FileField(
        label=_("Pièce jointe (PDF, PNG ou JPEG)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )

    field_order = ["series", "patient_mode", "pseudonym"]

    def __init__(
        self,
        *args: Any,
        series: QuerySet[MeetingSeries],
        centres: QuerySet[Centre],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["series"].queryset = series  # type: ignore[attr-defined]
        self.fields["centre"].queryset = centres  # type: ignore[attr-defined]
        if not centres.exists():
            # An invited external physician registers no patient of their own: the patient is
            # referred to the organising centre.
            del self.fields["centre"]
            self.fields["patient_mode"].initial = "new"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("patient_mode") == "existing":
            if not data.get("pseudonym"):
                self.add_error("pseudonym", _("Indiquez le pseudonyme du patient."))
        else:
            for name in ("birth_name", "first_given_name", "birth_date", "sex"):
                if not data.get(name):
                    self.add_error(name, _("Obligatoire pour un nouveau patient."))
        return data


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier (PDF, PNG ou JPEG)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)


class TriageForm(forms.Form):
    DECISIONS = [
        ("accept", _("Inscrire à l'ordre du jour d'une réunion")),
        ("urgent", _("Réunir une RCP urgente")),
        ("return", _("Renvoyer pour complément")),
        ("decline", _("Ne pas retenir")),
    ]
    decision = forms.ChoiceField(label=_("Décision"), choices=DECISIONS, widget=forms.RadioSelect)
    meeting = forms.ModelChoiceField(
        label=_("Réunion"), queryset=Meeting.objects.none(), required=False
    )
    slot_time = forms.TimeField(
        label=_("Heure de passage (vide : à la suite)"), widget=TIME_INPUT, required=False
    )
    slot_minutes = forms.IntegerField(
        label=_("Durée du créneau (minutes)"), min_value=1, max_value=120, required=False
    )
    urgent_day = forms.DateField(
        label=_("Date de la RCP urgente"), widget=DATE_INPUT, required=False
    )
    urgent_time = forms.TimeField(label=_("Heure"), widget=TIME_INPUT, required=False)
    note = forms.CharField(
        label=_("Motif pour le médecin demandeur"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args: Any, meetings: QuerySet[Meeting], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        decision = data.get("decision")
        if decision == "accept" and not data.get("meeting"):
            self.add_error("meeting", _("Choisissez la réunion."))
        if decision == "urgent" and not (data.get("urgent_day") and data.get("urgent_time")):
            self.add_error("urgent_day", _("Indiquez la date et l'heure de la RCP urgente."))
        return data


def _recommendation_fields() -> dict[str, forms.Field]:
    fields = fields_for_model(Recommendation, fields=CONTENT_FIELDS)
    for field in fields.values():
        if isinstance(field.widget, forms.Textarea):
            field.widget.attrs["rows"] = 3
    return fields


class RecommendationForm(forms.Form):
    """The structured recommendation (the model's fields, parsed here, written by the service)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(_recommendation_fields())


class SignForm(forms.Form):
    override_reason = forms.CharField(
        label=_("Motif de la signature sans quorum (dérogation)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


class CorrectionForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif de la correction"), widget=forms.Textarea(attrs={"rows": 2})
    )


class ExpertOpinionForm(forms.Form):
    position = forms.ChoiceField(label=_("Position"), choices=ExpertOpinion.Position.choices)
    opinion = forms.CharField(label=_("Votre avis écrit"), widget=forms.Textarea(attrs={"rows": 4}))


class FollowUpForm(forms.Form):
    applied = forms.ChoiceField(
        label=_("La proposition de la RCP a-t-elle été appliquée ?"),
        choices=RecommendationFollowUp.Applied.choices,
        widget=forms.RadioSelect,
    )
    reason = forms.ChoiceField(
        label=_("Sinon, pourquoi ?"),
        choices=[("", "—"), *RecommendationFollowUp.Reason.choices],
        required=False,
    )
    comment = forms.CharField(
        label=_("Commentaire"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
