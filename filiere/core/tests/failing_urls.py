"""A URL whose view fails, for the request log's tests."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path


def failing_view(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("panne simulée")


urlpatterns = [path("en-panne/", failing_view)]
