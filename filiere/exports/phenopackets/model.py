"""The input of the Phenopacket writer: what the registry's adapter fills (no identity trait)."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass


class Sex(enum.StrEnum):
    """``Individual.sex`` (the registry stores F, M or U)."""

    FEMALE = "FEMALE"
    MALE = "MALE"
    UNKNOWN = "UNKNOWN_SEX"

    @classmethod
    def from_code(cls, code: str) -> Sex:
        return {"F": cls.FEMALE, "M": cls.MALE}.get(code, cls.UNKNOWN)


class VitalStatus(enum.StrEnum):
    ALIVE = "ALIVE"
    DECEASED = "DECEASED"
    UNKNOWN = "UNKNOWN_STATUS"


class Onset(enum.Enum):
    """HPO onset terms (HP:0003674 subtree), with their English labels."""

    ANTENATAL = ("HP:0030674", "Antenatal onset")
    CONGENITAL = ("HP:0003577", "Congenital onset")
    NEONATAL = ("HP:0003623", "Neonatal onset")
    INFANTILE = ("HP:0003593", "Infantile onset")
    CHILDHOOD = ("HP:0011463", "Childhood onset")
    JUVENILE = ("HP:0003621", "Juvenile onset")
    ADULT = ("HP:0003581", "Adult onset")

    @classmethod
    def from_hpo(cls, hpo_id: str) -> Onset | None:
        return next((o for o in cls if o.value[0] == hpo_id), None)


class Zygosity(enum.Enum):
    """``VariationDescriptor.allelic_state`` in GENO (the Phenopacket schema's choice).

    GENO has no allelic state for a mosaic variant: it is exported as "unspecified zygosity"."""

    HETEROZYGOUS = ("GENO:0000135", "heterozygous")
    HOMOZYGOUS = ("GENO:0000136", "homozygous")
    COMPOUND_HETEROZYGOUS = ("GENO:0000402", "compound heterozygous")
    HEMIZYGOUS = ("GENO:0000134", "hemizygous")
    UNSPECIFIED = ("GENO:0000137", "unspecified zygosity")

    @classmethod
    def from_code(cls, code: str) -> Zygosity:
        return {
            "heterozygous": cls.HETEROZYGOUS,
            "homozygous": cls.HOMOZYGOUS,
            "compound_heterozygous": cls.COMPOUND_HETEROZYGOUS,
            "hemizygous": cls.HEMIZYGOUS,
        }.get(code, cls.UNSPECIFIED)


class AcmgClass(enum.StrEnum):
    """``AcmgPathogenicityClassification``; the registry stores the class number 1 to 5."""

    BENIGN = "BENIGN"
    LIKELY_BENIGN = "LIKELY_BENIGN"
    UNCERTAIN_SIGNIFICANCE = "UNCERTAIN_SIGNIFICANCE"
    LIKELY_PATHOGENIC = "LIKELY_PATHOGENIC"
    PATHOGENIC = "PATHOGENIC"
    NOT_PROVIDED = "NOT_PROVIDED"

    @classmethod
    def from_class(cls, number: int | None) -> AcmgClass:
        order = [
            cls.BENIGN,
            cls.LIKELY_BENIGN,
            cls.UNCERTAIN_SIGNIFICANCE,
            cls.LIKELY_PATHOGENIC,
            cls.PATHOGENIC,
        ]
        return order[number - 1] if number is not None and 1 <= number <= 5 else cls.NOT_PROVIDED


@dataclass(frozen=True)
class AgeInMonths:
    """An age in completed months (the registry knows ages to the month)."""

    months: int


@dataclass(frozen=True)
class PhenotypeEntry:
    hpo_id: str
    label: str  # as stored: French when the French HPO has it, else English
    excluded: bool = False
    onset: Onset | None = None


@dataclass(frozen=True)
class DiseaseEntry:
    """One current diagnosis. ``code`` is ``ORPHA:849`` (or ``ICD10:D69.1`` without ORPHA)."""

    id: str
    code: str
    label: str
    excluded: bool = False  # a refuted diagnosis
    confirmed: bool = False
    in_progress: bool = False
    onset: Onset | AgeInMonths | None = None


@dataclass(frozen=True)
class VariantEntry:
    id: str
    gene_symbol: str
    hgnc_id: str  # "HGNC:6156", or "" when the gene table does not know it
    hgvs: str  # as recorded, e.g. NM_000212.3:c.1697G>A
    protein_hgvs: str = ""
    zygosity: Zygosity = Zygosity.UNSPECIFIED
    acmg: AcmgClass = AcmgClass.NOT_PROVIDED
    diagnosis_id: str | None = None  # the DiseaseEntry it explains, when recorded


@dataclass(frozen=True)
class TreatmentEntry:
    """A treatment with a drug of the ATC classification; ``target`` is the disease treated
    (``ORPHA:849``) when recorded."""

    atc_code: str
    label: str
    target: tuple[str, str] | None = None  # (code, label)
    id: str = ""  # the treatment's public id (the FHIR export derives its resource id from it)


@dataclass(frozen=True)
class Resource:
    """An ontology used by the phenopacket, with the version the registry imported."""

    id: str
    name: str
    url: str
    version: str
    namespace_prefix: str
    iri_prefix: str


@dataclass(frozen=True)
class PatientRecord:
    pseudonym: str
    sex: Sex
    age_at_last_encounter: AgeInMonths | None
    vital_status: VitalStatus
    phenotypes: tuple[PhenotypeEntry, ...]
    diseases: tuple[DiseaseEntry, ...]
    variants: tuple[VariantEntry, ...]
    resources: tuple[Resource, ...]
    created_at: dt.datetime
    treatments: tuple[TreatmentEntry, ...] = ()
