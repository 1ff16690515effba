"""Building blocks of the SDM-MR CDA text: escaping, codes, identifiers, shared templates.

The document is built as text, not as a tree, because a registry exports hundreds of
thousands of documents; every value from the registry goes through ``esc``, which escapes
markup characters and drops the control characters XML 1.0 forbids.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from uuid import UUID, uuid5
from zoneinfo import ZoneInfo

from filiere.exports.sdm_mr.model import Centre, Clinician, PartialDate, Term
from filiere.exports.sdm_mr.value_sets import (
    FINESS_ROOT,
    RD_SITES,
    RPPS_ROOT,
    SNOMED_CT,
    TA_ASIP,
    Concept,
)

PARIS = ZoneInfo("Europe/Paris")
CD_TYPE = ' xsi:type="CD"'
CE_TYPE = ' xsi:type="CE"'
_NEEDS_WORK = re.compile('[&<>"\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]')
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def esc(text: str) -> str:
    """Return text safe for XML content and double-quoted attributes."""
    if _NEEDS_WORK.search(text) is None:
        return text
    text = _FORBIDDEN.sub("", text)
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def coded(tag: str, concept: Concept, attrs: str = "", inner: str = "") -> str:
    system_name = concept.code_system_name
    named = f' codeSystemName="{system_name}"' if system_name else ""
    body = (
        f'<{tag}{attrs} code="{esc(concept.code)}" displayName="{esc(concept.display_name)}" '
        f'codeSystem="{concept.code_system}"{named}'
    )
    return f"{body}>{inner}</{tag}>" if inner else body + "/>"


def term_concept(term: Term) -> Concept:
    return Concept(term.code, term.label, term.terminology.value)


def upper_uuid(value: UUID) -> str:
    return str(value).upper()


def child_id(parent: UUID, name: str) -> str:
    return str(uuid5(parent, name)).upper()


def timestamp(moment: datetime) -> str:
    return moment.astimezone(PARIS).strftime("%Y%m%d%H%M%S%z")


def ts_day(value: date) -> str:
    return value.strftime("%Y%m%d")


def bl(value: bool) -> str:
    return "true" if value else "false"


def yes_no(value: bool) -> str:
    return "Oui" if value else "Non"


def narrative_row(label: str, value: str, ref: str | None = None) -> str:
    cell = f'<content ID="{ref}">{esc(value)}</content>' if ref else esc(value)
    return f"<tr><td>{label}</td><td>{cell}</td></tr>"


def narrative_table(rows: list[str]) -> str:
    return '<text><table border="0"><tbody>' + "".join(rows) + "</tbody></table></text>"


def ta_asip_code(code: str, display: str) -> str:
    return coded("code", Concept(code, display, TA_ASIP))


# The item codes of the entries, rendered once.

C_CREATED = ta_asip_code("GEN-164", "Date de création")
C_UPDATED = ta_asip_code("GEN-165", "Date de mise à jour")
C_LOST = ta_asip_code("PAT-061", "Patient perdu de vue")
C_OUTSIDE_SCOPE = ta_asip_code(
    "GEN-368", "Prise en charge en dehors de la labellisation du site maladie rare"
)
C_OBJECTIVE = ta_asip_code("ORG-034", "Objectifs de l'activité MR")
C_STATUS = ta_asip_code("MED-072", "Statut actuel du diagnostic")
C_DESCRIPTION = ta_asip_code("MED-1284", "Description clinique")
C_SPORADIC = ta_asip_code("MED-073", "Cas sporadique ou familial")
C_AGE_FIRST_SIGNS = ta_asip_code("PAT-013", "Age aux premiers signes")
C_AGE_FIRST_SIGNS_PRECISION = ta_asip_code("PAT-014", "Précision de l'âge aux premiers signes")
C_APPRAISAL = ta_asip_code("MED-071", "Appréciation du diagnostic à l'entrée du centre")
C_AGE_CLINICAL = ta_asip_code("PAT-062", "Age au diagnostic clinique")
C_AGE_CLINICAL_PRECISION = ta_asip_code("PAT-063", "Précision de l'âge au diagnostic clinique")
C_AGE_GENETIC = ta_asip_code("PAT-064", "Age au diagnostic génétique")
C_AGE_GENETIC_PRECISION = ta_asip_code("PAT-065", "Précision de l'âge au diagnostic génétique")
C_TECHNIQUE = ta_asip_code("MED-1286", "Technique sur laquelle repose le diagnostic génétique")
C_GENE = ta_asip_code("MED-552", "Gène")
C_OTHER_GENETICS = ta_asip_code("MED-1287", "Autres descriptions génétiques")
C_CONTACT = ta_asip_code("PAT-012", "Accord du patient pour contact protocole")
C_SAMPLE_RESEARCH = ta_asip_code(
    "MED-065", "Patient ayant précédemment donné un échantillon biologique pour la recherche MR"
)
C_SAMPLE_MOLECULAR = ta_asip_code(
    "MED-066",
    "Patient ayant précédemment donné un échantillon biologique pour le diagnostic moléculaire",
)
C_BIOBANK = ta_asip_code("GEN-344", "Bio-banque(s)")
C_PROBLEM = coded("code", Concept("55607006", "problème", SNOMED_CT))
C_DIAGNOSIS = coded("code", Concept("282291009", "interprétation diagnostique", SNOMED_CT))
C_CONSANGUINITY_VALUE = Concept("842009", "consanguinité", SNOMED_CT)
C_SITE_CARE = ta_asip_code("ORG-025", "Site de prise en charge")
C_SITE_RD = ta_asip_code("ORG-070", "Site Maladie rare")

NA_TIME = '<effectiveTime nullFlavor="NA"/>'
COMPLETED = '<statusCode code="completed"/>'
SIMPLE_OBS = (
    '<observation classCode="OBS" moodCode="EVN">'
    '<templateId root="1.3.6.1.4.1.19376.1.5.3.1.4.13"/>'
    '<templateId root="1.2.250.1.213.1.1.3.48"/>'
)
PROBLEM_OBS_TEMPLATES = (
    '<templateId root="2.16.840.1.113883.10.20.1.28"/>'
    '<templateId root="1.3.6.1.4.1.19376.1.5.3.1.4.5"/>'
    '<templateId root="1.2.250.1.213.1.1.3.37"/>'
)
CONCERN_OPEN = (
    '<act classCode="ACT" moodCode="EVN">'
    '<templateId root="2.16.840.1.113883.10.20.1.27"/>'
    '<templateId root="1.3.6.1.4.1.19376.1.5.3.1.4.5.1"/>'
    '<templateId root="1.3.6.1.4.1.19376.1.5.3.1.4.5.2"/>'
    '<templateId root="1.2.250.1.213.1.1.3.39"/>'
)
ENCOUNTER_OPEN = (
    '<encounter classCode="ENC" moodCode="EVN">'
    '<templateId root="2.16.840.1.113883.10.20.1.21"/>'
    '<templateId root="1.3.6.1.4.1.19376.1.5.3.1.4.14"/>'
    '<templateId root="1.2.250.1.213.1.1.3.58"/>'
)
SUBJECT_TEMPLATES = (
    '<templateId root="1.3.6.1.4.1.19376.1.5.3.1.4.15.2"/>'
    '<templateId root="1.2.250.1.213.1.1.3.60"/>'
)
NO_CONTACT = '<addr nullFlavor="NASK"/><telecom nullFlavor="NASK"/>'
SETTING = (
    '<standardIndustryClassCode code="ETABLISSEMENT" displayName="Etablissement de santé" '
    'codeSystem="1.2.250.1.213.1.1.4.9" codeSystemName="practiceSettingCode"/>'
)


def simple_observation(obs_id: str, code: str, ref: str, value: str, time: str = NA_TIME) -> str:
    return (
        f'{SIMPLE_OBS}<id root="{obs_id}"/>{code}<text><reference value="#{ref}"/></text>'
        f"{COMPLETED}{time}{value}</observation>"
    )


def effective_time(value: PartialDate | None) -> str:
    return f'<effectiveTime value="{value.to_ts()}"/>' if value else NA_TIME


def clinician_id(clinician: Clinician) -> str:
    if clinician.rpps is None:
        return '<id nullFlavor="UNK"/>'
    # The national professional id is the RPPS number prefixed with 8 (IdNat_PS).
    return f'<id root="{RPPS_ROOT}" extension="8{clinician.rpps}"/>'


def person(tag: str, clinician: Clinician) -> str:
    return (
        f"<{tag}><name><given>{esc(clinician.given_name)}</given>"
        f"<family>{esc(clinician.family_name)}</family></name></{tag}>"
    )


def finess_id(finess: str) -> str:
    # The national establishment id is the FINESS number prefixed with 1 (IdNat_Struct).
    return f'<id root="{FINESS_ROOT}" extension="1{finess}"/>'


def organisation(tag: str, centre: Centre, setting: str = SETTING) -> str:
    return f"<{tag}>{finess_id(centre.finess)}<name>{esc(centre.name)}</name>{setting}</{tag}>"


def assigned_entity(tag: str, clinician: Clinician, centre: Centre | None, contact: bool) -> str:
    return (
        f"<{tag}>{clinician_id(clinician)}{coded('code', clinician.profession.concept)}"
        f"{NO_CONTACT if contact else ''}{person('assignedPerson', clinician)}"
        f"{organisation('representedOrganization', centre) if centre else ''}</{tag}>"
    )


def site_participant(centre: Centre, role_code: str, place_finess: str | None = None) -> str:
    place = finess_id(place_finess) if place_finess else ""
    name = esc(centre.name)
    return (
        '<participant typeCode="LOC"><participantRole classCode="SDLOC">'
        f'<id root="{RD_SITES}" extension="{centre.site_code}"/>{place}{role_code}'
        '<playingEntity classCode="PLC" determinerCode="INSTANCE">'
        f'<code code="{centre.site_code}" displayName="{name}" codeSystem="{RD_SITES}"/>'
        f"<name>{name}</name></playingEntity></participantRole></participant>"
    )


def section(templates: str, section_id: str | None, code: str, title: str, body: str) -> str:
    ident = f'<id root="{section_id}"/>' if section_id else ""
    return (
        f"<component><section>{templates}{ident}{code}<title>{title}</title>{body}"
        "</section></component>\n"
    )


def thead(*labels: str) -> str:
    return "<thead><tr>" + "".join(f"<th>{label}</th>" for label in labels) + "</tr></thead>"


def cells(*values: str) -> str:
    return "<tr>" + "".join(f"<td>{value}</td>" for value in values) + "</tr>"


def content(ref: str, text: str) -> str:
    return f'<content ID="{ref}">{esc(text)}</content>'


def clinician_text(clinician: Clinician) -> str:
    rpps = f" ({clinician.rpps})" if clinician.rpps else ""
    return f"{clinician.given_name} {clinician.family_name}{rpps}"


def site_text(centre: Centre) -> str:
    return f"{centre.name} ({centre.site_code})"


def entry_relationship(observation: str, inverted: bool = False) -> str:
    inversion = ' inversionInd="true"' if inverted else ""
    return f'<entryRelationship typeCode="REFR"{inversion}>{observation}</entryRelationship>'
