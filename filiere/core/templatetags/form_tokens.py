"""``{% form_token %}``: the one-time token of a creating form (filiere/core/submissions.py)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from filiere.core.submissions import FIELD, new_form_token

register = template.Library()


@register.simple_tag
def form_token() -> SafeString:
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_form_token())
