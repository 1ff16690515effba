"""The dynamic instruction: eligible donors per MFI threshold and the ranked donors for one patient.

The counting and ranking are ``filiere.hla``'s (``DonorIndex.search``); this module feeds it the
patient's stored typing and serum and the pool cached in memory, and dresses the answer for the
page, the saved snapshot and the PDF (donor site, ABO, HPA, matching grade and CREGs).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from filiere.hla.antibodies import AntibodyProfile
from filiere.hla.donors import PlateletAntigen
from filiere.hla.grades import MatchGrade, match_grade
from filiere.hla.nomenclature import HlaCall, Locus, Typing, parse_locus_typing
from filiere.hla.pool import embedded_frequencies
from filiere.hla.population import (
    HaplotypeFrequencies,
    antigen_frequencies,
    cpra,
    unacceptable_labels,
)
from filiere.hla.search import DEFAULT_THRESHOLDS, DonorQuery, RankedDonor, SearchResult
from filiere.hla.serology import default_serology
from filiere.network.models import Region
from filiere.patients.models import Patient
from filiere.transfusion.domain import abo_or_none, antibody_profile, assess
from filiere.transfusion.donor_pool import LoadedPool
from filiere.transfusion.models import (
    AntibodyScreen,
    Crossmatch,
    Donor,
    HlaTyping,
    RollUpRule,
    TransfusionInstruction,
)
from filiere.transfusion.selectors import latest_screen, latest_typing

THRESHOLDS: tuple[int, ...] = DEFAULT_THRESHOLDS
DEFAULT_THRESHOLD = 2000
TOP = 50
NEEDS = {antigen.value: antigen for antigen in PlateletAntigen}


@dataclass(frozen=True)
class InstructionParams:
    """What the specialist sets on the page; everything else comes from the record."""

    threshold: int = DEFAULT_THRESHOLD
    rule: str = RollUpRule.ANY
    patient_abo: str = ""
    negative_for: tuple[str, ...] = ()


@dataclass(frozen=True)
class ThresholdRow:
    threshold: int
    unacceptable: tuple[str, ...]
    eligible_region: int
    eligible_nation: int
    to_retype_region: int
    to_retype_nation: int
    chosen: bool
    to_type_region: int = 0  # HLA compatible, HPA/CD36 status unknown (a requirement is set)
    to_type_nation: int = 0


@dataclass(frozen=True)
class ProposedDonor:
    rank: int
    donor_id: str
    site: str
    region: str
    abo: str
    abo_relation: str
    typing: str
    grade: str
    grade_meaning: str
    cregs: tuple[tuple[str, tuple[str, ...]], ...]
    summed_mfi: int
    summed_mfi_alert: bool
    lowest_threshold: int
    platelet_antigens: str
    platelet_antigens_ok: bool
    eplet_mismatches: int | None = None  # None: no eplet table, or a typing not at allele level
    # Negative crossmatches of this donor with the patient (dates, dd/mm/yyyy), most recent first.
    crossmatch_negative: tuple[str, ...] = ()
    # Earlier transfusions of this donor's products to the patient: (date, verdict value).
    previous: tuple[tuple[str, str], ...] = ()

    @property
    def previous_items(self) -> list[dict[str, str]]:
        return [{"date": when, "verdict": verdict} for when, verdict in self.previous]

    def as_json(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "id": self.donor_id,
            "site": self.site,
            "region": self.region,
            "abo": self.abo,
            "abo_relation": self.abo_relation,
            "typing": self.typing,
            "grade": self.grade,
            "cregs": {antigen: list(groups) for antigen, groups in self.cregs},
            "summed_mfi": self.summed_mfi,
            "summed_mfi_alert": self.summed_mfi_alert,
            "lowest_threshold": self.lowest_threshold,
            "platelet_antigens": self.platelet_antigens,
            "platelet_antigens_ok": self.platelet_antigens_ok,
            "eplet_mismatches": self.eplet_mismatches,
            "crossmatch_negative": list(self.crossmatch_negative),
            "previous": self.previous_items,
        }


@dataclass(frozen=True)
class InstructionResult:
    params: InstructionParams
    region: str
    typing: HlaTyping
    screen: AntibodyScreen
    rows: tuple[ThresholdRow, ...]
    donors: tuple[ProposedDonor, ...]
    pool_size: int
    search_ms: float
    profile: AntibodyProfile = field(repr=False)
    to_type: tuple[ProposedDonor, ...] = ()  # listed apart: never among the proposed donors
    cpra: float | None = None  # at the chosen threshold (French antigen frequencies)
    crossmatched: tuple[str, ...] = ()  # donors set aside by a positive crossmatch

    @property
    def region_name(self) -> str:
        return str(Region(self.region).label) if self.region in Region.values else self.region

    @property
    def chosen(self) -> ThresholdRow:
        return next(row for row in self.rows if row.chosen)

    @property
    def unacceptable(self) -> tuple[str, ...]:
        return self.chosen.unacceptable

    def table_json(self) -> list[dict[str, Any]]:
        return [
            {
                "threshold": row.threshold,
                "unacceptable": list(row.unacceptable),
                "region": {
                    "eligible": row.eligible_region,
                    "to_retype": row.to_retype_region,
                    "to_type": row.to_type_region,
                },
                "nation": {
                    "eligible": row.eligible_nation,
                    "to_retype": row.to_retype_nation,
                    "to_type": row.to_type_nation,
                },
            }
            for row in self.rows
        ]

    def donors_json(self) -> list[dict[str, Any]]:
        return [donor.as_json() for donor in self.donors]

    def to_type_json(self) -> list[dict[str, Any]]:
        return [donor.as_json() for donor in self.to_type]

    @property
    def negative_for(self) -> tuple[str, ...]:
        return self.params.negative_for


def donor_typing(donor: Donor) -> Typing:
    return _typing(donor.hla_a, donor.hla_b, donor.hla_c)


# A million donors share a few thousand typings per locus, and the specialist re-reads the same
# patient's list at every change of T: both lookups are worth keeping between requests.
@lru_cache(maxsize=20_000)
def _typing(hla_a: str, hla_b: str, hla_c: str) -> Typing:
    calls: list[HlaCall] = []
    for text, locus in ((hla_a, Locus.A), (hla_b, Locus.B), (hla_c, Locus.C)):
        calls.extend(parse_locus_typing(text, locus))
    return Typing.of(calls)


@lru_cache(maxsize=20_000)
def _grade(donor: Typing, patient: Typing) -> MatchGrade:
    return match_grade(donor, patient, default_serology())


def _platelet_antigens(donor: Donor) -> str:
    parts = [
        f"{name} {value}"
        for name, value in (("HPA-1", donor.hpa1), ("HPA-3", donor.hpa3), ("HPA-5", donor.hpa5))
        if value
    ]
    if donor.cd36_positive is not None:
        parts.append("CD36 " + ("+" if donor.cd36_positive else "−"))
    return ", ".join(parts)


def _query(
    profile: AntibodyProfile, params: InstructionParams, region: str, top: int
) -> DonorQuery:
    return DonorQuery(
        profile=profile,
        thresholds=THRESHOLDS,
        threshold=params.threshold,
        region=region or None,
        patient_abo=abo_or_none(params.patient_abo),
        needs=frozenset(NEEDS[name] for name in params.negative_for if name in NEEDS),
        top=top,
    )


def _rows(
    result: SearchResult, profile: AntibodyProfile, params: InstructionParams
) -> tuple[ThresholdRow, ...]:
    return tuple(
        ThresholdRow(
            threshold=row.threshold,
            unacceptable=tuple(profile.unacceptable_at(row.threshold).names(profile.serology)),
            eligible_region=row.eligible_region or 0,
            eligible_nation=row.eligible_nation,
            to_retype_region=row.to_retype_region or 0,
            to_retype_nation=row.to_retype_nation,
            chosen=row.threshold == params.threshold,
            to_type_region=row.to_type_region or 0,
            to_type_nation=row.to_type_nation,
        )
        for row in result.table
    )


@dataclass(frozen=True)
class DonorHistory:
    """What the patient's record says about donors: crossmatches and earlier transfusions."""

    positive: tuple[str, ...] = ()  # donors with a positive crossmatch: set aside
    negative: dict[str, tuple[str, ...]] = field(default_factory=dict)
    previous: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)


