"""The follow-up rhythm: expected intervals between visits, due dates and the due/overdue status.

No database here: the schedule services feed these functions with the rules and the patient's
disease groups, forms and last visit.

The default rhythm is the national cohort's (FranceCoag, MHEMO scientific council): severe and
moderate haemophilia yearly, minor haemophilia every 4 years, von Willebrand disease type 3 or 2N
yearly and other severe forms every 2 years, fibrinogen and FXIII deficiencies yearly and other
rare deficiencies every 4 years, registrable thrombocytopenias (Bernard-Soulier…) and
thrombopathies (Glanzmann…) every 2 years.
"""

from __future__ import annotations

import calendar
import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from filiere.lib.i18n import gettext_noop

# Without a rule for any of the patient's disease groups, a visit every 2 years.
DEFAULT_INTERVAL_MONTHS = 24
# A visit is "due" from 3 months before its expected date, "overdue" after it.
DUE_SOON_DAYS = 90


@dataclass(frozen=True, slots=True)
class DefaultRule:
    group_slug: str
    severity: str  # "" for every form of the disease
    interval_months: int
    note: str


_FC = "FranceCoag"
DEFAULT_RULES: tuple[DefaultRule, ...] = (
    DefaultRule("thrombopenies", "", 24, f"{_FC} : thrombopénies enregistrables, tous les 2 ans"),
    DefaultRule("thrombopathies", "", 24, f"{_FC} : thrombopathies enregistrables, tous les 2 ans"),
    *(
        rule
        for slug in ("hemophilie-a", "hemophilie-b")
        for rule in (
            DefaultRule(slug, "", 12, f"{_FC} : forme non précisée, suivie comme une forme sévère"),
            DefaultRule(slug, "severe", 12, f"{_FC} : hémophilie sévère, chaque année"),
            DefaultRule(slug, "moderate", 12, f"{_FC} : hémophilie modérée, chaque année"),
            DefaultRule(slug, "mild", 48, f"{_FC} : hémophilie mineure, tous les 4 ans"),
        )
    ),
    DefaultRule("willebrand", "", 24, f"{_FC} : formes sévères de type 1, 2A, 2M, tous les 2 ans"),
    DefaultRule("willebrand", "severe", 12, f"{_FC} : type 3 et type 2N, chaque année"),
    DefaultRule("willebrand", "mild", 48, "Forme mineure, tous les 4 ans"),
    DefaultRule("deficits-rares", "", 48, f"{_FC} : autres déficits rares, tous les 4 ans"),
    DefaultRule("deficits-rares", "severe", 12, f"{_FC} : fibrinogène et FXIII, chaque année"),
    DefaultRule("autres", "", 24, "Syndromes hémorragiques sans diagnostic précis, tous les 2 ans"),
)


class FollowUpStatus(enum.StrEnum):
    UP_TO_DATE = "up_to_date"
    DUE = "due"
    OVERDUE = "overdue"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]


# Marked for the catalogue; the pages translate them (``{% translate status.label %}``).
_STATUS_LABELS = {
    FollowUpStatus.UP_TO_DATE: gettext_noop("À jour"),
    FollowUpStatus.DUE: gettext_noop("Visite à prévoir"),
    FollowUpStatus.OVERDUE: gettext_noop("En retard"),
}


def add_months(day: dt.date, months: int) -> dt.date:
    """Return ``day`` moved by ``months`` (the 31st becomes the last day of a shorter month)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def status_on(next_due_on: dt.date, today: dt.date) -> FollowUpStatus:
    """Return whether the next visit is overdue, due soon, or not yet."""
    if next_due_on < today:
        return FollowUpStatus.OVERDUE
    if (next_due_on - today).days <= DUE_SOON_DAYS:
        return FollowUpStatus.DUE
    return FollowUpStatus.UP_TO_DATE


@dataclass(frozen=True, slots=True)
class Interval:
    months: int
    group_id: int | None  # the disease group whose rule applied
    rule_id: int | None  # None: the network's default interval


def interval_for(
    group_ids: Iterable[int], severity: str, rules: Mapping[tuple[int, str], tuple[int, int]]
) -> Interval:
    """Return the expected interval for a patient in these disease groups with this form.

    ``rules`` maps (group id, form or "") to (rule id, months). For each group the rule of the
    patient's form applies, else the group's rule for every form; across several groups (two
    diagnoses) the shortest interval wins, the more demanding follow-up.
    """
    groups = sorted(set(group_ids))
    found: list[Interval] = []
    for group_id in groups:
        rule = (rules.get((group_id, severity)) if severity else None) or rules.get((group_id, ""))
        if rule is not None:
            rule_id, months = rule
            found.append(Interval(months, group_id, rule_id))
    if not found:
        return Interval(DEFAULT_INTERVAL_MONTHS, groups[0] if groups else None, None)
    return min(found, key=lambda interval: (interval.months, interval.group_id or 0))
