"""The "Diagnostics MR" section: one problem entry per rare disease."""

from __future__ import annotations

from filiere.exports.sdm_mr.model import AgeAt, Diagnosis, SdmMrDocument
from filiere.exports.sdm_mr.value_sets import HGNC, LOINC, Concept, GeneticTechnique
from filiere.exports.sdm_mr.xml_parts import (
    C_AGE_CLINICAL,
    C_AGE_CLINICAL_PRECISION,
    C_AGE_FIRST_SIGNS,
    C_AGE_FIRST_SIGNS_PRECISION,
    C_AGE_GENETIC,
    C_AGE_GENETIC_PRECISION,
    C_APPRAISAL,
    C_DESCRIPTION,
    C_DIAGNOSIS,
    C_GENE,
    C_OTHER_GENETICS,
    C_SITE_RD,
    C_SPORADIC,
    C_STATUS,
    C_TECHNIQUE,
    CD_TYPE,
    COMPLETED,
    CONCERN_OPEN,
    PROBLEM_OBS_TEMPLATES,
    child_id,
    coded,
    effective_time,
    entry_relationship,
    esc,
    narrative_row,
    section,
    simple_observation,
    site_participant,
    site_text,
    term_concept,
    thead,
    upper_uuid,
)


def _age_entries(
    diagnosis: Diagnosis,
    age: AgeAt | None,
    item: tuple[str, str, str],
    label: str,
    ref: str,
    rows: list[str],
) -> str:
    """Return an age entry and its precision; append their narrative rows to ``rows``."""
    code, precision_code, key = item
    rows.append(narrative_row(label, age.period.display_name if age else "Non renseigné", ref))
    value = coded("value", age.period.concept, CD_TYPE) if age else ""
    parts = [entry_relationship(simple_observation(child_id(diagnosis.id, key), code, ref, value))]
    if age is not None and (age.years is not None or age.months is not None):
        if age.months is None:
            quantity = f'<value xsi:type="PQ" value="{age.years}" unit="a"/>'
        else:
            months = (age.years or 0) * 12 + age.months
            quantity = f'<value xsi:type="PQ" value="{months}" unit="mo"/>'
        rows.append(
            narrative_row(f"Précision : {label.lower()}", age.display(), f"{ref}-precision")
        )
        parts.append(
            entry_relationship(
                simple_observation(
                    child_id(diagnosis.id, f"{key}-precision"),
                    precision_code,
                    f"{ref}-precision",
                    quantity,
                ),
                inverted=True,
            )
        )
    return "".join(parts)


_AGE_FIRST_SIGNS = (C_AGE_FIRST_SIGNS, C_AGE_FIRST_SIGNS_PRECISION, "PAT-013")
_AGE_CLINICAL = (C_AGE_CLINICAL, C_AGE_CLINICAL_PRECISION, "PAT-062")
_AGE_GENETIC = (C_AGE_GENETIC, C_AGE_GENETIC_PRECISION, "PAT-064")


def _status_part(diagnosis: Diagnosis, ref: str, rows: list[str]) -> str:
    """Return the current status of the diagnosis; append its narrative row."""
    rows.append(
        narrative_row("Statut actuel du diagnostic", diagnosis.status.display_name, f"{ref}-statut")
    )
    return entry_relationship(
        simple_observation(
            child_id(diagnosis.id, "MED-072"),
            C_STATUS,
            f"{ref}-statut",
            coded("value", diagnosis.status.concept, CD_TYPE),
        ),
        inverted=True,
    )


def _description_parts(diagnosis: Diagnosis, ref: str, rows: list[str]) -> str:
    """Return one entry per clinical description; append their narrative rows."""
    parts = []
    for index, term in enumerate(diagnosis.clinical_descriptions, 1):
        term_ref = f"{ref}-desc{index}"
        rows.append(narrative_row("Description clinique", term.display(), term_ref))
        parts.append(
            entry_relationship(
                simple_observation(
                    child_id(diagnosis.id, f"MED-1284-{index}"),
                    C_DESCRIPTION,
                    term_ref,
                    coded("value", term_concept(term), CD_TYPE),
                    effective_time(diagnosis.date),
                )
            )
        )
    return "".join(parts)


def _sporadic_part(diagnosis: Diagnosis, ref: str, rows: list[str]) -> str:
    """Return the sporadic or familial case entry, if known; append its narrative row."""
    if diagnosis.sporadic_or_familial is None:
        return ""
    rows.append(
        narrative_row(
            "Cas sporadique ou familial",
            diagnosis.sporadic_or_familial.display_name,
            f"{ref}-sporadique",
        )
    )
    return entry_relationship(
        simple_observation(
            child_id(diagnosis.id, "MED-073"),
            C_SPORADIC,
            f"{ref}-sporadique",
            coded("value", diagnosis.sporadic_or_familial.concept, CD_TYPE),
        ),
        inverted=True,
    )


