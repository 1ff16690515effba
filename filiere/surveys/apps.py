from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "filiere.surveys"
    label = "surveys"
    verbose_name = _("Enquêtes auprès des membres")
