"""Reads of nomenclature data: code checks, searches, the ORPHA hierarchy and disease groups."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Protocol, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from filiere.lib.names import search_key
from filiere.nomenclature import hpo
from filiere.nomenclature.models import (
    DiseaseGroup,
    Gene,
    HpoFrenchLabel,
    HpoFrenchName,
    Icd10Code,
    OrphaConcept,
    Transcript,
)

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


def orpha_concepts(codes: Iterable[str], *, field: str, label: str) -> list[OrphaConcept]:
    """The ORPHA concepts of ``codes`` (blanks skipped, each concept once), each checked against
    the loaded nomenclature; every refused code is named in one error on ``field``, after
    ``label``."""
    concepts: list[OrphaConcept] = []
    problems: list[str] = []
    for code in codes:
        if not code.strip():
            continue
        try:
            concept = get_orpha_concept(code)
        except ValidationError as error:
            problems.extend(
                _("%(label)s : %(message)s") % {"label": label, "message": message}
                for message in error.messages
            )
            continue
        if concept not in concepts:
            concepts.append(concept)
    if problems:
        raise ValidationError({field: problems})
    return concepts


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


def _unversioned(accession: str) -> str:
    return accession.strip().split(".")[0].upper()


def transcript_of_accession(accession: str) -> Transcript | None:
    """Return the known transcript with this RefSeq or Ensembl accession, whatever its version."""
    base = _unversioned(accession)
    found = Transcript.objects.select_related("gene")
    if base.startswith("ENST"):
        return found.filter(ensembl_transcript__startswith=f"{base}.").first()
    return found.filter(accession=base).first()


def transcript_of_protein(accession: str) -> Transcript | None:
    """Return the known transcript coding this RefSeq or Ensembl protein, whatever its version."""
    base = _unversioned(accession)
    return (
        Transcript.objects.select_related("gene")
        .filter(protein_accession__startswith=f"{base}.")
        .first()
    )


def transcripts_of_gene(gene: Gene) -> list[Transcript]:
    """Return the gene's known transcripts, MANE Select first."""
    return sorted(
        Transcript.objects.filter(gene=gene),
        key=lambda t: (t.mane_status != Transcript.ManeStatus.SELECT, t.accession),
    )


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


def hpo_in_french(language: str | None = None) -> bool:
    """Whether HPO terms are shown in French: a French interface (the default language)."""
    return (language or get_language() or "fr").split("-")[0] == "fr"


def hpo_french_labels(hpo_ids: Iterable[str]) -> dict[str, str]:
    """Return {HPO id: official French label} for the ids that have one (one query)."""
    wanted = set(hpo_ids)
    if not wanted:
        return {}
    rows = HpoFrenchLabel.objects.filter(hpo_id__in=wanted, is_obsolete=False)
    return dict(rows.values_list("hpo_id", "label"))


class RecordedPhenotype(Protocol):
    hpo_id: str
    hpo_label: str


P = TypeVar("P", bound=RecordedPhenotype)


def with_hpo_labels(
    observations: Iterable[P], *, language: str | None = None
) -> list[tuple[P, str]]:
    """Return (observation, label to show): the French label in a French interface when the
    translation has one, else the English label recorded with the observation."""
    observations = list(observations)
    french = hpo_french_labels(o.hpo_id for o in observations) if hpo_in_french(language) else {}
    return [(o, french.get(o.hpo_id, o.hpo_label)) for o in observations]


def hpo_search_terms(
    text: str, *, limit: int = 20, language: str | None = None
) -> list[hpo.HpoTerm]:
    """Return the HPO terms matching ``text``, labelled in the interface's language.

    In French: French labels and exact synonyms, and English labels (a clinician may type
    "thrombocytopenia"), accents and case ignored; each term shown with its French label, or
    its English one when the translation has none. Exact names first, then prefixes.
    """
    if not hpo_in_french(language):
        return hpo.hpo_search(text, limit=limit)
    query = text.strip()
    if hpo.HPO_ID.match(query.upper()):
        term = hpo.hpo_term(query.upper())
        if term is None:
            return []
        label = hpo_french_labels([term.id]).get(term.id)
        return [hpo.HpoTerm(term.id, label or term.name, french=label is not None)]
    wanted = search_key(query)
    if len(wanted) < 3:
        return []
    # (rank, id, matched name); the English labels compete with the French names.
    found: dict[str, tuple[tuple[int, int], str]] = {}

    def offer(hpo_id: str, folded: str, name: str) -> None:
        rank = hpo.match_rank(folded, wanted)
        if hpo_id not in found or rank < found[hpo_id][0]:
            found[hpo_id] = (rank, name)

    for folded, hpo_id, name in _french_names_matching(wanted, limit):
        offer(hpo_id, folded, name)
    for folded, hpo_id, name in hpo.hpo_english_matches(wanted):
        offer(hpo_id, folded, name)
    current = hpo.current_hpo_ids()
    best = sorted(
        (rank, hpo_id, name) for hpo_id, (rank, name) in found.items() if hpo_id in current
    )[:limit]
    french = hpo_french_labels(hpo_id for _rank, hpo_id, _name in best)
    terms = []
    for _rank, hpo_id, name in best:
        label = french.get(hpo_id) or current[hpo_id]
        matched = name if search_key(name) != search_key(label) else ""
        terms.append(hpo.HpoTerm(hpo_id, label, matched, french=hpo_id in french))
    return terms


def _french_names_matching(wanted: str, limit: int) -> list[tuple[str, str, str]]:
    """(folded, id, name) of the French names containing ``wanted``: the names that start with
    it first (a range on the indexed column), the others only when those are too few."""
    names = HpoFrenchName.objects.order_by().values_list("folded", "hpo_id", "name")
    rows = list(names.filter(folded__gte=wanted, folded__lt=wanted + "\uffff"))
    if len({hpo_id for _f, hpo_id, _n in rows}) < limit:
        # A linguistic collation (PostgreSQL) may order the range differently: the scan
        # finds whatever the range missed.
        seen = set(rows)
        rows += [row for row in names.filter(folded__contains=wanted) if row not in seen]
    return rows
