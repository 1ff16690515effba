"""The body sections of the SDM-MR document, diagnoses apart."""

from __future__ import annotations

from filiere.exports.sdm_mr.model import (
    Activity,
    Consanguinity,
    FamilyIndexCase,
    PatientRecord,
    Research,
    SdmMrDocument,
)
from filiere.exports.sdm_mr.value_sets import LOINC, SNOMED_CT, Concept
from filiere.exports.sdm_mr.xml_parts import (
    C_BIOBANK,
    C_CONSANGUINITY_VALUE,
    C_CONTACT,
    C_CREATED,
    C_LOST,
    C_OBJECTIVE,
    C_OUTSIDE_SCOPE,
    C_PROBLEM,
    C_SAMPLE_MOLECULAR,
    C_SAMPLE_RESEARCH,
    C_SITE_CARE,
    C_SITE_RD,
    C_UPDATED,
    CD_TYPE,
    CE_TYPE,
    COMPLETED,
    CONCERN_OPEN,
    ENCOUNTER_OPEN,
    NA_TIME,
    PARIS,
    PROBLEM_OBS_TEMPLATES,
    SUBJECT_TEMPLATES,
    assigned_entity,
    bl,
    cells,
    child_id,
    clinician_text,
    coded,
    content,
    effective_time,
    esc,
    narrative_row,
    narrative_table,
    section,
    simple_observation,
    site_participant,
    site_text,
    ta_asip_code,
    term_concept,
    thead,
    timestamp,
    ts_day,
    upper_uuid,
    yes_no,
)


def dossier_section(doc: SdmMrDocument) -> str:
    """Return the "Dossier MR" section: file id, creation and update dates, lost to follow-up."""
    record = doc.record
    file_id = upper_uuid(record.rd_file_id)
    updated = record.updated_at.astimezone(PARIS)
    rows = [
        narrative_row("Identifiant du dossier", file_id, "dossier"),
        narrative_row("Date de création du dossier", record.created_on.strftime("%d/%m/%Y")),
        narrative_row(
            "Date de la dernière mise à jour du dossier", f"{updated:%d/%m/%Y %H:%M}", "maj"
        ),
    ]
    created = ts_day(record.created_on)
    entries = [
        simple_observation(
            file_id,
            C_CREATED,
            "dossier",
            f'<value xsi:type="TS" value="{created}"/>',
            f'<effectiveTime value="{created}"/>',
        ),
        simple_observation(
            child_id(record.rd_file_id, "GEN-165"),
            C_UPDATED,
            "maj",
            f'<value xsi:type="TS" value="{timestamp(record.updated_at)}"/>',
            f'<effectiveTime value="{timestamp(record.updated_at)}"/>',
        ),
    ]
    if record.vital_status.lost_to_follow_up:
        rows.append(narrative_row("Patient perdu de vue", "Oui", "perdu-de-vue"))
        entries.append(
            simple_observation(
                child_id(record.rd_file_id, "PAT-061"),
                C_LOST,
                "perdu-de-vue",
                '<value xsi:type="BL" value="true"/>',
            )
        )
    return section(
        '<templateId root="1.2.250.1.213.1.1.2.66"/>',
        child_id(doc.document_id, "dossier"),
        ta_asip_code("GEN-168", "Dossier"),
        "Dossier MR du patient",
        narrative_table(rows) + "".join(f"<entry>{entry}</entry>" for entry in entries),
    )


