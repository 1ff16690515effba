from __future__ import annotations

from django.urls import path

from filiere.research import views

app_name = "research"

urlpatterns = [
    path("", views.request_list_view, name="list"),
    path("demande/", views.request_create_view, name="request_create"),
    path("<uuid:request_id>/", views.request_detail_view, name="detail"),
    path("<uuid:request_id>/decision/", views.request_decide_view, name="decide"),
    path("<uuid:request_id>/fichier/", views.extract_download_view, name="download"),
]
