"""Forms of the follow-up pages: they parse and label in French; the services validate and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from filiere.core.forms import chosen_choice, with_choose
from filiere.followup.models import (
    AdverseEvent,
    AtcCode,
    BleedingEvent,
    DiseaseSeverity,
    Treatment,
    TreatmentClass,
    Version,
    Visit,
)
from filiere.followup.models.visits import SEVERITY_HELP
from filiere.network.models import Centre
from filiere.nomenclature.models import DiseaseGroup
from filiere.patients.models import BleedingSite, Diagnosis

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _blank(choices: Any, label: Any = "—") -> list[tuple[str, Any]]:
    return [("", label), *choices]


def _decimal(label: Any, places: int) -> forms.DecimalField:
    # Localised: French clinicians type a decimal comma.
    return forms.DecimalField(label=label, required=False, decimal_places=places, localize=True)


class CentreForm(forms.Form):
    """A form that records for one of the user's centres following the patient."""

    centre = forms.ModelChoiceField(label=_("Centre"), queryset=Centre.objects.none())

    def __init__(self, *args: Any, centres: QuerySet[Centre], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["centre"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - declared just above
        field.queryset = centres
        if len(centres) == 1:
            field.initial = centres[0]


class VisitForm(CentreForm):
    visited_on = forms.DateField(label=_("Date de la visite"), widget=DATE_INPUT)
    context = chosen_choice(_("Type de visite (contexte national)"))
    objective = chosen_choice(_("Objectif (jeu de valeurs national)"))
    period_start = forms.DateField(
        label=_("Début de la période décrite"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("Vide : depuis la visite précédente."),
    )
    severity = forms.ChoiceField(
        label=_("Forme de la maladie"),
        choices=_blank(DiseaseSeverity.choices, _("— non précisée —")),
        required=False,
        help_text=SEVERITY_HELP,
    )
    weight_kg = _decimal(_("Poids (kg)"), 1)
    height_cm = _decimal(_("Taille (cm)"), 1)
    platelet_count = _decimal(_("Plaquettes (G/L)"), 1)
    mean_platelet_volume = _decimal(_("Volume plaquettaire moyen (fL)"), 1)
    haemoglobin = _decimal(_("Hémoglobine (g/dL)"), 1)
    factor_viii = _decimal(_("Facteur VIII (%)"), 1)
    factor_ix = _decimal(_("Facteur IX (%)"), 1)
    vwf_activity = _decimal(_("Activité Willebrand (%)"), 1)
    other_results = forms.CharField(
        label=_("Autres résultats"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    major_events = forms.CharField(
        label=_("Événements majeurs depuis la dernière visite"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=Visit._meta.get_field("major_events").help_text,
    )
    to_complete = forms.BooleanField(label=_("Données manquantes : à compléter"), required=False)
    missing_data = forms.CharField(
        label=_("Données manquantes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    comment = forms.CharField(
        label=_("Commentaire"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("context", "objective"):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared just above
            model_field = Visit._meta.get_field(name)
            assert isinstance(model_field, models.Field)  # noqa: S101 - a column of Visit
            field.choices = with_choose(model_field.choices or ())


class BleedingScoreForm(CentreForm):
    """The header of the ISTH-BAT interview; the answers are read by ``bat_form``."""

    assessed_on = forms.DateField(label=_("Date de l'évaluation"), widget=DATE_INPUT)
    version = forms.ChoiceField(label=_("Version"), choices=Version.choices)
    comment = forms.CharField(
        label=_("Commentaire"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class BleedingEventForm(CentreForm):
    occurred_on = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    site = forms.ChoiceField(label=_("Localisation"), choices=BleedingSite.choices)
    site_detail = forms.CharField(label=_("Précision"), required=False, max_length=200)
    severity = forms.ChoiceField(label=_("Gravité"), choices=BleedingEvent.Severity.choices)
    circumstance = forms.ChoiceField(
        label=_("Circonstances"),
        choices=_blank(BleedingEvent.Circumstance.choices),
        required=False,
    )
    treatment_given = forms.CharField(
        label=_("Traitement reçu"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    hospitalised = forms.BooleanField(label=_("Hospitalisation"), required=False)
    hospital_days = forms.IntegerField(
        label=_("Durée d'hospitalisation (jours)"), required=False, min_value=0
    )
    comment = forms.CharField(
        label=_("Commentaire"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


def _dose_confirmation() -> forms.BooleanField:
    # Hidden until the service answers that the dose is outside the drug's usual range.
    return forms.BooleanField(
        label=_("Je confirme cette dose hors plage usuelle (mon nom et la date sont enregistrés)"),
        required=False,
        widget=forms.HiddenInput,
    )


class DoseConfirmationMixin:
    fields: dict[str, forms.Field]

    def ask_dose_confirmation(self) -> None:
        """Show the confirmation box (unticked) beside a dose outside the usual range."""
        self.fields["dose_confirmed"].widget = forms.CheckboxInput()


class TreatmentForm(DoseConfirmationMixin, CentreForm):
    kind = forms.ChoiceField(label=_("Type"), choices=Treatment.Kind.choices)
    atc_code = forms.CharField(
        label=_("Médicament (code ATC)"),
        required=False,
        max_length=10,
        help_text=_("Par exemple B02BD08 (rFVIIa) ; vide pour une greffe."),
        widget=forms.TextInput(attrs={"list": "atc-codes", "autocomplete": "off"}),
    )
    category = forms.ChoiceField(
        label=_("Classe thérapeutique"),
        choices=_blank(TreatmentClass.choices, "— déduite du code ATC —"),
        required=False,
    )
    product_name = forms.CharField(label=_("Spécialité"), required=False, max_length=120)
    diagnosis = forms.ModelChoiceField(
        label=_("Maladie traitée"), queryset=Diagnosis.objects.none(), required=False
    )
    indication = forms.ChoiceField(label=_("Indication"), choices=Treatment.Indication.choices)
    bleeding_event = forms.ModelChoiceField(
        label=_("Saignement traité"), queryset=BleedingEvent.objects.none(), required=False
    )
    dose = _decimal(_("Dose"), 2)
    dose_unit = forms.ChoiceField(
        label=_("Unité"), choices=_blank(Treatment.DoseUnit.choices), required=False
    )
    route = forms.ChoiceField(
        label=_("Voie"), choices=_blank(Treatment.Route.choices), required=False
    )
    dose_confirmed = _dose_confirmation()
    doses_count = forms.IntegerField(
        label=_("Nombre d'administrations"), required=False, min_value=1
    )
    started_on = forms.DateField(label=_("Début"), widget=DATE_INPUT)
    ended_on = forms.DateField(label=_("Fin"), required=False, widget=DATE_INPUT)
    regulatory_status = chosen_choice(_("Statut réglementaire"), Treatment.RegulatoryStatus.choices)
    off_label_framework = forms.ChoiceField(
        label=_("Cadre de l'usage hors AMM"),
        choices=_blank(Treatment.OffLabelFramework.choices),
        required=False,
    )
    justification = forms.CharField(
        label=_("Justification"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    rcp_recommendation_id = forms.UUIDField(
        label=_("Recommandation de RCP (identifiant)"), required=False
    )
    outcome = forms.ChoiceField(
        label=_("Efficacité"), choices=_blank(Treatment.Outcome.choices), required=False
    )
    comment = forms.CharField(
        label=_("Commentaire"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self,
        *args: Any,
        diagnoses: QuerySet[Diagnosis],
        events: QuerySet[BleedingEvent],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["diagnosis"].queryset = diagnoses  # type: ignore[attr-defined]
        self.fields["bleeding_event"].queryset = events  # type: ignore[attr-defined]

    @staticmethod
    def atc_choices() -> list[AtcCode]:
        return list(AtcCode.objects.filter(is_obsolete=False))


class TreatmentUpdateForm(DoseConfirmationMixin, forms.Form):
    """Correct a treatment: its drug, dose, unit and route (checked as when recorded), its end
    and its outcome."""

    atc_code = TreatmentForm.base_fields["atc_code"]
    dose = _decimal(_("Dose"), 2)
    dose_unit = forms.ChoiceField(
        label=_("Unité"), choices=_blank(Treatment.DoseUnit.choices), required=False
    )
    route = forms.ChoiceField(
        label=_("Voie"), choices=_blank(Treatment.Route.choices), required=False
    )
    dose_confirmed = _dose_confirmation()
    ended_on = forms.DateField(label=_("Fin"), required=False, widget=DATE_INPUT)
    doses_count = forms.IntegerField(
        label=_("Nombre d'administrations"), required=False, min_value=1
    )
    outcome = forms.ChoiceField(
        label=_("Efficacité"), choices=_blank(Treatment.Outcome.choices), required=False
    )
    comment = forms.CharField(
        label=_("Commentaire"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, data: Any = None, *, treatment: Treatment) -> None:
        initial = {name: getattr(treatment, name, None) for name in self.base_fields}
        initial |= {
            "atc_code": treatment.atc.code if treatment.atc else "",
            "dose_confirmed": False,
        }
        super().__init__(data, initial=initial)
        if treatment.usual_emergency:
            self.fields["atc_code"].help_text = _(
                "Traitement d'urgence habituel : changer le médicament, la dose, l'unité ou la "
                "voie le retire de la carte de soins (à valider de nouveau)."
            )
        if treatment.dose_confirmed:
            by = treatment.dose_confirmed_by
            at = treatment.dose_confirmed_at
            self.fields["dose"].help_text = _(
                "Dose hors plage usuelle confirmée par %(who)s le %(date)s."
            ) % {
                "who": by.display_name if by else _("le système"),
                "date": f"{timezone.localtime(at):%d/%m/%Y}" if at else "",
            }


class AdverseEventForm(CentreForm):
    occurred_on = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    category = chosen_choice(_("Catégorie (EUHASS)"), AdverseEvent.Category.choices)
    treatment = forms.ModelChoiceField(
        label=_("Traitement suspecté"), queryset=Treatment.objects.none(), required=False
    )
    serious = forms.BooleanField(label=_("Grave"), required=False)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}))
    outcome = chosen_choice(_("Évolution"), AdverseEvent.Outcome.choices)
    reported_to_pharmacovigilance = forms.BooleanField(
        label=_("Déclaré à la pharmacovigilance ou à l'hémovigilance"), required=False
    )
    reported_on = forms.DateField(
        label=_("Date de la déclaration"), required=False, widget=DATE_INPUT
    )

    def __init__(self, *args: Any, treatments: QuerySet[Treatment], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["treatment"].queryset = treatments  # type: ignore[attr-defined]


class RuleForm(forms.Form):
    disease_group = forms.ModelChoiceField(
        label=_("Groupe de maladies"), queryset=DiseaseGroup.objects.all()
    )
    severity = forms.ChoiceField(
        label=_("Forme"),
        choices=_blank(DiseaseSeverity.choices, "— toutes les formes —"),
        required=False,
    )
    interval_months = forms.IntegerField(label=_("Intervalle (mois)"), min_value=1, max_value=120)
    note = forms.CharField(label=_("Source ou remarque"), required=False, max_length=200)


class ObservatoryFilterForm(forms.Form):
    framework = forms.ChoiceField(
        label=_("Cadre"),
        choices=_blank(Treatment.OffLabelFramework.choices, "— tous —"),
        required=False,
    )
    atc_code = forms.CharField(label=_("Code ATC"), required=False, max_length=7)
    started_from = forms.DateField(label=_("Débutés depuis le"), required=False, widget=DATE_INPUT)
    started_until = forms.DateField(label=_("jusqu'au"), required=False, widget=DATE_INPUT)


class BookletForm(forms.Form):
    start = forms.DateField(label=_("Du"), required=False, widget=DATE_INPUT)
    end = forms.DateField(label=_("Au"), required=False, widget=DATE_INPUT)
