"""Labels of the pure packages' values, for the templates."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.translation import gettext_lazy as _

from filiere.clinical.transfusion import Exclusion, Pattern, RunRole, Verdict, Window

register = template.Library()

_VERDICTS = {
    Verdict.EFFECTIVE: (_("efficace"), "badge-ok"),
    Verdict.INEFFECTIVE: (_("inefficace"), "badge-alert"),
    Verdict.NOT_ASSESSABLE: (_("non évaluable"), ""),
}
_WINDOWS = {
    Window.ONE_HOUR: _("1 h"),
    Window.TWENTY_FOUR_HOURS: _("24 h"),
    Window.OUT_OF_WINDOW: _("hors fenêtre"),
}
_ROLES = {
    RunRole.COUNTED: _("compte pour l'inefficacité"),
    RunRole.RESET: _("efficace : remet la série à zéro"),
    RunRole.SKIPPED: _("non compté"),
}
_EXCLUSIONS = {
    Exclusion.NOT_ASSESSABLE: _("non évaluable"),
    Exclusion.ABO_INCOMPATIBLE: _("ABO incompatible"),
    Exclusion.ABO_UNKNOWN: _("relation ABO inconnue"),
    Exclusion.STORED_TOO_LONG: _("produit conservé 72 h ou plus"),
    Exclusion.STORAGE_UNKNOWN: _("âge du produit inconnu"),
}
_PATTERNS = {
    Pattern.IMMUNE_SUSPECTED: _("réfractaire : cause immune suspectée"),
    Pattern.NON_IMMUNE: _("réfractaire : consommation probable"),
    Pattern.UNDETERMINED: _("réfractaire : profil indéterminé"),
}


@register.filter
def pattern_short(pattern: Pattern | None) -> str:
    return str(_("réfractaire")) if pattern is None else str(_PATTERNS[Pattern(pattern)])


@register.filter
def verdict_label(verdict: Verdict) -> str:
    return str(_VERDICTS[Verdict(verdict)][0])


@register.filter
def verdict_class(verdict: Verdict) -> str:
    return _VERDICTS[Verdict(verdict)][1]


@register.filter
def window_label(window: Window) -> str:
    return str(_WINDOWS[Window(window)])


@register.filter
def role_label(role: RunRole) -> str:
    return str(_ROLES[RunRole(role)])


@register.filter
def exclusion_labels(exclusions: Iterable[Exclusion]) -> str:
    return ", ".join(str(_EXCLUSIONS[Exclusion(e)]) for e in exclusions)


@register.filter
def mfi(value: int | None) -> str:
    """12500 → "12 500" (narrow no-break space, as French typography writes thousands)."""
    return "—" if value is None else f"{value:,}".replace(",", "\u202f")
