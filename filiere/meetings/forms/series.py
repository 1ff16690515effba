"""Forms of a meeting series, its members and invitations, a meeting and its participants."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from filiere.accounts.models import User
from filiere.core.forms import chosen_choice
from filiere.meetings.forms.common import (
    DATE_INPUT,
    PHYSICIAN_SPECIALTIES,
    TIME_INPUT,
    local_datetime,
)
from filiere.meetings.models import (
    Meeting,
    Participant,
    SeriesMember,
)
from filiere.network.models import Centre


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
