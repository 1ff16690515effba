from __future__ import annotations

from django.urls import path

from filiere.followup import views

app_name = "followup"
P = "patients/<uuid:public_id>/"
urlpatterns = [
    path("", views.worklist_home_view, name="worklist_home"),
    path("centres/<uuid:centre_id>/", views.worklist_view, name="worklist"),
    path(
        "centres/<uuid:centre_id>/cartes-de-soins/",
        views.worklist_care_cards_view,
        name="worklist_care_cards",
    ),
    path("rythmes/", views.rules_view, name="rules"),
    path("a-completer/", views.visits_to_complete_view, name="visits_to_complete"),
    path("observatoire/", views.observatory_view, name="observatory"),
    path("observatoire/export.csv", views.observatory_export_view, name="observatory_export"),
    path(P, views.patient_followup_view, name="patient"),
    path(P + "visites/nouvelle/", views.visit_add_view, name="visit_add"),
    path(P + "visites/<uuid:visit_id>/", views.visit_edit_view, name="visit_edit"),
    path(P + "isth-bat/nouveau/", views.isth_bat_add_view, name="isth_bat_add"),
    path(P + "isth-bat/rubrique/", views.isth_bat_domain_view, name="isth_bat_domain"),
    path(P + "isth-bat/<uuid:score_id>/", views.isth_bat_detail_view, name="isth_bat_detail"),
    path(P + "saignements/nouveau/", views.bleed_add_view, name="bleed_add"),
    path(P + "traitements/nouveau/", views.treatment_add_view, name="treatment_add"),
    path(P + "traitements/<uuid:treatment_id>/", views.treatment_edit_view, name="treatment_edit"),
    path(
        P + "traitements/<uuid:treatment_id>/urgence/",
        views.treatment_emergency_view,
        name="treatment_emergency",
    ),
    path(
        P + "evenements-indesirables/nouveau/",
        views.adverse_event_add_view,
        name="adverse_event_add",
    ),
    path(P + "carte-de-soins.pdf", views.care_card_view, name="care_card"),
    path(P + "carnet-de-suivi.pdf", views.booklet_view, name="booklet"),
]
