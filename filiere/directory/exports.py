"""The directory's open data: the published centres and tests, as CSV and as JSON.

One row per centre, then one per test, in a single CSV whose first column says which (so that
one file holds the whole directory); the JSON keeps the two lists apart.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import get_language

from filiere.directory.cache import directory_cached
from filiere.directory.selectors import PublicCentre, PublicTest, public_centres, public_tests
from filiere.lib.csvsafe import write_csv

CSV_HEADER = (
    "type",
    "identifiant",
    "nom",
    "type_de_centre",
    "ville",
    "region",
    "adresse",
    "telephone",
    "email",
    "laboratoire",
    "maladies_orpha",
    "indication",
    "prelevement",
    "delai_de_rendu",
    "modalites_d_envoi",
    "contact",
    "url",
)


def _url(name: str, **kwargs: Any) -> str:
    return settings.SITE_URL + reverse(name, kwargs=kwargs)


def _codes(centre_or_test: PublicCentre | PublicTest) -> str:
    diseases = (
        centre_or_test.diseases
        if isinstance(centre_or_test, PublicCentre)
        else centre_or_test.indications
    )
    return " | ".join(f"{d.curie} {d.label}" for d in diseases)


def _rows() -> list[list[object]]:
    rows: list[list[object]] = []
    for c in public_centres():
        rows.append(
            [
                "centre",
                str(c.public_id),
                c.name,
                c.kind_label,
                c.city,
                c.region_label,
                c.address,
                c.phone,
                c.email,
                "",
                _codes(c),
                "",
                "",
                "",
                "",
                "",
                _url("directory:centre", centre_id=c.public_id),
            ]
        )
    for t in public_tests():
        rows.append(
            [
                "examen",
                str(t.public_id),
                t.name,
                "",
                t.laboratory_city,
                "",
                "",
                "",
                "",
                t.laboratory_name,
                _codes(t),
                t.indication_text,
                t.sample,
                t.turnaround,
                t.how_to_send,
                t.contact,
                _url("directory:test", test_id=t.public_id),
            ]
        )
    return rows


def directory_csv() -> str:
    return directory_cached(f"export.csv:{get_language()}", lambda: write_csv(CSV_HEADER, _rows()))


def _disease_list(diseases: tuple[Any, ...]) -> list[dict[str, Any]]:
    return [{"orpha": d.curie, "libelle": d.label} for d in diseases]


def directory_json() -> dict[str, Any]:
    return {
        "centres": [
            {
                "identifiant": str(c.public_id),
                "nom": c.name,
                "nom_court": c.short_name,
                "type": c.kind,
                "type_libelle": c.kind_label,
                "ville": c.city,
                "region_insee": c.region,
                "region": c.region_label,
                "adresse": c.address,
                "telephone": c.phone,
                "email": c.email,
                "presentation": c.presentation,
                "equipe": [
                    {"nom": m["name"], "fonction": m["role"], "specialite": m["specialty"]}
                    for m in c.team
                ],
                "maladies_suivies": _disease_list(c.diseases),
                "url": _url("directory:centre", centre_id=c.public_id),
            }
            for c in public_centres()
        ],
        "examens": [
            {
                "identifiant": str(t.public_id),
                "examen": t.name,
                "laboratoire": t.laboratory_name,
                "laboratoire_identifiant": str(t.laboratory) if t.laboratory else None,
                "ville": t.laboratory_city,
                "indications": _disease_list(t.indications),
                "indication": t.indication_text,
                "prelevement": t.sample,
                "delai_de_rendu": t.turnaround,
                "modalites_d_envoi": t.how_to_send,
                "contact": t.contact,
                "url": _url("directory:test", test_id=t.public_id),
            }
            for t in public_tests()
        ],
    }
