from __future__ import annotations

from django.urls import path

from filiere.jobs import views

app_name = "jobs"

urlpatterns = [
    path("<uuid:job_id>/", views.job_view, name="detail"),
    path("<uuid:job_id>/fichier/", views.job_file_view, name="file"),
    path("<uuid:job_id>/fichier/<slug:extension>/", views.job_file_view, name="other_file"),
    path("messages/echecs/", views.undelivered_mail_view, name="undelivered_mail"),
    path("messages/<uuid:mail_id>/renvoyer/", views.mail_resend_view, name="mail_resend"),
]
