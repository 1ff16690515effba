"""Issue 17, build 4: `/sante/` tells the load balancer whether this instance can serve, and
tells the IT team (with the health token) which part fails — never an outsider."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from django.db import OperationalError
from django.test import Client, override_settings

from filiere.core import health

pytestmark = pytest.mark.django_db

URL = "/sante/"
TOKEN = "jeton-de-sante-de-test"


@pytest.fixture(autouse=True)
def _disk_space_not_judged(monkeypatch: pytest.MonkeyPatch) -> None:
    """This machine's free space is not what these tests are about (one test sets its own)."""
    monkeypatch.setattr(health, "MIN_FREE_BYTES", 0)


def _redis_listening() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


def test_an_anonymous_probe_gets_the_status_and_nothing_else(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


@override_settings(HEALTH_TOKEN=TOKEN)
def test_the_health_token_unlocks_each_component(client: Client) -> None:
    body = client.get(URL, headers={"Authorization": f"Bearer {TOKEN}"}).json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker", "private_files"}
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["database"]["detail"] in {"sqlite", "postgresql"}


@override_settings(HEALTH_TOKEN=TOKEN)
def test_a_wrong_token_gets_no_detail(client: Client) -> None:
    body = client.get(URL, headers={"Authorization": "Bearer autre-jeton"}).json()
    assert "checks" not in body


@override_settings(HEALTH_TOKEN="")
def test_without_a_configured_token_nobody_gets_detail(client: Client) -> None:
    body = client.get(URL, headers={"Authorization": "Bearer "}).json()
    assert "checks" not in body


def test_a_database_that_does_not_answer_takes_the_instance_out(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse() -> object:
        raise OperationalError("connection refused")

    monkeypatch.setattr(health.connection, "cursor", refuse)
    response = client.get(URL)
    assert response.status_code == 503
    assert response.json() == {"status": "indisponible"}


@override_settings(HEALTH_TOKEN=TOKEN, REDIS_URL="redis://127.0.0.1:1/0")
def test_a_broker_down_degrades_but_keeps_the_instance_in_rotation(client: Client) -> None:
    response = client.get(URL, headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "dégradé"
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


@pytest.mark.skipif(not _redis_listening(), reason="Redis n'écoute pas sur 127.0.0.1:6379")
@override_settings(REDIS_URL="redis://127.0.0.1:6379/0")
def test_the_real_redis_answers() -> None:
    assert health.check_broker().ok


def test_private_files_that_cannot_be_written_degrade(tmp_path: Path) -> None:
    blocked = tmp_path / "fichier"
    blocked.write_text("pas un dossier")
    check = health.check_private_files(blocked / "private")
    assert not check.ok
    assert not check.vital
    assert health.overall([check]) == "dégradé"


def test_private_files_short_of_space_degrade(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(health, "MIN_FREE_BYTES", 1 << 62)
    assert not health.check_private_files(tmp_path).ok


def test_the_probe_only_reads(client: Client) -> None:
    assert client.post(URL).status_code == 405
