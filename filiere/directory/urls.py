from __future__ import annotations

from django.urls import path

from filiere.directory import views

app_name = "directory"
urlpatterns = [
    # The public directory: no login.
    path("", views.directory_index, name="index"),
    path("centres/<uuid:centre_id>/", views.centre_page, name="centre"),
    path("examens/", views.diagnostic_tests, name="tests"),
    path("examens/<uuid:test_id>/", views.diagnostic_test, name="test"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("export.json", views.export_json, name="export_json"),
    # The editors' pages.
    path("gestion/", views.manage, name="manage"),
    path("gestion/centres/<uuid:centre_id>/", views.profile_edit, name="profile_edit"),
    path(
        "gestion/centres/<uuid:centre_id>/publier/",
        views.profile_publish,
        name="profile_publish",
    ),
    path("gestion/examens/nouveau/", views.diagnostic_test_create, name="test_create"),
    path("gestion/examens/<uuid:test_id>/", views.diagnostic_test_edit, name="test_edit"),
    path(
        "gestion/examens/<uuid:test_id>/publier/",
        views.diagnostic_test_publish,
        name="test_publish",
    ),
    path(
        "gestion/centres/<uuid:centre_id>/retirer/",
        views.profile_withdraw,
        name="profile_withdraw",
    ),
    path(
        "gestion/examens/<uuid:test_id>/retirer/",
        views.diagnostic_test_withdraw,
        name="test_withdraw",
    ),
]
