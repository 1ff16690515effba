"""The network's own pseudonym for a patient: a short random code clinicians can read aloud.

It is drawn at random (never derived from identity), so it reveals nothing. The national
rare-disease identifier (IdMR) is a different thing: it is computed by the national service and
only stored here as received.
"""

from __future__ import annotations

import re
import secrets

# Crockford's base-32 alphabet: no I, L, O or U, so that codes survive being read over the phone.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PREFIX = "MHE"
_PATTERN = re.compile(rf"^{PREFIX}-[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}$")


def new_pseudonym() -> str:
    """Return a fresh pseudonym such as ``MHE-7K3Q-9D2P`` (40 random bits)."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"{PREFIX}-{body[:4]}-{body[4:]}"


def normalise_pseudonym(text: str) -> str:
    """Return the canonical form of a typed pseudonym (case, spaces and I/L/O fixed)."""
    cleaned = re.sub(r"[\s\-]", "", text.upper()).translate(str.maketrans("ILO", "110"))
    if cleaned.startswith(PREFIX):
        cleaned = cleaned[len(PREFIX) :]
    if len(cleaned) != 8:
        return text.strip().upper()
    return f"{PREFIX}-{cleaned[:4]}-{cleaned[4:]}"


def is_pseudonym(text: str) -> bool:
    return bool(_PATTERN.match(text))


def is_valid_idmr(value: str) -> bool:
    """The national rare-disease identifier (IdMR) is 20 digits."""
    return len(value) == 20 and value.isdigit()
