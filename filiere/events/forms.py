"""Forms of the events' pages: they parse and label in French; the services validate."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from filiere.events.models import Event
from filiere.events.services import EventValues
from filiere.network.models import Centre

# A browser's date-and-time picker sends the ISO form; a hand-typed date is French.
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M", "%d/%m/%Y"]


def _datetime_field(label: Any) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Heure de Paris, par exemple 01/10/2024 09:00."),
    )


class EventForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=Event.Kind.choices)
    title = forms.CharField(label=_("Titre"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    starts_at = _datetime_field(_("Début"))
    ends_at = _datetime_field(_("Fin"))
    place = forms.CharField(label=_("Lieu"), required=False, max_length=300)
    online = forms.BooleanField(label=_("En ligne"), required=False)
    series_name = forms.CharField(
        label=_("Série"),
        required=False,
        max_length=200,
        help_text=_("Obligatoire pour un webinaire ; une série nouvelle est créée si besoin."),
    )
    centre = forms.ModelChoiceField(
        label=_("Centre organisateur"),
        queryset=Centre.objects.none(),
        required=False,
        empty_label=_("— la filière —"),
    )
    seats = forms.IntegerField(label=_("Nombre de places"), min_value=1, max_value=100000)
    registration_opens_at = _datetime_field(_("Ouverture des inscriptions"))
    registration_closes_at = _datetime_field(_("Clôture des inscriptions"))
    replay_url = forms.URLField(
        label=_("Lien du replay"),
        required=False,
        assume_scheme="https",
        help_text=_("Affiché sur la page publique une fois l'événement passé."),
    )

    def __init__(
        self, *args: Any, centres: QuerySet[Centre], network_allowed: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        centre = self.fields["centre"]
        assert isinstance(centre, forms.ModelChoiceField)  # noqa: S101 - declared above
        centre.queryset = centres
        if not network_allowed:
            centre.required = True

    @classmethod
    def initial_of(cls, event: Event) -> dict[str, Any]:
        local = timezone.localtime
        return {
            "kind": event.kind,
            "title": event.title,
            "description": event.description,
            "starts_at": local(event.starts_at),
            "ends_at": local(event.ends_at),
            "place": event.place,
            "online": event.online,
            "series_name": event.series.name if event.series else "",
            "centre": event.centre_id,
            "seats": event.seats,
            "registration_opens_at": local(event.registration_opens_at),
            "registration_closes_at": local(event.registration_closes_at),
            "replay_url": event.replay_url,
        }

    def values(self) -> EventValues:
        return EventValues(**self.cleaned_data)


class RegistrationForm(forms.Form):
    name = forms.CharField(label=_("Nom et prénom"), max_length=200)
    email = forms.EmailField(label=_("Adresse e-mail"))
    profession = forms.CharField(
        label=_("Profession"),
        max_length=200,
        help_text=_("Par exemple : médecin hématologue, infirmière, biologiste."),
    )
    organisation = forms.CharField(label=_("Centre ou organisation"), max_length=200)
    consent_to_email = forms.BooleanField(
        label=_(
            "J'accepte de recevoir par e-mail la confirmation, les informations pratiques et, "
            "le cas échéant, mon attestation."
        ),
        required=False,
    )
