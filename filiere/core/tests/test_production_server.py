"""Issue 17, build 2: the production server starts and serves behind its proxy.

Gunicorn runs as in production (deploy/gunicorn.conf.py, DEBUG off, a fresh SECRET_KEY,
ALLOWED_HOSTS, BEHIND_PROXY, HTTPS, static files collected), on loopback, against a copy of the
test database (SQLite) or the test database itself (PostgreSQL). The requests carry what nginx
adds (deploy/nginx/filiere.conf): X-Forwarded-For, X-Forwarded-Proto, X-Request-ID.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import secrets
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.db import connection, connections

from filiere.core import health
from filiere.core.tests.test_deploy_layout import template_variables

# The tests only talk HTTP; the mark makes pytest-django create the test database, which the
# server's database is copied from.
pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
HOST = "filiere.example.org"
HEALTH_TOKEN = secrets.token_urlsafe(24)
# Starting is bounded, not timed: a server that never says it listens fails the test.
START_SECONDS = 90


@dataclass
class Server:
    process: subprocess.Popen[str]
    data_dir: Path
    static_root: Path
    port: int = 0
    lines: list[str] = field(default_factory=list)
    listening: threading.Event = field(default_factory=threading.Event)
    finished: threading.Event = field(default_factory=threading.Event)
    written: threading.Condition = field(default_factory=threading.Condition)

    def read_errors(self) -> None:
        """Keep gunicorn's standard error (its log) and note the port it says it listens on."""
        assert self.process.stderr is not None
        for line in self.process.stderr:
            with self.written:
                self.lines.append(line.rstrip("\n"))
                self.written.notify_all()
            found = re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", line)
            if found and not self.listening.is_set():
                self.port = int(found.group(1))
                self.listening.set()
        self.finished.set()

    def request(
        self,
        method: str,
        path: str,
        *,
        proxied: bool = True,
        body: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[http.client.HTTPResponse, bytes]:
        """Send a request as nginx forwards it (deploy/nginx/filiere.conf), or bare."""
        sent = {"Host": HOST, **(headers or {})}
        if proxied:
            sent = {
                "X-Forwarded-For": "198.51.100.20, 203.0.113.7",
                "X-Forwarded-Proto": "https",
                # Nginx's $request_id: 32 hex digits, kept by the application behind a proxy.
                "X-Request-ID": secrets.token_hex(16),
                **sent,
            }
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            return response, response.read()
        finally:
            conn.close()

    def log_line(self, request_id: str) -> dict[str, Any]:
        """The request line of ``request_id``, once gunicorn's standard error has reached us."""

        def line() -> dict[str, Any] | None:
            for parsed in self.log_lines():
                if parsed.get("request_id") == request_id and parsed["logger"] == "filiere.request":
                    return parsed
            return None

        with self.written:
            found = self.written.wait_for(line, timeout=30)
        assert found, f"no log line for {request_id}:\n" + "\n".join(self.lines)
        return found

    def log_lines(self) -> list[dict[str, Any]]:
        # json.loads fails the test on a line that is not one JSON object.
        return [json.loads(line) for line in list(self.lines)]


@contextlib.contextmanager
def _server_database(directory: Path) -> Iterator[str]:
    """A database of the server's own, copied from the migrated test database.

    The server's writes (a failed login's audit event, the cache) stay out of the database the
    other tests use.
    """
    if connection.vendor == "sqlite":
        # The test database lives in this process's memory: the server gets a file copy.
        connection.ensure_connection()
        target = directory / "filiere.sqlite3"
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()
        yield f"sqlite:///{target}"
        return
    db = connection.settings_dict
    name = f"{db['NAME']}_serveur"
    # A template is copied only while nobody is connected to it.
    connections.close_all()
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{db["NAME"]}"')
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    try:
        yield f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"
    finally:
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _production_environment(database_url: str, directory: Path) -> dict[str, str]:
    # None of this test run's settings (HTTPS=0, a developer's DATABASE_URL…) reaches the server.
    env = {k: v for k, v in os.environ.items() if k not in template_variables()}
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        MFA_ENCRYPTION_KEY=Fernet.generate_key().decode(),
        ALLOWED_HOSTS=HOST,
        CSRF_TRUSTED_ORIGINS=f"https://{HOST}",
        SITE_URL=f"https://{HOST}",
        HTTPS="1",
        BEHIND_PROXY="1",
        TRUSTED_PROXY_COUNT="1",
        DATABASE_URL=database_url,
        DATA_DIR=str(directory / "data"),
        STATIC_ROOT=str(directory / "static"),
        HEALTH_TOKEN=HEALTH_TOKEN,
    )
    return env


