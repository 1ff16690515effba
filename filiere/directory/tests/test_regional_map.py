"""The directory's regional map: drawn on the server, each region's disc where the region lies,
with its number of published centres; the overseas regions in insets."""

from __future__ import annotations

import pytest
from django.test import Client

from filiere.directory.regional_map import REGION_CENTRES, project, regional_map
from filiere.directory.tests.factories import make_profile
from filiere.network.models import Region
from filiere.testing.factories import make_centre

LABELS = {code: str(label) for code, label in Region.choices}


def test_north_is_up_and_east_is_right() -> None:
    lille, marseille, brest, strasbourg = (
        project(50.63, 3.06),
        project(43.30, 5.37),
        project(48.39, -4.49),
        project(48.58, 7.75),
    )
    assert lille[1] < marseille[1]
    assert brest[0] < strasbourg[0]


def test_every_metropolitan_region_has_its_place_and_the_others_an_inset() -> None:
    drawn = set(REGION_CENTRES)
    overseas = {inset.code for inset in regional_map({}, LABELS).insets}
    assert drawn | overseas == set(LABELS)
    assert not drawn & overseas


def test_a_disc_per_region_with_centres_bigger_for_more_centres() -> None:
    drawn = regional_map({"93": 4, "32": 1, "04": 2, "11": 0}, LABELS)
    by_code = {marker.code: marker for marker in drawn.markers}
    assert set(by_code) == {"93", "32", "04"}
    assert by_code["93"].radius > by_code["04"].radius > by_code["32"].radius
    assert drawn.total == 7
    # La Réunion's disc sits inside its inset, not on the mainland.
    reunion = next(inset for inset in drawn.insets if inset.code == "04")
    assert reunion.marker is by_code["04"]
    assert reunion.x < by_code["04"].x < reunion.x + drawn.inset_side


@pytest.mark.django_db
def test_the_public_page_draws_the_published_centres_by_region(
    client: Client, nomenclature: None
) -> None:
    make_profile(make_centre(name="CRPP Marseille", city="Marseille", region="93"))
    make_profile(make_centre(name="CCMR Lille", city="Lille", region="32"))
    make_profile(make_centre(name="CCMR Nice", city="Nice", region="93"))
    make_profile(make_centre(name="Brouillon", city="Lyon", region="84"), publish=False)
    html = client.get("/annuaire/").content.decode()
    assert 'data-testid="directory-map"' in html
    assert 'data-region="93"' in html
    assert 'data-region="32"' in html
    assert 'data-region="84"' not in html
    assert "Carte des régions : 3 centres publiés." in html
    # Coordinates are written with a decimal point whatever the page's language.
    assert 'cx="' in html
    assert "," not in html.split('<circle cx="')[1].split('"')[0]