def donor_history(patient: Patient) -> DonorHistory:
    """The patient's crossmatches (latest result per donor) and the verdict of each transfusion
    whose donor is known (``filiere.transfusion.domain.assess``, the per-transfusion verdict)."""
    latest: dict[str, Crossmatch] = {}
    negative: dict[str, list[str]] = {}
    for crossmatch in patient.crossmatches.order_by("-tested_on", "-recorded_at", "-pk"):
        latest.setdefault(crossmatch.donor_identifier, crossmatch)
        if crossmatch.result == Crossmatch.Result.NEGATIVE:
            negative.setdefault(crossmatch.donor_identifier, []).append(
                f"{crossmatch.tested_on:%d/%m/%Y}"
            )
    # The latest crossmatch decides: a donor positive then negative on a new serum is proposed.
    positive = tuple(sorted(d for d, c in latest.items() if c.result == Crossmatch.Result.POSITIVE))
    previous: dict[str, list[tuple[str, str]]] = {}
    transfusions = (
        patient.transfusions.exclude(donor_identifier="")
        .prefetch_related("post_counts")
        .order_by("-ended_at", "-pk")
    )
    for transfusion in transfusions:
        verdict = assess(patient, transfusion).verdict
        when = f"{timezone.localtime(transfusion.ended_at):%d/%m/%Y}"
        previous.setdefault(transfusion.donor_identifier, []).append((when, verdict.value))
    return DonorHistory(
        positive=positive,
        negative={d: tuple(v) for d, v in negative.items() if d not in positive},
        previous={d: tuple(v) for d, v in previous.items()},
    )


