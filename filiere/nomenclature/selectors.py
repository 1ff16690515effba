"""Reads of nomenclature data: code checks, searches, the ORPHA hierarchy and disease groups."""

from __future__ import annotations

import re
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from filiere.lib.names import search_key
from filiere.nomenclature.models import DiseaseGroup, Gene, Icd10Code, OrphaConcept

ORPHA_PATTERN = re.compile(r"^\s*(?:ORPHA\s*:?\s*)?(\d{1,7})\s*$", re.IGNORECASE)
ICD10_PATTERN = re.compile(r"^[A-Z]\d{2}(?:\.\d{1,2})?$")
# The code Orphanet recommends for a diagnostic dead end (RD-CODE, Orphanet J Rare Dis 2024).
UNDIAGNOSED_ORPHA_CODE = 616874


def parse_orpha_code(text: str | int) -> int:
    match = ORPHA_PATTERN.match(str(text))
    if not match:
        raise ValidationError(f"« {text} » n'est pas un code ORPHA (par exemple ORPHA:849).")
    return int(match.group(1))


def get_orpha_concept(code: str | int, *, allow_obsolete: bool = False) -> OrphaConcept:
    """Return the ORPHA concept, or refuse a code the loaded nomenclature does not know."""
    number = parse_orpha_code(code)
    concept = OrphaConcept.objects.filter(code=number).first()
    if concept is None:
        raise ValidationError(f"Code ORPHA:{number} inconnu de la nomenclature chargée.")
    if concept.is_obsolete and not allow_obsolete:
        raise ValidationError(f"Code ORPHA:{number} obsolète : choisissez le code actuel.")
    return concept


def get_icd10_code(code: str) -> Icd10Code:
    normalised = code.strip().upper()
    if not ICD10_PATTERN.match(normalised):
        raise ValidationError(f"« {code} » n'est pas un code CIM-10 (par exemple D69.1).")
    found = Icd10Code.objects.filter(code=normalised).first()
    if found is None:
        raise ValidationError(f"Code CIM-10 {normalised} inconnu de la nomenclature chargée.")
    return found


def get_gene(symbol: str) -> Gene:
    found = Gene.objects.filter(symbol=symbol.strip().upper(), is_obsolete=False).first()
    if found is None:
        raise ValidationError(f"Gène « {symbol} » inconnu de la nomenclature HGNC chargée.")
    return found


def orpha_search(text: str, limit: int = 20) -> QuerySet[OrphaConcept]:
    query = text.strip()
    concepts = OrphaConcept.objects.filter(is_obsolete=False)
    match = ORPHA_PATTERN.match(query)
    if match:
        return concepts.filter(code=int(match.group(1)))[:limit]
    words = search_key(query).split()
    if not words:
        return concepts.none()
    for word in words:
        concepts = concepts.filter(search_key__contains=word)
    return concepts.order_by("code")[:limit]


def orpha_descendant_codes(roots: set[int]) -> set[int]:
    """Return the root codes and every code below them in the loaded classification."""
    children: dict[int, set[int]] = defaultdict(set)
    through = OrphaConcept.parents.through
    pairs = through.objects.values_list("from_orphaconcept__code", "to_orphaconcept__code")
    for child, parent in pairs:
        children[parent].add(child)
    found, stack = set(roots), list(roots)
    while stack:
        for child in children.get(stack.pop(), ()):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


def disease_group_codes(group: DiseaseGroup) -> set[int]:
    return orpha_descendant_codes(set(group.orpha_roots.values_list("code", flat=True)))


def disease_groups() -> QuerySet[DiseaseGroup]:
    return DiseaseGroup.objects.prefetch_related("orpha_roots")


def disease_group_of_codes() -> dict[int, DiseaseGroup]:
    """Return {ORPHA code: its disease group} for every grouped code (first group wins)."""
    result: dict[int, DiseaseGroup] = {}
    for group in disease_groups():
        for code in disease_group_codes(group):
            result.setdefault(code, group)
    return result