def _appraisal_part(diagnosis: Diagnosis, ref: str, rows: list[str]) -> str:
    """Return the appraisal of the diagnosis on arrival; append its narrative row."""
    appraisal = diagnosis.appraisal_on_arrival
    rows.append(
        narrative_row(
            "Appréciation du diagnostic à l'entrée du centre",
            appraisal.display_name if appraisal else "Non renseignée",
            f"{ref}-appreciation",
        )
    )
    return entry_relationship(
        simple_observation(
            child_id(diagnosis.id, "MED-071"),
            C_APPRAISAL,
            f"{ref}-appreciation",
            coded("value", appraisal.concept, CD_TYPE) if appraisal else "",
        )
    )


def _technique_parts(diagnosis: Diagnosis, ref: str, rows: list[str]) -> str:
    """Return one entry per genetic technique; append their narrative rows."""
    parts = []
    for index, technique in enumerate(diagnosis.genetic_techniques, 1):
        technique_ref = f"{ref}-technique{index}"
        detail = ""
        label = technique.display_name
        if technique is GeneticTechnique.OTHER and diagnosis.other_technique_detail:
            label = f"{label} : {diagnosis.other_technique_detail}"
            detail = f'<originalText><reference value="#{technique_ref}"/></originalText>'
        rows.append(
            narrative_row(
                "Technique sur laquelle repose le diagnostic génétique", label, technique_ref
            )
        )
        parts.append(
            entry_relationship(
                simple_observation(
                    child_id(diagnosis.id, f"MED-1286-{technique.code}"),
                    C_TECHNIQUE,
                    technique_ref,
                    coded("value", technique.concept, CD_TYPE, detail),
                )
            )
        )
    return "".join(parts)


def _gene_parts(diagnosis: Diagnosis, ref: str, rows: list[str]) -> str:
    """Return one entry per gene (coded by its HGNC id when known); append their rows."""
    parts = []
    for index, gene in enumerate(diagnosis.genes, 1):
        gene_ref = f"{ref}-gene{index}"
        rows.append(
            narrative_row(
                "Gène", f"{gene.symbol} ({gene.hgnc_id})" if gene.hgnc_id else gene.symbol, gene_ref
            )
        )
        if gene.hgnc_id:
            gene_value = coded("value", Concept(gene.hgnc_id, gene.symbol, HGNC), CD_TYPE)
        else:
            gene_value = (
                f'<value xsi:type="CD" nullFlavor="UNK"><originalText>{esc(gene.symbol)}'
                "</originalText></value>"
            )
        parts.append(
            entry_relationship(
                simple_observation(
                    child_id(diagnosis.id, f"MED-552-{index}"), C_GENE, gene_ref, gene_value
                )
            )
        )
    return "".join(parts)


def _other_genetics_part(diagnosis: Diagnosis, ref: str, rows: list[str]) -> str:
    """Return the free-text genetic description, if any; append its narrative row."""
    text = diagnosis.other_genetic_description
    if not text:
        return ""
    rows.append(narrative_row("Autres descriptions génétiques", text, f"{ref}-genetique"))
    return entry_relationship(
        simple_observation(
            child_id(diagnosis.id, "MED-1287"),
            C_OTHER_GENETICS,
            f"{ref}-genetique",
            f'<value xsi:type="ST">{esc(text)}</value>',
        )
    )


def _comment_part(diagnosis: Diagnosis, ref: str, rows: list[str]) -> str:
    """Return the comment act, if any; append its narrative row."""
    if not diagnosis.comment:
        return ""
    rows.append(narrative_row("Commentaire", diagnosis.comment, f"{ref}-commentaire"))
    return (
        '<entryRelationship typeCode="SUBJ" inversionInd="true">'
        '<act classCode="ACT" moodCode="EVN">'
        '<templateId root="2.16.840.1.113883.10.20.1.40"/>'
        '<templateId root="1.3.6.1.4.1.19376.1.5.3.1.4.2"/>'
        '<templateId root="1.2.250.1.213.1.1.3.32"/>'
        f"{coded('code', Concept('48767-8', 'Commentaire', LOINC))}"
        f'<text><reference value="#{ref}-commentaire"/></text>{COMPLETED}'
        "</act></entryRelationship>"
    )


