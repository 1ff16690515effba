"""Forms of planning: accepting an invitation, statistics, participant lists, moving a case,
the series calendar and the recommendation templates."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.forms.models import fields_for_model
from django.utils.translation import gettext_lazy as _

from filiere.meetings import participant_list
from filiere.meetings.models import (
    CaseRequest,
    MeetingSeries,
    Recommendation,
)


class InvitationAcceptForm(forms.Form):
    password = forms.CharField(label=_("Mot de passe"), widget=forms.PasswordInput)
    confirm = forms.CharField(label=_("Confirmation"), widget=forms.PasswordInput)


class StatisticsForm(forms.Form):
    year = forms.IntegerField(label=_("Année"), min_value=2000, max_value=2100, required=False)
    series = forms.ModelChoiceField(
        label=_("RCP"), queryset=MeetingSeries.objects.none(), required=False
    )

    def __init__(self, *args: Any, series: QuerySet[MeetingSeries], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["series"].queryset = series  # type: ignore[attr-defined]


# --- Running a big session (issue 12, build 5) ---------------------------------------------

PARTICIPANT_LIST_MAX_BYTES = 200_000


class ParticipantListForm(forms.Form):
    """A list of participants pasted or uploaded: e-mail or RPPS ; specialty ; role."""

    lines = forms.CharField(
        label=_("Liste collée (une ligne par médecin : e-mail ou RPPS ; spécialité ; rôle)"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
    )
    file = forms.FileField(label=_("ou fichier CSV (UTF-8, « ; » ou « , »)"), required=False)

    def clean_file(self) -> str:
        upload = self.cleaned_data.get("file")
        if not upload:
            return ""
        if upload.size > PARTICIPANT_LIST_MAX_BYTES:
            raise forms.ValidationError(_("Fichier CSV : 200 ko au plus."))
        try:
            return participant_list.decode(upload.read())
        except UnicodeDecodeError as error:
            raise forms.ValidationError(
                _("Fichier CSV : enregistrez-le en UTF-8 (« CSV UTF-8 » dans le tableur).")
            ) from error

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not (data.get("lines", "").strip() or data.get("file")):
            self.add_error("lines", _("Collez une liste ou choisissez un fichier CSV."))
        return data

    def text(self) -> str:
        """The list: the file's when one was chosen, else the pasted lines."""
        return str(self.cleaned_data["file"] or self.cleaned_data["lines"])


# --- Agenda, yearly calendar, avis templates (m5-agenda) ---------------------------------


class CaseMoveForm(forms.Form):
    agenda_item = forms.ChoiceField(label=_("Dossier"))
    meeting = forms.ChoiceField(label=_("Vers la réunion du"))
    reason = forms.CharField(
        label=_("Motif du déplacement"), widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self,
        *args: Any,
        items: list[tuple[str, str]],
        meetings: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].choices = items  # type: ignore[attr-defined]
        self.fields["meeting"].choices = meetings  # type: ignore[attr-defined]


def _weekday_choices() -> list[tuple[int, Any]]:
    return list(enumerate([_("lundi"), _("mardi"), _("mercredi"), _("jeudi"), _("vendredi")]))


MONTH_CHOICES = [
    (1, _("janvier")),
    (2, _("février")),
    (3, _("mars")),
    (4, _("avril")),
    (5, _("mai")),
    (6, _("juin")),
    (7, _("juillet")),
    (8, _("août")),
    (9, _("septembre")),
    (10, _("octobre")),
    (11, _("novembre")),
    (12, _("décembre")),
]


class SeriesCalendarForm(forms.Form):
    class Mode:
        RULE = "rule"
        LIST = "list"

    year = forms.IntegerField(label=_("Année"), min_value=2000, max_value=2100)
    mode = forms.ChoiceField(
        label=_("Dates"),
        choices=[
            (Mode.RULE, _("Selon une règle (le Ne jour de chaque mois choisi)")),
            (Mode.LIST, _("Liste de dates collée (JJ/MM/AAAA)")),
        ],
        widget=forms.RadioSelect,
        initial=Mode.RULE,
    )
    rank = forms.TypedChoiceField(
        label=_("Rang"),
        coerce=int,
        choices=[
            (1, _("1er")),
            (2, _("2e")),
            (3, _("3e")),
            (4, _("4e")),
            (-1, _("dernier")),
        ],
        required=False,
    )
    weekday = forms.TypedChoiceField(
        label=_("Jour"), coerce=int, choices=_weekday_choices, required=False
    )
    months = forms.TypedMultipleChoiceField(
        label=_("Mois"),
        coerce=int,
        choices=MONTH_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    dates = forms.CharField(
        label=_("Dates (JJ/MM/AAAA, une par ligne ou séparées par des virgules)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    confirm_non_working = forms.BooleanField(
        label=_("Je confirme les dates tombant un week-end ou un jour férié"), required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("mode") == self.Mode.LIST:
            if not (data.get("dates") or "").strip():
                self.add_error("dates", _("Collez au moins une date."))
        else:
            if data.get("rank") in (None, ""):
                self.add_error("rank", _("Choisissez le rang du jour dans le mois."))
            if data.get("weekday") in (None, ""):
                self.add_error("weekday", _("Choisissez le jour de la semaine."))
            if not data.get("months"):
                self.add_error("months", _("Choisissez au moins un mois."))
        return data


class RecommendationTemplateForm(forms.Form):
    question_type = forms.ChoiceField(
        label=_("Type de question"), choices=CaseRequest.QuestionType.choices
    )
    title = forms.CharField(label=_("Intitulé du modèle"), max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from filiere.meetings.models.avis_templates import TEMPLATE_FIELDS

        super().__init__(*args, **kwargs)
        fields = fields_for_model(Recommendation, fields=TEMPLATE_FIELDS)
        for field in fields.values():
            field.required = False
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs["rows"] = 3
        self.fields.update(fields)
