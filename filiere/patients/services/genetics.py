"""Genetic findings: genes, transcripts and HGVS variants."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from filiere.access.actors import Actor
from filiere.audit.models import AuditEvent
from filiere.core.services import create_validated, records_refusals, update_validated
from filiere.lib.hgvs import (
    HgvsError,
    ProteinChange,
    check_cds_length,
    check_protein_length,
    parse_protein_change,
    parse_variant,
)
from filiere.nomenclature.models import Gene, Transcript
from filiere.nomenclature.selectors import (
    get_gene,
    transcript_of_accession,
    transcript_of_protein,
    transcripts_of_gene,
)
from filiere.patients.models import (
    Diagnosis,
    GeneticFinding,
    Patient,
)
from filiere.patients.services.common import (
    audit,
    touch,
)

FINDING_FIELDS = (
    "gene",
    "hgvs",
    "protein_hgvs",
    "zygosity",
    "acmg_class",
    "technique",
    "diagnosis",
    "laboratory",
    "reported_on",
    "is_index_case",
    "index_case",
    "kinship",
)


def _finding_transcript(gene: Gene, accession: str) -> Transcript | None:
    """Return the known transcript of exactly this version, after checking it is the gene's.

    A transcript the table does not know is accepted (the table holds the MANE transcripts,
    a laboratory may report on another); a known transcript of another gene is not.
    """
    known = transcript_of_accession(accession)
    if known is None:
        return None
    if known.gene_id != gene.pk:
        mane = ", ".join(t.versioned for t in transcripts_of_gene(gene))
        hint = f" (transcrit MANE de {gene.symbol} : {mane})" if mane else ""
        raise HgvsError(
            f"le transcrit {accession} est celui du gène {known.gene.symbol}, "
            f"pas de {gene.symbol}{hint}."
        )
    return known if accession in (known.versioned, known.ensembl_transcript) else None


def _protein_length_source(
    gene: Gene, change: ProteinChange, transcript: Transcript | None
) -> Transcript | None:
    """Return the transcript whose protein the consequence is numbered on, when known."""
    if not change.reference:
        return transcript
    known = transcript_of_protein(change.reference)
    if known is None:
        return None
    if known.gene_id != gene.pk:
        raise HgvsError(
            f"la protéine {change.reference} est celle du gène {known.gene.symbol}, "
            f"pas de {gene.symbol}."
        )
    return known if known.protein_accession == change.reference else None


def _clean_variant(gene: Gene | None, hgvs: str, protein_hgvs: str) -> dict[str, str]:
    """Return the errors of the variant and its protein consequence, by field."""
    errors: dict[str, str] = {}
    transcript = None
    try:
        variant = parse_variant(hgvs)
        if gene is not None:
            transcript = _finding_transcript(gene, variant.transcript)
        if transcript is not None and transcript.cds_length:
            check_cds_length(variant, transcript.cds_length)
    except HgvsError as exc:
        errors["hgvs"] = f"Variant (HGVS) : {exc}"
        transcript = None
    if not protein_hgvs:
        return errors
    try:
        change = parse_protein_change(protein_hgvs)
        source = _protein_length_source(gene, change, transcript) if gene else None
        if source is not None and source.protein_length:
            protein = source.protein_accession or f"codée par {source.versioned}"
            check_protein_length(change, source.protein_length, protein)
    except HgvsError as exc:
        errors["protein_hgvs"] = f"Conséquence protéique : {exc}"
    return errors


def clean_genetic_finding(patient: Patient, values: dict[str, Any]) -> dict[str, Any]:
    """Return a finding's values checked (gene, HGVS, transcript, lengths, kinship), or raise
    ``ValidationError`` naming every bad field. Recording and correcting both go through it."""
    errors: dict[str, Any] = {}
    gene = values.get("gene")
    gene_obj: Gene | None = gene if isinstance(gene, Gene) else None
    if gene_obj is None:
        try:
            gene_obj = get_gene(str(gene or ""))
        except ValidationError as exc:
            errors["gene"] = exc.messages
    hgvs = str(values.get("hgvs") or "").strip()
    protein_hgvs = str(values.get("protein_hgvs") or "").strip()
    errors.update(_clean_variant(gene_obj, hgvs, protein_hgvs))
    diagnosis = values.get("diagnosis")
    is_index_case = values.get("is_index_case", True)
    index_case = values.get("index_case")
    kinship = values.get("kinship") or ""
    reported_on = values.get("reported_on")
    if diagnosis is not None and diagnosis.patient_id != patient.pk:
        errors["diagnosis"] = "Ce diagnostic appartient à un autre patient."
    if is_index_case and (kinship or index_case is not None):
        errors["kinship"] = "Le cas index n'a pas de lien de parenté à préciser."
    if not is_index_case and not kinship:
        errors["kinship"] = "Précisez le lien avec le cas index."
    if index_case is not None and index_case.pk == patient.pk:
        errors["index_case"] = "Un patient n'est pas son propre cas index."
    if reported_on is not None and reported_on > timezone.localdate():
        errors["reported_on"] = "La date du compte rendu est dans le futur."
    if errors:
        raise ValidationError(errors)
    return {
        "diagnosis": diagnosis,
        "gene": gene_obj,
        "hgvs": hgvs,
        "protein_hgvs": protein_hgvs,
        "zygosity": values.get("zygosity"),
        "acmg_class": values.get("acmg_class"),
        "technique": values.get("technique"),
        "laboratory": values.get("laboratory") or "",
        "reported_on": reported_on,
        "is_index_case": is_index_case,
        "index_case": index_case,
        "kinship": kinship,
    }


@records_refusals("Enregistrement d'un résultat génétique")
def genetic_finding_record(
    *,
    actor: Actor,
    patient: Patient,
    gene: str,
    hgvs: str,
    zygosity: str,
    acmg_class: int,
    technique: str,
    diagnosis: Diagnosis | None = None,
    protein_hgvs: str = "",
    laboratory: str = "",
    reported_on: dt.date | None = None,
    is_index_case: bool = True,
    index_case: Patient | None = None,
    kinship: str = "",
) -> GeneticFinding:
    """Record a variant found in the patient (HGVS parsed, transcript and lengths checked)."""
    cleaned = clean_genetic_finding(
        patient,
        {
            "gene": gene,
            "hgvs": hgvs,
            "protein_hgvs": protein_hgvs,
            "zygosity": zygosity,
            "acmg_class": acmg_class,
            "technique": technique,
            "diagnosis": diagnosis,
            "laboratory": laboratory,
            "reported_on": reported_on,
            "is_index_case": is_index_case,
            "index_case": index_case,
            "kinship": kinship,
        },
    )
    finding = create_validated(GeneticFinding, patient=patient, **cleaned)
    touch(patient)
    audit(actor, AuditEvent.Action.CREATE, finding, patient, summary=f"Variant {finding}")
    return finding


@records_refusals("Correction d'un résultat génétique")
def genetic_finding_update(
    *, actor: Actor, finding: GeneticFinding, **values: Any
) -> dict[str, Any]:
    """Correct a recorded variant under the same rules as recording it; return the changes."""
    unknown = sorted(set(values) - set(FINDING_FIELDS))
    if unknown:
        raise TypeError(f"Champs inconnus : {', '.join(unknown)}")
    current = {name: getattr(finding, name) for name in FINDING_FIELDS}
    cleaned = clean_genetic_finding(finding.patient, current | values)
    changes = update_validated(finding, cleaned)
    if changes:
        touch(finding.patient)
        audit(actor, AuditEvent.Action.UPDATE, finding, finding.patient, changes=changes)
    return changes
