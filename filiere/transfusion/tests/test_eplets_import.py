"""The eplet table loaded into the app: imported once, versioned, and used by the pool's ranking."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from filiere.access.actors import SYSTEM
from filiere.audit.models import AuditEvent
from filiere.hla.search import DonorQuery
from filiere.hla.tests.conftest import profile, shared
from filiere.transfusion.donor_pool import current_pool
from filiere.transfusion.models import EpletRelease
from filiere.transfusion.services import eplets_import
from filiere.transfusion.tests.factories import donor, make_pool

pytestmark = pytest.mark.django_db

# Same table as filiere/hla/tests/test_eplets.py: A*01:01 carries 44KM and 62QE, A*02:01 62GE,
# B*07:02 41T, B*08:01 none.
TABLE = """\
index,type,A*01:01,A*02:01,B*07:02,B*08:01,C*07:02
1,AbV,44KM,,,,
2,AbV,62QE,62GE,,,
3,Oth,,,41T,,
4,Oth,,,,,9Y
"""
PATIENT = "A*02:01 B*08:01"


def _ranking() -> list[tuple[str, int | None]]:
    query = DonorQuery(profile=profile(PATIENT), threshold=2000, region="93", top=10)
    return [(d.donor_id, d.eplet_mismatches) for d in current_pool().index.search(query).donors]


def test_a_loaded_table_ranks_equally_compatible_donors_by_mismatched_eplets() -> None:
    # Without eplets: "close" (grade B2U, two loci half blank) before the two grade-C donors,
    # which tie and come in identifier order, whatever the file's order.
    make_pool(
        (
            donor("far", "A*01:01 A*02:01 B*07:02 B*08:01"),
            donor("antigen-only", "A1 A2 B7 B8"),
            donor("close", "A*02:01 B*08:01"),
        )
    )
    assert _ranking() == [("close", None), ("antigen-only", None), ("far", None)]

    eplets_import(actor=SYSTEM, text=TABLE, source="MHC_I_eplet_test.csv")

    # 44KM, 62QE and 41T are the far donor's eplets that the patient lacks; at equal grade (C),
    # a known eplet count comes before an unknown one.
    assert _ranking() == [("close", 0), ("far", 3), ("antigen-only", None)]


def test_the_same_table_twice_changes_nothing() -> None:
    first = eplets_import(actor=SYSTEM, text=TABLE, source="v3.csv")
    again = eplets_import(actor=SYSTEM, text=TABLE, source="v3.csv")
    assert first.created
    assert not again.created
    assert again.release == first.release
    assert (first.release.alleles, first.release.eplets) == (5, 5)
    assert EpletRelease.objects.count() == 1
    assert AuditEvent.objects.filter(object_type="transfusion.epletrelease").count() == 1


def test_a_bad_table_is_refused_naming_the_line_and_nothing_is_saved() -> None:
    with pytest.raises(ValidationError) as error:
        eplets_import(actor=SYSTEM, text="index,type,A*01:01\n1,XYZ,44KM\n", source="bad.csv")
    assert "bad.csv, ligne 2" in error.value.message_dict["file"][0]
    assert not EpletRelease.objects.exists()


def test_the_command_loads_a_file_and_explains_a_bad_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "MHC_I_eplet_v3.csv"
    good.write_text(TABLE, encoding="utf-8")
    call_command("transfusion_import_eplets", str(good))
    assert "5 allèles, 5 eplets" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text("allele,type\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"bad\.csv, ligne 1"):
        call_command("transfusion_import_eplets", str(bad))
    assert EpletRelease.objects.count() == 1


def test_the_command_loads_the_hlar_v3_table(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("transfusion_import_eplets", str(shared("eplets-hlaR") / "MHC_I_eplet_v3.csv"))
    release = EpletRelease.objects.get()
    assert release.alleles > 1800
    make_pool((donor("far", "A*01:01 A*02:01 B*07:02 B*08:01"),))
    assert _ranking()[0][1] is not None
