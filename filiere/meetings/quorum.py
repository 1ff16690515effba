"""The quorum of a case meeting (RCP): pure rules, no Django.

A recommendation is valid when physicians of at least ``minimum`` different specialties are
present, the series' required specialties among them (HAS, "Fiche méthode RCP", 2014: at least
three physicians of different specialties). One physician counts for one specialty only
(3C audit grids), even when they hold several qualifications: the check is a maximum bipartite
matching between present physicians and specialties, the required specialties matched first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

# A physician of the narrower specialty may stand for the broader one (a paediatric
# haematologist is a haematologist; a molecular geneticist answers for genetics).
BROADER: Mapping[str, tuple[str, ...]] = {
    "paediatric_haematology": ("haematology",),
    "molecular_genetics": ("medical_genetics",),
}

MINIMUM_SPECIALTIES = 3


@dataclass(frozen=True)
class Attendee:
    """A present participant: ``specialties`` lists the main one first."""

    key: str
    name: str
    specialties: tuple[str, ...]
    physician: bool = True

    def candidates(self) -> tuple[str, ...]:
        found: list[str] = []
        for specialty in self.specialties:
            for option in (specialty, *BROADER.get(specialty, ())):
                if option not in found:
                    found.append(option)
        return tuple(found)


@dataclass(frozen=True)
class QuorumRule:
    required: frozenset[str] = frozenset()
    minimum: int = MINIMUM_SPECIALTIES


@dataclass(frozen=True)
class QuorumResult:
    met: bool
    minimum: int
    required: frozenset[str]
    # Attendee key -> the one specialty that physician counts for.
    assignment: Mapping[str, str] = field(default_factory=dict)
    missing_required: frozenset[str] = frozenset()

    @property
    def covered(self) -> frozenset[str]:
        return frozenset(self.assignment.values())

    @property
    def distinct_count(self) -> int:
        return len(self.assignment)

    def as_record(self, attendees: Iterable[Attendee]) -> dict[str, Any]:
        """Return a JSON-ready record of the check, kept with a signed recommendation."""
        return {
            "met": self.met,
            "minimum": self.minimum,
            "required": sorted(self.required),
            "missing_required": sorted(self.missing_required),
            "specialties_counted": sorted(self.covered),
            "attendees": [
                {
                    "key": attendee.key,
                    "name": attendee.name,
                    "specialties": list(attendee.specialties),
                    "physician": attendee.physician,
                    "counted_for": self.assignment.get(attendee.key, ""),
                }
                for attendee in attendees
            ],
        }


def _augment(
    specialty: str,
    edges: Mapping[str, list[str]],
    owner: dict[str, str],
    held: dict[str, str],
    seen: set[str],
) -> bool:
    """Kuhn's augmenting path from ``specialty`` to a free physician."""
    for key in edges.get(specialty, []):
        if key in seen:
            continue
        seen.add(key)
        current = held.get(key)
        if current is None or _augment(current, edges, owner, held, seen):
            owner[specialty] = key
            held[key] = specialty
            return True
    return False


def evaluate(rule: QuorumRule, attendees: Iterable[Attendee]) -> QuorumResult:
    """Return whether ``attendees`` meet ``rule``, and what each physician counts for."""
    people = [a for a in attendees if a.physician]
    edges: dict[str, list[str]] = {}
    # In the given order: the caller lists first those who should count first (coordinator,
    # permanent experts), so that the record names them.
    for attendee in people:
        for specialty in attendee.candidates():
            edges.setdefault(specialty, []).append(attendee.key)
    owner: dict[str, str] = {}  # specialty -> attendee key
    held: dict[str, str] = {}  # attendee key -> specialty
    # Required specialties first; augmenting paths never unmatch a matched vertex, so the
    # required ones stay covered while the others are added, and the final matching is maximum.
    for specialty in sorted(rule.required):
        _augment(specialty, edges, owner, held, set())
    for specialty in sorted(set(edges) - rule.required):
        _augment(specialty, edges, owner, held, set())
    missing = frozenset(s for s in rule.required if s not in owner)
    met = not missing and len(owner) >= rule.minimum
    return QuorumResult(
        met=met,
        minimum=rule.minimum,
        required=rule.required,
        assignment=dict(held),
        missing_required=missing,
    )
