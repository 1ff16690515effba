"""``{% record_actions record can_edit %}``: correct, withdraw and history links of a record."""

from __future__ import annotations

from typing import Any

from django import template

from filiere.core.corrections import kind_of

register = template.Library()


@register.inclusion_tag("core/record_actions.html")
def record_actions(record: Any, can_edit: bool = False) -> dict[str, Any]:
    kind = kind_of(record)
    return {
        "kind": kind,
        "record": record,
        "patient_id": record.patient.public_id,
        "can_edit": can_edit,
    }
