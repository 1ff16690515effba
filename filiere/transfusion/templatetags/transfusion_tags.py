"""Labels of the pure packages' values, for the templates."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.translation import gettext_lazy as _

from filiere.clinical.transfusion import (
    CriterionResult,
    Exclusion,
    Index,
    Missing,
    NonImmuneCause,
    Pattern,
    RunRole,
    Verdict,
    VerdictRule,
    Window,
)
from filiere.transfusion.instructions import format_share

register = template.Library()

_VERDICTS = {
    Verdict.EFFECTIVE: (_("efficace"), "badge-ok"),
    Verdict.INEFFECTIVE: (_("inefficace"), "badge-alert"),
    Verdict.NOT_ASSESSABLE: (_("non évaluable"), ""),
}
# A window is named by its sampling delay, never as "10 à 30 min", which reads as a range.
_WINDOWS = {
    Window.ONE_HOUR: _("fenêtre 1 h (10–60 min après la fin)"),
    Window.TWENTY_FOUR_HOURS: _("fenêtre 24 h (18–24 h après la fin)"),
    Window.OUT_OF_WINDOW: _("hors fenêtre : ne juge rien"),
}
_ROLES = {
    RunRole.COUNTED: _("compte pour l'état réfractaire"),
    RunRole.RESET: _("efficace à 1 h : remet la série à zéro"),
    RunRole.SKIPPED: _("non compté"),
    RunRole.UNASSESSABLE: _("non évaluable"),
}
_EXCLUSIONS = {
    Exclusion.ABO_INCOMPATIBLE: _("ABO incompatible"),
    Exclusion.STORED_TOO_LONG: _("produit conservé 72 h ou plus"),
    Exclusion.NON_IMMUNE_CAUSE: _("CCI non interprétable"),
}
_MISSING = {
    Missing.ABO_RELATION: _("la relation ABO du produit"),
    Missing.PRODUCT_AGE: _("l'âge du produit"),
    Missing.PRE_COUNT: _("la numération avant transfusion"),
    Missing.ONE_HOUR_COUNT: _("une numération 10 à 60 min après la fin"),
    Missing.POST_COUNT: _("une numération dans une fenêtre"),
    Missing.DOSE: _("la dose"),
}
_CAUSES = {
    NonImmuneCause.BLEEDING: _("saignement actif"),
    NonImmuneCause.FEVER: _("fièvre"),
    NonImmuneCause.SEPSIS: _("sepsis"),
    NonImmuneCause.SPLENOMEGALY: _("splénomégalie"),
    NonImmuneCause.DIC: _("CIVD"),
}
_THRESHOLD = _("seuil")
_FALL = _("baisse")
_INDICES = {Index.PI: "PI", Index.RTP: "RTP", Index.CCI: "CCI"}
_RULES = {
    VerdictRule.CCI: _("le CCI décide"),
    VerdictRule.RTP: _("le RTP décide"),
    VerdictRule.PI: _("le PI décide"),
    VerdictRule.ALL: _("les trois indices doivent être atteints"),
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
def missing_labels(missing: Iterable[Missing]) -> str:
    return ", ".join(str(_MISSING[Missing(m)]) for m in missing)


@register.filter
def cause_labels(causes: Iterable[NonImmuneCause]) -> str:
    return ", ".join(str(_CAUSES[NonImmuneCause(c)]) for c in causes)


@register.filter
def rule_label(rule: VerdictRule) -> str:
    return str(_RULES[VerdictRule(rule)])


def _number(value: float, digits: int) -> str:
    return f"{value:.{digits}f}".replace(".", ",")


@register.filter
def criterion(result: CriterionResult) -> str:
    """ "CCI 4,6 < 5" or "RTP 30 % ≥ 30 %": the value as shown, its threshold and the sign;
    "CCI : baisse (seuil 7,5)" when the count fell."""
    index = Index(result.index)
    unit = " %" if index is Index.RTP else ""
    threshold = f"{result.threshold:g}".replace(".", ",") + unit
    if result.shown is None:
        return f"{_INDICES[index]} — ({_THRESHOLD} {threshold})"
    if result.value is not None and result.value < 0:
        # A fall gives negative indices: named as such, never as a number that could pass.
        return f"{_INDICES[index]} : {_FALL} ({_THRESHOLD} {threshold})"
    sign = "≥" if result.passed else "<"
    return f"{_INDICES[index]} {_number(result.shown, index.digits)}{unit} {sign} {threshold}"


@register.filter
def delay(minutes: float) -> str:
    """45 → "45 min", 1200 → "20 h", 1230 → "20 h 30": a delay after the end of transfusion."""
    whole = round(minutes)
    if whole < 120:
        return f"{whole} min"
    hours, rest = divmod(whole, 60)
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"


@register.filter
def mfi(value: int | None) -> str:
    """12500 → "12 500" (narrow no-break space, as French typography writes thousands)."""
    return "—" if value is None else f"{value:,}".replace(",", "\u202f")


@register.filter
def percent(share: float | None) -> str:
    """0.846 → "84,6 %" (a share shown as a French percentage)."""
    return format_share(share)
