"""Forms of the case-meeting pages: they parse; the services decide."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.forms.models import fields_for_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from filiere.accounts.models import User
from filiere.core.forms import chosen_choice
from filiere.identity.models import Sex
from filiere.meetings import participant_list
from filiere.meetings.models import (
    NON_PHYSICIAN_SPECIALTIES,
    CaseRequest,
    ExpertOpinion,
    Meeting,
    MeetingSeries,
    Participant,
    Recommendation,
    RecommendationFollowUp,
    SeriesMember,
)
from filiere.meetings.services.recommendations import CONTENT_FIELDS
from filiere.network.models import Centre

PHYSICIAN_SPECIALTIES = [
    (code, label) for code, label in User.Specialty.choices if code not in NON_PHYSICIAN_SPECIALTIES
]
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def local_datetime(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=timezone.get_current_timezone())


class SeriesForm(forms.Form):
    name = forms.CharField(label=_("Nom de la RCP"), max_length=200)
    description = forms.CharField(
        label=_("Description et charte"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    required_specialties = forms.MultipleChoiceField(
        label=_("Spécialités requises au quorum"),
        choices=PHYSICIAN_SPECIALTIES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    minimum_specialties = forms.IntegerField(
        label=_("Nombre minimal de spécialités différentes"), min_value=3, initial=3
    )
    default_start_time = forms.TimeField(
        label=_("Heure habituelle"), widget=TIME_INPUT, initial=dt.time(16, 0)
    )
    default_duration_minutes = forms.IntegerField(
        label=_("Durée habituelle (minutes)"), min_value=15, max_value=600, initial=90
    )
    default_slot_minutes = forms.IntegerField(
        label=_("Durée d'un dossier (minutes)"), min_value=1, max_value=120, initial=10
    )
    default_video_link = forms.URLField(
        label=_("Lien de visioconférence"), required=False, assume_scheme="https"
    )
    dpc_programme_reference = forms.CharField(
        label=_("Référence du programme de DPC"),
        max_length=40,
        required=False,
        help_text=_("Imprimée sur chaque attestation de présence des réunions de cette RCP."),
    )
    dpc_organisation = forms.CharField(label=_("Organisme de DPC"), max_length=200, required=False)


class SeriesCreateForm(SeriesForm):
    centre = forms.ModelChoiceField(label=_("Centre organisateur"), queryset=Centre.objects.none())

    def __init__(self, *args: Any, centres: QuerySet[Centre], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["centre"].queryset = centres  # type: ignore[attr-defined]


class MemberAddForm(forms.Form):
    email = forms.EmailField(label=_("Adresse e-mail du compte"))
    role = forms.ChoiceField(label=_("Rôle"), choices=SeriesMember.Role.choices)


class InvitationForm(forms.Form):
    first_name = forms.CharField(label=_("Prénom"), max_length=150)
    last_name = forms.CharField(label=_("Nom"), max_length=150)
    email = forms.EmailField(label=_("Adresse e-mail (messagerie sécurisée de préférence)"))
    specialty = forms.ChoiceField(label=_("Spécialité"), choices=PHYSICIAN_SPECIALTIES)
    rpps = forms.CharField(label=_("Numéro RPPS"), max_length=11, required=False)
    institution = forms.CharField(label=_("Établissement"), max_length=200, required=False)
    meeting = forms.ModelChoiceField(
        label=_("Inviter à la réunion"), queryset=Meeting.objects.none(), required=False
    )
    may_submit_cases = forms.BooleanField(
        label=_("Peut adresser des dossiers à cette RCP"), required=False, initial=True
    )

    def __init__(self, *args: Any, meetings: QuerySet[Meeting], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings  # type: ignore[attr-defined]


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=Meeting.Kind.choices)
    day = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    time = forms.TimeField(label=_("Heure"), widget=TIME_INPUT)
    duration_minutes = forms.IntegerField(label=_("Durée (minutes)"), min_value=5, max_value=600)
    video_link = forms.URLField(
        label=_("Lien de visioconférence"), required=False, assume_scheme="https"
    )
    location = forms.CharField(label=_("Lieu"), max_length=200, required=False)
    notes = forms.CharField(
        label=_("Informations pour les participants"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def starts_at(self) -> dt.datetime:
        return local_datetime(self.cleaned_data["day"], self.cleaned_data["time"])


class ParticipantAddForm(forms.Form):
    email = forms.EmailField(label=_("Adresse e-mail du médecin (compte Filière)"))
    # Starts on « — choisir — »: nobody becomes coordinator for being the first option.
    role = chosen_choice(_("Rôle"), Participant.Role.choices)


class ParticipantUpdateForm(forms.Form):
    specialty = forms.ChoiceField(label=_("Spécialité comptée"), choices=User.Specialty.choices)
    additional_specialties = forms.MultipleChoiceField(
        label=_("Autres qualifications"),
        choices=PHYSICIAN_SPECIALTIES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


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


class InvitationAcceptForm(forms.Form):
    password = forms.CharField(label=_("Mot de passe"), widget=forms.PasswordInput)
    confirm = forms.CharField(label=_("Confirmation"), widget=forms.PasswordInput)


class StatisticsForm(forms.Form):
    year = forms.IntegerField(label=_("Année"), min_value=2000, max_value=2100, required=False)
    series = forms.ModelChoiceField(
        label=_("RCP"), queryset=MeetingSeries.objects.none(), required=False
    )

    def __init__(self, *args: Any, series: QuerySet[MeetingSeries], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["series"].queryset = series  # type: ignore[attr-defined]


# --- Running a big session (issue 12, build 5) ---------------------------------------------

PARTICIPANT_LIST_MAX_BYTES = 200_000


class ParticipantListForm(forms.Form):
    """A list of participants pasted or uploaded: e-mail or RPPS ; specialty ; role."""

    lines = forms.CharField(
        label=_("Liste collée (une ligne par médecin : e-mail ou RPPS ; spécialité ; rôle)"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
    )
    file = forms.FileField(label=_("ou fichier CSV (UTF-8, « ; » ou « , »)"), required=False)

    def clean_file(self) -> str:
        upload = self.cleaned_data.get("file")
        if not upload:
            return ""
        if upload.size > PARTICIPANT_LIST_MAX_BYTES:
            raise forms.ValidationError(_("Fichier CSV : 200 ko au plus."))
        try:
            return participant_list.decode(upload.read())
        except UnicodeDecodeError as error:
            raise forms.ValidationError(
                _("Fichier CSV : enregistrez-le en UTF-8 (« CSV UTF-8 » dans le tableur).")
            ) from error

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not (data.get("lines", "").strip() or data.get("file")):
            self.add_error("lines", _("Collez une liste ou choisissez un fichier CSV."))
        return data

    def text(self) -> str:
        """The list: the file's when one was chosen, else the pasted lines."""
        return str(self.cleaned_data["file"] or self.cleaned_data["lines"])


