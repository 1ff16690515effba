"""Input of the SDM-MR writer: frozen, typed dataclasses that mirror the national items.

The registry's adapter fills these from its models; the writer never sees a model. Each class
checks on construction what would otherwise produce a document that the national validator
refuses or that says something false, and raises ValueError with a French message naming the
item. Identifiers are raw (an 11-digit RPPS, a 9-digit FINESS): the writer adds the national
prefixes.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum, StrEnum
from uuid import UUID

from filiere.exports.sdm_mr import value_sets
from filiere.exports.sdm_mr.value_sets import (
    PUBLIC_HEALTH_ESTABLISHMENT,
    ActivityContext,
    ActivityObjective,
    AgePeriod,
    Concept,
    Consent,
    DiagnosisAppraisal,
    DiagnosticStatus,
    GeneticTechnique,
    IdentityStatus,
    InsOid,
    Kinship,
    Profession,
    ReferredBy,
    Sex,
    SporadicOrFamilial,
)
from filiere.lib.identifiers import is_valid_finess, is_valid_nir, is_valid_rpps

_DIGITS = re.compile(r"\d+")
_HPO_CODE = re.compile(r"HP:\d{7}")
_ICD10_CODE = re.compile(r"[A-Z]\d{2}(\.[0-9A-Z+\-]{1,4})?")
_HGNC_ID = re.compile(r"HGNC:\d+")
_OID = re.compile(r"[0-2](\.(0|[1-9]\d*))+")
_SITE_CODE = re.compile(r"[A-Z0-9]{1,10}")
_INSEE_COG = re.compile(r"(\d{5}|2[AB]\d{3})")


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ValueError(message)


class DatePrecision(StrEnum):
    """The precision the registry stores beside a partial date."""

    YEAR = "year"
    MONTH = "month"
    DAY = "day"


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A date known to the year, the month or the day, as the SDM-MR records it.

    The precision is implied by the parts given: ``PartialDate(2019)``,
    ``PartialDate(2019, 3)``, ``PartialDate(2019, 3, 14)``.
    """

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        _require(1800 <= self.year <= 9999, f"Année impossible : {self.year}.")
        if self.month is not None:
            _require(1 <= self.month <= 12, f"Mois impossible : {self.month}.")
        if self.day is not None:
            _require(self.month is not None, "Un jour sans mois n'est pas une date.")
            last = calendar.monthrange(self.year, self.month or 1)[1]
            _require(1 <= self.day <= last, f"Jour impossible : {self.day}/{self.month}.")

    @classmethod
    def from_date(cls, value: date, precision: DatePrecision = DatePrecision.DAY) -> PartialDate:
        """Return the date cut to a precision, for a registry that stores a date and a mask."""
        if precision is DatePrecision.YEAR:
            return cls(value.year)
        if precision is DatePrecision.MONTH:
            return cls(value.year, value.month)
        return cls(value.year, value.month, value.day)

    @property
    def precision(self) -> DatePrecision:
        if self.day is not None:
            return DatePrecision.DAY
        if self.month is not None:
            return DatePrecision.MONTH
        return DatePrecision.YEAR

    def to_ts(self) -> str:
        """Return the HL7 TS value at this precision: YYYY, YYYYMM or YYYYMMDD."""
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}{self.month:02d}"
        return f"{self.year:04d}{self.month:02d}{self.day:02d}"

    def display(self) -> str:
        """Return the French display form: 2019, 03/2019 or 14/03/2019."""
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.month:02d}/{self.year:04d}"
        return f"{self.day:02d}/{self.month:02d}/{self.year:04d}"


class Terminology(Enum):
    """Terminologies of coded diseases and clinical descriptions, with their OIDs."""

    ORPHA = value_sets.ORPHA_DISEASES
    ORPHA_GROUP = value_sets.ORPHA_GROUPS
    HPO = value_sets.HPO
    ICD10 = value_sets.ICD10


@dataclass(frozen=True, slots=True)
class Term:
    """A coded disease or description: ORPHA disease or group, HPO term or ICD-10 code.

    ORPHA codes are stored without prefix ("849"); the ``orpha``/``orpha_group``
    constructors accept "ORPHA:849" too. HPO ids keep theirs ("HP:0001892").
    """

    terminology: Terminology
    code: str
    label: str

    def __post_init__(self) -> None:
        pattern = {
            Terminology.ORPHA: _DIGITS,
            Terminology.ORPHA_GROUP: _DIGITS,
            Terminology.HPO: _HPO_CODE,
            Terminology.ICD10: _ICD10_CODE,
        }[self.terminology]
        _require(
            pattern.fullmatch(self.code) is not None,
            f"Code {self.terminology.name} invalide : {self.code!r}.",
        )
        _require(bool(self.label.strip()), f"Libellé manquant pour le code {self.code}.")

    @classmethod
    def orpha(cls, code: str, label: str) -> Term:
        return cls(Terminology.ORPHA, code.removeprefix("ORPHA:"), label)

    @classmethod
    def orpha_group(cls, code: str, label: str) -> Term:
        return cls(Terminology.ORPHA_GROUP, code.removeprefix("ORPHA:"), label)

    @classmethod
    def hpo(cls, code: str, label: str) -> Term:
        return cls(Terminology.HPO, code, label)

    @classmethod
    def icd10(cls, code: str, label: str) -> Term:
        return cls(Terminology.ICD10, code, label)

    def display(self) -> str:
        prefix = {
            Terminology.ORPHA: "ORPHA:",
            Terminology.ORPHA_GROUP: "ORPHA:",
            Terminology.HPO: "",
            Terminology.ICD10: "CIM-10 ",
        }[self.terminology]
        return f"{self.label} ({prefix}{self.code})"


