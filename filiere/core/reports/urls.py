from __future__ import annotations

from django.urls import path

from filiere.core.reports import views

app_name = "reports"

urlpatterns = [path("activite/", views.activity_report_view, name="activity")]
