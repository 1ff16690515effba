"""Forms of the transfusion pages: they parse; the services validate and write."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from filiere.core.forms import chosen_choice
from filiere.hla.donors import PlateletAntigen
from filiere.identity.models import Sex
from filiere.network.models import Centre
from filiere.patients.selectors import TransfusionSearch
from filiere.transfusion.instructions import DEFAULT_THRESHOLD, THRESHOLDS, InstructionParams
from filiere.transfusion.models import (
    AboGroup,
    AboRelation,
    Crossmatch,
    ProductType,
    RhD,
    RollUpRule,
)
from filiere.transfusion.services import MAX_SAB_BYTES, PostCountInput

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TransfusionForm(forms.Form):
    ended_at = forms.DateTimeField(
        label=_("Fin de la transfusion"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    product_type = forms.ChoiceField(label=_("Produit"), choices=ProductType.choices)
    product_number = forms.CharField(label=_("Numéro du produit"), max_length=40, required=False)
    donor_identifier = forms.CharField(
        label=_("Identifiant du donneur (aphérèse)"), max_length=40, required=False
    )
    label_dose_e11 = forms.DecimalField(
        localize=True,
        label=_("Dose sur l'étiquette (×10¹¹ plaquettes)"),
        max_digits=4,
        decimal_places=2,
        required=False,
        help_text=_(
            "Obligatoire pour un MCP ou un CPS ; sans étiquette, 3,5 ×10¹¹ supposé pour un CPA. "
            "Plage usuelle : 0,5 à 10."
        ),
    )
    pooled_donations = forms.IntegerField(
        label=_("Nombre de dons du mélange (MCP)"),
        min_value=1,
        max_value=12,
        required=False,
        help_text=_("Pour information : la dose est celle de l'étiquette."),
    )
    abo_relation = forms.ChoiceField(
        label=_("Relation ABO"), choices=[("", _("inconnue")), *AboRelation.choices], required=False
    )
    storage_hours = forms.IntegerField(
        label=_("Âge du produit (heures)"), min_value=0, max_value=24 * 8, required=False
    )
    weight_kg = forms.DecimalField(
        localize=True, label=_("Poids (kg)"), max_digits=5, decimal_places=1
    )
    height_cm = forms.DecimalField(
        localize=True, label=_("Taille (cm)"), max_digits=4, decimal_places=1
    )
    # Hidden until the service answers that the dose or the weight–height pair is unusual.
    values_confirmed = forms.BooleanField(
        label=_(
            "Je confirme ces valeurs inhabituelles (dose, poids et taille) : mon nom et la date "
            "sont enregistrés"
        ),
        required=False,
        widget=forms.HiddenInput,
    )
    pre_count = forms.DecimalField(
        localize=True,
        label=_("Numération avant (×10⁹/L)"),
        max_digits=5,
        decimal_places=1,
        required=False,
    )
    post_1_minutes = forms.IntegerField(
        label=_("1re numération après : délai (minutes après la fin)"),
        min_value=0,
        required=False,
        initial=60,
        help_text=_("Mesure à 1 h : prélèvement entre 10 et 60 min après la fin."),
    )
    post_1_count = forms.DecimalField(
        localize=True,
        label=_("1re numération après (×10⁹/L)"),
        max_digits=5,
        decimal_places=1,
        required=False,
    )
    post_2_minutes = forms.IntegerField(
        label=_("2e numération après : délai (minutes après la fin)"),
        min_value=0,
        required=False,
        initial=20 * 60,
        help_text=_(
            "Mesure à 24 h : prélèvement entre 18 et 24 h après la fin (1 080 à 1 440 min)."
        ),
    )
    post_2_count = forms.DecimalField(
        localize=True,
        label=_("2e numération après (×10⁹/L)"),
        max_digits=5,
        decimal_places=1,
        required=False,
    )
    bleeding = forms.BooleanField(label=_("Saignement actif"), required=False)
    fever = forms.BooleanField(label=_("Fièvre"), required=False)
    sepsis = forms.BooleanField(label=_("Sepsis"), required=False)
    splenomegaly = forms.BooleanField(label=_("Splénomégalie"), required=False)
    dic = forms.BooleanField(
        label=_("CIVD"),
        required=False,
        help_text=_(
            "Au moment de la transfusion : chacune de ces causes rend le CCI non interprétable "
            "pour l'état réfractaire."
        ),
    )

    def ask_values_confirmation(self) -> None:
        """Show the confirmation box (unticked) beside the unusual values."""
        self.fields["values_confirmed"].widget = forms.CheckboxInput()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for slot in ("post_1", "post_2"):
            minutes, count = data.get(f"{slot}_minutes"), data.get(f"{slot}_count")
            if count is not None and minutes is None:
                self.add_error(f"{slot}_minutes", _("Indiquez le délai de cette numération."))
        return data

    def service_values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        counts = []
        for slot in ("post_1", "post_2"):
            minutes = data.pop(f"{slot}_minutes")
            count: Decimal | None = data.pop(f"{slot}_count")
            if count is not None and minutes is not None:
                counts.append(PostCountInput(minutes_after_end=minutes, count=count))
        data["post_counts"] = counts
        return data


class TransfusionProfileForm(forms.Form):
    """The patient's ABO/RhD group and weight and height, prefilled on the transfusion pages."""

    abo = forms.ChoiceField(
        label=_("Groupe ABO"), choices=[("", _("inconnu")), *AboGroup.choices], required=False
    )
    rhd = forms.ChoiceField(
        label=_("RhD"), choices=[("", _("inconnu")), *RhD.choices], required=False
    )
    weight_kg = forms.DecimalField(
        localize=True, label=_("Poids (kg)"), max_digits=5, decimal_places=1, required=False
    )
    height_cm = forms.DecimalField(
        localize=True, label=_("Taille (cm)"), max_digits=4, decimal_places=1, required=False
    )
    measured_on = forms.DateField(
        label=_("Poids et taille mesurés le"), widget=DATE, required=False
    )


