"""Forms of the survey pages: they parse and label in French; the services validate."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from filiere.network.models import Centre
from filiere.surveys.models import RankedList

LIST_SLOTS = 3


class SurveyForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Titre"), max_length=200)
    introduction = forms.CharField(
        label=gettext_lazy("Introduction"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Affichée en tête de la page de réponse et dans l'e-mail."),
    )
    opens_on = forms.DateField(
        label=gettext_lazy("Ouverture prévue"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    closes_on = forms.DateField(
        label=gettext_lazy("Clôture prévue"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for slot in range(1, LIST_SLOTS + 1):
            self.fields[f"list_{slot}_title"] = forms.CharField(
                label=_("Liste %(n)d : titre") % {"n": slot}, required=False, max_length=200
            )
            self.fields[f"list_{slot}_items"] = forms.CharField(
                label=_("Liste %(n)d : éléments à classer, un par ligne") % {"n": slot},
                required=False,
                widget=forms.Textarea(attrs={"rows": 6}),
            )

    def lists(self) -> list[tuple[str, list[str]]]:
        data = self.cleaned_data
        return [
            (data[f"list_{slot}_title"], data[f"list_{slot}_items"].splitlines())
            for slot in range(1, LIST_SLOTS + 1)
        ]

    @staticmethod
    def aliases() -> dict[str, str]:
        return {f"list_{slot}": f"list_{slot}_items" for slot in range(1, LIST_SLOTS + 1)}


class InviteForm(forms.Form):
    perimeter = forms.ChoiceField(
        label=gettext_lazy("Destinataires"),
        choices=[
            ("network", gettext_lazy("Tous les membres du réseau")),
            ("centres", gettext_lazy("Les membres des centres choisis")),
        ],
        widget=forms.RadioSelect,
    )
    centres = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Centres"),
        queryset=Centre.objects.filter(is_active=True).order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def chosen_centres(self) -> list[Centre] | None:
        if self.cleaned_data["perimeter"] == "network":
            return None
        return list(self.cleaned_data["centres"])


def rank_field_name(ranked: RankedList, position: int) -> str:
    return f"rank_{ranked.public_id}_{position}"


class AnswerForm(forms.Form):
    """One select « rang » per item (1..n), so the ranking needs neither dragging nor script."""

    def __init__(self, *args: Any, lists: list[RankedList], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ranked_lists = lists
        for ranked in lists:
            items = list(ranked.items.all())
            choices = [("", "—")] + [(str(n), str(n)) for n in range(1, len(items) + 1)]
            for item in items:
                self.fields[rank_field_name(ranked, item.position)] = forms.TypedChoiceField(
                    label=item.label,
                    choices=choices,
                    coerce=int,
                    error_messages={
                        "required": _("Rang de « %(item)s » : choisissez un rang.")
                        % {"item": item.label}
                    },
                )

    def groups(self) -> list[dict[str, Any]]:
        """Each list with its fields, for the template's fieldsets."""
        return [
            {
                "list": ranked,
                "key": f"list_{ranked.public_id}",
                "fields": [
                    self[rank_field_name(ranked, item.position)] for item in ranked.items.all()
                ],
            }
            for ranked in self.ranked_lists
        ]

    def ranks(self) -> dict[str, list[int]]:
        return {
            str(ranked.public_id): [
                self.cleaned_data[rank_field_name(ranked, item.position)]
                for item in ranked.items.all()
            ]
            for ranked in self.ranked_lists
        }
