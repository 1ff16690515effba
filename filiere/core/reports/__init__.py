"""The yearly activity report of a centre or of the whole network, generated from the records.

Each module contributes its section through ``register_section``, called from its ``apps.py``
``ready()``: core knows no clinical module. The report reads whatever is registered; the parts a
centre reports that no module records yet (therapeutic education, guideline work, events) are
printed « non renseigné » rather than left out, so that nobody mistakes them for zero.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

NOT_RECORDED = "non renseigné"

Value = int | float | str | None


@dataclass(frozen=True)
class ReportPeriod:
    """A calendar year, for one centre (``centre``) or the whole network (None)."""

    year: int
    centre: Any = None

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 1, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.year, 12, 31)

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """[1 January 00:00, next 1 January 00:00) in the local time zone."""
        zone = timezone.get_current_timezone()
        start = dt.datetime.combine(self.start, dt.time.min, tzinfo=zone)
        return start, dt.datetime.combine(dt.date(self.year + 1, 1, 1), dt.time.min, tzinfo=zone)

    @property
    def scope_label(self) -> str:
        return str(self.centre) if self.centre is not None else "Réseau (tous les centres)"


@dataclass(frozen=True)
class Figure:
    label: str
    value: Value
    definition: str
    unit: str = ""


@dataclass(frozen=True)
class Table:
    title: str
    header: list[str]
    rows: list[list[Value]]


@dataclass(frozen=True)
class Chart:
    """A bar chart (one series), drawn beside its table."""

    title: str
    labels: list[str]
    values: list[float]


@dataclass
class Section:
    title: str
    figures: list[Figure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    note: str = ""

    @property
    def empty(self) -> bool:
        numbers = [f.value for f in self.figures if isinstance(f.value, int | float)]
        return not any(numbers) and not any(t.rows for t in self.tables)


SectionBuilder = Callable[[ReportPeriod], Section]

_builders: dict[str, tuple[int, SectionBuilder]] = {}

# What a network reports every year, by the key of the section that will record it: printed
# « non renseigné » until a module registers a section under that key.
UNRECORDED: dict[str, tuple[str, str]] = {
    "education": (
        "Éducation thérapeutique",
        "Journées et séances d'éducation thérapeutique (ETP)",
    ),
    "guidelines": (
        "Protocoles nationaux (PNDS)",
        "Avancement des protocoles nationaux de diagnostic et de soins",
    ),
    "events": ("Événements", "Journées, congrès et réunions de la filière"),
}


def register_section(key: str, builder: SectionBuilder, *, position: int) -> None:
    """Add (or replace) a module's section; sections print in ``position`` order."""
    _builders[key] = (position, builder)


def activity_report(
    period: ReportPeriod, *, on_progress: Callable[[int, int], None] | None = None
) -> list[Section]:
    """Every registered section for ``period``, then the parts no module records yet.
    ``on_progress(done, total)`` is called after each section (the background job's page)."""
    builders = [builder for _, builder in sorted(_builders.values(), key=lambda b: b[0])]
    sections = []
    for builder in builders:
        sections.append(builder(period))
        if on_progress is not None:
            on_progress(len(sections), len(builders))
    for key, (title, what) in UNRECORDED.items():
        if key in _builders:
            continue
        sections.append(
            Section(title, [Figure(what, NOT_RECORDED, "Aucun module ne l'enregistre encore.")])
        )
    return sections


def report_is_empty(sections: list[Section]) -> bool:
    return all(section.empty for section in sections)


CSV_HEADER = ["Rubrique", "Indicateur", "Valeur", "Unité", "Définition"]


def csv_rows(period: ReportPeriod, sections: list[Section]) -> list[list[Value]]:
    """Every figure of the report with its definition, then every table row."""
    rows: list[list[Value]] = [
        ["Rapport", "Année", period.year, "", ""],
        ["Rapport", "Périmètre", period.scope_label, "", ""],
    ]
    for section in sections:
        for figure in section.figures:
            rows.append([section.title, figure.label, figure.value, figure.unit, figure.definition])
        for table in section.tables:
            for row in table.rows:
                label = " — ".join(str(c) for c in row[:-1] if c not in (None, ""))
                rows.append([section.title, f"{table.title} : {label}", row[-1], "", ""])
    return rows