def family_section(doc: SdmMrDocument, case: FamilyIndexCase) -> str:
    """Return the section on the first member of the family diagnosed in the establishment."""
    kinship = coded(
        "code",
        case.kinship.concept,
        inner='<originalText><reference value="#fam-lien"/></originalText>',
    )
    rows = [
        narrative_row("Identifiant du premier cas diagnostiqué de la famille", upper_uuid(case.id)),
        narrative_row("Lien de parenté", case.kinship.display_name, "fam-lien"),
        narrative_row("Sexe", case.sex.display_name),
    ]
    diseases = []
    for number, disease in enumerate(case.diseases, 1):
        ref = f"fam-mr{number}"
        rows.append(narrative_row("Maladie rare", disease.display(), ref))
        diseases.append(
            '<component typeCode="COMP"><observation classCode="OBS" moodCode="EVN">'
            '<templateId root="2.16.840.1.113883.10.20.1.22"/>'
            '<templateId root="1.3.6.1.4.1.19376.1.5.3.1.4.13"/>'
            '<templateId root="1.3.6.1.4.1.19376.1.5.3.1.4.13.3"/>'
            '<templateId root="1.2.250.1.213.1.1.3.51"/>'
            f'<id root="{child_id(case.id, ref)}"/>'
            f"{coded('code', Concept('404684003', 'constatation clinique', SNOMED_CT))}"
            f'<text><reference value="#{ref}"/></text>{COMPLETED}{NA_TIME}'
            f"{coded('value', term_concept(disease), CD_TYPE)}"
            "</observation></component>"
        )
    organizer = (
        '<entry><organizer classCode="CLUSTER" moodCode="EVN">'
        '<templateId root="2.16.840.1.113883.10.20.1.23"/>'
        '<templateId root="1.3.6.1.4.1.19376.1.5.3.1.4.15"/>'
        f'<templateId root="1.2.250.1.213.1.1.3.59"/>{COMPLETED}'
        f'<subject typeCode="SBJ">{SUBJECT_TEMPLATES}<relatedSubject classCode="PRS">{kinship}'
        f'<subject classCode="PSN"><sdtc:id root="{upper_uuid(case.id)}"/>'
        f"{coded('administrativeGenderCode', case.sex.concept)}</subject></relatedSubject>"
        f"</subject>{''.join(diseases)}</organizer></entry>"
    )
    return section(
        '<templateId root="2.16.840.1.113883.10.20.1.4"/>'
        '<templateId root="1.3.6.1.4.1.19376.1.5.3.1.3.14"/>'
        '<templateId root="1.3.6.1.4.1.19376.1.5.3.1.3.15"/>'
        '<templateId root="1.2.250.1.213.1.1.2.139"/>',
        child_id(doc.document_id, "famille"),
        coded("code", Concept("10157-6", "Historique des pathologies familiales", LOINC)),
        "Premier cas diagnostiqué de la famille dans l'établissement",
        narrative_table(rows) + organizer,
    )


def problems_section(doc: SdmMrDocument) -> str:
    """Return the "Problèmes" section: death due to a rare disease, consanguinity."""
    record = doc.record
    vital = record.vital_status
    rows = []
    problems = []
    if vital.death_due_to_rare_disease is not None:
        row, problem = _death_problem(record, vital.death_due_to_rare_disease)
        rows.append(row)
        problems.append(problem)
    row, problem = _consanguinity_problem(record)
    rows.append(row)
    problems.append(problem)
    created = ts_day(record.created_on)
    concern = (
        f'<entry>{CONCERN_OPEN}<id root="{child_id(record.rd_file_id, "problemes")}"/>'
        f'<code nullFlavor="NA"/>{COMPLETED}<effectiveTime><low value="{created}"/>'
        f'<high value="{ts_day(record.updated_at.astimezone(PARIS).date())}"/></effectiveTime>'
        f"{''.join(problems)}</act></entry>"
    )
    return section(
        '<templateId root="2.16.840.1.113883.10.20.1.11"/>'
        '<templateId root="1.3.6.1.4.1.19376.1.5.3.1.3.6"/>'
        '<templateId root="1.2.250.1.213.1.1.2.132"/>',
        None,
        coded("code", Concept("11450-4", "Liste des problèmes actifs", LOINC)),
        "Problèmes",
        narrative_table(rows) + concern,
    )


def _death_problem(record: PatientRecord, due: bool) -> tuple[str, str]:
    """The narrative row and the problem entry of a death due (or not) to the rare disease."""
    vital = record.vital_status
    disease = vital.death_rare_disease
    label = yes_no(due)
    row = narrative_row(
        "Décès dû à la maladie rare",
        f"{label} ({disease.display()})" if disease else label,
        "cause-deces",
    )
    if disease is not None:
        value = coded(
            "value",
            term_concept(disease),
            CD_TYPE,
            '<originalText><reference value="#cause-deces"/></originalText>',
        )
    else:
        flavor = "UNK" if due else "NA"
        value = f'<value xsi:type="CD" nullFlavor="{flavor}"/>'
    low = (
        f'<low value="{vital.death_date.to_ts()}"/>'
        if vital.death_date
        else '<low nullFlavor="UNK"/>'
    )
    problem = (
        '<entryRelationship typeCode="SUBJ" inversionInd="false">'
        '<observation classCode="OBS" moodCode="EVN" '
        f'negationInd="{bl(not due)}">{PROBLEM_OBS_TEMPLATES}'
        f'<id root="{child_id(record.rd_file_id, "cause-deces")}"/>{C_PROBLEM}'
        f'<text><reference value="#cause-deces"/></text>{COMPLETED}'
        f'<effectiveTime xsi:type="IVL_TS">{low}</effectiveTime>{value}'
        '<entryRelationship typeCode="REFR" inversionInd="false">'
        '<observation classCode="OBS" moodCode="EVN">'
        '<templateId root="2.16.840.1.113883.10.20.1.51"/>'
        '<templateId root="1.3.6.1.4.1.19376.1.5.3.1.4.1.2"/>'
        '<templateId root="1.2.250.1.213.1.1.3.31"/>'
        f"{coded('code', Concept('11323-3', 'Statut clinique du patient', LOINC))}"
        f'<text><reference value="#cause-deces"/></text>{COMPLETED}'
        f"{coded('value', Concept('419620001', 'mort', SNOMED_CT), CE_TYPE)}"
        "</observation></entryRelationship></observation></entryRelationship>"
    )
    return row, problem