@dataclass(frozen=True, slots=True)
class ExternalId:
    """An identifier issued by another authority: ``root`` is that authority's OID."""

    root: str
    extension: str

    def __post_init__(self) -> None:
        _require(_OID.fullmatch(self.root) is not None, f"OID invalide : {self.root!r}.")
        _require(bool(self.extension.strip()), "Identifiant vide.")


@dataclass(frozen=True, slots=True)
class Centre:
    """A care establishment declared as a rare-disease site.

    ``finess`` is the 9-digit FINESS of the establishment (géographique);
    ``site_code`` the national rare-disease site code (e.g. "S001", OID 1.2.250.1.213.2.61);
    ``name`` is written as the site name where the document names a site.
    """

    name: str
    finess: str
    site_code: str
    sector: Concept = PUBLIC_HEALTH_ESTABLISHMENT

    def __post_init__(self) -> None:
        _require(bool(self.name.strip()), "Nom du centre manquant.")
        _require(
            is_valid_finess(self.finess), f"FINESS invalide pour {self.name} : {self.finess!r}."
        )
        _require(
            _SITE_CODE.fullmatch(self.site_code) is not None,
            f"Code de site maladies rares invalide pour {self.name} : {self.site_code!r}.",
        )


@dataclass(frozen=True, slots=True)
class Clinician:
    """A health professional: author, referring physician or performer of an activity."""

    family_name: str
    given_name: str
    rpps: str | None = None
    profession: Profession = Profession.PHYSICIAN

    def __post_init__(self) -> None:
        _require(bool(self.family_name.strip()), "Nom du professionnel manquant.")
        if self.rpps is not None:
            _require(
                is_valid_rpps(self.rpps), f"RPPS invalide pour {self.family_name} : {self.rpps!r}."
            )


@dataclass(frozen=True, slots=True)
class Ins:
    """The INS matricule (NIR or NIA, 15 characters) and its assigning authority."""

    matricule: str
    oid: InsOid

    def __post_init__(self) -> None:
        _require(
            is_valid_nir(self.matricule),
            "Matricule INS invalide : 15 caractères dont une clé exacte attendus.",
        )


@dataclass(frozen=True, slots=True)
class Ipp:
    """The local patient id and the OID of the establishment's IPP domain.

    A CDA identifier's root must be an OID: the FINESS number is not one, so each centre
    configures the OID it registered for its IPP domain.
    """

    value: str
    domain_oid: str

    def __post_init__(self) -> None:
        _require(_OID.fullmatch(self.domain_oid) is not None, "OID du domaine d'IPP invalide.")
        _require(bool(self.value.strip()), "IPP vide.")


@dataclass(frozen=True, slots=True)
class Identity:
    """Identity traits; only this export and the patient page ever read them.

    ``birth_first_names`` is the list of first names on the birth certificate, space
    separated; ``first_given_name`` the first of them. The INS is written only when the
    identity is qualified (RNIV).
    """

    birth_name: str
    birth_first_names: str | None = None
    first_given_name: str | None = None
    used_name: str | None = None
    used_first_name: str | None = None
    birth_date: PartialDate | None = None
    sex: Sex = Sex.UNKNOWN
    birth_place_insee: str | None = None
    ins: Ins | None = None
    status: IdentityStatus = IdentityStatus.PROVISIONAL
    ipp: Ipp | None = None
    multiple_birth: bool | None = None
    birth_order: int | None = None

    def __post_init__(self) -> None:
        if self.birth_place_insee is not None:
            _require(
                _INSEE_COG.fullmatch(self.birth_place_insee) is not None,
                f"Code INSEE du lieu de naissance invalide : {self.birth_place_insee!r}.",
            )
        if self.birth_order is not None:
            _require(
                self.multiple_birth is True and self.birth_order >= 1,
                "Un rang de naissance suppose une naissance multiple.",
            )


class Consanguinity(StrEnum):
    """Patient born of a consanguineous union (BaMaRa: true, false, UNK)."""

    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class VitalStatus:
    """Alive or deceased (with a date, possibly partial), lost to follow-up.

    ``death_due_to_rare_disease`` is None when not recorded; ``death_rare_disease`` names
    the rare disease that caused the death when known.
    """

    deceased: bool = False
    death_date: PartialDate | None = None
    death_due_to_rare_disease: bool | None = None
    death_rare_disease: Term | None = None
    lost_to_follow_up: bool = False

    def __post_init__(self) -> None:
        if not self.deceased:
            _require(
                self.death_date is None
                and self.death_due_to_rare_disease is None
                and self.death_rare_disease is None,
                "Une date ou une cause de décès suppose un patient décédé.",
            )
        if self.death_rare_disease is not None:
            _require(
                self.death_due_to_rare_disease is True,
                "La maladie cause du décès suppose un décès dû à une maladie rare.",
            )


@dataclass(frozen=True, slots=True)
class PatientRecord:
    """The rare-disease file ("dossier MR") and the status items of the patient.

    ``idmr`` is the national pseudonym received from BNDMR, with the OID BNDMR assigns to it;
    it is personal data (security.md 4.2), written whenever given. ``opposes_bndmr_reuse``
    writes the GEN-315 opposition; ``consents`` the other consents (ERN registries).
    """

    rd_file_id: UUID
    created_on: date
    updated_at: datetime
    vital_status: VitalStatus = field(default_factory=VitalStatus)
    consanguinity: Consanguinity = Consanguinity.UNKNOWN
    idmr: ExternalId | None = None
    opposes_bndmr_reuse: bool = False
    consents: tuple[Consent, ...] = ()

    def __post_init__(self) -> None:
        _require(
            self.updated_at.tzinfo is not None,
            "La date de mise à jour doit porter son fuseau horaire.",
        )


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
