from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from filiere.core.forms import chosen_choice
from filiere.nomenclature.models import DiseaseGroup
from filiere.research.models import Variable

_ORPHA = re.compile(r"^(?:ORPHA:)?(\d{1,7})$", re.IGNORECASE)


class ResearchRequestForm(forms.Form):
    protocol_title = forms.CharField(label=_("Titre du protocole"), max_length=200)
    protocol_summary = forms.CharField(
        label=_("Résumé du protocole"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5})
    )
    ethics_reference = forms.CharField(
        label=_("Référence éthique"),
        max_length=100,
        help_text=_("Avis du CPP, numéro de déclaration de conformité CNIL MR-004…"),
    )
    variables = forms.MultipleChoiceField(
        label=_("Variables"),
        choices=Variable.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Aucun texte libre, aucune date plus précise que le mois : l'extraction ne peut "
            "porter que sur ce catalogue."
        ),
    )
    disease_group = forms.ModelChoiceField(
        label=_("Groupe de maladies"),
        queryset=DiseaseGroup.objects.order_by("position", "name"),
        required=False,
    )
    orpha_codes = forms.CharField(
        label=_("Codes ORPHA"),
        required=False,
        max_length=500,
        help_text=_("Séparés par des virgules, par exemple ORPHA:849, ORPHA:140957."),
    )

    def clean_orpha_codes(self) -> list[int]:
        codes: list[int] = []
        for piece in self.cleaned_data["orpha_codes"].split(","):
            piece = piece.strip().replace(" ", "")
            if not piece:
                continue
            match = _ORPHA.match(piece)
            if match is None:
                raise forms.ValidationError(
                    _("Codes ORPHA : « %(code)s » n'est pas un code ORPHA."), params={"code": piece}
                )
            codes.append(int(match.group(1)))
        return codes


class DecisionForm(forms.Form):
    APPROVE = "approve"
    REFUSE = "refuse"

    # Starts on « — choisir — »: an approval is never given because it came first.
    decision = chosen_choice(_("Décision"), [(APPROVE, _("Approuver")), (REFUSE, _("Refuser"))])
    note = forms.CharField(
        label=_("Motif"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Obligatoire pour un refus."),
    )
