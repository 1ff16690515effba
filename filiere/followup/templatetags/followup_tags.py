from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: Mapping[str, Any], key: str) -> Any:
    """Return ``mapping[key]`` (or nothing) in a template."""
    return mapping.get(key, ()) if mapping else ()
