"""The load test's users (``make load``): who does what, and how often.

Clinicians browse their centre's patient list, open patient pages and follow-up pages; the RCP
coordinator keeps the session screen of a meeting open; the transfusion specialist reads an
instruction. Every user asks for one page per second (constant throughput), so the rate is set
by the number of users: ``--users 50`` is 50 requests/s as long as the server keeps up.

Each demo account logs in once, with its password and its TOTP code (the demo accounts share a
documented secret); every simulated user of that account then reuses the session, as the tabs
of one browser would. A TOTP code is accepted once, so logins are serialised per account.
"""
# ruff: noqa: S311 - random picks of pages to visit, not secrets

from __future__ import annotations

import os
import random
import re

import pyotp
from gevent.lock import Semaphore
from locust import HttpUser, constant_throughput, task

DOMAIN = "demo.filiere.test"
PASSWORD = os.environ.get("LOAD_PASSWORD", "Filiere-demo-2026")
TOTP_SECRET = "MHEMOFILIEREDEMOTOTPSECRET234567"  # noqa: S105 - the documented demo secret
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"

_sessions: dict[str, dict[str, str]] = {}
_locks: dict[str, Semaphore] = {}


def _csrf(html: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if not found:
        raise RuntimeError("no CSRF token on the login page")
    return found.group(1)


class DemoUser(HttpUser):
    abstract = True
    account = ""
    wait_time = constant_throughput(1)

    def on_start(self) -> None:
        lock = _locks.setdefault(self.account, Semaphore())
        with lock:
            if self.account not in _sessions:
                _sessions[self.account] = self._log_in()
        self.client.cookies.update(_sessions[self.account])
        self.discover()

    def _log_in(self) -> dict[str, str]:
        email = f"{self.account}@{DOMAIN}"
        page = self.client.get("/accounts/login/", name="connexion")
        response = self.client.post(
            "/accounts/login/",
            {"login": email, "password": PASSWORD, "csrfmiddlewaretoken": _csrf(page.text)},
            name="connexion",
        )
        if "/accounts/2fa/authenticate/" in response.url:
            code = pyotp.TOTP(TOTP_SECRET).now()
            response = self.client.post(
                "/accounts/2fa/authenticate/",
                {"code": code, "csrfmiddlewaretoken": _csrf(response.text)},
                name="connexion",
            )
        if "/accounts/" in response.url:
            raise RuntimeError(f"{email} could not log in (ended on {response.url})")
        return dict(self.client.cookies)

    def discover(self) -> None:
        """Collect, once, the links this user will follow."""

    def links(self, path: str, pattern: str, *, name: str) -> list[str]:
        html = self.client.get(path, name=name).text
        return sorted(set(re.findall(pattern, html)))


class Clinician(DemoUser):
    weight = 8
    patients: list[str]

    def on_start(self) -> None:
        self.account = random.choice(("claire.martin", "hugo.lefevre", "ines.garnier"))
        super().on_start()

    def discover(self) -> None:
        self.patients = self.links("/patients/", rf"/patients/({UUID})/", name="liste patients")

    @task(3)
    def patient_list(self) -> None:
        page = random.randint(1, 50)
        with self.client.get(
            f"/patients/?page={page}", name="liste patients", catch_response=True
        ) as response:
            # Past the last page the list says so (404): not a failure of the server.
            if response.status_code == 404:
                response.success()

    @task(4)
    def patient_page(self) -> None:
        if self.patients:
            self.client.get(f"/patients/{random.choice(self.patients)}/", name="fiche patient")

    @task(2)
    def followup(self) -> None:
        if self.patients:
            self.client.get(
                f"/suivi/patients/{random.choice(self.patients)}/", name="suivi du patient"
            )

    @task(1)
    def home(self) -> None:
        self.client.get("/", name="accueil")


class MeetingCoordinator(DemoUser):
    weight = 1
    account = "sophie.bernard"
    meetings: list[str]

    def discover(self) -> None:
        self.meetings = self.links("/rcp/", rf"/rcp/reunions/({UUID})/", name="accueil RCP")

    @task
    def session_screen(self) -> None:
        if self.meetings:
            self.client.get(f"/rcp/reunions/{self.meetings[0]}/seance/", name="écran de séance RCP")


class TransfusionSpecialist(DemoUser):
    weight = 1
    account = "julien.moreau"
    patients: list[str]

    def discover(self) -> None:
        self.patients = self.links(
            "/transfusion/", rf"/transfusion/patients/({UUID})/", name="transfusion"
        )

    @task
    def instruction(self) -> None:
        if self.patients:
            self.client.get(
                f"/transfusion/patients/{self.patients[0]}/consigne/",
                name="consigne transfusionnelle",
            )
