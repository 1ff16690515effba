from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from filiere.access.reports import ActivityReportRights
from filiere.network.models import Centre


class ActivityReportForm(forms.Form):
    year = forms.IntegerField(label=_("Année"), min_value=2000)
    centre = forms.ModelChoiceField(
        label=_("Centre"), queryset=Centre.objects.none(), required=False
    )

    def __init__(self, *args: Any, rights: ActivityReportRights, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rights = rights
        centres = Centre.objects.order_by("name")
        field = self.fields["centre"]
        if rights.network:
            field.empty_label = _("— tout le réseau —")  # type: ignore[attr-defined]
        else:
            centres = centres.filter(pk__in=rights.centre_ids)
            field.required = True
            field.empty_label = None  # type: ignore[attr-defined]
        field.queryset = centres  # type: ignore[attr-defined]

    def clean_year(self) -> int:
        year: int = self.cleaned_data["year"]
        if year > timezone.localdate().year:
            raise forms.ValidationError(_("Année : l'année n'est pas encore commencée."))
        return year
