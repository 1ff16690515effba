"""The CDA header of the SDM-MR document: patient, author, custodian, consents."""

from __future__ import annotations

from filiere.exports.sdm_mr.model import Identity, PatientRecord, SdmMrDocument
from filiere.exports.sdm_mr.value_sets import BNDMR_OPPOSITION, LOINC, SNOMED_CT, IdentityStatus
from filiere.exports.sdm_mr.xml_parts import (
    COMPLETED,
    assigned_entity,
    bl,
    coded,
    esc,
    organisation,
    ta_asip_code,
    timestamp,
    upper_uuid,
)


def header(doc: SdmMrDocument) -> str:
    """Return the XML declaration and the CDA header, up to the body."""
    moment = timestamp(doc.created_at)
    consents = [BNDMR_OPPOSITION] if doc.record.opposes_bndmr_reuse else []
    consents.extend(doc.record.consents)
    authorizations = "".join(
        '<authorization typeCode="AUTH"><consent classCode="CONS" moodCode="EVN">'
        f"{ta_asip_code(consent.code, consent.display_name)}{COMPLETED}</consent></authorization>"
        for consent in consents
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<ClinicalDocument xmlns="urn:hl7-org:v3" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:sdtc="urn:hl7-org:sdtc">'
        '<realmCode code="FR"/><typeId root="2.16.840.1.113883.1.3" extension="POCD_HD000040"/>'
        '<templateId root="2.16.840.1.113883.2.8.2.1"/><templateId root="1.2.250.1.213.1.1.1.1"/>'
        '<templateId root="1.2.250.1.213.1.1.1.30" extension="2024.01"/>'
        f'<id root="{upper_uuid(doc.document_id)}"/>'
        f'<code code="34133-9" displayName="Synthèse d\'épisode de soins" codeSystem="{LOINC}" '
        'codeSystemName="LOINC"/>'
        "<title>Set de données minimum maladies rares (SDM-MR)</title>"
        f'<effectiveTime value="{moment}"/>'
        '<confidentialityCode code="N" displayName="Normal" codeSystem="2.16.840.1.113883.5.25"/>'
        f'<languageCode code="fr-FR"/><setId root="{upper_uuid(doc.set_id)}"/>'
        f'<versionNumber value="{doc.version}"/>\n'
        f"{_record_target(doc.identity, doc.record)}\n"
        f'<author><time value="{moment}"/>'
        f"{assigned_entity('assignedAuthor', doc.author, doc.centre, contact=False)}</author>"
        "<custodian><assignedCustodian>"
        f"{organisation('representedCustodianOrganization', doc.centre, setting='')}"
        "</assignedCustodian></custodian>"
        f'<legalAuthenticator><time value="{moment}"/><signatureCode code="S"/>'
        f"{assigned_entity('assignedEntity', doc.author, doc.centre, contact=False)}"
        "</legalAuthenticator>"
        "<documentationOf><serviceEvent>"
        f'<code code="11429006" displayName="consultation" codeSystem="{SNOMED_CT}" '
        'codeSystemName="SNOMED CT"/>'
        f'<effectiveTime><low value="{moment}"/></effectiveTime><performer typeCode="PRF">'
        f"{assigned_entity('assignedEntity', doc.author, doc.centre, contact=True)}"
        "</performer></serviceEvent></documentationOf>"
        f"{authorizations}"
        f'<componentOf><encompassingEncounter><effectiveTime><low value="{moment}"/>'
        "</effectiveTime><location><healthCareFacility>"
        f"{coded('code', doc.centre.sector)}<location><name>{esc(doc.centre.name)}</name>"
        "</location></healthCareFacility></location></encompassingEncounter></componentOf>\n"
    )


def _record_target(identity: Identity | None, record: PatientRecord) -> str:
    ids = []
    traits: list[str] = []
    if identity is None:
        # The schematron requires a birth name and a birth date: masked, not invented.
        traits.append(
            '<name><family qualifier="BR" nullFlavor="MSK"/></name>'
            '<administrativeGenderCode nullFlavor="MSK"/><birthTime nullFlavor="MSK"/>'
        )
    else:
        # RNIV: an INS travels only with a qualified identity.
        if identity.ins is not None and identity.status is IdentityStatus.QUALIFIED:
            ids.append(
                f'<id root="{identity.ins.oid.value}" extension="{identity.ins.matricule}"/>'
            )
        if identity.ipp is not None:
            ids.append(
                f'<id root="{identity.ipp.domain_oid}" extension="{esc(identity.ipp.value)}"/>'
            )
        traits.append(_identity_traits(identity))
    if record.idmr is not None:
        ids.append(f'<id root="{record.idmr.root}" extension="{esc(record.idmr.extension)}"/>')
    if not ids:
        ids.append('<id nullFlavor="MSK"/>' if identity is None else '<id nullFlavor="UNK"/>')
    vital = record.vital_status
    traits.append(f'<sdtc:deceasedInd value="{bl(vital.deceased)}"/>')
    if vital.deceased:
        traits.append(
            f'<sdtc:deceasedTime value="{vital.death_date.to_ts()}"/>'
            if vital.death_date
            else '<sdtc:deceasedTime nullFlavor="UNK"/>'
        )
    if identity is not None:
        traits.append(_birth_traits(identity))
    return (
        '<recordTarget><patientRole classCode="PAT">'
        + "".join(ids)
        + '<patient classCode="PSN">'
        + "".join(traits)
        + "</patient></patientRole></recordTarget>"
    )


def _identity_traits(identity: Identity) -> str:
    name = [
        f'<family qualifier="BR">{esc(identity.birth_name)}</family>'
        if identity.birth_name.strip()
        else '<family qualifier="BR" nullFlavor="UNK"/>'
    ]
    if identity.birth_first_names:
        name.append(f"<given>{esc(identity.birth_first_names)}</given>")
    if identity.first_given_name:
        name.append(f'<given qualifier="BR">{esc(identity.first_given_name)}</given>')
    if identity.used_name:
        name.append(f'<family qualifier="CL">{esc(identity.used_name)}</family>')
    if identity.used_first_name:
        name.append(f'<given qualifier="CL">{esc(identity.used_first_name)}</given>')
    birth = (
        f'<birthTime value="{identity.birth_date.to_ts()}"/>'
        if identity.birth_date
        else '<birthTime nullFlavor="UNK"/>'
    )
    gender = coded("administrativeGenderCode", identity.sex.concept)
    return f"<name>{''.join(name)}</name>{gender}{birth}"


def _birth_traits(identity: Identity) -> str:
    parts = []
    if identity.multiple_birth is not None:
        parts.append(f'<sdtc:multipleBirthInd value="{bl(identity.multiple_birth)}"/>')
    if identity.birth_order is not None:
        parts.append(f'<sdtc:multipleBirthOrderNumber value="{identity.birth_order}"/>')
    if identity.birth_place_insee:
        parts.append(
            f"<birthplace><place><addr><county>{identity.birth_place_insee}</county></addr>"
            "</place></birthplace>"
        )
    return "".join(parts)
