"""``{{ age|age_label }}``: an age the way clinicians write it (never "0 ans")."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext, ngettext

from filiere.lib.ages import Age, AgeUnit, age_display

register = template.Library()


@register.filter
def age_label(age: Age | None) -> str:
    """Return "17 ans", "11 mois", "12 jours" or "moins d'un mois" (see ``age_display``)."""
    if age is None:
        return ""
    number, unit = age_display(age)
    if number is None or unit is AgeUnit.UNDER_A_MONTH:
        return gettext("moins d'un mois")
    if unit is AgeUnit.YEARS:
        return ngettext("%(n)d an", "%(n)d ans", number) % {"n": number}
    if unit is AgeUnit.MONTHS:
        return ngettext("%(n)d mois", "%(n)d mois", number) % {"n": number}
    return ngettext("%(n)d jour", "%(n)d jours", number) % {"n": number}