def _header_rows(diagnosis: Diagnosis, ref: str) -> list[str]:
    """Return the first narrative rows: identifier, date, site and disease."""
    rows = [narrative_row("Identifiant du diagnostic", upper_uuid(diagnosis.id))]
    rows.append(
        narrative_row(
            "Date du diagnostic", diagnosis.date.display() if diagnosis.date else "Inconnue"
        )
    )
    if diagnosis.site is not None:
        rows.append(
            narrative_row("Site maladie rare qui a posé le diagnostic", site_text(diagnosis.site))
        )
    disease = diagnosis.disease
    rows.append(
        narrative_row(
            "Maladie rare ou maladie complexe non rare",
            disease.display() if disease else "Non précisément identifiée",
            ref,
        )
    )
    return rows


def _disease_value(diagnosis: Diagnosis, ref: str) -> str:
    """Return the coded disease of the problem observation (unknown when not identified)."""
    if diagnosis.disease is None:
        return '<value xsi:type="CD" nullFlavor="UNK"/>'
    return coded(
        "value",
        term_concept(diagnosis.disease),
        CD_TYPE,
        f'<originalText><reference value="#{ref}"/></originalText>',
    )


def _diagnosis_entry(diagnosis: Diagnosis, number: int) -> tuple[str, str]:
    """Return the narrative table and the entry of one diagnosis."""
    ref = f"dg{number}"
    uid = diagnosis.id
    rows = _header_rows(diagnosis, ref)
    parts = [
        _status_part(diagnosis, ref, rows),
        _description_parts(diagnosis, ref, rows),
        _sporadic_part(diagnosis, ref, rows),
        _age_entries(
            diagnosis,
            diagnosis.age_at_first_signs,
            _AGE_FIRST_SIGNS,
            "Âge aux premiers signes",
            f"{ref}-age-signes",
            rows,
        ),
        _appraisal_part(diagnosis, ref, rows),
        _age_entries(
            diagnosis,
            diagnosis.age_at_clinical_diagnosis,
            _AGE_CLINICAL,
            "Âge au diagnostic clinique",
            f"{ref}-age-clinique",
            rows,
        ),
        _age_entries(
            diagnosis,
            diagnosis.age_at_genetic_diagnosis,
            _AGE_GENETIC,
            "Âge au diagnostic génétique",
            f"{ref}-age-genetique",
            rows,
        ),
        _technique_parts(diagnosis, ref, rows),
        _gene_parts(diagnosis, ref, rows),
        _other_genetics_part(diagnosis, ref, rows),
        _comment_part(diagnosis, ref, rows),
    ]
    low = (
        f'<low value="{diagnosis.date.to_ts()}"/>' if diagnosis.date else '<low nullFlavor="UNK"/>'
    )
    site = site_participant(diagnosis.site, C_SITE_RD) if diagnosis.site else ""
    table = (
        f'<table border="0">{thead(f"Diagnostic {number}", "")}'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
    entry = (
        f'<entry>{CONCERN_OPEN}<id root="{child_id(uid, "concern")}"/><code nullFlavor="NA"/>'
        '<statusCode code="active"/><effectiveTime nullFlavor="NA"/>'
        '<entryRelationship typeCode="SUBJ" inversionInd="false">'
        f'<observation classCode="OBS" moodCode="EVN">{PROBLEM_OBS_TEMPLATES}'
        f'<id root="{upper_uuid(uid)}"/>'
        f'{C_DIAGNOSIS}<text><reference value="#{ref}"/></text>{COMPLETED}'
        f"<effectiveTime>{low}</effectiveTime>{_disease_value(diagnosis, ref)}{site}"
        f"{''.join(parts)}"
        "</observation></entryRelationship></act></entry>"
    )
    return table, entry


def diagnoses_section(doc: SdmMrDocument) -> str:
    """Return the "Diagnostics MR" section: one problem entry per diagnosis."""
    tables = []
    entries = []
    for number, diagnosis in enumerate(doc.diagnoses, 1):
        table, entry = _diagnosis_entry(diagnosis, number)
        tables.append(table)
        entries.append(entry)
    return section(
        '<templateId root="1.3.6.1.4.1.19376.1.5.3.1.3.3"/>'
        '<templateId root="1.2.250.1.213.1.1.2.129"/>',
        child_id(doc.document_id, "diagnostics"),
        coded("code", Concept("46241-6", "Diagnostic d'admission à l'hôpital", LOINC)),
        "Diagnostics MR",
        "<text>" + "".join(tables) + "</text>" + "".join(entries),
    )
