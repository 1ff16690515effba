from __future__ import annotations

from django.urls import path

from filiere.transfusion import views

app_name = "transfusion"
urlpatterns = [
    path("", views.worklist_view, name="worklist"),
    path("donneurs/import/", views.donors_import_view, name="donors_import"),
    path("patients/", views.patient_search_view, name="patient_search"),
    path("patients/<uuid:public_id>/", views.patient_transfusion_view, name="patient"),
    path("patients/<uuid:public_id>/profil/", views.profile_edit_view, name="profile_edit"),
    path(
        "patients/<uuid:public_id>/transfusions/nouvelle/",
        views.transfusion_add_view,
        name="transfusion_add",
    ),
    path("patients/<uuid:public_id>/typages/nouveau/", views.typing_add_view, name="typing_add"),
    path("patients/<uuid:public_id>/anticorps/nouveau/", views.screen_add_view, name="screen_add"),
    path("patients/<uuid:public_id>/consigne/", views.instruction_view, name="instruction"),
    path(
        "patients/<uuid:public_id>/consigne/resultats/",
        views.instruction_results_view,
        name="instruction_results",
    ),
    path(
        "patients/<uuid:public_id>/consigne/enregistrer/",
        views.instruction_save_view,
        name="instruction_save",
    ),
    path(
        "patients/<uuid:public_id>/consigne/crossmatch/",
        views.crossmatch_add_view,
        name="crossmatch_add",
    ),
    path(
        "patients/<uuid:public_id>/consignes/<uuid:instruction_id>/",
        views.instruction_detail_view,
        name="instruction_detail",
    ),
    path(
        "patients/<uuid:public_id>/consignes/<uuid:instruction_id>/pdf/",
        views.instruction_pdf_view,
        name="instruction_pdf",
    ),
]