def _donors(
    entries: tuple[RankedDonor, ...],
    profile: AntibodyProfile,
    history: DonorHistory | None = None,
) -> tuple[ProposedDonor, ...]:
    ids = [entry.donor_id for entry in entries]
    rows = {donor.external_id: donor for donor in Donor.objects.filter(external_id__in=ids)}
    proposed = []
    for entry in entries:
        donor = rows.get(entry.donor_id)
        if donor is None:  # removed since the pool was loaded: the next search reloads it
            continue
        typing = donor_typing(donor)
        grade = _grade(typing, profile.patient)
        proposed.append(
            ProposedDonor(
                rank=entry.rank,
                donor_id=entry.donor_id,
                site=donor.site,
                region=entry.region,
                abo=donor.abo,
                abo_relation=entry.abo_relation.label,
                typing=str(typing),
                grade=grade.grade or "—",
                grade_meaning=grade.meaning,
                cregs=grade.cregs,
                summed_mfi=entry.summed_mfi,
                summed_mfi_alert=entry.summed_mfi_alert,
                lowest_threshold=entry.lowest_threshold,
                platelet_antigens=_platelet_antigens(donor),
                platelet_antigens_ok=entry.platelet_antigens_ok,
                eplet_mismatches=entry.eplet_mismatches,
                crossmatch_negative=history.negative.get(entry.donor_id, ()) if history else (),
                previous=history.previous.get(entry.donor_id, ()) if history else (),
            )
        )
    return tuple(proposed)


def format_share(share: float | None) -> str:
    """0.846 → "84,6 %", None → "—" (French decimal comma, space before the sign)."""
    return "—" if share is None else f"{share * 100:.1f}".replace(".", ",") + "\u00a0%"


@lru_cache(maxsize=1)
def french_frequencies() -> HaplotypeFrequencies:
    """French antigen frequencies (AFND, French BMDR, n = 42,623), from the embedded alleles."""
    frequencies = embedded_frequencies()
    alleles = {
        locus.value: {a.name: f for a, f in table} for locus, table in frequencies.loci.items()
    }
    return antigen_frequencies(alleles, default_serology())


def calculated_pra(profile: AntibodyProfile, threshold: int) -> float:
    """The cPRA at a threshold: the share of French donors carrying at least one unacceptable
    antigen (``filiere.hla.population.cpra``; A, B and C independent, Hardy–Weinberg)."""
    labels = unacceptable_labels(profile.unacceptable_at(threshold), profile.serology)
    return cpra(labels, french_frequencies(), profile.serology)


def compute_instruction(
    *,
    typing: HlaTyping,
    screen: AntibodyScreen,
    params: InstructionParams,
    region: str,
    pool: LoadedPool,
    top: int = TOP,
    history: DonorHistory | None = None,
) -> InstructionResult:
    """Return the table of thresholds (region, nation) and the ranked donors at the chosen one,
    donors with a positive crossmatch set aside (never counted nor proposed)."""
    history = history if history is not None else donor_history(typing.patient)
    started = time.perf_counter()
    profile = antibody_profile(typing.typing, screen.beads.all(), params.rule)
    index = pool.index.excluding(history.positive)
    result = index.search(_query(profile, params, region, top))
    elapsed = (time.perf_counter() - started) * 1000
    return InstructionResult(
        params=params,
        region=region,
        typing=typing,
        screen=screen,
        rows=_rows(result, profile, params),
        donors=_donors(result.donors, profile, history),
        pool_size=result.pool_size,
        search_ms=elapsed,
        profile=profile,
        to_type=_donors(result.to_type, profile, history),
        cpra=calculated_pra(profile, params.threshold),
        crossmatched=history.positive,
    )


