from __future__ import annotations

from django.urls import path

from filiere.network import views

app_name = "network"
urlpatterns = [
    path("", views.centre_list, name="centre_list"),
    path("<uuid:public_id>/", views.centre_detail, name="centre_detail"),
]
