"""Who the document is about and by: the centre, the clinicians, the patient's identity and
vital status."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from filiere.exports.sdm_mr.model.values import (
    _INSEE_COG,
    _OID,
    _SITE_CODE,
    ExternalId,
    PartialDate,
    Term,
    _require,
)
from filiere.exports.sdm_mr.value_sets import (
    PUBLIC_HEALTH_ESTABLISHMENT,
    Concept,
    Consent,
    IdentityStatus,
    InsOid,
    Profession,
    Sex,
)
from filiere.lib.identifiers import is_valid_finess, is_valid_nir, is_valid_rpps


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
