"""The allowed imports between the project's packages (docs/architecture.md), checked on the
source: a change that makes the registry import follow-up, core import a clinical module, or a
pure clinical package import Django fails here, naming the module and the import."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2]

# Pure packages: clinical formulas, HLA, the SDM-MR writer, small helpers. No Django, and only
# one another.
PURE = {"lib", "clinical", "hla", "exports"}
# What `core` (shared plumbing) may use: never a clinical module. The job queue is plumbing too
# (rule "jobs": it knows no clinical module); the activity report runs as one of its jobs.
CORE_MAY_IMPORT = {"core", "access", "accounts", "audit", "lib", "network", "jobs"}
# The registry and the identity store are below the clinical modules: those register with them
# (panels, activity sources, list filters, care-episode listeners), never the other way round.
LOWER = {"patients", "identity"}
UPPER = {
    "followup",
    "meetings",
    "transfusion",
    "research",
    "surveys",
    "directory",
    "education",
    "guidelines",
    "events",
}
# The access policies read the objects of every app, through their models only: a policy that
# called a service or a selector would make the rule depend on the code it guards.
ACCESS_MAY_IMPORT = {"access", "accounts", "network", "lib"}
# The members' surveys stand on the foundation alone (the outbox of `jobs` carries their
# e-mails): no patient, no registry, no other module.
SURVEYS_MAY_IMPORT = PURE | {"core", "access", "accounts", "audit", "network", "jobs", "surveys"}
# The public directory shows centres, professionals and ORPHA codes, never a patient: the
# foundation and the nomenclature only.
DIRECTORY_MAY_IMPORT = PURE | {"core", "access", "accounts", "audit", "network", "nomenclature"}
DIRECTORY_MAY_IMPORT |= {"directory"}
# The PNDS and the action plan: people, ORPHA codes and the activity report, never a patient.
GUIDELINES_MAY_IMPORT = DIRECTORY_MAY_IMPORT - {"directory"} | {"guidelines"}
# The network's events concern professionals, never a patient: the foundation, and the outbox of
# `jobs` for the registrants' e-mails.
EVENTS_MAY_IMPORT = PURE | {"core", "access", "accounts", "audit", "network", "jobs", "events"}


def _modules(root: Path) -> Iterator[tuple[str, tuple[str, ...]]]:
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).parts
        if ".venv" in parts or "migrations" in parts:
            continue
        yield "/".join(parts), parts


def _imports(path: Path) -> Iterator[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "filiere":
                yield from (f"filiere.{alias.name}" for alias in node.names)
            else:
                yield node.module


def _is_test(parts: tuple[str, ...]) -> bool:
    return "tests" in parts or parts[0] in {"testing", "benchmarks"} or parts[-1] == "conftest.py"


def _app(name: str) -> str | None:
    pieces = name.split(".")
    return pieces[1] if pieces[0] == "filiere" and len(pieces) > 1 else None


def _violations(rule: str, root: Path = PACKAGE) -> list[str]:
    found = []
    for relative, parts in _modules(root):
        if _is_test(parts) or len(parts) < 2:
            continue
        owner = parts[0]
        for name in _imports(root / relative):
            target = _app(name)
            bad = False
            if rule == "pure":
                bad = owner in PURE and (
                    name.split(".")[0] == "django" or (target is not None and target not in PURE)
                )
            elif rule == "core":
                bad = owner == "core" and target is not None and target not in CORE_MAY_IMPORT
            elif rule == "access":
                bad = (
                    owner == "access"
                    and target is not None
                    and target not in ACCESS_MAY_IMPORT
                    and not name.endswith(".models")
                    and ".models." not in name
                )
            elif rule == "surveys":
                bad = (
                    owner == "surveys"
                    and target is not None
                    and target not in SURVEYS_MAY_IMPORT
                    and not (target == "demo" and parts[-1] == "demo.py")
                )
            elif rule == "directory":
                bad = (
                    owner == "directory"
                    and target is not None
                    and target not in DIRECTORY_MAY_IMPORT
                    and not (target == "demo" and parts[-1] == "demo.py")
                )
            elif rule == "guidelines":
                bad = (
                    owner == "guidelines"
                    and target is not None
                    and target not in GUIDELINES_MAY_IMPORT
                    and not (target == "demo" and parts[-1] == "demo.py")
                )
            elif rule == "events":
                bad = (
                    owner == "events"
                    and target is not None
                    and target not in EVENTS_MAY_IMPORT
                    and not (target == "demo" and parts[-1] == "demo.py")
                )
            elif rule == "layers":
                bad = owner in LOWER and target in UPPER
            elif rule == "jobs":
                # The queue and the job record serve every module; each module's tasks.py is
                # where its work is named.
                bad = owner == "jobs" and target in LOWER | UPPER
            elif rule == "demo":
                bad = (
                    target == "demo"
                    and owner != "demo"
                    and parts[-1] != "demo.py"
                    and parts[1] != "demo"  # an app's demo split into a package
                    and "management" not in parts
                )
            elif rule == "testing":
                bad = target == "testing" or ".tests" in name
            if bad:
                found.append(f"{relative} imports {name}")
    return found


@pytest.mark.parametrize(
    "rule",
    [
        "pure",
        "core",
        "access",
        "layers",
        "jobs",
        "demo",
        "testing",
        "surveys",
        "directory",
        "guidelines",
        "events",
    ],
)
def test_imports_follow_the_architecture(rule: str) -> None:
    assert _violations(rule) == []


def test_the_checker_sees_a_forbidden_import(tmp_path: Path) -> None:
    """The rules are read from real files: the registry importing follow-up is caught, inside a
    function too."""
    (tmp_path / "patients").mkdir()
    (tmp_path / "patients" / "selectors.py").write_text(
        "def overdue():\n    from filiere.followup.selectors import DUE_SOON_DAYS\n",
        encoding="utf-8",
    )
    assert _violations("layers", tmp_path) == [
        "patients/selectors.py imports filiere.followup.selectors"
    ]


def test_the_checker_sees_a_policy_calling_a_selector(tmp_path: Path) -> None:
    (tmp_path / "access").mkdir()
    (tmp_path / "access" / "meetings.py").write_text(
        "from filiere.meetings.models import Meeting\n"
        "from filiere.meetings.selectors import cases_visible_to\n",
        encoding="utf-8",
    )
    assert _violations("access", tmp_path) == [
        "access/meetings.py imports filiere.meetings.selectors"
    ]
