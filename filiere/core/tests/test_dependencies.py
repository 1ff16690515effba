"""The two lock files (issue 17, point 6): a production install gets the runtime packages only,
at the same versions the tests ran with, and every runtime dependency is bounded above."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
RUNTIME_LOCK = ROOT / "requirements" / "runtime.lock"
DEV_LOCK = ROOT / "requirements.lock"
RUNTIME_IN = ROOT / "requirements" / "base.in"

DEVELOPMENT_ONLY = {
    "pytest",
    "pytest-django",
    "pytest-benchmark",
    "pytest-cov",
    "coverage",
    "hypothesis",
    "schemathesis",
    "playwright",
    "mypy",
    "django-stubs",
    "ruff",
    "pip-tools",
    "pyotp",
    "pypdfium2",
}


def _pins(lock: Path) -> dict[str, str]:
    text = lock.read_text(encoding="utf-8")
    return {
        name.lower(): version
        for name, version in re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", text, re.MULTILINE)
    }


def _requirements(source: Path) -> list[str]:
    lines = source.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith(("#", "-"))]


def test_the_runtime_lock_holds_no_test_or_check_tool() -> None:
    assert not DEVELOPMENT_ONLY & set(_pins(RUNTIME_LOCK))


def test_the_development_lock_pins_every_runtime_package_at_the_same_version() -> None:
    runtime, development = _pins(RUNTIME_LOCK), _pins(DEV_LOCK)
    assert runtime
    assert {name: development.get(name) for name in runtime} == runtime


def test_every_runtime_dependency_is_bounded_above() -> None:
    unbounded = [line for line in _requirements(RUNTIME_IN) if "<" not in line]
    assert unbounded == []


def test_every_runtime_lock_entry_carries_hashes() -> None:
    text = RUNTIME_LOCK.read_text(encoding="utf-8")
    entries = re.findall(
        r"^[A-Za-z0-9_.-]+==\S+ \\\n((?:\s+--hash=sha256:\w+ ?\\?\n?)+)", text, re.M
    )
    assert len(entries) == len(_pins(RUNTIME_LOCK))
