"""The load test's users (``make load``): who does what, and how often.

Clinicians browse their centre's patient list, open patient pages and follow-up pages; one RCP
coordinator keeps the session screen of a meeting open; one transfusion specialist reads an
instruction (issue 17's scenario: each of those two is one user, whatever the rate; every other
user is a clinician). Every user asks for one page per second (constant throughput), so the
rate is set by the number of users: ``--users 50`` is 50 requests/s as long as the server keeps
up.

Each demo account logs in once, with its password and its TOTP code (the demo accounts share a
documented secret); every simulated user of that account then reuses the session, as the tabs
of one browser would. A TOTP code is accepted once, so logins are serialised per account.

The figures cover the steady load only: they restart a few seconds after the last user has
logged in and collected its links (locust's own ``--reset-stats`` fires when the users are
started, before their logins and first pages, whose burst then weighed on the percentiles).
A failure during that warm-up keeps the figures whole, so that it is reported.
"""
# ruff: noqa: S311 - random picks of pages to visit, not secrets

from __future__ import annotations

import logging
import os
import random
import re
from http.cookiejar import Cookie

import gevent
import pyotp
from gevent.lock import Semaphore
from locust import FastHttpUser, constant_throughput, task
from locust.env import Environment

DOMAIN = "demo.filiere.test"
PASSWORD = os.environ.get("LOAD_PASSWORD", "Filiere-demo-2026")
TOTP_SECRET = "MHEMOFILIEREDEMOTOTPSECRET234567"  # noqa: S105 - the documented demo secret
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"

SETTLE_SECONDS = 5

_sessions: dict[str, list[Cookie]] = {}
_locks: dict[str, Semaphore] = {}
_ready_users: list[object] = []


def _user_ready(environment: Environment, user: object) -> None:
    _ready_users.append(user)
    runner = environment.runner
    if runner is not None and len(_ready_users) == runner.target_user_count:
        gevent.spawn_later(SETTLE_SECONDS, _start_counting, environment)


def _start_counting(environment: Environment) -> None:
    failures = environment.stats.total.num_failures
    if failures:
        logging.warning("%s failure(s) during the warm-up: figures kept from the start", failures)
        return
    environment.stats.reset_all()


def _csrf(html: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if not found:
        raise RuntimeError("no CSRF token on the login page")
    return found.group(1)


class DemoUser(FastHttpUser):
    # The load generator shares the server's two cores: geventhttpclient costs a fraction of the
    # CPU of python-requests per request, so that more of the machine measures the server.
    abstract = True
    account = ""
    wait_time = constant_throughput(1)

    def on_start(self) -> None:
        lock = _locks.setdefault(self.account, Semaphore())
        with lock:
            if self.account not in _sessions:
                _sessions[self.account] = self._log_in()
        for cookie in _sessions[self.account]:
            self.client.cookiejar.set_cookie(cookie)
        self.discover()
        _user_ready(self.environment, self)

    def _log_in(self) -> list[Cookie]:
        # geventhttpclient's response knows only the URL asked for: redirects are read by hand.
        email = f"{self.account}@{DOMAIN}"
        page = self.client.get("/accounts/login/", name="connexion")
        response = self.client.post(
            "/accounts/login/",
            {"login": email, "password": PASSWORD, "csrfmiddlewaretoken": _csrf(page.text)},
            name="connexion",
            allow_redirects=False,
        )
        location = response.headers.get("Location", "")
        if "/accounts/2fa/authenticate/" in location:
            page = self.client.get(location, name="connexion")
            response = self.client.post(
                "/accounts/2fa/authenticate/",
                {"code": pyotp.TOTP(TOTP_SECRET).now(), "csrfmiddlewaretoken": _csrf(page.text)},
                name="connexion",
                allow_redirects=False,
            )
            location = response.headers.get("Location", "")
        if response.status_code != 302 or "/accounts/" in location:
            raise RuntimeError(f"{email} could not log in ({response.status_code} {location})")
        return list(self.client.cookiejar)

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
    fixed_count = 1
    account = "sophie.bernard"
    meetings: list[str]

    def discover(self) -> None:
        self.meetings = self.links("/rcp/", rf"/rcp/reunions/({UUID})/", name="accueil RCP")

    @task
    def session_screen(self) -> None:
        if self.meetings:
            self.client.get(f"/rcp/reunions/{self.meetings[0]}/seance/", name="écran de séance RCP")


class TransfusionSpecialist(DemoUser):
    fixed_count = 1
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
