from __future__ import annotations

from django.urls import path

from filiere.education import views

app_name = "education"
urlpatterns = [
    path("", views.programme_list_view, name="list"),
    path("nouveau/", views.programme_create_view, name="create"),
    path("<uuid:programme_id>/", views.programme_detail_view, name="detail"),
    path("<uuid:programme_id>/etat/", views.programme_status_view, name="status"),
    path("<uuid:programme_id>/equipe/", views.team_add_view, name="team_add"),
    path("<uuid:programme_id>/seances/nouvelle/", views.session_create_view, name="session_create"),
    path("seances/<uuid:session_id>/", views.session_detail_view, name="session"),
    path(
        "seances/<uuid:session_id>/participants/",
        views.participant_add_view,
        name="participant_add",
    ),
    path(
        "seances/<uuid:session_id>/presence/<uuid:participant_id>/",
        views.attendance_view,
        name="attendance",
    ),
    path(
        "seances/<uuid:session_id>/evaluations/",
        views.evaluation_add_view,
        name="evaluation_add",
    ),
]
