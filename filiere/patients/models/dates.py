"""Partial dates (year, month, day) stored the national way, and their constraint."""

from __future__ import annotations

from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from filiere.lib.partial_dates import PartialDate


class PartialDateFields:
    """Helpers for the (year, month, day) triplets stored the national way."""

    @staticmethod
    def read(year: int | None, month: int | None, day: int | None) -> PartialDate | None:
        return None if year is None else PartialDate(year, month, day)


PARTIAL_DATE_LABELS = {
    "death": _("Date du décès"),
    "inclusion": _("Date d'inclusion"),
    "diagnosis": _("Date du diagnostic"),
}


def partial_date_constraint(prefix: str, model: str) -> models.CheckConstraint:
    """A day needs a month, a month needs a year."""
    label = PARTIAL_DATE_LABELS[prefix]
    return models.CheckConstraint(
        condition=(
            models.Q(**{f"{prefix}_day__isnull": True})
            | models.Q(**{f"{prefix}_month__isnull": False})
        )
        & (
            models.Q(**{f"{prefix}_month__isnull": True})
            | models.Q(**{f"{prefix}_year__isnull": False})
        ),
        name=f"{model}_{prefix}_date_is_a_partial_date",
        violation_error_message=format_lazy(
            _("{date} : un jour exige un mois, un mois exige une année."), date=label
        ),
    )
