"""Codes of the SDM-MR 2024.01 document: code systems, the national value sets (JDV) and the
HL7 vocabularies it uses.

Each value set is an ``Enum`` whose members carry the code, the French display name and the
code system exactly as the ANS kit publishes them (``jeuxDeValeurs/JDV_*_CISIS.xml``, the
revision dates are in each docstring). Registry models store ``member.code``; forms show
``member.display_name``; ``ValueSetClass.from_code(code)`` goes back.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import Self

# Code systems (OIDs) and the names the official examples give them.
SNOMED_CT = "2.16.840.1.113883.6.96"
LOINC = "2.16.840.1.113883.6.1"
TA_ASIP = "1.2.250.1.213.1.1.4.322"
TRE_G15_PROFESSION = "1.2.250.1.213.1.1.4.5"
TRE_R94_PROFESSION_SOCIAL = "1.2.250.1.213.1.6.1.107"
TRE_R95_USAGER_TITRE = "1.2.250.1.213.1.6.1.4"
TRE_R291_PSYCHOLOGUE = "1.2.250.1.213.1.6.1.109"
TRE_R213_MODE_PRISE_EN_CHARGE = "1.2.250.1.213.3.3.13"
ORPHA_DISEASES = "1.2.250.1.213.2.49.1"
ORPHA_GROUPS = "1.2.250.1.213.2.49.2"
HPO = "1.2.250.1.213.2.51"
ICD10 = "2.16.840.1.113883.6.3"
HGNC = "2.16.840.1.113883.4.642.2.468"
HL7_ADMINISTRATIVE_GENDER = "2.16.840.1.113883.5.1"
HL7_ROLE_CODE = "2.16.840.1.113883.5.111"
HL7_CONFIDENTIALITY = "2.16.840.1.113883.5.25"
TRE_R02_ACTIVITY_SECTOR = "1.2.250.1.71.4.2.4"
PRACTICE_SETTING = "1.2.250.1.213.1.1.4.9"
RD_SITES = "1.2.250.1.213.2.61"
RPPS_ROOT = "1.2.250.1.71.4.2.1"
FINESS_ROOT = "1.2.250.1.71.4.2.2"

CODE_SYSTEM_NAMES: dict[str, str] = {
    SNOMED_CT: "SNOMED CT",
    LOINC: "LOINC",
    TA_ASIP: "TA_ASIP",
    ORPHA_DISEASES: "JDV_Orpha_Maladies",
    ORPHA_GROUPS: "JDV_Orpha_Groupes-Maladies",
    HPO: "HPO",
    ICD10: "CIM-10",
    HGNC: "HGNC",
    HL7_ADMINISTRATIVE_GENDER: "HL7:AdministrativeGender",
    HL7_ROLE_CODE: "RoleCode",
}


@dataclass(frozen=True, slots=True)
class Concept:
    """One coded value: code, French display name, code system OID."""

    code: str
    display_name: str
    code_system: str

    @property
    def code_system_name(self) -> str | None:
        return CODE_SYSTEM_NAMES.get(self.code_system)


class ValueSet(Enum):
    """Base of the value-set enums; a member's value is its ``Concept``."""

    _value_: Concept

    @property
    def concept(self) -> Concept:
        return self._value_

    @property
    def code(self) -> str:
        return self._value_.code

    @property
    def display_name(self) -> str:
        return self._value_.display_name

    @property
    def code_system(self) -> str:
        return self._value_.code_system

    @classmethod
    def from_code(cls, code: str) -> Self:
        """Return the member with this code; ValueError names the value set otherwise."""
        for member in cls:
            if member.code == code:
                return member
        raise ValueError(f"Le code {code!r} n'appartient pas au jeu de valeurs {cls.__name__}.")

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """Return (code, display name) pairs, the shape of Django ``choices``."""
        return [(member.code, member.display_name) for member in cls]


class DiagnosticStatus(ValueSet):
    """JDV_StatutActuelDiagnostic_CISIS (1.2.250.1.213.1.1.5.45), revision 2024-10-11."""

    ONGOING = Concept("385651009", "en cours d'exécution", SNOMED_CT)
    EQUIVOCAL = Concept("42425007", "équivoque", SNOMED_CT)
    CONFIRMED = Concept("255545003", "diagnostic définitif", SNOMED_CT)
    HEALTHY_CARRIER = Concept("24800002", "porteur(-euse) sain(e)", SNOMED_CT)
    REFUTED = Concept("723511001", "réfuté", SNOMED_CT)


