"""The two lock files (issue 17, point 6): a production install gets the runtime packages only,
at the same versions the tests ran with, and every runtime dependency is bounded above."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement

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
        r"^[A-Za-z0-9_.-]+==\S+(?: ;[^\\\n]*)? \\\n((?:\s+--hash=sha256:\w+ ?\\?\n?)+)", text, re.M
    )
    assert len(entries) == len(_pins(RUNTIME_LOCK))


def test_the_runtime_lock_can_build_the_project_without_downloading() -> None:
    # make install-production runs pip install --no-build-isolation -e .: the backend that
    # pyproject.toml names, and wheel for the editable build, must come from the lock.
    build = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["build-system"]
    needed = {Requirement(text).name.lower() for text in build["requires"]} | {"wheel"}
    assert needed <= set(_pins(RUNTIME_LOCK))


def test_the_runtime_lock_holds_what_its_packages_need_on_debian_12() -> None:
    # Debian 12's python3.11 is 3.11.2: redis needs async-timeout before 3.11.3, a dependency
    # that a lock compiled on a later 3.11 leaves out (install-production then refused the lock).
    debian_12: dict[str, str] = {
        **{key: str(value) for key, value in default_environment().items()},
        "python_full_version": "3.11.2",
        "python_version": "3.11",
        "extra": "",
    }
    pins = _pins(RUNTIME_LOCK)
    missing = set()
    for name in pins:
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue  # markers of the lock itself keep it off this interpreter
        for text in requires:
            requirement = Requirement(text)
            wanted = requirement.marker is None or requirement.marker.evaluate(debian_12)
            if wanted and requirement.name.lower().replace("_", "-") not in pins:
                missing.add(f"{name} → {requirement.name}")
    assert missing == set()
