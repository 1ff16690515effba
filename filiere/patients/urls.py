from __future__ import annotations

from django.urls import path

from filiere.patients import correction_views, export_views, views

app_name = "patients"
RECORD = "<uuid:public_id>/enregistrements/<slug:slug>/<uuid:record_id>/"
urlpatterns = [
    path("", views.patient_list_view, name="list"),
    path("inclure/", views.patient_register_view, name="register"),
    path("doublons/", views.duplicate_list_view, name="duplicates"),
    path("doublons/<uuid:suspicion_id>/", views.duplicate_resolve_view, name="duplicate_resolve"),
    path("hpo/", views.hpo_search_view, name="hpo_search"),
    path("exports/", export_views.national_export_view, name="exports"),
    path("orpha/", views.orpha_search_view, name="orpha_search"),
    path("<uuid:public_id>/", views.patient_detail_view, name="detail"),
    path("<uuid:public_id>/sdm-mr.xml", views.sdm_mr_download_view, name="sdm_mr"),
    path("<uuid:public_id>/identite/", views.identity_edit_view, name="identity_edit"),
    path("<uuid:public_id>/statut/", views.status_edit_view, name="status_edit"),
    path("<uuid:public_id>/diagnostics/nouveau/", views.diagnosis_add_view, name="diagnosis_add"),
    path(
        "<uuid:public_id>/diagnostics/<uuid:diagnosis_id>/",
        views.diagnosis_edit_view,
        name="diagnosis_edit",
    ),
    path("<uuid:public_id>/genetique/nouveau/", views.finding_add_view, name="finding_add"),
    path("<uuid:public_id>/phenotypes/nouveau/", views.phenotype_add_view, name="phenotype_add"),
    path("<uuid:public_id>/bilans/nouveau/", views.workup_add_view, name="workup_add"),
    path("<uuid:public_id>/consentements/nouveau/", views.consent_add_view, name="consent_add"),
    path("<uuid:public_id>/prises-en-charge/nouvelle/", views.episode_add_view, name="episode_add"),
    path(
        f"{RECORD}corriger/",
        correction_views.record_correct_view,
        name="record_correct",
    ),
    path(f"{RECORD}retirer/", correction_views.record_withdraw_view, name="record_withdraw"),
    path(
        f"{RECORD}historique/",
        correction_views.record_history_view,
        name="record_history",
    ),
]
