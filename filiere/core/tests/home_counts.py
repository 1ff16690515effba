"""Read the home page's "À traiter aujourd'hui" counts as a clinician reads them."""

from __future__ import annotations

import re

from django.test import Client

# The home page without any count: the session, the user, the second factor, the rights, the
# memberships, and the session's save (savepoint, update, release).
PAGE_QUERIES = 8

_BLOCK = re.compile(r'<article class="attention-block" data-role="([a-z_]+)">(.*?)</article>', re.S)
_ITEM = re.compile(r'data-testid="count">(\d+)</strong>\s*([^<]+?)\s*</a>')


def home_counts(client: Client) -> dict[str, dict[str, int]]:
    """Return {role: {label: count}} from the home page."""
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    return {
        role: {label.replace("&#x27;", "'"): int(count) for count, label in _ITEM.findall(body)}
        for role, body in _BLOCK.findall(html)
    }
