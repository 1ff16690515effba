"""Environment for the test suite, loaded by pytest before Django reads its settings.

Tests run with DEBUG off, like production, so they need a SECRET_KEY; a random one per run
proves that nothing depends on its value.
"""

from __future__ import annotations

import os
import secrets

os.environ.setdefault("SECRET_KEY", "test-" + secrets.token_urlsafe(48))
# Browser tests serve the app on http://127.0.0.1 through Django's live server.
os.environ.setdefault("HTTPS", "0")
# Playwright's synchronous API runs an event loop in the test thread; the ORM calls made by the
# test itself around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
