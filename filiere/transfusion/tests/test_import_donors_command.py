"""The donor import command of the blood establishment: all or nothing, then a new pool stamp."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from filiere.transfusion.models import Donor, DonorImport

pytestmark = pytest.mark.django_db

HEADER = "id,region,abo,hla_a,hla_b\n"


def test_a_donor_file_is_imported_and_matched_on_the_id(tmp_path: Path) -> None:
    path = tmp_path / "donneurs.csv"
    path.write_text(HEADER + "D1,93,A,A*02:01 A*24:02,B*44:02 B*51:01\nD2,84,O,A1 A3,B7 B8\n")
    call_command("transfusion_import_donors", str(path))
    assert Donor.objects.count() == 2
    path.write_text(HEADER + "D1,93,AB,A*02:01 A*24:02,B*44:02 B*51:01\n")
    call_command("transfusion_import_donors", str(path))
    assert Donor.objects.count() == 2
    assert Donor.objects.get(external_id="D1").abo == "AB"
    assert DonorImport.objects.count() == 2


def test_a_bad_line_stops_the_import_before_anything_is_written(tmp_path: Path) -> None:
    path = tmp_path / "donneurs.csv"
    path.write_text(HEADER + "D1,93,A,A*02:01,B*44:02\nD2,99,Z,A1,B7\n")
    with pytest.raises(CommandError, match="ligne 3"):
        call_command("transfusion_import_donors", str(path))
    assert Donor.objects.count() == 0
