from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "filiere.audit"
    label = "audit"
    verbose_name = _("Traçabilité")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate, pre_migrate

        from filiere.audit import sqlite_guard

        connection_created.connect(sqlite_guard.install, dispatch_uid="audit_sqlite_guard")
        pre_migrate.connect(sqlite_guard.migrating_started, dispatch_uid="audit_pre_migrate")
        post_migrate.connect(sqlite_guard.migrating_ended, dispatch_uid="audit_post_migrate")