class AgePeriod(ValueSet):
    """JDV_Age_CISIS (1.2.250.1.213.1.1.5.43), revision 2024-08-06.

    Only ``LIFETIME`` ("between birth and death") takes a precision in years or months.
    """

    NO_SIGN = Concept("MED-1288", "Aucun signe", TA_ASIP)
    NEONATAL = Concept("255407002", "néonatal", SNOMED_CT)
    LIFETIME = Concept("767023003", "période de la vie entre la naissance et la mort", SNOMED_CT)
    UNDETERMINED = Concept("373068000", "indéterminé(e)", SNOMED_CT)
    FOETAL = Concept("303112003", "période fœtale", SNOMED_CT)
    POSTMORTEM = Concept("303113008", "période postmortem", SNOMED_CT)


class DiagnosisAppraisal(ValueSet):
    """JDV_AppreciationDiagnosticCentre_CISIS (1.2.250.1.213.1.1.5.44), revision 2024-03-15."""

    ABSENT = Concept("2667000", "absent", SNOMED_CT)
    INADEQUATE = Concept("71978007", "inadéquat", SNOMED_CT)
    ADEQUATE = Concept("88323005", "adéquat", SNOMED_CT)


class SporadicOrFamilial(ValueSet):
    """JDV_CasSporadiqueFamilial_CISIS (1.2.250.1.213.1.1.5.46), revision 2024-03-15."""

    SPORADIC = Concept("75741005", "Sporadique", SNOMED_CT)
    FAMILIAL = Concept("255401001", "familial", SNOMED_CT)


class GeneticTechnique(ValueSet):
    """JDV_TechniquesDiagnostic_CISIS (1.2.250.1.213.1.1.5.48), revision 2024-07-19."""

    CHROMOSOMAL = Concept("MED-081", "Chromosomique (caryotype, FISH)", TA_ASIP)
    CGH_ARRAY = Concept("MED-082", "ACPA", TA_ASIP)
    TARGETED_MOLECULAR = Concept(
        "MED-083", "Analyse moléculaire ciblée (1 ou plusieurs gènes)", TA_ASIP
    )
    GENOME_WIDE = Concept("MED-084", "Analyse pangénomique", TA_ASIP)
    OTHER = Concept("GEN-092.04.17", "Autre technique", TA_ASIP)


class ActivityContext(ValueSet):
    """JDV_ContexteActivite_CISIS (1.2.250.1.213.1.1.5.40), revision 2024-10-11."""

    OTHER = Concept("GEN-092.05.04", "Autre contexte", TA_ASIP)
    EXPERT_OPINION_ON_FILE = Concept("MED-095", "Avis d'expertise sur un dossier", TA_ASIP)
    TELECONSULTATION = Concept("MED-096", "Téléconsultation", TA_ASIP)
    DAY_HOSPITAL = Concept("29", "Hospitalisation de jour (HJ)", TRE_R213_MODE_PRISE_EN_CHARGE)
    INPATIENT_STAY = Concept("ORG-045", "Hospitalisation traditionnelle", TA_ASIP)
    CONSULTATION = Concept("11429006", "Consultation", SNOMED_CT)
    MULTIDISCIPLINARY_CONSULTATION = Concept("ORG-028", "Consultation pluridisciplinaire", TA_ASIP)
    OPINION_ON_FILE_IN_CONSULTATION = Concept(
        "ORG-029", "Avis sur dossier en consultation", TA_ASIP
    )
    WARD_OPINION = Concept("ORG-030", "Avis en salle", TA_ASIP)
    REGIONAL_MDT_ORGANISER = Concept(
        "ORG-198", "RCP régionale ou locale - centre organisateur", TA_ASIP
    )
    NATIONAL_MDT_PARTICIPANT = Concept(
        "ORG-199", "RCP nationale ou européenne - centre participatif", TA_ASIP
    )


