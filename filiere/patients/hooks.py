"""What other modules do when the registry changes which centres follow a patient.

The registry's services call ``care_episodes_changed`` in their own transaction after every
change of care episodes (inclusion, a new centre, end of follow-up, merge); a module that keeps
data per following centre (follow-up due dates) registers a listener when it starts. Unlike a
model signal, the call is visible in the service that makes the change, and nothing bypasses it
silently: care episodes are written by these services only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

CareEpisodeListener = Callable[[list[int]], object]

_listeners: list[CareEpisodeListener] = []


def register_care_episode_listener(listener: CareEpisodeListener) -> None:
    """Call ``listener`` with the ids of the patients whose care episodes changed."""
    if listener not in _listeners:
        _listeners.append(listener)


def care_episodes_changed(patient_ids: Iterable[int]) -> None:
    ids = sorted(set(patient_ids))
    if not ids:
        return
    for listener in _listeners:
        listener(ids)