def params_of(instruction: TransfusionInstruction) -> InstructionParams:
    return InstructionParams(
        threshold=instruction.threshold,
        rule=instruction.rule,
        patient_abo=instruction.patient_abo,
        negative_for=tuple(instruction.negative_for),
    )


@dataclass(frozen=True)
class Recomputed:
    """A saved instruction run again on today's pool with the patient's latest serum and typing:
    what the nightly job compares."""

    instruction: TransfusionInstruction
    screen: AntibodyScreen  # the patient's latest serum (the instruction's own, or newer)
    typing: HlaTyping  # the patient's latest typing
    eligible_nation: int  # at the instruction's threshold
    eligible_region: int
    donor_ids: tuple[str, ...]
    unacceptable: tuple[str, ...] = ()

    @property
    def saved_eligible_nation(self) -> int:
        rows = self.instruction.table
        threshold = self.instruction.threshold
        return next((r["nation"]["eligible"] for r in rows if r["threshold"] == threshold), 0)

    @property
    def newer_serum(self) -> bool:
        return self.screen.pk != self.instruction.screen_id

    @property
    def newer_typing(self) -> bool:
        return self.typing.pk != self.instruction.typing_id

    @property
    def added_unacceptable(self) -> tuple[str, ...]:
        saved = set(self.instruction.unacceptable)
        return tuple(name for name in self.unacceptable if name not in saved)

    @property
    def changed(self) -> bool:
        saved = tuple(donor["id"] for donor in self.instruction.donors)
        return (
            self.newer_serum
            or self.newer_typing
            or self.eligible_nation != self.saved_eligible_nation
            or self.donor_ids != saved
        )


def current_instructions() -> QuerySet[TransfusionInstruction]:
    """Valid instructions, latest version first for each patient."""
    return (
        TransfusionInstruction.objects.filter(valid_until__gte=timezone.localdate())
        .select_related("patient")
        .order_by("patient_id", "-version")
    )


def recompute_instruction(instruction: TransfusionInstruction, pool: LoadedPool) -> Recomputed:
    """Run the saved instruction again on today's pool with the patient's latest serum and
    typing (a newer serum or typing makes the instruction "à revoir"), at its threshold, rule
    and region.

    The nightly job after a donor import or a new serum. The saved version is never changed; the
    donors are not dressed with grades (the page does that when the specialist opens it).
    """
    params = params_of(instruction)
    # A patient's serum and typing are never deleted (PROTECT): the instruction's own at least.
    screen = latest_screen(instruction.patient) or instruction.screen
    typing = latest_typing(instruction.patient) or instruction.typing
    profile = antibody_profile(typing.typing, screen.beads.all(), params.rule)
    index = pool.index.excluding(donor_history(instruction.patient).positive)
    result = index.search(_query(profile, params, instruction.region, len(instruction.donors)))
    row = result.count_at(params.threshold)
    return Recomputed(
        instruction=instruction,
        screen=screen,
        typing=typing,
        eligible_nation=row.eligible_nation,
        eligible_region=row.eligible_region or 0,
        donor_ids=tuple(entry.donor_id for entry in result.donors),
        unacceptable=tuple(profile.unacceptable_at(params.threshold).names(profile.serology)),
    )


@dataclass(frozen=True)
class RecomputeSummary:
    recomputed: int
    changed: tuple[Recomputed, ...]


def instructed_patient_ids() -> list[int]:
    """The patients with a valid instruction, in order (what the nightly job splits)."""
    return list(current_instructions().order_by().values_list("patient_id", flat=True).distinct())


def instructions_recompute(
    pool: LoadedPool,
    *,
    on_progress: Callable[[int, int], None] | None = None,
    patient_ids: list[int] | None = None,
) -> RecomputeSummary:
    """Run each patient's latest valid instruction again (``recompute_instruction``) and return
    how many were run and those whose serum, typing or eligible donors changed.

    The nightly job (one share of the patients, ``patient_ids``, per task) and ``filiere
    transfusion_recompute`` (all of them). It writes nothing, so running it twice is harmless.
    ``on_progress(done, total)`` is called every 500 instructions.
    """
    latest: dict[int, TransfusionInstruction] = {}
    instructions = current_instructions()
    if patient_ids is not None:
        instructions = instructions.filter(patient_id__in=patient_ids)
    for instruction in instructions:
        latest.setdefault(instruction.patient_id, instruction)
    changed: list[Recomputed] = []
    for index, instruction in enumerate(latest.values(), start=1):
        result = recompute_instruction(instruction, pool)
        if result.changed:
            changed.append(result)
        if on_progress is not None and index % 500 == 0:
            on_progress(index, len(latest))
    return RecomputeSummary(recomputed=len(latest), changed=tuple(changed))
