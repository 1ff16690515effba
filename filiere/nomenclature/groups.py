"""The network's disease groups: one classifier for the patient list, the RCP statistics, the
follow-up rhythm and the care card.

A group holds ORPHA root codes, with every code below them in the Orphanet classification, and
ICD-10 prefixes for diagnoses coded in ICD-10 only. Two classifiers (ORPHA only for the list and
the statistics, ORPHA + ICD-10 for follow-up) once put the same patient in a group on one page
and in « Sans groupe » on another.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from filiere.nomenclature.models import DiseaseGroup, OrphaConcept
from filiere.nomenclature.selectors import disease_group_codes

UNGROUPED = "Sans groupe (ou non diagnostiqué)"


def icd10_prefixes(text: str) -> list[str]:
    """« D69, d68.0 » → ["D69", "D68.0"]."""
    return [prefix.strip().upper() for prefix in text.split(",") if prefix.strip()]


def diagnoses_in_group(group: DiseaseGroup, path: str = "") -> Q:
    """The condition on diagnoses (or on rows reaching them by ``path``, e.g. "diagnoses__")
    whose ORPHA code is under one of the group's roots or whose ICD-10 code has its prefix."""
    condition = Q(**{f"{path}orpha__code__in": disease_group_codes(group)})
    for prefix in icd10_prefixes(group.icd10_prefixes):
        condition |= Q(**{f"{path}icd10__code__istartswith": prefix})
    return condition


@dataclass
class GroupIndex:
    """Which of the network's disease groups an ORPHA or ICD-10 code belongs to.

    A group holds its ORPHA root codes and every code below them; the ancestors of a code are
    read from the loaded classification once and kept for the life of the index.
    """

    roots: dict[int, set[int]]  # ORPHA root code -> group ids
    icd10_roots: list[tuple[str, int]]  # (ICD-10 prefix, group id)
    names: dict[int, str] = field(default_factory=dict)
    ancestors: dict[int, frozenset[int]] = field(default_factory=dict)

    @classmethod
    def load(cls) -> GroupIndex:
        roots: dict[int, set[int]] = {}
        through = DiseaseGroup.orpha_roots.through
        for group_id, code in through.objects.values_list("diseasegroup_id", "orphaconcept__code"):
            roots.setdefault(code, set()).add(group_id)
        prefixes = [
            (prefix, group_id)
            for group_id, text in DiseaseGroup.objects.values_list("pk", "icd10_prefixes")
            for prefix in icd10_prefixes(text)
        ]
        return cls(roots, prefixes, dict(DiseaseGroup.objects.values_list("pk", "name")))

    def _load_ancestors(self, codes: set[int]) -> None:
        parents: dict[int, set[int]] = {}
        through = OrphaConcept.parents.through
        frontier = set(codes)
        while frontier:
            for code in frontier:
                parents.setdefault(code, set())
            for child, parent in through.objects.filter(
                from_orphaconcept__code__in=frontier
            ).values_list("from_orphaconcept__code", "to_orphaconcept__code"):
                parents[child].add(parent)
            frontier = {p for c in frontier for p in parents[c]} - set(parents)
        for code in codes:
            seen, stack = {code}, [code]
            while stack:
                for parent in parents.get(stack.pop(), ()):
                    if parent not in seen:
                        seen.add(parent)
                        stack.append(parent)
            self.ancestors[code] = frozenset(seen)

    def groups_of(self, orpha_codes: Iterable[int], icd10_codes: Iterable[str] = ()) -> set[int]:
        codes = set(orpha_codes)
        missing = codes - set(self.ancestors)
        if missing:
            self._load_ancestors(missing)
        found = {
            group_id
            for code in codes
            for ancestor in self.ancestors[code]
            for group_id in self.roots.get(ancestor, ())
        }
        for code in icd10_codes:
            found.update(g for prefix, g in self.icd10_roots if code.upper().startswith(prefix))
        return found

    def group_names(self, orpha_codes: Iterable[int], icd10_codes: Iterable[str] = ()) -> set[str]:
        return {self.names[i] for i in self.groups_of(orpha_codes, icd10_codes) if i in self.names}


def snapshot_codes(snapshot: dict[str, Any]) -> tuple[list[int], list[str]]:
    """The ORPHA and ICD-10 codes of a case's registry snapshot (older snapshots carry the
    ICD-10 code only in « CIM-10 D69.1 »)."""
    orpha: list[int] = []
    icd10: list[str] = []
    for diagnosis in snapshot.get("diagnoses", []):
        if diagnosis.get("orpha"):
            orpha.append(int(diagnosis["orpha"]))
        elif diagnosis.get("icd10"):
            icd10.append(str(diagnosis["icd10"]))
        elif str(diagnosis.get("code", "")).startswith("CIM-10 "):
            icd10.append(str(diagnosis["code"]).removeprefix("CIM-10 "))
    return orpha, icd10
