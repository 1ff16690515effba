"""The client address: the X-Forwarded-For entry added by the outermost trusted proxy."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.test import RequestFactory
from pytest_django.fixtures import Settings

from filiere.core.client_address import client_address


def request_from(remote: str, forwarded: str = "") -> HttpRequest:
    extra: dict[str, Any] = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


def test_without_a_proxy_the_forwarded_header_is_ignored(settings: Settings) -> None:
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(request_from("192.0.2.1", "1.2.3.4")) == "192.0.2.1"


def test_behind_one_proxy_the_rightmost_entry_is_the_client(settings: Settings) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    request = request_from("10.0.0.1", "1.2.3.4, 203.0.113.9")
    assert client_address(request) == "203.0.113.9"


def test_behind_two_proxies_the_second_entry_from_the_right(settings: Settings) -> None:
    settings.TRUSTED_PROXY_COUNT = 2
    request = request_from("10.0.0.2", "1.2.3.4, 203.0.113.9, 10.0.0.1")
    assert client_address(request) == "203.0.113.9"


def test_a_garbled_entry_falls_back_to_the_socket_address(settings: Settings) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(request_from("10.0.0.1", "1.2.3.4, n'importe")) == "10.0.0.1"
