from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NomenclatureConfig(AppConfig):
    name = "filiere.nomenclature"
    verbose_name = _("Nomenclatures")
