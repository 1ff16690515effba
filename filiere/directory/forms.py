"""Forms of the directory's editing pages: they parse and label in French; the services
validate."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from filiere.core.forms import codes_of, codes_text
from filiere.directory.models import CentreProfile, DiagnosticTest
from filiere.directory.services import TeamEntry
from filiere.network.models import Centre


class ProfileForm(forms.Form):
    presentation = forms.CharField(
        label=_("Présentation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Texte public : missions du centre, consultations, accueil des patients."),
    )
    team = forms.CharField(
        label=_("Équipe"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Un professionnel par ligne : nom ; fonction ; spécialité "
            "(par exemple « Dr Claire Martin ; médecin coordonnateur ; hématologie »)."
        ),
    )
    diseases = forms.CharField(
        label=_("Maladies suivies (codes ORPHA)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Un code par ligne ou séparés par des virgules, par exemple ORPHA:849."),
    )

    @classmethod
    def for_draft(cls, profile: CentreProfile | None, data: Any = None) -> ProfileForm:
        if data is not None or profile is None:
            return cls(data)
        return cls(
            initial={
                "presentation": profile.presentation,
                "team": "\n".join(
                    " ; ".join(part for part in (m.name, m.role, m.specialty) if part)
                    for m in profile.team.all()
                ),
                "diseases": codes_text(profile.diseases.all()),
            }
        )

    def team_entries(self) -> list[TeamEntry]:
        entries = []
        for line in self.cleaned_data["team"].splitlines():
            parts = [part.strip() for part in line.split(";")]
            parts += [""] * (3 - len(parts))
            # A fourth column has no place: kept in the specialty, which the page then shows.
            entries.append(TeamEntry(parts[0], parts[1], " ; ".join(p for p in parts[2:] if p)))
        return entries

    def disease_codes(self) -> list[str]:
        return codes_of(self.cleaned_data["diseases"])


class DiagnosticTestForm(forms.Form):
    laboratory = forms.ModelChoiceField(
        label=_("Laboratoire du réseau"),
        queryset=Centre.objects.none(),
        required=False,
        empty_label=_("— choisir —"),
    )
    laboratory_name = forms.CharField(
        label=_("Laboratoire hors réseau"),
        required=False,
        max_length=200,
        help_text=_("Seulement si le laboratoire n'est pas un centre du réseau."),
    )
    name = forms.CharField(label=_("Examen"), max_length=200)
    indications = forms.CharField(
        label=_("Indications (codes ORPHA)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Un code par ligne ou séparés par des virgules, par exemple ORPHA:849."),
    )
    indication_text = forms.CharField(
        label=_("Indication (précisions)"), required=False, max_length=300
    )
    sample = forms.CharField(label=_("Prélèvement"), max_length=300)
    turnaround = forms.CharField(label=_("Délai de rendu"), max_length=100)
    how_to_send = forms.CharField(
        label=_("Modalités d'envoi"), widget=forms.Textarea(attrs={"rows": 3})
    )
    contact = forms.CharField(label=_("Contact"), max_length=300)

    def __init__(
        self,
        *args: Any,
        laboratories: QuerySet[Centre],
        outside_allowed: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        laboratory = self.fields["laboratory"]
        assert isinstance(laboratory, forms.ModelChoiceField)  # noqa: S101 - declared above
        laboratory.queryset = laboratories
        if not outside_allowed:
            laboratory.required = True
            del self.fields["laboratory_name"]

    @classmethod
    def initial_of(cls, test: DiagnosticTest) -> dict[str, Any]:
        return {
            "laboratory": test.laboratory_id,
            "laboratory_name": test.laboratory_name,
            "name": test.name,
            "indications": codes_text(test.indications.all()),
            "indication_text": test.indication_text,
            "sample": test.sample,
            "turnaround": test.turnaround,
            "how_to_send": test.how_to_send,
            "contact": test.contact,
        }

    def service_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "laboratory": data["laboratory"],
            "laboratory_name": data.get("laboratory_name", ""),
            "name": data["name"],
            "indication_codes": codes_of(data["indications"]),
            "indication_text": data["indication_text"],
            "sample": data["sample"],
            "turnaround": data["turnaround"],
            "how_to_send": data["how_to_send"],
            "contact": data["contact"],
        }

    @staticmethod
    def aliases() -> dict[str, str]:
        return {"indication_codes": "indications"}
