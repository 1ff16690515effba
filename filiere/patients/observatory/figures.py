"""The diagnosis observatory's figures, counted from the registry's current records.

Definitions (each figure's CSV row repeats its own):
- a diagnosis counts when it is current (not withdrawn), not refuted, of a patient not merged;
  its centre is the centre of the diagnosis, its year the year of the diagnosis;
- diagnostic delay: ``filiere.clinical.diagnostic_delay`` (first signs → clinical diagnosis, and
  first signs → genetic diagnosis), as quartiles in months;
- a patient is in a diagnostic dead end at a centre when one of her diagnoses there is
  ORPHA:616874 or « équivoque » and none is confirmed; genetically confirmed when a confirmed
  diagnosis there has an age at genetic diagnosis;
- a dead end is resolved in year Y when the patient's dead-end diagnosis is followed by a
  confirmed diagnosis (recorded later) whose diagnosis year is Y;
- completeness: the national dataset's items most often left empty, per centre.

Network-wide figures mask counts of 1 to 4 patients (``filiere.lib.small_cells``); a quartile
over fewer than 5 diagnoses is not shown.

Counting takes seconds on a national registry (five aggregates over every diagnosis: 9 s at a
million patients): the page shows a snapshot (``observatory_snapshot``) kept in the cache for
``OBSERVATORY_CACHE_MINUTES`` and says when it was computed; its reader may recompute it, and the
scheduler computes the network's and each centre's every night (``observatory_warm``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from filiere.access.patients import ReportScope
from filiere.clinical import diagnostic_delay as dd
from filiere.lib.small_cells import THRESHOLD, Cell, shown
from filiere.network.models import Centre
from filiere.nomenclature.groups import UNGROUPED, GroupIndex
from filiere.nomenclature.selectors import UNDIAGNOSED_ORPHA_CODE
from filiere.patients.models import (
    AgeCategory,
    CareEpisode,
    Diagnosis,
    DiagnosisStatus,
)

CONFIRMED = DiagnosisStatus.CONFIRMED
DEAD_END = Q(orpha__code=UNDIAGNOSED_ORPHA_CODE) | Q(status=DiagnosisStatus.EQUIVOCAL)


def _age_months(prefix: str) -> Case:
    """The SQL twin of ``diagnostic_delay.age_in_months`` for one of the three ages."""
    years, months = F(f"{prefix}_years"), F(f"{prefix}_months")
    during_life = Q(**{f"{prefix}_category": AgeCategory.DURING_LIFE}) & (
        Q(**{f"{prefix}_years__isnull": False}) | Q(**{f"{prefix}_months__isnull": False})
    )
    return Case(
        When(
            Q(**{f"{prefix}_category__in": [AgeCategory.ANTENATAL, AgeCategory.NEONATAL]}),
            then=Value(0),
        ),
        When(during_life, then=Coalesce(years, Value(0)) * 12 + Coalesce(months, Value(0))),
        default=None,
        output_field=IntegerField(),
    )


GENETIC_AGE_KNOWN = Q(genetic_dx_category__in=[AgeCategory.ANTENATAL, AgeCategory.NEONATAL]) | Q(
    genetic_dx_category=AgeCategory.DURING_LIFE
) & (Q(genetic_dx_years__isnull=False) | Q(genetic_dx_months__isnull=False))


def counted_diagnoses(scope: ReportScope, centre: Centre | None = None) -> QuerySet[Diagnosis]:
    diagnoses = Diagnosis.objects.current().filter(patient__merged_into__isnull=True)
    diagnoses = diagnoses.exclude(status=DiagnosisStatus.REFUTED)
    if scope.centre_ids is not None:
        diagnoses = diagnoses.filter(centre_id__in=scope.centre_ids)
    if centre is not None:
        diagnoses = diagnoses.filter(centre=centre)
    return diagnoses


@dataclass(frozen=True)
class DelayRow:
    label: str
    clinical: dd.Quartiles | None
    genetic: dd.Quartiles | None
    clinical_count: Cell = 0
    genetic_count: Cell = 0


@dataclass(frozen=True)
class CentreRow:
    centre: str
    patients: Cell
    dead_ends: Cell
    genetic: Cell
    dead_end_share: float | None
    genetic_share: float | None


@dataclass
class Observatory:
    masked: bool
    year: int | None
    clinical_bands: list[tuple[str, Cell]] = field(default_factory=list)
    genetic_bands: list[tuple[str, Cell]] = field(default_factory=list)
    overall: DelayRow | None = None
    by_group: list[DelayRow] = field(default_factory=list)
    by_centre: list[DelayRow] = field(default_factory=list)
    by_year: list[DelayRow] = field(default_factory=list)
    centres: list[CentreRow] = field(default_factory=list)
    resolved: list[tuple[int, Cell]] = field(default_factory=list)
    completeness: list[CompletenessRow] = field(default_factory=list)
    items_missing: list[tuple[str, Cell]] = field(default_factory=list)


# --- Diagnostic delay ---------------------------------------------------------------------


Key = tuple[str, str]  # (dimension, label)
YEARS_SHOWN = 10


def first_year_shown() -> int:
    return timezone.localdate().year - YEARS_SHOWN + 1


def _delay_histograms(
    diagnoses: QuerySet[Diagnosis], names: dict[int, str], index: GroupIndex
) -> tuple[dict[Key, dict[int, int]], dict[Key, dict[int, int]]]:
    """Histograms {delay: diagnoses} of the clinical and genetic delays, per (dimension, label):
    ("all", ""), ("group", name), ("centre", name), ("year", "2024"); the years before the last
    ten are one row (« Avant 2017 »)."""
    first_year = first_year_shown()
    onset = _age_months("onset")
    rows = (
        diagnoses.annotate(
            clinical=_age_months("clinical_dx") - onset, genetic=_age_months("genetic_dx") - onset
        )
        .values("orpha__code", "icd10__code", "centre_id", "diagnosis_year", "clinical", "genetic")
        .annotate(n=Count("pk"))
        .order_by()
    )
    clinical: dict[Key, dict[int, int]] = defaultdict(dict)
    genetic: dict[Key, dict[int, int]] = defaultdict(dict)
    for row in rows:
        orpha, icd10, year, n = (
            row[k] for k in ("orpha__code", "icd10__code", "diagnosis_year", "n")
        )
        groups = index.group_names([orpha] if orpha else [], [icd10] if icd10 else []) or {
            UNGROUPED
        }
        keys = [("all", ""), ("centre", names[row["centre_id"]])]
        keys += [("group", group) for group in groups]
        if year is not None:
            keys.append(("year", str(year) if year >= first_year else f"Avant {first_year}"))
        for delay, target in ((row["clinical"], clinical), (row["genetic"], genetic)):
            if delay is None or delay < 0:
                continue
            for key in keys:
                target[key][delay] = target[key].get(delay, 0) + n
    return clinical, genetic


def _delay_row(
    label: str, clinical: dict[int, int], genetic: dict[int, int], masked: bool
) -> DelayRow:
    def summary(counts: dict[int, int]) -> dd.Quartiles | None:
        figures = dd.quartiles(counts)
        if figures is None or (masked and figures.count < THRESHOLD):
            return None
        return figures

    n_clinical, n_genetic = sum(clinical.values()), sum(genetic.values())
    return DelayRow(
        label=label,
        clinical=summary(clinical),
        genetic=summary(genetic),
        clinical_count=shown(n_clinical) if masked else n_clinical,
        genetic_count=shown(n_genetic) if masked else n_genetic,
    )


def _delays(
    observatory: Observatory, diagnoses: QuerySet[Diagnosis], names: dict[int, str]
) -> None:
    clinical, genetic = _delay_histograms(diagnoses, names, GroupIndex.load())
    masked = observatory.masked

    def rows(dimension: str) -> list[DelayRow]:
        labels = {k[1] for k in (*clinical, *genetic) if k[0] == dimension}
        if dimension == "year":  # the latest first, the older ones' row last
            ordered = sorted(labels, key=lambda y: (not y.isdigit(), -int(y) if y.isdigit() else 0))
        else:
            ordered = sorted(labels)
        return [
            _delay_row(
                label,
                clinical.get((dimension, label), {}),
                genetic.get((dimension, label), {}),
                masked,
            )
            for label in ordered
        ]

    observatory.overall = _delay_row(
        "Réseau" if masked else "Ensemble",
        clinical.get(("all", ""), {}),
        genetic.get(("all", ""), {}),
        masked,
    )
    observatory.by_group = rows("group")
    observatory.by_centre = rows("centre")
    observatory.by_year = rows("year")
    for bands, counts in (
        (observatory.clinical_bands, clinical.get(("all", ""), {})),
        (observatory.genetic_bands, genetic.get(("all", ""), {})),
    ):
        bands.extend((label, shown(n) if masked else n) for label, n in dd.banded(counts))


# --- Dead ends and genetic confirmation ----------------------------------------------------


def _share(part: int, whole: int, masked: bool) -> float | None:
    if not whole or (masked and (whole < THRESHOLD or 0 < part < THRESHOLD)):
        return None
    return round(100 * part / whole, 1)


def _cell(count: int, masked: bool) -> Cell:
    return shown(count) if masked else count


def _centres(
    observatory: Observatory, diagnoses: QuerySet[Diagnosis], names: dict[int, str]
) -> None:
    confirmed_there = Diagnosis.objects.current().filter(
        patient=OuterRef("patient"), centre=OuterRef("centre"), status=CONFIRMED
    )
    rows = (
        diagnoses.annotate(resolved=Exists(confirmed_there.exclude(DEAD_END)))
        .values("centre_id")
        .annotate(
            patients=Count("patient", distinct=True),
            dead_ends=Count("patient", distinct=True, filter=DEAD_END & Q(resolved=False)),
            genetic=Count("patient", distinct=True, filter=Q(status=CONFIRMED) & GENETIC_AGE_KNOWN),
        )
        .order_by()
    )
    masked = observatory.masked
    observatory.centres = sorted(
        (
            CentreRow(
                centre=names[row["centre_id"]],
                patients=_cell(row["patients"], masked),
                dead_ends=_cell(row["dead_ends"], masked),
                genetic=_cell(row["genetic"], masked),
                dead_end_share=_share(row["dead_ends"], row["patients"], masked),
                genetic_share=_share(row["genetic"], row["patients"], masked),
            )
            for row in rows
        ),
        key=lambda row: row.centre,
    )


def _resolved(observatory: Observatory, diagnoses: QuerySet[Diagnosis]) -> None:
    earlier_dead_end = (
        Diagnosis.objects.current()
        .filter(patient=OuterRef("patient"), created_at__lt=OuterRef("created_at"))
        .filter(DEAD_END)
    )
    rows = (
        diagnoses.filter(status=CONFIRMED, diagnosis_year__isnull=False)
        .exclude(DEAD_END)
        .filter(Exists(earlier_dead_end))
        .values("diagnosis_year")
        .annotate(n=Count("patient", distinct=True))
        .order_by("-diagnosis_year")
    )
    observatory.resolved = [
        (row["diagnosis_year"], _cell(row["n"], observatory.masked)) for row in rows
    ]


# --- Completeness of the national dataset ---------------------------------------------------


def _age_missing(prefix: str) -> Q:
    return Q(**{f"{prefix}_category": AgeCategory.UNDETERMINED}) | Q(
        **{
            f"{prefix}_category": AgeCategory.DURING_LIFE,
            f"{prefix}_years__isnull": True,
            f"{prefix}_months__isnull": True,
        }
    )


NO_DIAGNOSIS = "Aucun diagnostic enregistré"
# (item, condition on a counted diagnosis that leaves it empty)
DIAGNOSIS_ITEMS: tuple[tuple[str, Q], ...] = (
    ("Date du diagnostic", Q(diagnosis_year__isnull=True)),
    ("Âge aux premiers signes", _age_missing("onset")),
    ("Âge au diagnostic clinique", _age_missing("clinical_dx")),
    (
        "Âge au diagnostic génétique (diagnostic confirmé avec gène)",
        Q(status=CONFIRMED, genes__isnull=False) & ~GENETIC_AGE_KNOWN,
    ),
    ("Cas sporadique ou familial", Q(inheritance="")),
    ("Appréciation du diagnostic à l'entrée", Q(appraisal_on_arrival="")),
)
ITEMS = (NO_DIAGNOSIS, *(label for label, _ in DIAGNOSIS_ITEMS))


@dataclass(frozen=True)
class CompletenessRow:
    centre: str
    missing: list[Cell]  # in the order of ITEMS


def _followed_without_diagnosis(scope: ReportScope, centre: Centre | None) -> QuerySet[CareEpisode]:
    episodes = CareEpisode.objects.filter(ended_on__isnull=True, patient__merged_into__isnull=True)
    if scope.centre_ids is not None:
        episodes = episodes.filter(centre_id__in=scope.centre_ids)
    if centre is not None:
        episodes = episodes.filter(centre=centre)
    any_diagnosis = Diagnosis.objects.current().filter(patient=OuterRef("patient"))
    return episodes.filter(~Exists(any_diagnosis))


def _missing_counts(
    diagnoses: QuerySet[Diagnosis], scope: ReportScope, centre: Centre | None
) -> dict[int, list[int]]:
    """{centre id: patients missing each item, in the order of ITEMS}."""
    counts: dict[int, list[int]] = defaultdict(lambda: [0] * len(ITEMS))
    without = (
        _followed_without_diagnosis(scope, centre)
        .values("centre_id")
        .annotate(n=Count("patient", distinct=True))
        .order_by()
    )
    for row in without:
        counts[row["centre_id"]][0] = row["n"]
    aggregates = {
        f"item{i}": Count("patient", distinct=True, filter=condition)
        for i, (_, condition) in enumerate(DIAGNOSIS_ITEMS, start=1)
    }
    for row in diagnoses.values("centre_id").annotate(**aggregates).order_by():
        for i in range(1, len(ITEMS)):
            counts[row["centre_id"]][i] = row[f"item{i}"]
    return counts


def _completeness(
    observatory: Observatory,
    diagnoses: QuerySet[Diagnosis],
    scope: ReportScope,
    centre: Centre | None,
    names: dict[int, str],
) -> None:
    counts = _missing_counts(diagnoses, scope, centre)
    masked = observatory.masked
    observatory.completeness = sorted(
        (
            CompletenessRow(names[centre_id], [_cell(n, masked) for n in missing])
            for centre_id, missing in counts.items()
        ),
        key=lambda row: row.centre,
    )
    totals = [sum(missing[i] for missing in counts.values()) for i in range(len(ITEMS))]
    observatory.items_missing = sorted(
        ((item, _cell(n, masked)) for item, n in zip(ITEMS, totals, strict=True)),
        key=lambda pair: -totals[ITEMS.index(pair[0])],
    )


@dataclass(frozen=True)
class IncompleteRecord:
    pseudonym: str
    public_id: str
    centre: str
    items: list[str]


def incomplete_records(scope: ReportScope, centre: Centre | None = None) -> list[IncompleteRecord]:
    """The records of the centres whose patients the reader may see, with their empty items
    (pseudonyms only), by pseudonym."""
    if not scope.records_centre_ids:
        return []
    narrowed = ReportScope(scope.records_centre_ids, masked=False, records_centre_ids=frozenset())
    found: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    fields = ("patient__pseudonym", "patient__public_id", "centre__short_name", "centre__name")

    def collect(rows: Iterable[tuple[str, object, str, str]], item: str) -> None:
        for pseudonym, public_id, short, name in rows:
            items = found[(pseudonym, str(public_id), short or name)]
            if item not in items:
                items.append(item)

    collect(_followed_without_diagnosis(narrowed, centre).values_list(*fields), NO_DIAGNOSIS)
    diagnoses = counted_diagnoses(narrowed, centre)
    for item, condition in DIAGNOSIS_ITEMS:
        collect(diagnoses.filter(condition).values_list(*fields).distinct(), item)
    return [
        IncompleteRecord(pseudonym, public_id, centre_name, items)
        for (pseudonym, public_id, centre_name), items in sorted(found.items())
    ]


# --- The whole page ------------------------------------------------------------------------


def centre_names(scope: ReportScope) -> dict[int, str]:
    centres = Centre.objects.all()
    if scope.centre_ids is not None:
        centres = centres.filter(pk__in=scope.centre_ids)
    rows = centres.values_list("pk", "short_name", "name")
    return {pk: short or name for pk, short, name in rows}


def observatory(
    scope: ReportScope, *, centre: Centre | None = None, year: int | None = None
) -> Observatory:
    """Every figure of the page for ``scope`` (optionally one centre, one year of diagnosis;
    completeness and dead ends are as of today, whatever the year)."""
    names = centre_names(scope)
    figures = Observatory(masked=scope.masked, year=year)
    diagnoses = counted_diagnoses(scope, centre)
    dated = diagnoses.filter(diagnosis_year=year) if year is not None else diagnoses
    _delays(figures, dated, names)
    _centres(figures, diagnoses, names)
    _resolved(figures, diagnoses)
    _completeness(figures, diagnoses, scope, centre, names)
    return figures


# --- Snapshots ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    figures: Observatory
    computed_at: dt.datetime


def _snapshot_key(scope: ReportScope, centre: Centre | None, year: int | None) -> str:
    # The figures depend on the centres counted and on masking, not on who reads them.
    centres = (
        "network" if scope.centre_ids is None else ",".join(map(str, sorted(scope.centre_ids)))
    )
    what = f"{centres}|{int(scope.masked)}|{centre.pk if centre else ''}|{year or ''}"
    return "observatoire-diagnostic:1:" + hashlib.sha256(what.encode()).hexdigest()[:32]


def observatory_snapshot(
    scope: ReportScope,
    *,
    centre: Centre | None = None,
    year: int | None = None,
    recompute: bool = False,
) -> Snapshot:
    """The figures of ``observatory``, as kept in the cache (computed now when missing, older
    than ``OBSERVATORY_CACHE_MINUTES`` or when ``recompute``)."""
    key = _snapshot_key(scope, centre, year)
    if not recompute:
        kept = cache.get(key)
        if isinstance(kept, Snapshot):
            return kept
    snapshot = Snapshot(observatory(scope, centre=centre, year=year), timezone.now())
    cache.set(key, snapshot, settings.OBSERVATORY_CACHE_MINUTES * 60)
    return snapshot


def observatory_warm() -> int:
    """Compute the snapshots most often read: the network's view and each centre's (nightly)."""
    scopes = [ReportScope(centre_ids=None, masked=True, records_centre_ids=frozenset())]
    for pk in Centre.objects.filter(is_active=True).values_list("pk", flat=True):
        scopes.append(ReportScope(frozenset({pk}), masked=False, records_centre_ids=frozenset()))
    for scope in scopes:
        observatory_snapshot(scope, recompute=True)
    return len(scopes)
