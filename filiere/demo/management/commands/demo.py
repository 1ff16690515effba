from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from filiere.demo.accounts import DEMO_PASSWORD, DEMO_TOTP_SECRET, demo_account_descriptions
from filiere.demo.builders import builders
from filiere.demo.context import DemoContext


class Command(BaseCommand):
    help = (
        "Build the demo network (centres, accounts for every role and each module's data). "
        "Reproducible (seeded) and idempotent: running it twice changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--size", type=int, default=200, help="Number of demo patients (default 200)."
        )
        parser.add_argument(
            "--detailed",
            type=int,
            default=2000,
            help=(
                "How many of the patients get a full history through the services (default "
                "2000); the rest is registry volume written in bulk, for load tests."
            ),
        )
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (default 2026).")
        parser.add_argument(
            "--only", action="append", default=[], help="Run only the named module(s)."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Allow demo accounts on an instance running without DEBUG.",
        )

    def handle(
        self,
        *args: Any,
        size: int,
        detailed: int,
        seed: int,
        only: list[str],
        force: bool,
        **_: Any,
    ) -> None:
        if size < 0:
            raise CommandError("--size doit être positif ou nul.")
        if detailed < 0:
            raise CommandError("--detailed doit être positif ou nul.")
        if not settings.DEBUG and not force:
            raise CommandError(
                "Instance sans DEBUG : les comptes de démonstration ont un mot de passe connu. "
                "Relancez avec --force si c'est bien une instance de démonstration."
            )
        ctx = DemoContext(
            seed=seed, size=size, detailed=detailed, report=lambda line: self.stdout.write(line)
        )
        for name, build in builders():
            if only and name not in only:
                continue
            with transaction.atomic():
                build(ctx)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Comptes de démonstration :"))
        for account in demo_account_descriptions():
            self.stdout.write(f"  {account['email']:<34} {account['description']}")
        self.stdout.write(f"  Mot de passe commun : {DEMO_PASSWORD}")
        if settings.DEBUG:
            self.stdout.write("  DEBUG activé : connexion sans second facteur pour ces comptes.")
        else:
            self.stdout.write(f"  Clé TOTP commune (base32) : {DEMO_TOTP_SECRET}")
