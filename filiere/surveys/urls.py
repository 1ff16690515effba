from __future__ import annotations

from django.urls import path

from filiere.surveys import views

app_name = "surveys"
urlpatterns = [
    path("", views.survey_list_view, name="list"),
    path("nouvelle/", views.survey_create_view, name="create"),
    path("<uuid:survey_id>/", views.survey_detail_view, name="detail"),
    path("<uuid:survey_id>/etat/", views.survey_status_view, name="status"),
    path("<uuid:survey_id>/inviter/", views.survey_invite_view, name="invite"),
    path("<uuid:survey_id>/resultats/", views.survey_results_view, name="results"),
    path("<uuid:survey_id>/resultats.csv", views.survey_results_csv_view, name="results_csv"),
    # The respondent's page: no login, the personal link is the credential.
    path("r/<str:token>/", views.respond_view, name="respond"),
]