class ActivityObjective(ValueSet):
    """JDV_ObjectifActivite_CISIS (1.2.250.1.213.1.1.5.41), revision 2024-08-06."""

    THERAPEUTIC_EDUCATION = Concept("ORG-164", "Education thérapeutique", TA_ASIP)
    DIAGNOSIS = Concept("MED-097", "Diagnostic", TA_ASIP)
    GENETIC_COUNSELLING = Concept("MED-098", "Conseil génétique", TA_ASIP)
    PRENATAL_DIAGNOSIS = Concept("MED-099", "Diagnostic prénatal", TA_ASIP)
    PREIMPLANTATION_DIAGNOSIS = Concept("MED-100", "Diagnostic préimplantatoire", TA_ASIP)
    CARE_SET_UP = Concept("ORG-046", "Mise en place de la prise en charge", TA_ASIP)
    FOLLOW_UP = Concept("ORG-047", "Suivi", TA_ASIP)
    EMERGENCY_CARE = Concept("ORG-048", "Prise en charge en urgence", TA_ASIP)
    RESEARCH_PROTOCOL = Concept("ORG-049", "Protocole de recherche", TA_ASIP)
    MEDICAL_PROCEDURE = Concept("ORG-031", "Acte médical", TA_ASIP)
    TRANSITION_CONSULTATION = Concept(
        "ORG-123", "Consultation de transition enfant/adulte", TA_ASIP
    )
    GENETIC_RESULT_DELIVERY = Concept("MED-1289", "Rendu de résultat diagnostic génétique", TA_ASIP)


class ReferredBy(ValueSet):
    """JDV_PatientAdressePar_CISIS (1.2.250.1.213.1.1.5.38), revision 2023-02-02."""

    GYNAECOLOGIST_OBSTETRICIAN = Concept(
        "G15_10/C23", "Médecin - Gynécologie médicale et Obstétrique (C)", TRE_G15_PROFESSION
    )
    # The trailing space is in the published value set.
    MEDICAL_GENETICIST = Concept(
        "G15_10/C72", "Médecin - Génétique médicale (C) ", TRE_G15_PROFESSION
    )
    GENERAL_PRACTITIONER = Concept(
        "G15_10/SM54", "Médecin - Médecine Générale (SM)", TRE_G15_PROFESSION
    )
    SELF = Concept("ORG-019", "Venu de lui-même", TA_ASIP)
    PATIENT_ASSOCIATION = Concept("ORG-020", "Association de patients", TA_ASIP)
    COMMUNITY_PAEDIATRICIAN = Concept("ORG-021", "Pédiatre ville", TA_ASIP)
    HOSPITAL_PAEDIATRICIAN = Concept("ORG-022", "Pédiatre hôpital", TA_ASIP)
    MATERNAL_CHILD_PROTECTION = Concept(
        "ORG-023", "Centre de protection maternelle et infantile", TA_ASIP
    )
    OTHER_SPECIALIST = Concept("GEN-092.05.02", "Autre spécialiste", TA_ASIP)
    CARE_SITE = Concept("ORG-025", "Site de prise en charge", TA_ASIP)
    PRENATAL_DIAGNOSIS_CENTRE = Concept(
        "ORG-026", "Centre pluridisciplinaire de diagnostic prénatal", TA_ASIP
    )
    REFERENCE_CENTRE = Concept("ORG-182", "Centre de référence maladies rares (CRM)", TA_ASIP)
    COMPETENCE_CENTRE = Concept("ORG-183", "Centre de compétences maladies rares (CCM)", TA_ASIP)
    OTHER_PERSON = Concept("GEN-092.05.01", "Autre personne", TA_ASIP)


class Profession(ValueSet):
    """JDV_ProfessionPersonnelActivite_CISIS (1.2.250.1.213.1.1.5.42), revision 2024-12-30."""

    PHYSICIAN = Concept("G15_10", "Médecin", TRE_G15_PROFESSION)
    NURSE = Concept("G15_60", "Infirmier", TRE_G15_PROFESSION)
    PHYSIOTHERAPIST = Concept("G15_70", "Masseur-Kinésithérapeute", TRE_G15_PROFESSION)
    SPEECH_THERAPIST = Concept("G15_91", "Orthophoniste", TRE_G15_PROFESSION)
    OCCUPATIONAL_THERAPIST = Concept("G15_94", "Ergothérapeute", TRE_G15_PROFESSION)
    DIETITIAN = Concept("G15_95", "Diététicien", TRE_G15_PROFESSION)
    PSYCHOMOTRICIAN = Concept("G15_96", "Psychomotricien", TRE_G15_PROFESSION)
    OTHER_PROFESSIONAL = Concept("312", "Autre professionnel", TRE_R94_PROFESSION_SOCIAL)
    SOCIAL_WORKER = Concept("41", "Assistant de service social", TRE_R95_USAGER_TITRE)
    SPECIALISED_EDUCATOR = Concept("326", "Educateur spécialisé", TRE_R94_PROFESSION_SOCIAL)
    PSYCHOLOGIST = Concept("93", "Psychologue", TRE_R291_PSYCHOLOGUE)
    GENETIC_COUNSELLOR = Concept("329", "Conseiller en génétique", TRE_R94_PROFESSION_SOCIAL)


