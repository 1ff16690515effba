"""Importing a donors file from the page (issue 11, build 7): valid lines imported through
``donors_import``, each refused line reported with its line number and field."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from filiere.accounts.models import User
from filiere.transfusion.models import Donor, DonorImport

pytestmark = pytest.mark.django_db

Login = Callable[[User], Client]
URL = "/transfusion/donneurs/import/"
FILE = b"""id,site,region,abo,hla_a,hla_b,hla_c,hpa1,cd36
N1,EFS Lyon,84,A,A*02:01 A*24:02,B*44:02 B*51:01,C*05:01,bb,neg
N2,EFS Lyon,84,Z,A*02:01,B*44:02,,,
N3,EFS Lyon,84,O,A2 A24,B44 B51,Cw5,,
N1,EFS Lyon,84,A,A2,B44,,,
"""


def _upload(content: bytes = FILE) -> dict[str, SimpleUploadedFile]:
    return {"file": SimpleUploadedFile("donneurs.csv", content, content_type="text/csv")}


def test_julien_imports_the_valid_lines_and_sees_the_refused_ones(
    julien: User, client_for: Login
) -> None:
    response = client_for(julien).post(URL, _upload())
    assert response.status_code == 200
    html = response.content.decode()
    assert set(Donor.objects.values_list("external_id", flat=True)) == {"N1", "N3"}
    assert 'data-testid="refused-lines"' in html
    assert "donneurs.csv, ligne 3" in html  # the bad ABO group
    assert "donneurs.csv, ligne 5" in html  # the duplicate identifier
    assert "2 donneur(s) ajouté(s)" in html


def test_an_unreadable_file_imports_nothing(julien: User, client_for: Login) -> None:
    response = client_for(julien).post(URL, _upload(b"nom;prenom\nx;y\n"))
    assert "colonne obligatoire absente" in response.content.decode()
    assert not DonorImport.objects.exists()


def test_a_clinician_may_not_import_donors(alice: User, client_for: Login) -> None:
    assert client_for(alice).get(URL).status_code == 404
    assert client_for(alice).post(URL, _upload()).status_code == 404
    assert not Donor.objects.exists()


def test_the_worklist_links_to_the_import_page(julien: User, client_for: Login) -> None:
    assert URL in client_for(julien).get("/transfusion/").content.decode()
