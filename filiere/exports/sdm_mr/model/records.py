"""What the document records: care episodes, activities, diagnoses, genes, family and research,
and the document itself."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from filiere.exports.sdm_mr.model.people import Centre, Clinician, Identity, PatientRecord
from filiere.exports.sdm_mr.model.values import _HGNC_ID, PartialDate, Term, Terminology, _require
from filiere.exports.sdm_mr.value_sets import (
    ActivityContext,
    ActivityObjective,
    AgePeriod,
    DiagnosisAppraisal,
    DiagnosticStatus,
    GeneticTechnique,
    Kinship,
    ReferredBy,
    Sex,
    SporadicOrFamilial,
)
from filiere.lib.identifiers import is_valid_finess


@dataclass(frozen=True, slots=True)
class CareEpisode:
    """A prise en charge: the follow-up of the patient by one rare-disease site."""

    id: UUID
    site: Centre
    inclusion_date: PartialDate | None
    referring_physician: Clinician
    referred_by: tuple[ReferredBy, ...]
    outside_labelled_scope: bool = False

    def __post_init__(self) -> None:
        _require(bool(self.referred_by), "« Patient adressé par » est obligatoire (1..*).")


@dataclass(frozen=True, slots=True)
class Activity:
    """One activity of a site for the patient (consultation, opinion, RCP…).

    ``place_finess`` is the FINESS of the place of consultation when it differs from the
    site's establishment.
    """

    id: UUID
    date: date
    performer: Clinician
    site: Centre
    context: ActivityContext
    objectives: tuple[ActivityObjective, ...]
    place_finess: str | None = None

    def __post_init__(self) -> None:
        _require(bool(self.objectives), "L'objectif de l'activité est obligatoire (1..*).")
        if self.place_finess is not None:
            _require(
                is_valid_finess(self.place_finess),
                f"FINESS du lieu de consultation invalide : {self.place_finess!r}.",
            )


@dataclass(frozen=True, slots=True)
class AgeAt:
    """An age item: the JDV_Age period and, for ``LIFETIME`` only, years and/or months."""

    period: AgePeriod
    years: int | None = None
    months: int | None = None

    def __post_init__(self) -> None:
        has_precision = self.years is not None or self.months is not None
        _require(
            not has_precision or self.period is AgePeriod.LIFETIME,
            "Une précision d'âge suppose la période « entre la naissance et la mort ».",
        )
        _require(self.years is None or 0 <= self.years <= 150, f"Âge impossible : {self.years}.")
        if self.months is not None:
            limit = 11 if self.years is not None else 24 * 12
            _require(0 <= self.months <= limit, f"Nombre de mois impossible : {self.months}.")

    def display(self) -> str:
        if self.years is None and self.months is None:
            return self.period.display_name
        parts = []
        if self.years is not None:
            parts.append(f"{self.years} an{'s' if self.years > 1 else ''}")
        if self.months is not None:
            parts.append(f"{self.months} mois")
        return "à l'âge de " + " ".join(parts)


@dataclass(frozen=True, slots=True)
class Gene:
    """A gene by its HGNC symbol, with its HGNC id ("HGNC:6156") when known."""

    symbol: str
    hgnc_id: str | None = None

    def __post_init__(self) -> None:
        _require(
            bool(self.symbol) and not any(c.isspace() for c in self.symbol),
            f"Symbole de gène invalide : {self.symbol!r}.",
        )
        if self.hgnc_id is not None:
            _require(
                _HGNC_ID.fullmatch(self.hgnc_id) is not None,
                f"Identifiant HGNC invalide : {self.hgnc_id!r}.",
            )


@dataclass(frozen=True, slots=True)
class Diagnosis:
    """One rare-disease diagnosis (an SDM-MR "Diagnostic MR").

    ``disease`` is an ORPHA disease, or an ICD-10 code for a complex non-rare disease; None
    says the disease is not precisely identified (the clinical descriptions then carry the
    phenotype: ORPHA groups, HPO terms or ICD-10 codes). The three ages and the appraisal on
    arrival are required by the national schematron: when None, their entry is written
    without a value, which says "not recorded".
    """

    id: UUID
    status: DiagnosticStatus
    disease: Term | None
    date: PartialDate | None = None
    site: Centre | None = None
    clinical_descriptions: tuple[Term, ...] = ()
    sporadic_or_familial: SporadicOrFamilial | None = None
    age_at_first_signs: AgeAt | None = None
    age_at_clinical_diagnosis: AgeAt | None = None
    age_at_genetic_diagnosis: AgeAt | None = None
    appraisal_on_arrival: DiagnosisAppraisal | None = None
    genetic_techniques: tuple[GeneticTechnique, ...] = ()
    other_technique_detail: str | None = None
    genes: tuple[Gene, ...] = ()
    other_genetic_description: str | None = None
    comment: str | None = None

    def __post_init__(self) -> None:
        if self.disease is not None:
            _require(
                self.disease.terminology in (Terminology.ORPHA, Terminology.ICD10),
                "La maladie est un code ORPHA, ou CIM-10 pour une maladie complexe non rare.",
            )
        for term in self.clinical_descriptions:
            _require(
                term.terminology is not Terminology.ORPHA,
                f"La description clinique {term.code} doit être un groupe ORPHA, "
                "un terme HPO ou un code CIM-10.",
            )
        if self.other_technique_detail is not None:
            _require(
                GeneticTechnique.OTHER in self.genetic_techniques,
                "La précision de technique suppose la technique « Autre technique ».",
            )


@dataclass(frozen=True, slots=True)
class FamilyIndexCase:
    """The first member of the family diagnosed in the establishment, when not the patient.

    ``id`` is the registry's identifier of that relative's record.
    """

    id: UUID
    kinship: Kinship
    sex: Sex
    diseases: tuple[Term, ...]

    def __post_init__(self) -> None:
        _require(bool(self.diseases), "La maladie du premier cas est obligatoire (1..*).")


@dataclass(frozen=True, slots=True)
class Research:
    """The research items; None means not recorded."""

    agrees_to_be_contacted: bool | None = None
    sample_for_research: bool | None = None
    sample_for_molecular_diagnosis: bool | None = None
    biobanks: str | None = None

    @property
    def is_empty(self) -> bool:
        return (
            self.agrees_to_be_contacted is None
            and self.sample_for_research is None
            and self.sample_for_molecular_diagnosis is None
            and not self.biobanks
        )


@dataclass(frozen=True, slots=True)
class SdmMrDocument:
    """One SDM-MR document for one patient.

    ``document_id`` is new for every export; ``set_id`` is stable across the versions of the
    patient's document (the patient's UUID fits) and ``version`` counts them.
    ``created_at`` is the time of the export; ``author`` the clinician who follows the
    patient and signs; ``centre`` the custodian establishment. ``identity`` None writes no
    identity trait at all (masked header elements).
    """

    document_id: UUID
    set_id: UUID
    version: int
    created_at: datetime
    author: Clinician
    centre: Centre
    record: PatientRecord
    identity: Identity | None = None
    care_episodes: tuple[CareEpisode, ...] = ()
    activities: tuple[Activity, ...] = ()
    diagnoses: tuple[Diagnosis, ...] = ()
    index_case: FamilyIndexCase | None = None
    research: Research | None = None

    def __post_init__(self) -> None:
        _require(self.version >= 1, "Le numéro de version commence à 1.")
        _require(
            self.created_at.tzinfo is not None,
            "La date du document doit porter son fuseau horaire.",
        )
