"""The input of the FHIR writer: what the registry's adapter fills (no identity trait)."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Gender(enum.StrEnum):
    """``Patient.gender`` (AdministrativeGender); the registry stores F, M or U."""

    FEMALE = "female"
    MALE = "male"
    UNKNOWN = "unknown"

    @classmethod
    def from_code(cls, code: str) -> Gender:
        return {"F": cls.FEMALE, "M": cls.MALE}.get(code, cls.UNKNOWN)


class Verification(enum.Enum):
    """The registry's diagnosis status → ``Condition.verificationStatus`` and
    ``Condition.clinicalStatus`` (None: left out).

    « Équivoque » is *unconfirmed* (evidence insufficient to confirm), not *differential*, which
    FHIR reserves for one of a set of competing diagnoses; « en cours » is *provisional* (a
    candidate under investigation). A healthy carrier has the condition's genotype without the
    disease: confirmed, clinically inactive. A refuted diagnosis has no clinical status."""

    CONFIRMED = ("confirmed", "active")
    ONGOING = ("provisional", "active")
    EQUIVOCAL = ("unconfirmed", "active")
    HEALTHY_CARRIER = ("confirmed", "inactive")
    REFUTED = ("refuted", None)

    @classmethod
    def from_status(cls, status: str) -> Verification:
        return cls[status.upper()] if status.upper() in cls.__members__ else cls.ONGOING


class Zygosity(enum.Enum):
    """LOINC answers of 53034-5 « Allelic state » (the RD-CDM zygosity value set). A mosaic
    variant has no answer there: the component is left out."""

    HETEROZYGOUS = ("LA6706-1", "Heterozygous")
    HOMOZYGOUS = ("LA6705-3", "Homozygous")
    COMPOUND_HETEROZYGOUS = ("LA26217-2", "Compound heterozygous")
    HEMIZYGOUS = ("LA6707-9", "Hemizygous")

    @classmethod
    def from_code(cls, code: str) -> Zygosity | None:
        return cls.__members__.get(code.upper())


class Significance(enum.Enum):
    """LOINC answers of 53037-8 « Genetic variation clinical significance » (ACMG class 1–5)."""

    BENIGN = ("LA6675-8", "Benign")
    LIKELY_BENIGN = ("LA26334-5", "Likely benign")
    UNCERTAIN = ("LA26333-7", "Uncertain significance")
    LIKELY_PATHOGENIC = ("LA26332-9", "Likely pathogenic")
    PATHOGENIC = ("LA6668-3", "Pathogenic")

    @classmethod
    def from_class(cls, number: int | None) -> Significance | None:
        order = list(cls)
        return order[number - 1] if number is not None and 1 <= number <= 5 else None


class ConsentScope(enum.StrEnum):
    """``Consent.scope`` (http://terminology.hl7.org/CodeSystem/consentscope)."""

    PRIVACY = "patient-privacy"
    RESEARCH = "research"
    TREATMENT = "treatment"


@dataclass(frozen=True)
class AgeInMonths:
    months: int


@dataclass(frozen=True)
class OnsetTerm:
    """An HPO onset term (HP:0003674 subtree)."""

    hpo_id: str
    label: str


@dataclass(frozen=True)
class ConditionEntry:
    """One current diagnosis. ``system`` is ``ORPHA`` or ``ICD10``; ``code`` without prefix."""

    id: str  # the diagnosis' public id
    system: str
    code: str
    label: str
    verification: Verification
    onset: AgeInMonths | OnsetTerm | None = None


@dataclass(frozen=True)
class PhenotypeEntry:
    id: str
    hpo_id: str
    label: str
    excluded: bool = False
    onset: OnsetTerm | None = None


@dataclass(frozen=True)
class VariantEntry:
    id: str
    gene_symbol: str
    hgnc_id: str  # "HGNC:6156", or "" when the gene table does not know it
    hgvs: str  # as recorded, e.g. NM_000212.3:c.1697G>A
    protein_hgvs: str = ""
    zygosity: Zygosity | None = None
    significance: Significance | None = None
    condition_id: str | None = None  # the ConditionEntry it explains, when recorded


class Lab(enum.Enum):
    """The key results of a platelet work-up: LOINC code, display, UCUM unit."""

    PLATELET_COUNT = ("777-3", "Platelets [#/volume] in Blood by Automated count", "10*9/L")
    MEAN_PLATELET_VOLUME = (
        "32623-1",
        "Platelet [Entitic mean volume] in Blood by Automated count",
        "fL",
    )


@dataclass(frozen=True)
class LabEntry:
    id: str  # the work-up's public id
    lab: Lab
    value: float


@dataclass(frozen=True)
class MedicationEntry:
    """A treatment naming an ATC drug; ``target`` is the disease treated (``ORPHA:849``)."""

    id: str  # the treatment's public id, or "" when the source has none
    atc_code: str
    label: str
    target: tuple[str, str] | None = None  # (code, label)


@dataclass(frozen=True)
class ConsentEntry:
    id: str
    label: str  # what was asked, in French
    scope: ConsentScope
    research: bool  # a research consent (category « research »)
    opt_out: bool  # an opposition: answer True denies, False permits
    answer: bool
    answered_on: str  # ISO date
    latest: bool  # the answer in force for its kind (older answers are inactive)


@dataclass(frozen=True)
class FhirRecord:
    key: str  # the patient's public id: the seed of every resource id
    pseudonym: str
    pseudonym_system: str  # the URI of the registry's pseudonyms (setting FHIR_PSEUDONYM_SYSTEM)
    gender: Gender
    birth_year: int | None
    deceased: bool | None
    conditions: tuple[ConditionEntry, ...] = ()
    phenotypes: tuple[PhenotypeEntry, ...] = ()
    variants: tuple[VariantEntry, ...] = ()
    medications: tuple[MedicationEntry, ...] = ()
    labs: tuple[LabEntry, ...] = ()
    consents: tuple[ConsentEntry, ...] = ()