class Sex(ValueSet):
    """HL7 AdministrativeGender as the CI-SIS uses it (M, F, U)."""

    MALE = Concept("M", "Masculin", HL7_ADMINISTRATIVE_GENDER)
    FEMALE = Concept("F", "Féminin", HL7_ADMINISTRATIVE_GENDER)
    UNKNOWN = Concept("U", "Inconnu", HL7_ADMINISTRATIVE_GENDER)


class Kinship(ValueSet):
    """Blood relatives of JDV_HL7_PersonalRelationshipRoleType_CISIS (2.16.840.1.113883.1.11.19563).

    Only relatives who share genes with the patient are listed: the family index case of a
    rare disease is one of them. Display names are the CI-SIS ones.
    """

    MOTHER = Concept("MTH", "Mère", HL7_ROLE_CODE)
    FATHER = Concept("FTH", "Père", HL7_ROLE_CODE)
    NATURAL_MOTHER = Concept("NMTH", "Mère biologique", HL7_ROLE_CODE)
    NATURAL_FATHER = Concept("NFTH", "Père biologique", HL7_ROLE_CODE)
    PARENT = Concept("PRN", "Parent, au sens père ou mère", HL7_ROLE_CODE)
    NATURAL_PARENT = Concept("NPRN", "Parent biologique, au sens père ou mère", HL7_ROLE_CODE)
    SIBLING = Concept("SIB", "Frère ou sœur", HL7_ROLE_CODE)
    NATURAL_SIBLING = Concept("NSIB", "Frère ou soeur biologique", HL7_ROLE_CODE)
    BROTHER = Concept("BRO", "Frère", HL7_ROLE_CODE)
    NATURAL_BROTHER = Concept("NBRO", "Frère biologique", HL7_ROLE_CODE)
    SISTER = Concept("SIS", "Sœur", HL7_ROLE_CODE)
    NATURAL_SISTER = Concept("NSIS", "Soeur biologique", HL7_ROLE_CODE)
    HALF_SIBLING = Concept("HSIB", "Demi-frère ou demi-sœur", HL7_ROLE_CODE)
    HALF_BROTHER = Concept("HBRO", "Demi-frère", HL7_ROLE_CODE)
    HALF_SISTER = Concept("HSIS", "Demi-sœur", HL7_ROLE_CODE)
    TWIN = Concept("TWIN", "Frère jumeau ou soeur jumelle", HL7_ROLE_CODE)
    TWIN_BROTHER = Concept("TWINBRO", "Frère jumeau", HL7_ROLE_CODE)
    TWIN_SISTER = Concept("TWINSIS", "Soeur jumelle", HL7_ROLE_CODE)
    IDENTICAL_TWIN = Concept("ITWIN", "Jumeau ou jumelle monozygote", HL7_ROLE_CODE)
    FRATERNAL_TWIN = Concept("FTWIN", "Jumeau ou jumelle dizygote", HL7_ROLE_CODE)
    CHILD = Concept("CHILD", "Enfant", HL7_ROLE_CODE)
    NATURAL_CHILD = Concept("NCHILD", "Enfant biologique", HL7_ROLE_CODE)
    SON = Concept("SON", "Fils biologique", HL7_ROLE_CODE)
    DAUGHTER = Concept("DAU", "Fille biologique", HL7_ROLE_CODE)
    GRANDPARENT = Concept("GRPRN", "Grand-parent", HL7_ROLE_CODE)
    GRANDFATHER = Concept("GRFTH", "Grand-père", HL7_ROLE_CODE)
    GRANDMOTHER = Concept("GRMTH", "Grand-mère", HL7_ROLE_CODE)
    MATERNAL_GRANDFATHER = Concept("MGRFTH", "Grand-père maternel", HL7_ROLE_CODE)
    MATERNAL_GRANDMOTHER = Concept("MGRMTH", "Grand-mère maternelle", HL7_ROLE_CODE)
    PATERNAL_GRANDFATHER = Concept("PGRFTH", "Grand-père paternel", HL7_ROLE_CODE)
    PATERNAL_GRANDMOTHER = Concept("PGRMTH", "Grand-mère paternelle", HL7_ROLE_CODE)
    GREAT_GRANDPARENT = Concept("GGRPRN", "Arrière-grand-parent", HL7_ROLE_CODE)
    GRANDCHILD = Concept("GRNDCHILD", "Petit-enfant", HL7_ROLE_CODE)
    GRANDSON = Concept("GRNDSON", "Petit-fils", HL7_ROLE_CODE)
    GRANDDAUGHTER = Concept("GRNDDAU", "Petite-fille", HL7_ROLE_CODE)
    UNCLE = Concept("UNCLE", "Oncle", HL7_ROLE_CODE)
    AUNT = Concept("AUNT", "Tante", HL7_ROLE_CODE)
    MATERNAL_UNCLE = Concept("MUNCLE", "Oncle maternel", HL7_ROLE_CODE)
    MATERNAL_AUNT = Concept("MAUNT", "Tante maternelle", HL7_ROLE_CODE)
    PATERNAL_UNCLE = Concept("PUNCLE", "Oncle paternel", HL7_ROLE_CODE)
    PATERNAL_AUNT = Concept("PAUNT", "Tante paternelle", HL7_ROLE_CODE)
    COUSIN = Concept("COUSN", "Cousin", HL7_ROLE_CODE)
    MATERNAL_COUSIN = Concept("MCOUSN", "Cousin (maternel)", HL7_ROLE_CODE)
    PATERNAL_COUSIN = Concept("PCOUSN", "Cousin (paternel)", HL7_ROLE_CODE)
    NEPHEW = Concept("NEPHEW", "Neveu", HL7_ROLE_CODE)
    NIECE = Concept("NIECE", "Nièce", HL7_ROLE_CODE)
    NEPHEW_OR_NIECE = Concept("NIENEPH", "Neveu ou nièce", HL7_ROLE_CODE)
    FAMILY_MEMBER = Concept("FAMMEMB", "Membre de la famille", HL7_ROLE_CODE)


