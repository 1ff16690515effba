"""A real `filiere worker` for the tests that need one (``test_real_worker.py``,
``test_worker_killed.py``): a queue of the run's own in the real Redis, a way to send a task
there for real, and the worker started on the test database.

The worker is another process: it must see the rows the test wrote, so those tests commit them
(transactional tests) and run on PostgreSQL only. On SQLite pytest-django's test database lives
in this process's memory, which no other process can open.

Redis: ``TEST_REDIS_URL`` (default database 15, away from the application's 0), and a queue of
its own per run, so that two runs at once never take each other's jobs. Skipped when Redis is not
listening, unless ``REQUIRE_REDIS=1`` (CI).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote, urlsplit

import pytest
from django.db import connection
from kombu import Exchange, Queue

from filiere.jobs.queue import app

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")

Send = Callable[[Any, list[Any]], None]


class StartWorker(Protocol):
    def __call__(
        self, data_dir: Path, log: Path, **env: str
    ) -> subprocess.Popen[bytes]: ...  # pragma: no cover


def _redis_listening() -> bool:
    address = urlsplit(REDIS_URL)
    try:
        with socket.create_connection((address.hostname, address.port or 6379), timeout=0.5):
            return True
    except OSError:
        return False


def _test_database_url() -> str:
    """The URL of the test database this process uses (``test_<name>``), for the worker."""
    database = connection.settings_dict
    password = f":{quote(database['PASSWORD'], safe='')}" if database["PASSWORD"] else ""
    host = database["HOST"] or "127.0.0.1"
    port = database["PORT"] or 5432
    return (
        f"postgres://{quote(database['USER'], safe='')}{password}@{host}:{port}/{database['NAME']}"
    )


def stop_worker(process: subprocess.Popen[bytes]) -> None:
    """A warm shutdown, killed if it does not end."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def queue() -> Iterator[str]:
    """This run's own queue in the test Redis, emptied and forgotten afterwards."""
    if not _redis_listening():
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail(f"Redis is not listening at {REDIS_URL} and REQUIRE_REDIS=1")
        pytest.skip(f"Redis is not listening at {REDIS_URL}")
    name = f"filiere-test-{uuid.uuid4().hex[:12]}"
    yield name
    with app.connection_for_write(REDIS_URL) as conn:
        client: Any = conn.default_channel.client
        client.delete(name, f"_kombu.binding.{name}", f"_kombu.binding_permanent.{name}")


@pytest.fixture
def send(queue: str) -> Send:
    """``send(task, args)``: the task's message put in the run's queue through the real Redis,
    not run here (the tests run jobs eagerly otherwise)."""

    def send(task: Any, args: list[Any]) -> None:
        with app.connection_for_write(REDIS_URL) as conn:
            # Declared here, so the message waits in Redis even if no worker is listening yet.
            Queue(queue, Exchange(queue, type="direct"), routing_key=queue).bind(conn).declare()
            # The app reads Django's settings under the CELERY_ namespace, so the namespaced
            # key is the one that turns the tests' eager mode off.
            eager = app.conf.task_always_eager
            app.conf.CELERY_TASK_ALWAYS_EAGER = False
            try:
                task.apply_async(args=args, queue=queue, connection=conn)
            finally:
                app.conf.CELERY_TASK_ALWAYS_EAGER = eager

    return send


@pytest.fixture
def start_worker(queue: str) -> Iterator[StartWorker]:
    """``start_worker(data_dir, log, **env)``: `filiere worker` on the test database, consuming
    only the run's queue, its output in ``log``; every worker started is stopped after the
    test."""
    started: list[subprocess.Popen[bytes]] = []
    logs: list[Any] = []

    def start(data_dir: Path, log: Path, **extra: str) -> subprocess.Popen[bytes]:
        env = {
            **os.environ,
            "DATABASE_URL": _test_database_url(),
            "REDIS_URL": REDIS_URL,
            "JOBS_QUEUE": queue,
            "JOBS_EAGER": "0",
            "DATA_DIR": str(data_dir),
            **extra,
        }
        env.pop("AUDIT_PURGE_DATABASE_URL", None)
        output = log.open("wb")
        logs.append(output)
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "filiere.cli",
                "worker",
                "--pool",
                "solo",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        started.append(process)
        return process

    try:
        yield start
    finally:
        for process in started:
            stop_worker(process)
        for output in logs:
            output.close()
