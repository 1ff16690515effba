from __future__ import annotations

from django.urls import path

from filiere.guidelines import views

app_name = "guidelines"
urlpatterns = [
    path("", views.index, name="index"),
    path("nouveau/", views.project_create, name="project_create"),
    path("<uuid:project_id>/", views.project_detail, name="project"),
    path("<uuid:project_id>/modifier/", views.project_edit, name="project_edit"),
    path("<uuid:project_id>/etape/", views.project_status, name="project_status"),
    path("<uuid:project_id>/groupes/nouveau/", views.group_create, name="group_create"),
    path("<uuid:project_id>/groupes/<uuid:group_id>/", views.group_edit, name="group_edit"),
    path(
        "<uuid:project_id>/groupes/<uuid:group_id>/reunion/",
        views.meeting_add,
        name="meeting_add",
    ),
    path("<uuid:project_id>/versions/nouvelle/", views.version_add, name="version_add"),
    path("plan-d-action/", views.plan, name="plan"),
    path("plan-d-action/nouvelle/", views.action_create, name="action_create"),
    path("plan-d-action/<uuid:action_id>/", views.action_edit, name="action_edit"),
]
