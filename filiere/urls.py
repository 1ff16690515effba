from __future__ import annotations

from allauth.socialaccount.models import SocialApp
from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import include, path
from django.views.i18n import set_language

from filiere.accounts import views as account_views
from filiere.api import api
from filiere.core import views as core_views


def admin_login_through_mfa(request: HttpRequest, extra_context: object = None) -> HttpResponse:
    # The admin's own login form has no second factor: send everyone through allauth's login.
    from urllib.parse import urlencode

    return redirect(f"{settings.LOGIN_URL_PATH}?{urlencode({'next': request.get_full_path()})}")


admin.site.login = admin_login_through_mfa  # type: ignore[method-assign]
# Pro Santé Connect is configured from the environment only (settings.py): an application
# added in the admin, under PSC's provider id, could assert any RPPS.
admin.site.unregister(SocialApp)
admin.site.site_header = "Filière — administration"
admin.site.site_title = "Filière"

handler500 = "filiere.core.errors.server_error"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("sante/", core_views.health, name="health"),
    path("metriques/", core_views.metrics, name="metrics"),
    # allauth's address page, with its changes verified and audited (accounts/views.py).
    path("accounts/email/", account_views.EmailView.as_view(), name="account_email"),
    path("accounts/", include("allauth.urls")),
    path("profil/", include("filiere.accounts.urls")),
    path("centres/", include("filiere.network.urls")),
    path("patients/", include("filiere.patients.urls")),
    path("observatoire/diagnostic/", include("filiere.patients.observatory.urls")),
    path("rapports/", include("filiere.core.reports.urls")),
    path("rcp/", include("filiere.meetings.urls")),
    path("suivi/", include("filiere.followup.urls")),
    path("transfusion/", include("filiere.transfusion.urls")),
    path("recherche/", include("filiere.research.urls")),
    path("enquetes/", include("filiere.surveys.urls")),
    path("annuaire/", include("filiere.directory.urls")),
    path("etp/", include("filiere.education.urls")),
    path("pnds/", include("filiere.guidelines.urls")),
    path("evenements/", include("filiere.events.urls")),
    path("audit/", include("filiere.audit.urls")),
    path("taches/", include("filiere.jobs.urls")),
    path("api/v1/", api.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    path(settings.ADMIN_URL, admin.site.urls),
]
