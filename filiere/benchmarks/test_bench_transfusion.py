"""The dynamic transfusion instruction on a national donor pool.

``BENCH_POOL_SIZE`` donors (``make bench``: 1,000,000; ``make test``: 20,000) are generated,
written to the Donor table and loaded into memory once, as the application does. Then, for one
immunised patient: the six-threshold table (region and nation) plus the top-50 list, against

- the per-donor Python loop (``filiere.hla.search.search_reference``), timed on a pool of
  ``REFERENCE_POOL`` donors from the same generator and extrapolated linearly;
- a SQL query on the Donor table that counts the compatible donors per threshold and region
  (per-typing verdicts computed once in Python, then one GROUP BY over the table);

and the nightly recompute of saved instructions, timed on a few patients and extrapolated to
10,000. The figures and ratios are printed at the end of the module (``make bench`` runs ``-s``).
"""

from __future__ import annotations

import bisect
import datetime as dt
import os
import random
import statistics
import time
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import pytest
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.db.models.functions import Greatest
from django.utils import timezone

from filiere.access.actors import SYSTEM
from filiere.hla.antibodies import AntibodyProfile
from filiere.hla.donors import PlateletAntigen
from filiere.hla.index import DonorIndex
from filiere.hla.nomenclature import Locus, parse_locus_typing
from filiere.hla.pool import PoolSpec, generate_pool
from filiere.hla.search import DEFAULT_THRESHOLDS, DonorQuery, search_reference
from filiere.hla.tests.conftest import serum_of
from filiere.transfusion.donor_pool import LoadedPool, current_pool, forget_pool, load_pool
from filiere.transfusion.instructions import (
    InstructionParams,
    current_instructions,
    recompute_instruction,
)
from filiere.transfusion.models import Donor

# The mark makes pytest-django create the test database even when only the donor-pool benchmarks
# (which use no `db` fixture of their own) are selected.
pytestmark = [pytest.mark.bench, pytest.mark.django_db]

POOL_SIZE = int(os.environ.get("BENCH_POOL_SIZE", "20000"))
REFERENCE_POOL = min(POOL_SIZE, 10_000)
NIGHTLY_PATIENTS = 10_000
REGION = "93"
PATIENT = "A*02:01 A*24:02 B*44:02 B*51:01 C*05:01 C*15:02"
# A broadly immunised serum: anti-A1, A3, A11, A23, B7, B8, B35, Cw7 at various strengths.
SERUM = {
    "A_01_01": 900,
    "A_03_01": 2500,
    "A_11_01": 6000,
    "A_23_01": 4200,
    "B_07_02": 8000,
    "B_08_01": 1500,
    "B_35_01": 11000,
    "C_07_02": 12000,
}

# HPA genotyped for a third of the donors, CD36 expression known for a fifth; among the typed,
# CD36-negative at 0.3 % (Caucasians; Lee et al., Transfusion 1999;39:873).
SPEC = PoolSpec(hpa_typed=0.33, cd36_typed=0.2)
FILTER = frozenset({PlateletAntigen.HPA_1A, PlateletAntigen.CD36})

FIGURES: dict[str, float] = {}
LINES: list[str] = []


def _median_seconds(benchmark: Any, run: Callable[[], Any], rounds: int = 7) -> float:
    """pytest-benchmark's median when it timed the run, else a median of our own."""
    stats = getattr(getattr(benchmark, "stats", None), "stats", None)
    if stats is not None:
        return float(stats.median)
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _profile() -> AntibodyProfile:
    return serum_of(PATIENT, SERUM)


def _query(top: int = 50) -> DonorQuery:
    return DonorQuery(profile=_profile(), threshold=3000, region=REGION, top=top)


@pytest.fixture(scope="module")
def national_pool(django_db_setup: None, django_db_blocker: Any) -> Iterator[LoadedPool]:
    from filiere.benchmarks.donor_data import clear_donor_table, fill_donor_table

    with django_db_blocker.unblock():
        clear_donor_table()
        started = time.perf_counter()
        pool = generate_pool(POOL_SIZE, seed=2026, spec=SPEC)
        generated = time.perf_counter() - started
        started = time.perf_counter()
        fill_donor_table(pool, source=f"banc de mesure ({POOL_SIZE} donneurs)")
        written = time.perf_counter() - started
        forget_pool()
        loaded = current_pool()
        # A second load under tracemalloc, for the peak of the transient Python lists only
        # (tracemalloc slows the load several times over).
        tracemalloc.start()
        load_pool()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        LINES.append(
            f"Fichier national : {_n(POOL_SIZE)} donneurs synthétiques (générés en "
            f"{generated:.1f} s, écrits en base en {written:.1f} s)"
        )
        LINES.append(
            f"Chargement en mémoire depuis la table Donor : {loaded.load_seconds:.2f} s ; "
            f"mémoire du fichier chargé : {loaded.nbytes / 1e6:.1f} Mo "
            f"({loaded.nbytes / POOL_SIZE:.0f} octets par donneur) ; "
            f"pic pendant le chargement : {peak / 1e6:.0f} Mo"
        )
        try:
            yield loaded
        finally:
            clear_donor_table()
            forget_pool()
            _print_report()


