from __future__ import annotations

from django.urls import path

from filiere.events import views

app_name = "events"
urlpatterns = [
    # The public pages: no login.
    path("", views.event_list, name="list"),
    path("calendrier.ics", views.calendar_feed, name="calendar"),
    path("<uuid:event_id>/", views.event_detail, name="detail"),
    # The registrant's page: no login, the personal link is the credential.
    path("inscription/<str:token>/", views.registration_page, name="registration"),
    path("inscription/<str:token>/annuler/", views.registration_cancel, name="cancel"),
    path("inscription/<str:token>/attestation.pdf", views.certificate, name="certificate"),
    # The organisers' pages.
    path("organisation/", views.manage, name="manage"),
    path("organisation/nouveau/", views.event_create, name="create"),
    path("organisation/<uuid:event_id>/", views.event_edit, name="edit"),
    path("organisation/<uuid:event_id>/publier/", views.event_publish, name="publish"),
    path("organisation/<uuid:event_id>/inscrits/", views.registrations, name="registrations"),
    path(
        "organisation/<uuid:event_id>/inscrits.csv",
        views.registrations_csv,
        name="registrations_csv",
    ),
]