@pytest.fixture(scope="module")
def production_server(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """One server for the module: collecting static files and starting take a while."""
    directory = tmp_path_factory.mktemp("production")
    with django_db_blocker.unblock(), _server_database(directory) as database_url:
        env = _production_environment(database_url, directory)
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
            cwd=ROOT,
            env=env,
            check=True,
            timeout=300,
        )
        process = subprocess.Popen(  # noqa: S603 - fixed arguments, no shell
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--config",
                str(ROOT / "deploy" / "gunicorn.conf.py"),
                "--bind",
                "127.0.0.1:0",  # the system picks a free port; gunicorn says which
                "--workers",
                "1",
                "--preload",  # a settings error stops the start instead of looping on workers
            ],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        server = Server(
            process=process, data_dir=directory / "data", static_root=directory / "static"
        )
        reader = threading.Thread(target=server.read_errors, daemon=True)
        reader.start()
        try:
            # Listening, or stopped, or still silent after START_SECONDS: whichever comes first.
            for _ in range(START_SECONDS * 5):
                if server.listening.wait(timeout=0.2) or server.finished.is_set():
                    break
            if not server.listening.is_set():
                pytest.fail("gunicorn did not start:\n" + "\n".join(server.lines))
            yield server
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            reader.join(timeout=10)


def test_the_login_page_is_served_over_the_proxys_https(production_server: Server) -> None:
    response, body = production_server.request(
        "GET", "/accounts/login/", headers={"X-Request-ID": "0123456789abcdef0123456789abcdef"}
    )
    assert response.status == 200
    page = body.decode()
    assert '<html lang="fr"' in page
    assert "Connexion" in page
    assert 'name="csrfmiddlewaretoken"' in page
    # X-Forwarded-Proto made the request secure: HSTS, and cookies for HTTPS only.
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "__Host-csrftoken=" in response.headers["Set-Cookie"]
    assert "Secure" in response.headers["Set-Cookie"]
    # The proxy's request id is the application's.
    assert response.headers["X-Request-ID"] == "0123456789abcdef0123456789abcdef"


def test_a_login_form_posted_through_the_proxy_passes_the_csrf_check(
    production_server: Server,
) -> None:
    """Behind TLS termination the Origin is https://HOST: the CSRF check must accept it."""
    response, body = production_server.request("GET", "/accounts/login/")
    token = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', body.decode())[0]
    cookie = response.headers["Set-Cookie"].split(";", 1)[0]
    response, body = production_server.request(
        "POST",
        "/accounts/login/",
        body=f"csrfmiddlewaretoken={token}&login=personne%40example.org&password=faux",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": cookie,
            "Origin": f"https://{HOST}",
            "Referer": f"https://{HOST}/accounts/login/",
        },
    )
    assert response.status == 200  # the form again, with its error; a CSRF refusal is a 403
    assert 'role="alert"' in body.decode()


def test_the_health_endpoint_answers_the_load_balancer(production_server: Server) -> None:
    # The private-file disk counts: with less than 1 Gio free the instance says « dégradé ».
    disk = health.check_private_files(production_server.data_dir / "private")
    expected = "ok" if disk.ok else "dégradé"

    response, body = production_server.request("GET", "/sante/")
    assert response.status == 200
    assert json.loads(body) == {"status": expected}

    response, body = production_server.request(
        "GET", "/sante/", headers={"Authorization": f"Bearer {HEALTH_TOKEN}"}
    )
    checks = json.loads(body)["checks"]
    assert checks["database"] == {"ok": True, "vital": True, "detail": connection.vendor}
    assert checks["cache"]["ok"] is True


def test_without_the_proxys_https_header_the_server_redirects_to_https(
    production_server: Server,
) -> None:
    response, _ = production_server.request("GET", "/accounts/login/", proxied=False)
    assert response.status == 301
    assert response.headers["Location"] == f"https://{HOST}/accounts/login/"


def test_static_files_are_collected_compressed_and_served(production_server: Server) -> None:
    collected = production_server.static_root / "filiere" / "filiere.css"
    assert collected.exists()
    assert collected.with_name("filiere.css.gz").exists()  # for nginx's gzip_static
    response, body = production_server.request("GET", "/static/filiere/filiere.css")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/css")
    assert body == collected.read_bytes()


def test_the_server_logs_one_json_object_a_line(production_server: Server) -> None:
    """Gunicorn's messages too; and never a query string (a search may carry a name)."""
    request_id = secrets.token_hex(16)
    production_server.request("GET", "/sante/?q=Quinzelaire", headers={"X-Request-ID": request_id})
    served = production_server.log_line(request_id)
    assert served["path"] == "/sante/"
    assert served["status"] == 200
    assert served["user_id"] is None
    lines = production_server.log_lines()
    assert any(line["logger"] == "gunicorn.error" for line in lines)
    assert "Quinzelaire" not in "\n".join(production_server.lines)
