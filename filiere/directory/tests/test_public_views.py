"""The public directory, opened without logging in: only published entries, searched without
regard to accents or case, and its open-data export (CSV and JSON)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from filiere.access.actors import SYSTEM
from filiere.accounts.models import User
from filiere.directory import services
from filiere.directory.tests.factories import make_profile, make_test
from filiere.network.models import Centre
from filiere.network.services import centre_update
from filiere.testing.factories import make_centre

pytestmark = pytest.mark.django_db

ClientFor = Callable[[User], Client]
LYON = "Laboratoire d'hémostase, Hôpital Édouard-Herriot"


@pytest.fixture
def published(centre_a: Centre, centre_b: Centre, nomenclature: None) -> dict[str, Any]:
    centre_update(
        actor=SYSTEM,
        centre=centre_a,
        address="264 rue Saint-Pierre, 13005 Marseille",
        phone="04 91 00 00 01",
        email="crpp@hopital.test",
    )
    hemostase = make_centre(name=LYON, city="Lyon", region="84")
    return {
        "a": make_profile(centre_a, disease_codes=["ORPHA:849", "ORPHA:274"]),
        # Centre B's profile is a draft: the public never sees it.
        "b": make_profile(centre_b, publish=False, presentation="Brouillon secret de Lille"),
        "lab": make_profile(hemostase, disease_codes=["ORPHA:721"]),
        "test": make_test(hemostase, name="Cytométrie en flux GPIb"),
        "draft_test": make_test(hemostase, publish=False, name="Examen en préparation"),
    }


def test_the_directory_opens_without_login_and_shows_published_centres_only(
    client: Client, published: dict[str, Any]
) -> None:
    response = client.get("/annuaire/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "CRPP Marseille (A)" in body
    assert "Hôpital Édouard-Herriot" in body
    assert "CCMR Lille (B)" not in body
    # Grouped by region, as the static regional map.
    assert body.index("Auvergne-Rhône-Alpes") < body.index("Provence-Alpes-Côte")


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("hemostase", LYON),
        ("HÉMOSTASE", LYON),
        ("edouard herriot", LYON),
        ("thrombasthenie", "CRPP Marseille (A)"),
        ("bernard soulier", "CRPP Marseille (A)"),
        ("ORPHA:849", "CRPP Marseille (A)"),
        ("cote d'azur", "CRPP Marseille (A)"),
    ],
)
def test_search_ignores_accents_and_case(
    client: Client, published: dict[str, Any], query: str, found: str
) -> None:
    response = client.get("/annuaire/", {"q": query})
    centres = response.context["centres"]
    assert [centre.name for centre in centres] == [found]


def test_search_finds_a_test_by_name_without_accents_and_never_a_draft(
    client: Client, published: dict[str, Any]
) -> None:
    response = client.get("/annuaire/", {"q": "cytometrie"})
    assert [test.name for test in response.context["tests"]] == ["Cytométrie en flux GPIb"]
    assert response.context["centres"] == []
    assert client.get("/annuaire/", {"q": "preparation"}).context["tests"] == []
    assert client.get("/annuaire/", {"q": "secret"}).context["centres"] == []


def test_the_centre_page_shows_its_contact_team_and_diseases(
    client: Client, published: dict[str, Any], centre_a: Centre
) -> None:
    response = client.get(f"/annuaire/centres/{centre_a.public_id}/")
    assert response.status_code == 200
    body = response.content.decode()
    for text in (
        "264 rue Saint-Pierre, 13005 Marseille",
        "04 91 00 00 01",
        "crpp@hopital.test",
        "Dr Claire Martin",
        "médecin coordonnateur",
        "ORPHA:849",
        "Thrombasthénie de Glanzmann",
    ):
        assert text in body, text


def test_a_draft_centre_and_a_draft_test_answer_404(
    client: Client, published: dict[str, Any], centre_b: Centre
) -> None:
    assert client.get(f"/annuaire/centres/{centre_b.public_id}/").status_code == 404
    draft = published["draft_test"]
    assert client.get(f"/annuaire/examens/{draft.public_id}/").status_code == 404


def test_the_test_pages_show_how_to_send_the_sample(
    client: Client, published: dict[str, Any]
) -> None:
    listing = client.get("/annuaire/examens/")
    assert [test.name for test in listing.context["tests"]] == ["Cytométrie en flux GPIb"]
    response = client.get(f"/annuaire/examens/{published['test'].public_id}/")
    body = response.content.decode()
    for text in ("Sang citraté 3,2 %", "1 semaine", "dans les 4 heures", "04 91 00 00 10"):
        assert text in body, text


def test_a_publication_is_shown_at_once_despite_the_cache(
    client: Client, published: dict[str, Any], centre_b: Centre
) -> None:
    assert "CCMR Lille (B)" not in client.get("/annuaire/").content.decode()
    services.profile_publish(actor=SYSTEM, profile=published["b"])
    assert "CCMR Lille (B)" in client.get("/annuaire/").content.decode()


def test_the_cached_index_reads_the_database_once_per_publication(
    client: Client, published: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    client.get("/annuaire/")
    # The cached list: the cache's own reads only (the database cache), no directory query.
    with django_assert_max_num_queries(4) as captured:
        client.get("/annuaire/")
    assert not [q for q in captured.captured_queries if "directory_" in q["sql"]]


def test_the_csv_export_lists_published_centres_and_tests(
    client: Client, published: dict[str, Any]
) -> None:
    response = client.get("/annuaire/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["type", "identifiant", "nom"]
    names = {(row[0], row[2]) for row in rows[1:]}
    assert names == {
        ("centre", "CRPP Marseille (A)"),
        ("centre", LYON),
        ("examen", "Cytométrie en flux GPIb"),
    }


def test_the_csv_export_neutralises_a_formula(client: Client, centre_a: Centre) -> None:
    centre_update(actor=SYSTEM, centre=centre_a, name="=HYPERLINK(1)")
    make_profile(centre_a, disease_codes=[])
    body = client.get("/annuaire/export.csv").content.decode("utf-8-sig")
    assert ";'=HYPERLINK(1);" in body


def test_the_json_export_has_team_and_diseases(
    client: Client, published: dict[str, Any], centre_a: Centre
) -> None:
    data = json.loads(client.get("/annuaire/export.json").content)
    by_id = {centre["identifiant"]: centre for centre in data["centres"]}
    assert set(by_id) == {str(centre_a.public_id), str(published["lab"].centre.public_id)}
    centre = by_id[str(centre_a.public_id)]
    assert centre["equipe"] == [
        {
            "nom": "Dr Claire Martin",
            "fonction": "médecin coordonnateur",
            "specialite": "hématologie",
        }
    ]
    assert [d["orpha"] for d in centre["maladies_suivies"]] == ["ORPHA:274", "ORPHA:849"]
    assert [t["examen"] for t in data["examens"]] == ["Cytométrie en flux GPIb"]


def test_the_login_page_links_to_the_directory(client: Client) -> None:
    body = client.get("/accounts/login/").content.decode()
    assert 'href="/annuaire/"' in body
    assert 'class="skip-link"' in body


def test_a_visitor_of_a_public_page_finds_the_way_to_log_in(
    client_for: ClientFor, alice: User
) -> None:
    """Seen: the public directory and events pages had no way to the login page."""
    for path in ("/annuaire/", "/evenements/"):
        page = Client().get(path).content.decode()
        assert f'href="/accounts/login/?next={path}"' in page
    assert 'data-testid="login-link"' not in Client().get("/accounts/login/").content.decode()
    assert 'data-testid="login-link"' not in client_for(alice).get("/annuaire/").content.decode()
