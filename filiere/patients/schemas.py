"""Input and output schemas of the registry API (never a model returned as is)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from ninja import Field, Schema


class DiagnosisOut(Schema):
    id: uuid.UUID
    orpha_code: int | None
    icd10_code: str | None
    label: str
    status: str
    date: str | None = Field(None, description="Date partielle ISO : AAAA, AAAA-MM ou AAAA-MM-JJ.")
    centre_id: uuid.UUID
    genes: list[str]


class CareEpisodeOut(Schema):
    id: uuid.UUID
    centre_id: uuid.UUID
    centre: str
    inclusion_date: str
    ended_on: dt.date | None


class PatientOut(Schema):
    id: uuid.UUID
    pseudonym: str
    idmr: str
    sex: str
    birth_year: int
    birth_month: int
    vital_status: str
    diagnoses: list[DiagnosisOut]
    care_episodes: list[CareEpisodeOut]


class ListIdentityOut(Schema):
    birth_name: str
    first_given_name: str
    used_name: str
    birth_date: dt.date


class PatientListOut(PatientOut):
    identity: ListIdentityOut | None = Field(
        None,
        description=(
            "Nom et date de naissance, pour qui détient le droit de voir l'identité dans un centre "
            "qui suit le patient (lecture enregistrée dans le journal d'audit) ; sinon null."
        ),
    )


class FindingOut(Schema):
    id: uuid.UUID
    gene: str
    hgvs: str
    zygosity: str
    acmg_class: int
    technique: str


class PhenotypeOut(Schema):
    id: uuid.UUID
    hpo_id: str
    label: str
    excluded: bool


class PatientDetailOut(PatientOut):
    genetic_findings: list[FindingOut]
    phenotypes: list[PhenotypeOut]


class IdentityOut(Schema):
    birth_name: str
    birth_first_names: str
    first_given_name: str
    used_name: str
    used_first_name: str
    birth_date: dt.date
    sex: str
    birth_place_insee: str
    ins_matricule: str
    ins_oid: str
    status: str
    ipp: str


class IdentityIn(Schema):
    birth_name: str = Field(max_length=100)
    birth_first_names: str = Field(max_length=200)
    first_given_name: str = Field(max_length=100)
    used_name: str = Field("", max_length=100)
    used_first_name: str = Field("", max_length=100)
    birth_date: dt.date
    sex: str = Field(pattern="^[MFU]$")
    birth_place_insee: str = Field("", max_length=5)
    ins_matricule: str = Field("", max_length=15)
    ins_oid: str = Field("", max_length=40)
    status: str = "provisional"
    ipp: str = Field("", max_length=40)
    multiple_birth: bool | None = None


class PatientIn(Schema):
    centre_id: uuid.UUID
    inclusion_date: str = Field(description="AAAA, MM/AAAA, JJ/MM/AAAA ou ISO.")
    referred_by: list[str] = Field(min_length=1, description="Codes JDV_PatientAdressePar.")
    outside_labelled_scope: bool = False
    identity: IdentityIn


class SearchIn(Schema):
    q: str = Field(min_length=2, max_length=100, description="Nom, prénom, pseudonyme ou IdMR.")


class DiagnosisIn(Schema):
    orpha_code: str | None = None
    icd10_code: str | None = None
    status: str
    diagnosis_date: str | None = None
    centre_id: uuid.UUID
    onset_category: str
    onset_years: int | None = None
    onset_months: int | None = None
    clinical_dx_category: str
    clinical_dx_years: int | None = None
    clinical_dx_months: int | None = None
    genetic_dx_category: str
    genetic_dx_years: int | None = None
    genetic_dx_months: int | None = None
    inheritance: str = ""
    appraisal_on_arrival: str = ""
    genetic_techniques: list[str] = []
    genes: list[str] = []
    clinical_description: list[str] = []
    genetics_text: str = ""
    comment: str = ""


class DiagnosisStatusIn(Schema):
    status: str
    reason: str = Field(
        "", description="Why the status changes; required once the diagnosis is a day old."
    )


class FindingIn(Schema):
    gene: str
    hgvs: str
    zygosity: str
    acmg_class: int = Field(ge=1, le=5)
    technique: str
    protein_hgvs: str = ""
    laboratory: str = ""
    reported_on: dt.date | None = None
    is_index_case: bool = True
    kinship: str = ""


class PhenotypeIn(Schema):
    hpo_id: str
    excluded: bool = False
    onset: str = ""
    observed_on: dt.date | None = None


class ConsentIn(Schema):
    kind: str
    answer: bool
    answered_on: dt.date
    information_version: str


class RecordVersionOut(Schema):
    number: int
    current: bool
    kind: str = Field(description="created, corrected or withdrawn: how this version came about")
    at: dt.datetime
    author: str
    reason: str
    changes: dict[str, Any]
    values: dict[str, Any]


class RecordCorrectionIn(Schema):
    values: dict[str, Any] = Field(
        description="The fields to change, named as in the record's form (other fields keep "
        "their value)."
    )
    reason: str = Field(
        "", description="Required once the record is older than a day or has been exported."
    )


class RecordCorrectionOut(Schema):
    changes: dict[str, Any]


class RecordWithdrawalIn(Schema):
    reason: str = Field(description="Why the record is withdrawn (required).")


class RecordWithdrawalOut(Schema):
    withdrawn_at: dt.datetime
    reason: str