def test_bench_transfusion_instruction_table_and_top50(
    benchmark: Any, national_pool: LoadedPool
) -> None:
    """The six thresholds × region and nation, and the 50 best donors at 3,000 MFI."""
    query = _query()
    result = benchmark(national_pool.index.search, query)
    assert len(result.table) == len(DEFAULT_THRESHOLDS)
    assert len(result.donors) == min(50, result.count_at(3000).eligible_nation)
    seconds = _median_seconds(benchmark, lambda: national_pool.index.search(query))
    FIGURES["index"] = seconds
    benchmark.extra_info["median_ms"] = round(seconds * 1000, 2)


def test_bench_transfusion_instruction_with_hpa_cd36_filter(
    benchmark: Any, national_pool: LoadedPool
) -> None:
    """The same with an anti-HPA-1a and anti-CD36 patient: the requirement is a vectorised mask
    over the pool's columns; the table gains the "to type" counts and the list its own part.
    Target: under 50 ms on 1,000,000 donors (issue 11)."""
    query = replace(_query(), needs=FILTER)
    result = benchmark(national_pool.index.search, query)
    assert len(result.table) == len(DEFAULT_THRESHOLDS)
    row = result.count_at(3000)
    assert len(result.donors) == min(50, row.eligible_nation)
    assert len(result.to_type) == min(50, row.to_type_nation)
    unfiltered = national_pool.index.search(_query(top=0)).count_at(3000)
    assert row.eligible_nation + row.to_type_nation <= unfiltered.eligible_nation
    seconds = _median_seconds(benchmark, lambda: national_pool.index.search(query))
    FIGURES["index_filtered"] = seconds
    benchmark.extra_info["median_ms"] = round(seconds * 1000, 2)


def test_bench_transfusion_page_computation(
    benchmark: Any, national_pool: LoadedPool, centre_a: Any, nomenclature: None
) -> None:
    """What the page computes: serum read from the database, search, 50 donors with grades."""
    from filiere.testing.factories import make_patient
    from filiere.transfusion.instructions import compute_instruction
    from filiere.transfusion.tests.factories import record_screen, record_typing

    patient = make_patient(centre_a)
    typing = record_typing(patient, PATIENT)
    lines = ["bead,mfi", "NC,300", "PC,20000"]
    lines += [f"{name[0]}*{name[2:4]}:{name[5:]},{mfi}" for name, mfi in SERUM.items()]
    screen = record_screen(patient, "\n".join(lines) + "\n")
    params = InstructionParams(threshold=3000)

    def compute() -> int:
        result = compute_instruction(
            typing=typing, screen=screen, params=params, region=REGION, pool=national_pool
        )
        return len(result.donors)

    assert benchmark(compute) > 0
    FIGURES["page"] = _median_seconds(benchmark, compute)


def test_bench_transfusion_reference_per_donor_loop(
    benchmark: Any, national_pool: LoadedPool
) -> None:
    """The straightforward per-donor loop, on a smaller pool, extrapolated to the full pool."""
    donors = generate_pool(REFERENCE_POOL, seed=7).donors()
    query = _query()
    started = time.perf_counter()
    reference = benchmark.pedantic(search_reference, args=(donors, query), rounds=1, iterations=1)
    seconds = time.perf_counter() - started
    assert reference == DonorIndex.from_donors(donors).search(query)  # same answer
    FIGURES["reference"] = seconds * POOL_SIZE / REFERENCE_POOL
    benchmark.extra_info["measured_on"] = REFERENCE_POOL


