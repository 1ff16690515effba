from __future__ import annotations

from django.urls import path

from filiere.patients.observatory import views

app_name = "observatory"

urlpatterns = [
    path("", views.observatory_view, name="diagnosis"),
    path("export.csv", views.observatory_csv_view, name="diagnosis_csv"),
    path("dossiers-incomplets.csv", views.incomplete_csv_view, name="incomplete_csv"),
]
