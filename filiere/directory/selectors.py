"""Reads of the directory: the published entries for the public, the drafts for their editors.

The public reads come from the published versions only, and from the cache (``cache.py``); the
centre's address, phone and e-mail are read from the centre itself.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from django.db.models import Q, QuerySet

from filiere.access.directory import directory_centre_ids
from filiere.directory.cache import directory_cached
from filiere.directory.models import CentreProfile, DiagnosticTest
from filiere.lib.names import search_key
from filiere.network.models import Centre, Region


@dataclass(frozen=True)
class Disease:
    code: int
    label: str

    @property
    def curie(self) -> str:
        return f"ORPHA:{self.code}"


@dataclass(frozen=True)
class PublicCentre:
    """A centre as the public directory shows it (codes kept: labels in the page's language)."""

    public_id: uuid.UUID
    name: str
    short_name: str
    kind: str
    city: str
    region: str
    address: str
    phone: str
    email: str
    presentation: str
    team: tuple[dict[str, str], ...]
    diseases: tuple[Disease, ...]

    @property
    def kind_label(self) -> str:
        return str(Centre.Kind(self.kind).label)

    @property
    def region_label(self) -> str:
        return str(Region(self.region).label)


@dataclass(frozen=True)
class PublicTest:
    public_id: uuid.UUID
    name: str
    laboratory: uuid.UUID | None
    laboratory_name: str
    laboratory_city: str
    indications: tuple[Disease, ...]
    indication_text: str
    sample: str
    turnaround: str
    how_to_send: str
    contact: str


@dataclass(frozen=True)
class RegionGroup:
    code: str
    centres: list[PublicCentre] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(Region(self.code).label)


def _diseases(items: list[dict[str, Any]]) -> tuple[Disease, ...]:
    return tuple(Disease(int(item["code"]), str(item["label"])) for item in items)


def _published_profiles() -> QuerySet[CentreProfile]:
    return (
        CentreProfile.objects.filter(published_at__isnull=False, centre__is_active=True)
        .select_related("centre")
        .order_by("centre__name")
    )


def _published_tests() -> QuerySet[DiagnosticTest]:
    return (
        DiagnosticTest.objects.filter(published_at__isnull=False)
        .exclude(laboratory__is_active=False)
        .order_by("name", "pk")
    )


def _public_centre(profile: CentreProfile) -> PublicCentre:
    centre, published = profile.centre, profile.published
    return PublicCentre(
        public_id=centre.public_id,
        name=centre.name,
        short_name=centre.short_name,
        kind=centre.kind,
        city=centre.city,
        region=centre.region,
        address=centre.address,
        phone=centre.phone,
        email=centre.email,
        presentation=str(published.get("presentation", "")),
        team=tuple(published.get("team", [])),
        diseases=_diseases(published.get("diseases", [])),
    )


def _public_test(test: DiagnosticTest) -> PublicTest:
    published = test.published
    laboratory = published.get("laboratory")
    return PublicTest(
        public_id=test.public_id,
        name=str(published["name"]),
        laboratory=uuid.UUID(laboratory) if laboratory else None,
        laboratory_name=str(published["laboratory_name"]),
        laboratory_city=str(published.get("laboratory_city", "")),
        indications=_diseases(published.get("indications", [])),
        indication_text=str(published.get("indication_text", "")),
        sample=str(published["sample"]),
        turnaround=str(published["turnaround"]),
        how_to_send=str(published["how_to_send"]),
        contact=str(published["contact"]),
    )


def public_centres() -> list[PublicCentre]:
    """Return the published centres, by name (cached until the next publication)."""
    return directory_cached(
        "centres", lambda: [_public_centre(profile) for profile in _published_profiles()]
    )


def public_tests() -> list[PublicTest]:
    """Return the published diagnostic tests, by name (cached until the next publication)."""
    return directory_cached("tests", lambda: [_public_test(test) for test in _published_tests()])


def public_centre(public_id: uuid.UUID) -> PublicCentre | None:
    return next((c for c in public_centres() if c.public_id == public_id), None)


def public_test(public_id: uuid.UUID) -> PublicTest | None:
    return next((t for t in public_tests() if t.public_id == public_id), None)


def tests_of_laboratory(public_id: uuid.UUID) -> list[PublicTest]:
    return [test for test in public_tests() if test.laboratory == public_id]


def centres_by_region(centres: list[PublicCentre]) -> list[RegionGroup]:
    """The centres grouped by region, the regions in their INSEE code order."""
    ordered = sorted(centres, key=lambda centre: (centre.region, centre.name))
    return [
        RegionGroup(code, list(members))
        for code, members in groupby(ordered, key=lambda centre: centre.region)
    ]


def _matching(words: list[str]) -> Q:
    condition = Q()
    for word in words:
        condition &= Q(search_text__contains=word)
    return condition


def directory_search(query: str) -> tuple[list[PublicCentre], list[PublicTest]]:
    """Return the published centres and tests whose every word of ``query`` appears in their
    name, city, region, diseases (name or ORPHA code) or, for a test, its laboratory.

    Both sides are compared lowercased and without accents (``search_key``): « hemostase »
    finds « Hémostase » on SQLite as on PostgreSQL, without the ``unaccent`` extension.
    """
    words = search_key(query).split()
    if not words:
        return public_centres(), public_tests()
    centres = [_public_centre(p) for p in _published_profiles().filter(_matching(words))]
    tests = [_public_test(t) for t in _published_tests().filter(_matching(words))]
    return centres, tests


# --- The editors' side ------------------------------------------------------------------------


def editable_centres(user: Any) -> QuerySet[Centre]:
    """Return the active centres whose directory profile the user edits."""
    ids = directory_centre_ids(user)
    centres = Centre.objects.filter(is_active=True).order_by("name")
    return centres if ids is None else centres.filter(pk__in=ids)


def editable_tests(user: Any) -> QuerySet[DiagnosticTest]:
    ids = directory_centre_ids(user)
    tests = DiagnosticTest.objects.select_related("laboratory").order_by("name", "pk")
    return tests if ids is None else tests.filter(laboratory_id__in=ids)


def profiles_by_centre(centres: QuerySet[Centre]) -> dict[int, CentreProfile]:
    return {
        profile.centre_id: profile for profile in CentreProfile.objects.filter(centre__in=centres)
    }


def draft_of(centre: Centre) -> CentreProfile | None:
    return CentreProfile.objects.filter(centre=centre).prefetch_related("team", "diseases").first()
