"""Environment for the test suite, loaded by pytest before Django reads its settings.

Tests run with DEBUG off, like production, so they need a SECRET_KEY; a random one per run
proves that nothing depends on its value.
"""

from __future__ import annotations

import base64
import os
import secrets

os.environ.setdefault("SECRET_KEY", "test-" + secrets.token_urlsafe(48))
# The key encrypting second-factor secrets, required like SECRET_KEY when DEBUG is off.
os.environ.setdefault(
    "MFA_ENCRYPTION_KEY", base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
)
# Browser tests serve the app on http://127.0.0.1 through Django's live server.
os.environ.setdefault("HTTPS", "0")
# Background jobs run at once in the test process (one test starts a real worker instead).
os.environ.setdefault("JOBS_EAGER", "1")
