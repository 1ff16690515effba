"""Forms of the registry: they parse and label (in French); the services validate and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from filiere.clinical.lab_bounds import LabBounds
from filiere.core.forms import SuggestInput, chosen_choice
from filiere.core.models import WITHDRAWAL_FIELDS
from filiere.identity.models import Identity, Sex
from filiere.identity.services import INS_OID_LABELS
from filiere.lib.partial_dates import PartialDate, PartialDateError
from filiere.network.models import Centre
from filiere.nomenclature.models import DiseaseGroup
from filiere.patients.models import (
    AgeCategory,
    BleedingSite,
    Consent,
    Diagnosis,
    DiagnosisStatus,
    GeneticFinding,
    Patient,
    PhenotypeObservation,
    PlateletWorkup,
    ReferredBy,
)
from filiere.patients.services import WORKUP_BOUNDS

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PartialDateField(forms.Field):
    """A date of which only the year, or the month and year, may be known."""

    default_error_messages = {"invalid": _("Date attendue : AAAA, MM/AAAA ou JJ/MM/AAAA.")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", _("AAAA, MM/AAAA ou JJ/MM/AAAA"))
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"placeholder": "JJ/MM/AAAA", "maxlength": 10})
        )
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> PartialDate | None:
        text = str(value or "").strip()
        if not text:
            return None
        try:
            return PartialDate.parse(text)
        except PartialDateError as exc:
            # Translated when shown, in the page's language (the template is in the catalogue).
            raise ValidationError(_(exc.template), params=exc.params, code="invalid") from exc

    def prepare_value(self, value: Any) -> Any:
        return value.french() if isinstance(value, PartialDate) else value


class CodeListField(forms.CharField):
    """Codes separated by commas, spaces or new lines."""

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return [part for part in text.replace(",", " ").split() if part]

    def prepare_value(self, value: Any) -> Any:
        return " ".join(value) if isinstance(value, list) else value


class IdentityForm(forms.Form):
    birth_name = forms.CharField(label=_("Nom de naissance"), max_length=100)
    birth_first_names = forms.CharField(
        label=_("Prénoms de naissance"),
        max_length=200,
        help_text=_("Tous, dans l'ordre de l'acte."),
    )
    first_given_name = forms.CharField(label=_("Premier prénom de naissance"), max_length=100)
    used_name = forms.CharField(label=_("Nom utilisé"), max_length=100, required=False)
    used_first_name = forms.CharField(label=_("Prénom utilisé"), max_length=100, required=False)
    birth_date = forms.DateField(label=_("Date de naissance"), widget=DATE_INPUT)
    sex = chosen_choice(_("Sexe"), Sex.choices)
    birth_place_insee = forms.CharField(
        label=_("Lieu de naissance (code INSEE)"), max_length=5, required=False
    )
    ins_matricule = forms.CharField(label=_("Matricule INS"), max_length=21, required=False)
    ins_oid = forms.ChoiceField(
        label=_("OID du matricule INS"),
        required=False,
        choices=[
            ("", "—"),
            *[(oid, format_lazy("{} ({})", label, oid)) for oid, label in INS_OID_LABELS.items()],
        ],
    )
    status = forms.ChoiceField(label=_("Statut de l'identité"), choices=Identity.Status.choices)
    ipp = forms.CharField(label=_("IPP (identifiant local)"), max_length=40, required=False)
    multiple_birth = forms.NullBooleanField(label=_("Naissance multiple"), required=False)


class RegistrationForm(IdentityForm):
    centre = forms.ModelChoiceField(
        label=_("Centre qui suit le patient"), queryset=Centre.objects.none()
    )
    inclusion_date = PartialDateField(label=_("Date d'inclusion dans le centre"))
    referred_by = forms.MultipleChoiceField(
        label=_("Adressé par"), choices=ReferredBy.choices, widget=forms.CheckboxSelectMultiple
    )
    outside_labelled_scope = forms.BooleanField(
        label=_("Prise en charge hors labellisation du site"), required=False
    )

    def __init__(self, *args: Any, centres: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["centre"].queryset = centres  # type: ignore[attr-defined]


class StatusForm(forms.Form):
    vital_status = forms.ChoiceField(label=_("Statut vital"), choices=Patient.VitalStatus.choices)
    death_date = PartialDateField(label=_("Date du décès"), required=False)
    death_due_to_rare_disease = forms.NullBooleanField(
        label=_("Décès dû à la maladie rare"), required=False
    )
    consanguinity = forms.ChoiceField(
        label=_("Issu d'une union consanguine"), choices=Patient.Consanguinity.choices
    )
    idmr = forms.CharField(label=_("IdMR (reçu de la BNDMR)"), max_length=20, required=False)
    biobanks = forms.CharField(label=_("Biobanque(s)"), max_length=300, required=False)


class CareEpisodeForm(forms.Form):
    centre = forms.ModelChoiceField(label=_("Centre"), queryset=Centre.objects.none())
    inclusion_date = PartialDateField(label=_("Date d'inclusion"))
    referred_by = forms.MultipleChoiceField(
        label=_("Adressé par"), choices=ReferredBy.choices, widget=forms.CheckboxSelectMultiple
    )
    outside_labelled_scope = forms.BooleanField(
        label=_("Prise en charge hors labellisation du site"), required=False
    )

    def __init__(self, *args: Any, centres: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["centre"].queryset = centres  # type: ignore[attr-defined]


class ConsentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Objet"), choices=Consent.Kind.choices)
    answer = forms.TypedChoiceField(
        label=_("Réponse"),
        choices=[("1", _("Oui")), ("0", _("Non"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    answered_on = forms.DateField(label=_("Date de la réponse"), widget=DATE_INPUT)
    information_version = forms.CharField(
        label=_("Version de l'information délivrée"), max_length=40
    )


def _age_years() -> forms.IntegerField:
    return forms.IntegerField(label=_("années"), required=False, min_value=0)


def _age_months() -> forms.IntegerField:
    return forms.IntegerField(label=_("mois"), required=False, min_value=0)


class DiagnosisForm(forms.Form):
    orpha_code = forms.CharField(
        label=_("Code ORPHA"),
        required=False,
        help_text=_("Par exemple ORPHA:849, ou un mot du nom de la maladie pour chercher."),
        widget=SuggestInput(reverse_lazy("patients:orpha_search")),
    )
    icd10_code = forms.CharField(
        label=_("ou code CIM-10 (maladie complexe non rare)"), required=False, max_length=8
    )
    status = forms.ChoiceField(
        label=_("Statut actuel du diagnostic"), choices=DiagnosisStatus.choices
    )
    diagnosis_date = PartialDateField(label=_("Date du diagnostic"), required=False)
    centre = forms.ModelChoiceField(label=_("Centre du diagnostic"), queryset=Centre.objects.none())
    inheritance = forms.ChoiceField(
        label=_("Cas sporadique ou familial"),
        choices=[("", "—"), *Diagnosis.Inheritance.choices],
        required=False,
    )
    onset_category = chosen_choice(_("Âge aux premiers signes"), AgeCategory.choices)
    onset_years = _age_years()
    onset_months = _age_months()
    clinical_dx_category = chosen_choice(_("Âge au diagnostic clinique"), AgeCategory.choices)
    clinical_dx_years = _age_years()
    clinical_dx_months = _age_months()
    genetic_dx_category = chosen_choice(_("Âge au diagnostic génétique"), AgeCategory.choices)
    genetic_dx_years = _age_years()
    genetic_dx_months = _age_months()
    appraisal_on_arrival = forms.ChoiceField(
        label=_("Appréciation du diagnostic à l'entrée"),
        choices=[("", "—"), *Diagnosis.Appraisal.choices],
        required=False,
    )
    genetic_techniques = forms.MultipleChoiceField(
        label=_("Techniques du diagnostic génétique"),
        choices=Diagnosis.GeneticTechnique.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    genes = CodeListField(label=_("Gènes (symboles HGNC)"), required=False)
    genetics_text = forms.CharField(
        label=_("Autres descriptions génétiques"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    clinical_description = CodeListField(
        label=_("Description clinique (si non diagnostiqué)"),
        required=False,
        help_text=_(
            "Termes HPO (HP:0001873), groupes ORPHA (ORPHA:275729) ou CIM-10 (ICD10:D69.6)."
        ),
    )
    comment = forms.CharField(
        label=_("Commentaire"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    bleeding_severity = forms.ChoiceField(
        label=_("Impasse diagnostique : sévérité du syndrome hémorragique"),
        choices=[("", "—"), *Diagnosis.BleedingSeverity.choices],
        required=False,
    )
    bleeding_sites = forms.MultipleChoiceField(
        label=_("Impasse diagnostique : localisations des saignements"),
        choices=BleedingSite.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    transmission = forms.ChoiceField(
        label=_("Impasse diagnostique : transmission"),
        choices=[("", "—"), *Diagnosis.Transmission.choices],
        required=False,
    )
    biological_results = forms.CharField(
        label=_("Impasse diagnostique : résultats biologiques"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    genetic_results = forms.CharField(
        label=_("Impasse diagnostique : résultats génétiques"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    diagnostic_delay_months = forms.IntegerField(
        label=_("Impasse diagnostique : durée de l'errance (mois)"), required=False, min_value=0
    )

    def __init__(self, *args: Any, centres: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["centre"].queryset = centres  # type: ignore[attr-defined]

    def service_arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["orpha_code"] = data.get("orpha_code") or None
        data["icd10_code"] = data.get("icd10_code") or None
        return data


class GeneticFindingForm(forms.Form):
    gene = forms.CharField(label=_("Gène (symbole HGNC)"), max_length=30)
    hgvs = forms.CharField(
        label=_("Variant (HGVS)"), max_length=200, help_text=_("Par exemple NM_000212.3:c.1697G>A")
    )
    protein_hgvs = forms.CharField(
        label=_("Conséquence protéique"),
        max_length=100,
        required=False,
        help_text=_("Par exemple p.(Arg123Trp), p.Gly12fs ou p.? ; laissez vide si inconnue."),
    )
    zygosity = forms.ChoiceField(label=_("Zygotie"), choices=GeneticFinding.Zygosity.choices)
    acmg_class = chosen_choice(_("Classe ACMG"), GeneticFinding.AcmgClass.choices, coerce=int)
    technique = forms.ChoiceField(label=_("Technique"), choices=GeneticFinding.Technique.choices)
    laboratory = forms.CharField(label=_("Laboratoire"), max_length=200, required=False)
    reported_on = forms.DateField(
        label=_("Date du compte rendu"), required=False, widget=DATE_INPUT
    )
    is_index_case = forms.BooleanField(
        label=_("Cas index de la famille"), required=False, initial=True
    )
    kinship = forms.ChoiceField(
        label=_("Lien avec le cas index"),
        choices=[("", "—"), *GeneticFinding.Kinship.choices],
        required=False,
    )


class PhenotypeForm(forms.Form):
    hpo_id = forms.CharField(
        label=_("Terme HPO"),
        max_length=10,
        widget=SuggestInput(reverse_lazy("patients:hpo_search")),
        help_text=_("Tapez un mot (en anglais) ou l'identifiant HP:0001873."),
    )
    excluded = forms.BooleanField(label=_("Absent (exclu explicitement)"), required=False)
    onset = forms.ChoiceField(
        label=_("Début"), choices=[("", "—"), *PhenotypeObservation.Onset.choices], required=False
    )
    observed_on = forms.DateField(label=_("Date d'observation"), required=False, widget=DATE_INPUT)


class PlateletWorkupForm(forms.ModelForm[PlateletWorkup]):
    class Meta:
        model = PlateletWorkup
        fields = [
            f.name
            for f in PlateletWorkup._meta.concrete_fields
            if f.name not in {"id", "patient", "public_id", "created_at", *WITHDRAWAL_FIELDS}
        ]
        widgets = {"sampled_on": DATE_INPUT, "comment": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The service's absolute bounds, checked here too so that the refusal sits beside
        # the field (and the browser knows them).
        for name, bounds in WORKUP_BOUNDS.items():
            field = self.fields[name]
            field.validators.append(_within(bounds))
            field.widget.attrs.update(min=str(bounds.low), max=str(bounds.high))


def _within(bounds: LabBounds) -> Any:
    def validate(value: Any) -> None:
        refusal = bounds.refusal(value) if value is not None else None
        if refusal:
            raise ValidationError(refusal)

    return validate


class PatientFilterForm(forms.Form):
    centre = forms.ModelChoiceField(
        label=_("Centre"), queryset=Centre.objects.none(), required=False, empty_label=_("Tous")
    )
    disease_group = forms.ModelChoiceField(
        label=_("Groupe de maladies"),
        queryset=DiseaseGroup.objects.all(),
        required=False,
        empty_label=_("Tous"),
    )
    status = forms.ChoiceField(
        label=_("Statut du diagnostic"),
        choices=[("", _("Tous")), *DiagnosisStatus.choices],
        required=False,
    )
    followup = forms.ChoiceField(
        label=_("Suivi"),
        choices=[
            ("", _("Tous")),
            ("due", _("Visite à prévoir (3 mois)")),
            ("overdue", _("Visite en retard")),
        ],
        required=False,
    )
    age_group = forms.ChoiceField(
        label=_("Âge"),
        choices=[("", _("Tous")), ("child", _("Enfants (< 18 ans)")), ("adult", _("Adultes"))],
        required=False,
    )

    def __init__(self, *args: Any, centres: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["centre"].queryset = centres  # type: ignore[attr-defined]


class NationalExportForm(forms.Form):
    """A centre's national export, asked for from the exports page (run in the background)."""

    centre = forms.ModelChoiceField(
        label=_("Centre"),
        queryset=Centre.objects.none(),
        empty_label=None,
        to_field_name="public_id",
    )
    dataset = forms.ChoiceField(
        label=_("Export"),
        choices=[
            ("sdm-mr", _("SDM-MR (set de données minimal national, BNDMR)")),
            ("phenopackets", _("Phenopackets GA4GH v2 (pseudonymisé)")),
            ("fhir", _("FHIR R4B, un Bundle par patient (pseudonymisé)")),
        ],
    )

    def __init__(self, *args: Any, centres: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["centre"].queryset = centres  # type: ignore[attr-defined]
