"""The diagnosis observatory's page and its CSV files (figures in ``figures``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from filiere.access.patients import ReportScope, registry_report_scope
from filiere.audit.models import AuditEvent
from filiere.audit.services import audit_list_read, audit_record
from filiere.core.access_errors import NotVisible
from filiere.core.http import AuthenticatedRequest
from filiere.lib.csvsafe import write_csv
from filiere.network.models import Centre
from filiere.patients.observatory import figures as f

OBJECT_TYPE = "patients.diagnosis_observatory"
RECORDS_SHOWN = 100


class ObservatoryForm(forms.Form):
    year = forms.IntegerField(label=_("Année du diagnostic"), required=False, min_value=1900)
    centre = forms.ModelChoiceField(
        label=_("Centre"), queryset=Centre.objects.none(), required=False, empty_label=_("— tous —")
    )

    def __init__(self, *args: Any, scope: ReportScope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        centres = Centre.objects.order_by("name")
        if scope.centre_ids is not None:
            centres = centres.filter(pk__in=scope.centre_ids)
        self.fields["centre"].queryset = centres  # type: ignore[attr-defined]

    def clean_year(self) -> int | None:
        year = self.cleaned_data.get("year")
        if year is not None and year > timezone.localdate().year:
            raise forms.ValidationError(_("Année du diagnostic : l'année est dans le futur."))
        return year


def _page(request: AuthenticatedRequest) -> tuple[ReportScope, ObservatoryForm, dict[str, Any]]:
    scope = registry_report_scope(request.user)
    if scope is None:
        raise NotVisible(reason="observatoire du diagnostic")
    form = ObservatoryForm(request.GET or None, scope=scope)
    data = form.cleaned_data if form.is_valid() else {}
    return scope, form, data


def _charts(figures: f.Observatory) -> dict[str, Any]:
    def number(value: object) -> object:
        return value if isinstance(value, int | float) else None

    return {
        "delays": {
            "labels": [gettext(label) for label, _ in figures.clinical_bands],
            "datasets": [
                {
                    "label": gettext("Premiers signes → diagnostic clinique"),
                    "values": [number(n) for _, n in figures.clinical_bands],
                },
                {
                    "label": gettext("Premiers signes → diagnostic génétique"),
                    "values": [number(n) for _, n in figures.genetic_bands],
                },
            ],
        },
        "groups": {
            "labels": [gettext(row.label) for row in figures.by_group],
            "datasets": [
                {
                    "label": gettext("Délai médian jusqu'au diagnostic clinique (mois)"),
                    "values": [
                        row.clinical.median if row.clinical else None for row in figures.by_group
                    ],
                },
            ],
        },
        "dead_ends": {
            "labels": [row.centre for row in figures.centres],
            "datasets": [
                {
                    "label": gettext("Impasse diagnostique (%)"),
                    "values": [row.dead_end_share for row in figures.centres],
                },
                {
                    "label": gettext("Confirmation génétique (%)"),
                    "values": [row.genetic_share for row in figures.centres],
                },
            ],
        },
    }


@login_required
def observatory_view(request: AuthenticatedRequest) -> HttpResponse:
    scope, form, data = _page(request)
    if request.method == "POST":
        # « Recalculer »: the same figures counted again now, then the page as it was asked for.
        f.observatory_snapshot(
            scope, centre=data.get("centre"), year=data.get("year"), recompute=True
        )
        query = request.GET.urlencode()
        return redirect(reverse("observatory:diagnosis") + (f"?{query}" if query else ""))
    snapshot = f.observatory_snapshot(scope, centre=data.get("centre"), year=data.get("year"))
    figures = snapshot.figures
    records = f.incomplete_records(scope, data.get("centre"))
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.VIEW,
        object_type=OBJECT_TYPE,
        summary="Observatoire du diagnostic",
        changes={"filtres": request.GET.dict()},
    )
    if records:
        audit_list_read(
            actor=request.user,
            object_type="patients.patient",
            what="Observatoire du diagnostic : dossiers incomplets",
            count=min(len(records), RECORDS_SHOWN),
            query=request.GET.dict(),
        )
    return render(
        request,
        "patients/observatory.html",
        {
            "form": form,
            "figures": figures,
            "computed_at": snapshot.computed_at,
            "overall_rows": [figures.overall] if figures.overall else [],
            "items": f.ITEMS,
            "records": records[:RECORDS_SHOWN],
            "records_total": len(records),
            "charts": _charts(figures),
            "query": request.GET.urlencode(),
        },
    )


def _quartiles(q: Any) -> list[object]:
    return ["", "", "", ""] if q is None else [q.count, q.q1, q.median, q.q3]


def csv_rows(figures: f.Observatory) -> list[list[object]]:
    """Every figure of the page, one per row, with its definition."""
    rows: list[list[object]] = []
    for dimension, delay_rows in (
        ("Ensemble", [figures.overall] if figures.overall else []),
        ("Groupe de maladies", figures.by_group),
        ("Centre", figures.by_centre),
        ("Année du diagnostic", figures.by_year),
    ):
        for row in delay_rows:
            for what, q, count in (
                (
                    "Délai premiers signes → diagnostic clinique (mois)",
                    row.clinical,
                    row.clinical_count,
                ),
                (
                    "Délai premiers signes → diagnostic génétique (mois)",
                    row.genetic,
                    row.genetic_count,
                ),
            ):
                summary = _quartiles(q)
                rows.append([dimension, row.label, what, count, *summary[1:]])
    for centre in figures.centres:
        rows.append(["Centre", centre.centre, "Patients avec un diagnostic", centre.patients])
        rows.append(
            [
                "Centre",
                centre.centre,
                "Patients en impasse diagnostique",
                centre.dead_ends,
                centre.dead_end_share,
            ]
        )
        rows.append(
            [
                "Centre",
                centre.centre,
                "Patients avec confirmation génétique",
                centre.genetic,
                centre.genetic_share,
            ]
        )
    for year, n in figures.resolved:
        rows.append(["Année du diagnostic", year, "Impasses diagnostiques résolues", n])
    for completeness in figures.completeness:
        for item, n in zip(f.ITEMS, completeness.missing, strict=True):
            rows.append(["Complétude SDM-MR", completeness.centre, f"Manquant : {item}", n])
    return rows


CSV_HEADER = ["Dimension", "Valeur", "Indicateur", "Effectif", "Q1 / part (%)", "Médiane", "Q3"]


@login_required
def observatory_csv_view(request: AuthenticatedRequest) -> HttpResponse:
    scope, _form, data = _page(request)
    figures = f.observatory_snapshot(
        scope, centre=data.get("centre"), year=data.get("year")
    ).figures
    rows = csv_rows(figures)
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        object_type=OBJECT_TYPE,
        summary=f"Export de l'observatoire du diagnostic : {len(rows)} ligne(s)",
        changes={"filtres": request.GET.dict()},
    )
    response = HttpResponse(write_csv(CSV_HEADER, rows), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="observatoire_diagnostic_{stamp}.csv"'
    return response


@login_required
def incomplete_csv_view(request: AuthenticatedRequest) -> HttpResponse:
    scope, _form, data = _page(request)
    if not scope.records_centre_ids:
        raise NotVisible(reason="dossiers incomplets")
    records = f.incomplete_records(scope, data.get("centre"))
    audit_list_read(
        actor=request.user,
        object_type="patients.patient",
        what="Export des dossiers incomplets (observatoire du diagnostic)",
        count=len(records),
        query=request.GET.dict(),
    )
    rows = [[r.pseudonym, r.centre, " ; ".join(r.items)] for r in records]
    response = HttpResponse(
        write_csv(["Pseudonyme", "Centre", "Items manquants"], rows),
        content_type="text/csv; charset=utf-8",
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="dossiers_incomplets_{stamp}.csv"'
    return response
