"""The matrix's world is built once per module; every test rolls back its own writes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings
from pytest_django.fixtures import Settings

from filiere.core.tests.access_matrix.world import World, world_in_rollback


@pytest.fixture(scope="module")
def private_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("private")


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any, private_dir: Path) -> Iterator[World]:
    with override_settings(PRIVATE_FILES_DIR=private_dir):
        yield from world_in_rollback(django_db_blocker)


@pytest.fixture(autouse=True)
def _private_files_in_tmp(settings: Settings, private_dir: Path) -> None:
    """The world's case attachments stay readable by every test of the module."""
    settings.PRIVATE_FILES_DIR = private_dir
