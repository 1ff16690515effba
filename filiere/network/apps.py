from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "filiere.network"
    label = "network"
    verbose_name = _("Réseau")

    def ready(self) -> None:
        from filiere.network.attention import register_home_counts

        register_home_counts()
