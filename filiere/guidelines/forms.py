"""Forms of the PNDS and action-plan pages: they parse and label in French; the services
validate."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from filiere.accounts.models import User
from filiere.core.forms import codes_of, codes_text
from filiere.guidelines.models import GuidelineProject, PlanAction, WorkingGroup
from filiere.guidelines.services import MemberEntry

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MemberChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.email


class ProjectForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=300)
    diseases = forms.CharField(
        label=_("Maladies (codes ORPHA)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Un code par ligne ou séparés par des virgules, par exemple ORPHA:71290."),
    )
    coordinators = MemberChoice(
        label=_("Coordonnateurs (membres du réseau)"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    external_coordinators = forms.CharField(
        label=_("Coordonnateurs hors réseau"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Un nom par ligne."),
    )
    target_date = forms.DateField(label=_("Date cible"), required=False, widget=DATE)
    led_by_network = forms.TypedChoiceField(
        label=_("Porteur"),
        choices=[
            ("1", _("Porté par la filière")),
            ("0", _("Participation au PNDS d'une autre filière")),
        ],
        coerce=lambda value: value == "1",
        initial="1",
    )
    other_network = forms.CharField(
        label=_("Filière porteuse"),
        required=False,
        max_length=200,
        help_text=_("Seulement pour une participation au PNDS d'une autre filière."),
    )

    def __init__(self, *args: Any, members: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["coordinators"]
        assert isinstance(field, forms.ModelMultipleChoiceField)  # noqa: S101 - declared above
        field.queryset = members

    @staticmethod
    def initial_of(project: GuidelineProject) -> dict[str, Any]:
        return {
            "title": project.title,
            "diseases": codes_text(project.diseases.all()),
            "coordinators": list(project.coordinators.all()),
            "external_coordinators": project.external_coordinators,
            "target_date": project.target_date,
            "led_by_network": "1" if project.led_by_network else "0",
            "other_network": project.other_network,
        }

    def service_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "disease_codes": codes_of(data["diseases"]),
            "coordinators": list(data["coordinators"]),
            "external_coordinators": data["external_coordinators"],
            "target_date": data["target_date"],
            "led_by_network": data["led_by_network"],
            "other_network": data["other_network"],
        }

    @staticmethod
    def aliases() -> dict[str, str]:
        return {"disease_codes": "diseases"}


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Nouvelle étape"), choices=GuidelineProject.Status.choices)
    reason = forms.CharField(
        label=_("Motif"),
        required=False,
        max_length=300,
        help_text=_("Obligatoire pour un retour à une étape antérieure."),
    )


class GroupForm(forms.Form):
    number = forms.IntegerField(label=_("Numéro"), min_value=1, max_value=99)
    title = forms.CharField(label=_("Intitulé"), max_length=300)
    lead = forms.CharField(label=_("Responsable"), max_length=200)
    members = forms.CharField(
        label=_("Membres"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Une personne par ligne : nom ; profil ou spécialité (par exemple « Dr Sophie "
            "Bernard ; pédiatre » ou « Mme Anne Roux ; représentante de patients »)."
        ),
    )

    @staticmethod
    def initial_of(group: WorkingGroup) -> dict[str, Any]:
        return {
            "number": group.number,
            "title": group.title,
            "lead": group.lead,
            "members": "\n".join(f"{m.name} ; {m.profile}" for m in group.members.all()),
        }

    def service_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        entries = []
        for line in data["members"].splitlines():
            name, _separator, profile = line.partition(";")
            entries.append(MemberEntry(name.strip(), profile.strip()))
        return {
            "number": data["number"],
            "title": data["title"],
            "lead": data["lead"],
            "members": entries,
        }


class MeetingForm(forms.Form):
    held_on = forms.DateField(label=_("Date de la réunion"), widget=DATE)
    attendees = forms.CharField(
        label=_("Participants"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    minutes = forms.CharField(label=_("Compte rendu"), widget=forms.Textarea(attrs={"rows": 8}))


class VersionForm(forms.Form):
    label = forms.CharField(label=_("Version"), max_length=100)
    dated = forms.DateField(label=_("Date"), widget=DATE)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class OwnerChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.email


class ActionForm(forms.Form):
    number = forms.CharField(label=_("Numéro"), max_length=20)
    title = forms.CharField(label=_("Intitulé"), max_length=300)
    working_group = forms.CharField(label=_("Groupe de travail"), required=False, max_length=200)
    owner = OwnerChoice(
        label=_("Pilote"), queryset=User.objects.none(), empty_label=_("— choisir —")
    )
    status = forms.ChoiceField(label=_("Statut"), choices=PlanAction.Status.choices)
    indicators = forms.CharField(
        label=_("Indicateurs"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    due_date = forms.DateField(label=_("Échéance"), required=False, widget=DATE)

    def __init__(self, *args: Any, members: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["owner"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - declared above
        field.queryset = members

    @staticmethod
    def initial_of(action: PlanAction) -> dict[str, Any]:
        return {
            "number": action.number,
            "title": action.title,
            "working_group": action.working_group,
            "owner": action.owner_id,
            "status": action.status,
            "indicators": action.indicators,
            "due_date": action.due_date,
        }