class InsOid(StrEnum):
    """Assigning authorities of the INS matricule (Référentiel INS; FR Core fr-core-1)."""

    INS_NIR = "1.2.250.1.213.1.4.8"
    INS_NIA = "1.2.250.1.213.1.4.9"
    INS_NIR_TEST = "1.2.250.1.213.1.4.10"
    INS_NIR_DEMO = "1.2.250.1.213.1.4.11"

    @property
    def is_test_or_demo(self) -> bool:
        """True for the OIDs that production must refuse."""
        return self in (InsOid.INS_NIR_TEST, InsOid.INS_NIR_DEMO)


class IdentityStatus(StrEnum):
    """Identity reliability (RNIV; FR Core ``fr-core-cs-fiabilite-identite``)."""

    PROVISIONAL = "PROV"
    RECOVERED = "RECUP"
    VALIDATED = "VALI"
    QUALIFIED = "QUAL"


@dataclass(frozen=True, slots=True)
class Consent:
    """A consent or opposition of the header (``authorization/consent``, TA_ASIP codes)."""

    code: str
    display_name: str


BNDMR_OPPOSITION = Consent(
    "GEN-315",
    "Le patient (ou son représentant légal) s'oppose à la réutilisation de ses données "
    "dans l’entrepôt de données de santé BNDMR.",
)
# The 2024.01 example codes each ERN registry's consent with its own TA_ASIP code; GEN-320 is
# the one published there (EuRREB). Another ERN needs the code ANS assigned to it.
ERN_EURREB_CONSENT = Consent(
    "GEN-320",
    "Le patient a signé son consentement à la transmission des données au registre ERN EuRREB",
)

PUBLIC_HEALTH_ESTABLISHMENT = Concept(
    "SA01", "Etablissement public de santé", TRE_R02_ACTIVITY_SECTOR
)

# Statuses of the value set before its 2023 migration to SNOMED CT (TA_ASIP codes) and the
# SNOMED "probable" that the 2024-10 revision dropped.
_LEGACY_STATUSES: dict[str, DiagnosticStatus | None] = {
    "GEN-034": DiagnosticStatus.ONGOING,  # en cours
    "GEN-035": DiagnosticStatus.CONFIRMED,  # confirmé
    # "non déterminé" became "équivoque" in the SNOMED migration: an interpretation of
    # registry-standards.md 3.2, to confirm with BNDMR.
    "GEN-021": DiagnosticStatus.EQUIVOCAL,
    # "probable" has no successor in the 2024.01 set: a clinician must re-assess.
    "G-2002": None,
    "2931005": None,
    # "non classable" was retired in 2020.
    "GEN-022": None,
}


def modern_status(code: str) -> DiagnosticStatus | None:
    """Return the 2024.01 diagnostic status for a current or older status code.

    None means the older status has no faithful equivalent (probable, non classable): the
    diagnosis must be re-assessed before export. An unknown code raises ValueError.
    """
    if code in _LEGACY_STATUSES:
        return _LEGACY_STATUSES[code]
    return DiagnosticStatus.from_code(code)
