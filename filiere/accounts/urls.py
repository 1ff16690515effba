from __future__ import annotations

from django.urls import path

from filiere.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.profile, name="profile"),
    path("jetons/", views.token_create, name="token_create"),
    path("jetons/<uuid:public_id>/revoquer/", views.token_revoke, name="token_revoke"),
]