# --- Agenda, yearly calendar, avis templates (m5-agenda) ---------------------------------


class CaseMoveForm(forms.Form):
    agenda_item = forms.ChoiceField(label=_("Dossier"))
    meeting = forms.ChoiceField(label=_("Vers la réunion du"))
    reason = forms.CharField(
        label=_("Motif du déplacement"), widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self,
        *args: Any,
        items: list[tuple[str, str]],
        meetings: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].choices = items  # type: ignore[attr-defined]
        self.fields["meeting"].choices = meetings  # type: ignore[attr-defined]


def _weekday_choices() -> list[tuple[int, Any]]:
    return list(enumerate([_("lundi"), _("mardi"), _("mercredi"), _("jeudi"), _("vendredi")]))


MONTH_CHOICES = [
    (1, _("janvier")),
    (2, _("février")),
    (3, _("mars")),
    (4, _("avril")),
    (5, _("mai")),
    (6, _("juin")),
    (7, _("juillet")),
    (8, _("août")),
    (9, _("septembre")),
    (10, _("octobre")),
    (11, _("novembre")),
    (12, _("décembre")),
]


class SeriesCalendarForm(forms.Form):
    class Mode:
        RULE = "rule"
        LIST = "list"

    year = forms.IntegerField(label=_("Année"), min_value=2000, max_value=2100)
    mode = forms.ChoiceField(
        label=_("Dates"),
        choices=[
            (Mode.RULE, _("Selon une règle (le Ne jour de chaque mois choisi)")),
            (Mode.LIST, _("Liste de dates collée (JJ/MM/AAAA)")),
        ],
        widget=forms.RadioSelect,
        initial=Mode.RULE,
    )
    rank = forms.TypedChoiceField(
        label=_("Rang"),
        coerce=int,
        choices=[
            (1, _("1er")),
            (2, _("2e")),
            (3, _("3e")),
            (4, _("4e")),
            (-1, _("dernier")),
        ],
        required=False,
    )
    weekday = forms.TypedChoiceField(
        label=_("Jour"), coerce=int, choices=_weekday_choices, required=False
    )
    months = forms.TypedMultipleChoiceField(
        label=_("Mois"),
        coerce=int,
        choices=MONTH_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    dates = forms.CharField(
        label=_("Dates (JJ/MM/AAAA, une par ligne ou séparées par des virgules)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    confirm_non_working = forms.BooleanField(
        label=_("Je confirme les dates tombant un week-end ou un jour férié"), required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("mode") == self.Mode.LIST:
            if not (data.get("dates") or "").strip():
                self.add_error("dates", _("Collez au moins une date."))
        else:
            if data.get("rank") in (None, ""):
                self.add_error("rank", _("Choisissez le rang du jour dans le mois."))
            if data.get("weekday") in (None, ""):
                self.add_error("weekday", _("Choisissez le jour de la semaine."))
            if not data.get("months"):
                self.add_error("months", _("Choisissez au moins un mois."))
        return data


class RecommendationTemplateForm(forms.Form):
    question_type = forms.ChoiceField(
        label=_("Type de question"), choices=CaseRequest.QuestionType.choices
    )
    title = forms.CharField(label=_("Intitulé du modèle"), max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from filiere.meetings.models.avis_templates import TEMPLATE_FIELDS

        super().__init__(*args, **kwargs)
        fields = fields_for_model(Recommendation, fields=TEMPLATE_FIELDS)
        for field in fields.values():
            field.required = False
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs["rows"] = 3
        self.fields.update(fields)