def sql_counts(profile: AntibodyProfile, region: str) -> list[tuple[int, int, int]]:
    """(threshold, eligible in the region, eligible nationwide) counted by the database.

    Each distinct typing string of a locus gets the index of the lowest threshold at which it is
    compatible (one pass in Python over a few hundred strings, with the pure package's rules);
    the database then scans the Donor table once, grouped by region and lowest threshold.
    """
    thresholds = list(DEFAULT_THRESHOLDS)
    buckets = {}
    for field, locus in (("hla_a", Locus.A), ("hla_b", Locus.B), ("hla_c", Locus.C)):
        whens: dict[int, list[str]] = {}
        for text in Donor.objects.values_list(field, flat=True).distinct().order_by():
            calls = parse_locus_typing(text, locus)
            value = (
                max(profile.call_values(call)[0] for call in calls)
                if calls
                else profile.locus_value(locus)
            )
            whens.setdefault(bisect.bisect_right(thresholds, value), []).append(text)
        buckets[field] = Case(
            *(When(Q(**{f"{field}__in": texts}), then=Value(b)) for b, texts in whens.items()),
            default=Value(0),
            output_field=IntegerField(),
        )
    rows = (
        Donor.objects.filter(active=True)
        .annotate(lowest=Greatest(buckets["hla_a"], buckets["hla_b"], buckets["hla_c"]))
        .values("region", "lowest")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = [(r["region"], r["lowest"], r["n"]) for r in rows]
    return [
        (
            threshold,
            sum(n for reg, lowest, n in counts if lowest <= i and reg == region),
            sum(n for _, lowest, n in counts if lowest <= i),
        )
        for i, threshold in enumerate(thresholds)
    ]


def test_bench_transfusion_sql_counts(benchmark: Any, national_pool: LoadedPool, db: None) -> None:
    """Counts per threshold (region, nation) by a GROUP BY on the Donor table; same numbers."""
    profile = _profile()
    counts = benchmark(sql_counts, profile, REGION)
    expected = national_pool.index.search(_query(top=0)).table
    assert counts == [(r.threshold, r.eligible_region, r.eligible_nation) for r in expected]
    FIGURES["sql"] = _median_seconds(benchmark, lambda: sql_counts(profile, REGION), rounds=3)


def test_bench_transfusion_nightly_recompute(
    benchmark: Any, national_pool: LoadedPool, bench_size: int, centre_a: Any, nomenclature: None
) -> None:
    """Saved instructions run again on the pool (``filiere transfusion_recompute``)."""
    from filiere.testing.factories import make_patient
    from filiere.transfusion.demo import synthetic_sab_csv, synthetic_typing
    from filiere.transfusion.services import instruction_save
    from filiere.transfusion.tests.factories import record_screen, record_typing

    count = max(5, min(bench_size // 20, 100))
    instructions = []
    for index in range(count):
        rng = random.Random(index)
        patient = make_patient(centre_a)
        alleles = synthetic_typing(rng)
        record_typing(patient, " ".join(alleles))
        record_screen(patient, synthetic_sab_csv(rng, alleles, immunised=True))
        instructions.append(
            instruction_save(
                actor=SYSTEM,
                patient=patient,
                params=InstructionParams(threshold=3000),
                valid_until=timezone.localdate() + dt.timedelta(days=90),
            )
        )

    def recompute_all() -> int:
        # As the nightly command does: the instructions and their sera in a few queries, then
        # one search each.
        current = current_instructions().filter(pk__in=[i.pk for i in instructions])
        return sum(len(recompute_instruction(i, national_pool).donor_ids) for i in current)

    started = time.perf_counter()
    assert benchmark.pedantic(recompute_all, rounds=1, iterations=1) > 0
    seconds = time.perf_counter() - started
    FIGURES["nightly_per_patient"] = seconds / count
    FIGURES["nightly_patients"] = count


def _n(value: float) -> str:
    return f"{value:,.0f}".replace(",", "\u202f")


def _print_report() -> None:
    lines = list(LINES)
    index = FIGURES.get("index")
    if index is not None:
        lines.append(
            "Consigne dynamique (6 seuils × région et France + 50 meilleurs donneurs) : "
            f"{index * 1000:.1f} ms (médiane, un cœur)"
        )
        if "index_filtered" in FIGURES:
            lines.append(
                "La même, donneur négatif exigé pour HPA-1a et CD36 (filtre, comptes « à typer ») "
                f": {FIGURES['index_filtered'] * 1000:.1f} ms (médiane, un cœur)"
            )
        if "page" in FIGURES:
            lines.append(
                "Calcul complet de la page (sérum lu en base, recherche, 50 donneurs avec grade "
                f"et CREG) : {FIGURES['page'] * 1000:.1f} ms (médiane)"
            )
        if "reference" in FIGURES:
            lines.append(
                f"Boucle Python par donneur : {FIGURES['reference']:.1f} s (mesurée sur "
                f"{_n(REFERENCE_POOL)} donneurs, extrapolée à {_n(POOL_SIZE)}) : l'index est "
                f"{_n(FIGURES['reference'] / index)} fois plus rapide"
            )
        if "sql" in FIGURES:
            lines.append(
                "Requête SQL sur la table Donor (comptes par seuil seulement, sans liste "
                f"classée) : {FIGURES['sql'] * 1000:.0f} ms : l'index est "
                f"{_n(FIGURES['sql'] / index)} fois plus rapide"
            )
    if "nightly_per_patient" in FIGURES:
        per = FIGURES["nightly_per_patient"]
        lines.append(
            f"Recalcul nocturne : {per * 1000:.1f} ms par consigne (mesuré sur "
            f"{FIGURES['nightly_patients']:.0f} consignes, lectures en base comprises) ; "
            f"{_n(NIGHTLY_PATIENTS)} consignes ≈ {per * NIGHTLY_PATIENTS / 60:.1f} min "
            "(extrapolation linéaire)"
        )
    print("\n\nTransfusion — consigne dynamique")
    for line in lines:
        print(f"  {line}")
