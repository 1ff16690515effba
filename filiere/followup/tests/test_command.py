"""The ``followup`` command: thin, calls the services, reports in French."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from filiere.followup.models import AtcCode, FollowUpRule
from filiere.nomenclature.models import DiseaseGroup


def _run(*args: str) -> str:
    out = StringIO()
    call_command("followup", *args, stdout=out)
    return out.getvalue()


def test_the_atc_table_rules_and_due_dates_from_the_command_line(
    groups: dict[str, DiseaseGroup],
) -> None:
    assert "ajoutés" in _run("import-atc")
    assert AtcCode.objects.filter(code="B02BD08").exists()
    assert "0 ajoutés, 0 modifiés" in _run("import-atc")
    assert "rythme(s) de suivi ajouté(s)" in _run("default-rules")
    assert FollowUpRule.objects.exists()
    assert "Échéances" in _run("refresh")


def test_a_missing_or_malformed_file_is_reported(db: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="introuvable"):
        _run("import-atc", str(tmp_path / "absent.tsv"))
    bad = tmp_path / "bad.tsv"
    bad.write_text("B2BD08\teptacog\trfviia\n")
    with pytest.raises(CommandError, match="mal formé"):
        _run("import-atc", str(bad))
