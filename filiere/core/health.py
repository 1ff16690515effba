"""What the load balancer and the IT team ask: can this instance serve?

Only the database is vital: without it nothing can be read or written, so the instance answers
503 and the load balancer takes it out. The cache, the job broker and the private-file disk
degrade the service (rate limits, queued jobs, attachments) without stopping the pages, so the
instance stays in rotation and says « dégradé ».
"""

from __future__ import annotations

import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connection

# Below this, attachments and exports may fail half-written.
MIN_FREE_BYTES = 1024**3


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    vital: bool
    detail: str


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    # Whatever the driver raises, the database cannot serve.
    except Exception as error:
        return Check("database", False, True, type(error).__name__)
    return Check("database", True, True, connection.vendor)


def check_cache() -> Check:
    key = f"health:{uuid.uuid4().hex}"
    try:
        cache.set(key, "1", timeout=10)
        ok = cache.get(key) == "1"
        cache.delete(key)
    except Exception as error:
        return Check("cache", False, False, type(error).__name__)
    return Check("cache", ok, False, "" if ok else "lecture différente de l'écriture")


def check_broker() -> Check:
    url = settings.REDIS_URL
    if not url:
        return Check("broker", True, False, "non configuré (REDIS_URL vide)")
    try:
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        client.ping()
    except Exception as error:
        return Check("broker", False, False, type(error).__name__)
    return Check("broker", True, False, "redis")


def check_private_files(directory: Path | None = None) -> Check:
    directory = directory or Path(settings.PRIVATE_FILES_DIR)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        probe = directory / f".health-{uuid.uuid4().hex}"
        probe.write_bytes(b"ok")
        probe.unlink()
        free = shutil.disk_usage(directory).free
    except OSError as error:
        return Check("private_files", False, False, type(error).__name__)
    if free < MIN_FREE_BYTES:
        return Check("private_files", False, False, f"{free // 1024**2} Mio libres")
    return Check("private_files", True, False, f"{free // 1024**3} Gio libres")


def run_checks() -> list[Check]:
    return [check_database(), check_cache(), check_broker(), check_private_files()]


def overall(checks: list[Check]) -> str:
    if any(not check.ok and check.vital for check in checks):
        return "indisponible"
    if any(not check.ok for check in checks):
        return "dégradé"
    return "ok"