class PatientSearchForm(forms.Form):
    """A transfusion specialist's search among the patients of their region."""

    q = forms.CharField(
        label=_("Pseudonyme ou IdMR"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("MHE-… ou 20 chiffres")}),
    )
    centre = forms.ModelChoiceField(
        label=_("Centre qui suit le patient"),
        queryset=Centre.objects.none(),
        required=False,
        empty_label=_("Tous les centres de ma région"),
    )
    birth_year = forms.IntegerField(
        label=_("Année de naissance"), min_value=1900, max_value=2100, required=False
    )
    birth_month = forms.IntegerField(
        label=_("Mois de naissance"), min_value=1, max_value=12, required=False
    )
    sex = forms.ChoiceField(
        label=_("Sexe"), choices=[("", _("indifférent")), *Sex.choices], required=False
    )

    def __init__(self, *args: Any, centres: QuerySet[Centre], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["centre"].queryset = centres  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        text = (data.get("q") or "").strip()
        if not text and not (data.get("centre") and data.get("birth_year")):
            raise forms.ValidationError(
                _("Indiquez un pseudonyme ou un IdMR, ou bien le centre et l'année de naissance.")
            )
        return data

    def search(self) -> TransfusionSearch:
        data = self.cleaned_data
        centre = data.get("centre")
        return TransfusionSearch(
            text=data.get("q") or "",
            centre_id=centre.pk if centre is not None else None,
            birth_year=data.get("birth_year"),
            birth_month=data.get("birth_month"),
            sex=data.get("sex") or "",
        )


class HlaTypingForm(forms.Form):
    typing = forms.CharField(
        label=_("Typage HLA de classe I"),
        max_length=200,
        help_text=_("Ex. « A*02:01 A*24:02 B*44:02 B*51:01 C*05:01 » ou « A2 A24 B44 B51 Cw5 »."),
    )
    typed_on = forms.DateField(label=_("Date du typage"), widget=DATE)
    laboratory = forms.CharField(label=_("Laboratoire"), max_length=200, required=False)
    # Shown only when the service finds the typing discordant with the previous one.
    confirm_discordant = forms.BooleanField(
        label=_("Je confirme : typage discordant (erreur d'échantillon écartée)"),
        required=False,
        widget=forms.HiddenInput,
    )

    def add_error(self, field: str | None, error: Any) -> None:
        if field == "confirm_discordant":
            self.fields[field].widget = forms.CheckboxInput()
        super().add_error(field, error)


class AntibodyScreenForm(forms.Form):
    serum_date = forms.DateField(label=_("Date du sérum"), widget=DATE)
    laboratory = forms.CharField(label=_("Laboratoire HLA"), max_length=200, required=False)
    file = forms.FileField(
        label=_("Résultat single antigen (CSV)"),
        help_text=_(
            "Export CSV « bead,mfi » avec les billes contrôles NC et PC, ou export à plat de "
            "HLA Fusion / MATCH IT! ; %(size)s Ko au plus."
        )
        % {"size": MAX_SAB_BYTES // 1024},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,text/csv,text/plain"}),
    )
    controls_waived = forms.BooleanField(
        label=_("Fichier sans billes contrôles, validé par le laboratoire"), required=False
    )

    def read_file(self) -> tuple[str, bytes]:
        upload = self.cleaned_data["file"]
        # Read one byte past the limit: enough for the service to refuse an oversized file.
        return upload.name, upload.read(MAX_SAB_BYTES + 1)


class InstructionParamsForm(forms.Form):
    """The live settings of the dynamic instruction (read from GET on every change)."""

    threshold = forms.TypedChoiceField(
        label=_("Seuil de MFI"),
        choices=[(t, f"{t:,}".replace(",", "\u202f")) for t in THRESHOLDS],
        coerce=int,
        initial=DEFAULT_THRESHOLD,
    )
    rule = forms.ChoiceField(
        label=_("Un antigène est inacceptable quand"),
        choices=RollUpRule.choices,
        initial=RollUpRule.ANY,
        widget=forms.RadioSelect,
    )
    patient_abo = forms.ChoiceField(
        label=_("Groupe ABO du patient"),
        choices=[("", _("inconnu")), *AboGroup.choices],
        required=False,
    )
    negative_for = forms.MultipleChoiceField(
        label=_("Le donneur doit être négatif pour"),
        choices=[(a.value, a.value) for a in PlateletAntigen],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def params(self) -> InstructionParams:
        """Return the settings read, the defaults for anything unreadable."""
        if not self.is_valid():
            data = {n: self.cleaned_data.get(n) for n in self.fields if n not in self.errors}
        else:
            data = self.cleaned_data
        return InstructionParams(
            threshold=data.get("threshold") or DEFAULT_THRESHOLD,
            rule=data.get("rule") or RollUpRule.ANY,
            patient_abo=data.get("patient_abo") or "",
            negative_for=tuple(data.get("negative_for") or ()),
        )


def default_valid_until() -> dt.date:
    # Three months: a common interval between two antibody screens of an immunised patient.
    return timezone.localdate() + dt.timedelta(days=91)


class InstructionSaveForm(InstructionParamsForm):
    valid_until = forms.DateField(
        label=_("Valable jusqu'au"), widget=DATE, initial=default_valid_until
    )
    note = forms.CharField(
        label=_("Commentaire (ex. raison d'accepter un grade inférieur)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )
    patient_rhd_positive = forms.TypedChoiceField(
        label=_("RhD du patient"),
        choices=[("", _("inconnu")), ("true", "RhD+"), ("false", "RhD−")],
        coerce=lambda value: value == "true",
        empty_value=None,
        required=False,
    )
    irradiated = forms.BooleanField(label=_("Produit irradié"), required=False)
    cmv_negative = forms.BooleanField(label=_("Produit CMV négatif"), required=False)

    def requirements(self) -> dict[str, Any]:
        """The product requirements, as ``services.instruction_save`` takes them."""
        data = self.cleaned_data
        return {
            "irradiated": data["irradiated"],
            "cmv_negative": data["cmv_negative"],
            "patient_rhd_positive": data["patient_rhd_positive"],
        }


class CrossmatchForm(forms.Form):
    donor_identifier = forms.CharField(label=_("Identifiant du donneur"), max_length=40)
    result = chosen_choice(_("Résultat"), Crossmatch.Result.choices)
    tested_on = forms.DateField(label=_("Date du crossmatch"), widget=DATE)


class DonorFileForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier des donneurs (CSV)"),
        help_text=_("Colonnes id, region, hla_a, hla_b… ; les lignes refusées sont listées."),
    )
