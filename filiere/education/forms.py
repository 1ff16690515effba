"""Forms of the therapeutic education pages: they parse and label in French; the services
validate."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from filiere.accounts.models import User
from filiere.education.models import (
    QUESTIONS,
    SCORE_MAX,
    SCORE_MIN,
    Programme,
    Session,
    TeamMember,
    Workshop,
)
from filiere.network.models import Centre


def _date(label: Any, *, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label, required=required, widget=forms.DateInput(attrs={"type": "date"})
    )


class ProgrammeForm(forms.Form):
    centre = forms.ModelChoiceField(label=gettext_lazy("Centre"), queryset=Centre.objects.none())
    title = forms.CharField(label=gettext_lazy("Titre"), max_length=200)
    diseases = forms.CharField(
        label=gettext_lazy("Maladies (codes ORPHA)"),
        required=False,
        help_text=gettext_lazy("Séparés par des virgules, par exemple ORPHA:849, ORPHA:98456."),
    )
    ars_number = forms.CharField(
        label=gettext_lazy("Numéro d'autorisation ARS"), required=False, max_length=60
    )
    ars_authorised_on = _date(gettext_lazy("Date d'autorisation ARS"), required=False)
    status = forms.ChoiceField(label=gettext_lazy("État"), choices=Programme.Status.choices)
    workshops = forms.CharField(
        label=gettext_lazy("Ateliers, un par ligne"), widget=forms.Textarea(attrs={"rows": 6})
    )

    def __init__(self, *args: Any, centres: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["centre"].queryset = centres  # type: ignore[attr-defined]

    def disease_codes(self) -> list[str]:
        return [c for c in re.split(r"[,;\n]+", self.cleaned_data["diseases"]) if c.strip()]

    def workshop_titles(self) -> list[str]:
        return str(self.cleaned_data["workshops"]).splitlines()


class TeamMemberForm(forms.Form):
    user = forms.ModelChoiceField(
        label=gettext_lazy("Membre du réseau"),
        queryset=User.objects.filter(is_active=True, memberships__isnull=False)
        .distinct()
        .order_by("last_name", "first_name"),
        required=False,
    )
    full_name = forms.CharField(
        label=gettext_lazy("ou nom d'une personne extérieure"), required=False, max_length=200
    )
    profile = forms.ChoiceField(
        label=gettext_lazy("Profil"), choices=TeamMember.Profile.choices, widget=forms.RadioSelect
    )
    specialty = forms.CharField(
        label=gettext_lazy("Spécialité (professionnel de santé)"), required=False, max_length=120
    )
    organisation = forms.CharField(
        label=gettext_lazy("Association représentée"), required=False, max_length=200
    )


class SessionForm(forms.Form):
    held_on = _date(gettext_lazy("Date"))
    place = forms.CharField(label=gettext_lazy("Lieu"), max_length=200)
    format = forms.ChoiceField(
        label=gettext_lazy("Format"), choices=Session.Format.choices, widget=forms.RadioSelect
    )
    workshops = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Ateliers tenus"),
        queryset=Workshop.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["workshops"].queryset = programme.workshops.order_by(  # type: ignore[attr-defined]
            "position"
        )


class ParticipantForm(forms.Form):
    pseudonym = forms.CharField(
        label=gettext_lazy("Patient du registre (pseudonyme)"), required=False, max_length=20
    )
    first_name = forms.CharField(
        label=gettext_lazy("ou prénom du proche"), required=False, max_length=100
    )
    relation = forms.CharField(
        label=gettext_lazy("Lien avec le patient (mère, conjoint…)"), required=False, max_length=100
    )
    consent_on = _date(gettext_lazy("Consentement recueilli le"), required=False)
    attended = forms.BooleanField(label=gettext_lazy("Présent à la séance"), required=False)


class EvaluationForm(forms.Form):
    participant = forms.ChoiceField(label=gettext_lazy("Participant"))
    workshop = forms.ModelChoiceField(
        label=gettext_lazy("Atelier"), queryset=Workshop.objects.none()
    )
    comment = forms.CharField(
        label=gettext_lazy("Commentaire libre"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self, *args: Any, session: Session, participants: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participant"].choices = participants  # type: ignore[attr-defined]
        self.fields["workshop"].queryset = session.workshops.order_by(  # type: ignore[attr-defined]
            "position"
        )
        scale = [(str(n), str(n)) for n in range(SCORE_MIN, SCORE_MAX + 1)]
        for key, label in QUESTIONS:
            self.fields[key] = forms.TypedChoiceField(
                label=label,
                choices=scale,
                coerce=int,
                required=False,
                empty_value=None,
                widget=forms.RadioSelect,
            )
        self.order_fields(["participant", "workshop", *(k for k, _l in QUESTIONS), "comment"])

    def scores(self) -> dict[str, int | None]:
        return {key: self.cleaned_data.get(key) for key, _label in QUESTIONS}
