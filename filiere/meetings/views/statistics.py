"""Yearly activity of the case meetings, counted from the records, with a CSV export."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from filiere.access import Capability, grants_for
from filiere.core.access_errors import NotVisible
from filiere.core.http import AuthenticatedRequest
from filiere.lib.csvsafe import write_csv
from filiere.meetings import forms as meeting_forms
from filiere.meetings import selectors, services, statistics


def _figures(request: AuthenticatedRequest) -> tuple[Any, statistics.Statistics, Any]:
    visible = selectors.series_statistics_visible_to(request.user)
    grants = grants_for(request.user)
    readers = grants.has(Capability.MANAGE_MEETINGS) or grants.has(Capability.VIEW_STATISTICS)
    if not readers and not visible.exists():
        raise NotVisible(reason="statistiques des RCP")
    form = meeting_forms.StatisticsForm(request.GET or None, series=visible.order_by("name"))
    data = form.cleaned_data if form.is_valid() else {}
    year = data.get("year") or timezone.localdate().year
    if not request.GET:
        form = meeting_forms.StatisticsForm(initial={"year": year}, series=visible.order_by("name"))
    chosen = visible.filter(pk=data["series"].pk) if data.get("series") else visible
    return form, statistics.compute(chosen, statistics.Period.year(year)), year


def _charts(figures: statistics.Statistics) -> dict[str, Any]:
    return {
        "question_types": {
            "labels": [label for label, _ in figures.by_question_type],
            "values": [n for _, n in figures.by_question_type],
        },
        "disease_groups": {
            "labels": [label for label, _ in figures.by_disease_group],
            "values": [n for _, n in figures.by_disease_group],
        },
        "ages": {
            "labels": ["Pédiatrique", "Adulte"],
            "values": [figures.paediatric, figures.adult],
        },
    }


@login_required
def statistics_view(request: AuthenticatedRequest) -> HttpResponse:
    form, figures, year = _figures(request)
    return render(
        request,
        "meetings/statistics.html",
        {
            "form": form,
            "figures": figures,
            "year": year,
            "charts": _charts(figures),
            "query": request.GET.urlencode(),
        },
    )


@login_required
def statistics_csv_view(request: AuthenticatedRequest) -> HttpResponse:
    _form, figures, year = _figures(request)
    services.statistics_exported(actor=request.user, year=year)
    rows = statistics.csv_rows(figures)
    response = HttpResponse(
        write_csv(["Rubrique", "Indicateur", "Valeur"], rows),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="statistiques-rcp-{year}.csv"'
    return response