def _consanguinity_problem(record: PatientRecord) -> tuple[str, str]:
    """The narrative row and the problem entry of the parents' consanguinity."""
    consanguinity = record.consanguinity
    row = narrative_row(
        "Patient issu d’une union consanguine",
        {Consanguinity.YES: "Oui", Consanguinity.NO: "Non", Consanguinity.UNKNOWN: "Inconnu"}[
            consanguinity
        ],
        "consanguinite",
    )
    reference = '<originalText><reference value="#consanguinite"/></originalText>'
    if consanguinity is Consanguinity.UNKNOWN:
        value = f'<value xsi:type="CD" nullFlavor="UNK">{reference}</value>'
    else:
        value = coded("value", C_CONSANGUINITY_VALUE, CD_TYPE, reference)
    created = ts_day(record.created_on)
    problem = (
        '<entryRelationship typeCode="SUBJ" inversionInd="false">'
        '<observation classCode="OBS" moodCode="EVN" '
        f'negationInd="{bl(consanguinity is Consanguinity.NO)}">{PROBLEM_OBS_TEMPLATES}'
        f'<id root="{child_id(record.rd_file_id, "consanguinite")}"/>{C_PROBLEM}'
        f'<text><reference value="#consanguinite"/></text>{COMPLETED}'
        f'<effectiveTime xsi:type="IVL_TS"><low value="{created}"/></effectiveTime>{value}'
        "</observation></entryRelationship>"
    )
    return row, problem


def care_plan_section(doc: SdmMrDocument) -> str:
    """Return the "Prises en charge MR" section: one encounter per site following the patient."""
    rows = []
    entries = []
    for number, episode in enumerate(doc.care_episodes, 1):
        ref = f"pec{number}"
        inclusion = episode.inclusion_date
        referred = ", ".join(source.display_name for source in episode.referred_by)
        rows.append(
            cells(
                content(ref, upper_uuid(episode.id)),
                inclusion.display() if inclusion else "Inconnue",
                esc(site_text(episode.site)),
                esc(clinician_text(episode.referring_physician)),
                content(f"{ref}-horslab", yes_no(episode.outside_labelled_scope)),
                esc(referred),
            )
        )
        low = f'<low value="{inclusion.to_ts()}"/>' if inclusion else '<low nullFlavor="UNK"/>'
        informants = "".join(
            f'<informant><assignedEntity><id nullFlavor="NA"/>{coded("code", source.concept)}'
            "</assignedEntity></informant>"
            for source in episode.referred_by
        )
        outside = simple_observation(
            child_id(episode.id, "GEN-368"),
            C_OUTSIDE_SCOPE,
            f"{ref}-horslab",
            f'<value xsi:type="BL" value="{bl(episode.outside_labelled_scope)}"/>',
            effective_time(inclusion),
        )
        entries.append(
            f'<entry>{ENCOUNTER_OPEN}<id root="{upper_uuid(episode.id)}"/>'
            f'<text><reference value="#{ref}"/></text>'
            f'<effectiveTime xsi:type="IVL_TS">{low}</effectiveTime>'
            '<performer typeCode="PRF"><time nullFlavor="NA"/>'
            f"{assigned_entity('assignedEntity', episode.referring_physician, None, contact=True)}"
            f"</performer>{informants}{site_participant(episode.site, C_SITE_CARE)}"
            f'<entryRelationship typeCode="REFR">{outside}</entryRelationship></encounter></entry>'
        )
    table = (
        '<text><table border="0">'
        + thead(
            "Identifiant de la prise en charge",
            "Date d'inclusion",
            "Site MR",
            "Médecin référent",
            "Hors labellisation",
            "Patient adressé par",
        )
        + "<tbody>"
        + "".join(rows)
        + "</tbody></table></text>"
    )
    return section(
        '<templateId root="2.16.840.1.113883.10.20.1.10"/>'
        '<templateId root="1.3.6.1.4.1.19376.1.5.3.1.3.36"/>'
        '<templateId root="1.2.250.1.213.1.1.2.158"/>',
        child_id(doc.document_id, "prises-en-charge"),
        coded("code", Concept("18776-5", "Plan de soins", LOINC)),
        "Prises en charges MR",
        table + "".join(entries),
    )


