"""The national SDM-MR check (``../shared/tools/validate_sdm_mr.py``) as a pytest fixture.

The kit is shared reference data beside the repository: tests that need it skip when it is absent,
unless ``REQUIRE_KIT=1`` (set by CI when the shared data is there), where they fail instead, so
the national check cannot be skipped without anyone noticing.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

Check = Callable[[bytes], list[str]]


def _shared_dir() -> Path:
    configured = os.environ.get("SHARED_DATA_DIR")
    if configured:
        return Path(configured).parent
    return Path(__file__).resolve().parents[2].parent / "shared"


VALIDATOR = _shared_dir() / "tools" / "validate_sdm_mr.py"
KIT = _shared_dir() / "data" / "sdm-mr"
KIT_PRESENT = VALIDATOR.is_file() and KIT.is_dir()
KIT_REQUIRED = os.environ.get("REQUIRE_KIT") == "1"
needs_kit = pytest.mark.skipif(
    not KIT_PRESENT and not KIT_REQUIRED, reason="national SDM-MR kit absent"
)


def kit_absent() -> None:
    """Skip the calling test, or fail it when the kit is required."""
    message = f"national SDM-MR kit absent ({VALIDATOR}, {KIT})"
    if KIT_REQUIRED:
        pytest.fail(f"{message} and REQUIRE_KIT=1")
    pytest.skip(message)


@pytest.fixture(scope="session")
def national_check() -> Check:
    """Return the national check (CDA schema, then the schematron), compiled once."""
    if not KIT_PRESENT:
        kit_absent()
    spec = importlib.util.spec_from_file_location("validate_sdm_mr", VALIDATOR)
    if spec is None or spec.loader is None:
        pytest.fail(f"cannot load {VALIDATOR}")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    schema = etree.XMLSchema(etree.parse(str(KIT / "infrastructure" / "cda" / "CDA_extended.xsd")))
    schematron = tool.load_schematron()

    def check(document: bytes) -> list[str]:
        tree = etree.ElementTree(etree.fromstring(document))
        problems = [] if schema.validate(tree) else [str(e.message) for e in schema.error_log]
        schematron.validate(tree)
        failed = schematron.validation_report.xpath(
            "//svrl:failed-assert/svrl:text/text()", namespaces=tool.SVRL
        )
        problems.extend(" ".join(str(text).split()) for text in failed)
        return problems

    return check
