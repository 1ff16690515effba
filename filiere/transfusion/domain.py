"""Rows of this app read as the pure packages' values (no query here, no formula either)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from django.conf import settings

from filiere.clinical import transfusion as efficacy
from filiere.hla.antibodies import AntibodyProfile, RollUp
from filiere.hla.catalogue import AlleleCatalogue, default_catalogue, read_hla_nom
from filiere.hla.donors import Abo
from filiere.hla.nomenclature import Allele, HlaParseError, Typing, parse_hla, parse_typing
from filiere.hla.sab import Bead
from filiere.patients.models import Patient
from filiere.transfusion.models import AntibodyBead, Transfusion

# An unknown sex takes the lower blood volume (70 mL/kg): the RTP is then the lower estimate,
# which errs towards calling a transfusion ineffective rather than hiding refractoriness.
_SEXES = {"M": efficacy.Sex.MALE, "F": efficacy.Sex.FEMALE}


def age_years_on(patient: Patient, when: dt.date) -> float:
    """Age in years, to the month (the birth day stays in the identity table)."""
    months = (when.year - patient.birth_year) * 12 + when.month - patient.birth_month
    return max(0.0, months / 12)


def efficacy_settings() -> efficacy.EfficacySettings:
    """The network's settings: which index decides a window (``TRANSFUSION_VERDICT_RULE``)."""
    return efficacy.EfficacySettings(rule=efficacy.VerdictRule(settings.TRANSFUSION_VERDICT_RULE))


def efficacy_patient(patient: Patient, transfusion: Transfusion) -> efficacy.Patient:
    return efficacy.Patient(
        sex=_SEXES.get(patient.sex, efficacy.Sex.FEMALE),
        weight_kg=float(transfusion.weight_kg),
        height_cm=float(transfusion.height_cm),
        age_years=age_years_on(patient, transfusion.ended_at.date()),
    )


def efficacy_transfusion(
    transfusion: Transfusion, counts: Iterable[tuple[int, float]]
) -> efficacy.Transfusion:
    """The pure transfusion; ``counts`` are (minutes after end, count ×10⁹/L)."""
    return efficacy.Transfusion(
        product=efficacy.Product(
            kind=efficacy.ProductType(transfusion.product_type),
            label_dose_e11=None
            if transfusion.label_dose_e11 is None
            else float(transfusion.label_dose_e11),
            pooled_donations=transfusion.pooled_donations,
            abo=efficacy.AboRelation(transfusion.abo_relation)
            if transfusion.abo_relation
            else None,
            storage_hours=None
            if transfusion.storage_hours is None
            else float(transfusion.storage_hours),
        ),
        pre_count_e9_per_l=None if transfusion.pre_count is None else float(transfusion.pre_count),
        post_counts=tuple(
            efficacy.PostCount(minutes_after_end=float(minutes), count_e9_per_l=float(count))
            for minutes, count in counts
        ),
        non_immune_causes=frozenset(
            cause for cause in efficacy.NonImmuneCause if getattr(transfusion, cause.value)
        ),
    )


def assess(patient: Patient, transfusion: Transfusion) -> efficacy.TransfusionAssessment:
    """Return the efficacy of a stored transfusion (its post counts must be prefetched)."""
    counts = [(c.minutes_after_end, float(c.count)) for c in transfusion.post_counts.all()]
    return efficacy.assess_transfusion(
        efficacy_transfusion(transfusion, counts),
        efficacy_patient(patient, transfusion),
        efficacy_settings(),
    )


def read_typing(text: str) -> Typing:
    """Return the typing stored as text (it was normalised when recorded)."""
    return parse_typing(text)


def beads_of(rows: Iterable[AntibodyBead]) -> list[Bead]:
    beads = []
    for row in rows:
        allele = parse_hla(row.allele)
        if not isinstance(allele, Allele):  # stored by the importer, which keeps alleles only
            raise HlaParseError(f"bille « {row.allele} » : allèle attendu")
        beads.append(Bead(allele, row.mfi, row.line))
    return beads


def antibody_profile(typing: str, beads: Iterable[AntibodyBead], rule: str) -> AntibodyProfile:
    """The serum read against the typing, with the network's Bw4/Bw6 share of beads."""
    return AntibodyProfile.build(
        beads_of(beads),
        read_typing(typing),
        rule=RollUp(rule),
        epitope_share=settings.TRANSFUSION_EPITOPE_SHARE,
    )


@lru_cache(maxsize=4)
def _catalogue(path: str) -> AlleleCatalogue:
    file = Path(path)
    if not file.is_file():
        return default_catalogue()
    with file.open(encoding="utf-8") as handle:
        return read_hla_nom(handle, source=file.name)


def allele_catalogue() -> AlleleCatalogue:
    """The allele list HLA names are checked against (``HLA_ALLELE_LIST``, else the groups)."""
    return _catalogue(str(settings.HLA_ALLELE_LIST))


def abo_or_none(value: str) -> Abo | None:
    return Abo(value) if value else None