def activities_section(doc: SdmMrDocument) -> str:
    """Return the "Activités MR" section: one encounter per activity."""
    rows = []
    entries = []
    for number, activity in enumerate(doc.activities, 1):
        ref = f"act{number}"
        objectives = ", ".join(objective.display_name for objective in activity.objectives)
        rows.append(
            cells(
                esc(upper_uuid(activity.id)),
                activity.date.strftime("%d/%m/%Y"),
                esc(site_text(activity.site)),
                esc(clinician_text(activity.performer)),
                content(ref, activity.context.display_name),
                content(f"{ref}-obj", objectives),
                f"FINESS : {activity.place_finess}" if activity.place_finess else "",
            )
        )
        entries.append(_activity_entry(activity, ref))
    table = (
        '<text><table border="0">'
        + thead(
            "Identifiant de l'activité",
            "Date",
            "Site MR",
            "Responsable de l'activité",
            "Contexte",
            "Objectif(s)",
            "Lieu de consultation",
        )
        + "<tbody>"
        + "".join(rows)
        + "</tbody></table></text>"
    )
    return section(
        '<templateId root="2.16.840.1.113883.10.20.1.3"/>'
        '<templateId root="1.3.6.1.4.1.19376.1.5.3.1.1.5.3.3"/>'
        '<templateId root="1.2.250.1.213.1.1.2.76"/>',
        child_id(doc.document_id, "activites"),
        coded("code", Concept("46240-8", "Historique des rencontres", LOINC)),
        "Activités MR",
        table + "".join(entries),
    )


def _activity_entry(activity: Activity, ref: str) -> str:
    """The encounter entry of one activity, with an observation per objective."""
    observations = "".join(
        '<entryRelationship typeCode="REFR">'
        + simple_observation(
            child_id(activity.id, f"ORG-034-{objective.code}"),
            C_OBJECTIVE,
            f"{ref}-obj",
            coded("value", objective.concept, CD_TYPE),
        )
        + "</entryRelationship>"
        for objective in activity.objectives
    )
    context = coded(
        "code",
        activity.context.concept,
        inner=f'<originalText><reference value="#{ref}"/></originalText>',
    )
    return (
        f'<entry>{ENCOUNTER_OPEN}<id root="{upper_uuid(activity.id)}"/>{context}'
        f'<text><reference value="#{ref}"/></text>'
        f'<effectiveTime value="{ts_day(activity.date)}"/>'
        '<performer typeCode="PRF"><time nullFlavor="NA"/>'
        f"{assigned_entity('assignedEntity', activity.performer, None, contact=False)}"
        "</performer>"
        f"{site_participant(activity.site, C_SITE_RD, activity.place_finess)}{observations}"
        "</encounter></entry>"
    )


def research_section(doc: SdmMrDocument, research: Research) -> str:
    """Return the "Recherche" section with the items that are recorded."""
    rows = []
    entries = []
    items = (
        (
            research.agrees_to_be_contacted,
            C_CONTACT,
            "PAT-012",
            "Accord du patient pour être contacté pour un protocole",
        ),
        (
            research.sample_for_research,
            C_SAMPLE_RESEARCH,
            "MED-065",
            "Patient ayant précédemment donné un échantillon biologique pour la recherche MR",
        ),
        (
            research.sample_for_molecular_diagnosis,
            C_SAMPLE_MOLECULAR,
            "MED-066",
            "Patient ayant précédemment donné un échantillon biologique "
            "pour le diagnostic moléculaire",
        ),
    )
    for answer, code, key, label in items:
        if answer is None:
            continue
        ref = f"recherche-{key}"
        rows.append(narrative_row(label, yes_no(answer), ref))
        entries.append(
            simple_observation(
                child_id(doc.record.rd_file_id, key),
                code,
                ref,
                f'<value xsi:type="BL" value="{bl(answer)}"/>',
            )
        )
    if research.biobanks:
        rows.append(narrative_row("Bio-banque(s)", research.biobanks, "recherche-biobanque"))
        entries.append(
            simple_observation(
                child_id(doc.record.rd_file_id, "GEN-344"),
                C_BIOBANK,
                "recherche-biobanque",
                '<value xsi:type="CD"><originalText><reference value="#recherche-biobanque"/>'
                "</originalText></value>",
            )
        )
    return section(
        '<templateId root="1.2.250.1.213.1.1.2.250"/>',
        None,
        ta_asip_code("GEN-369", "Recherche"),
        "Recherche",
        narrative_table(rows) + "".join(f"<entry>{entry}</entry>" for entry in entries),
    )
