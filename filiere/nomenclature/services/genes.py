"""Genes (HGNC) and their MANE transcripts."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from django.db import transaction

from filiere.access.actors import SYSTEM, Actor
from filiere.audit.models import AuditEvent
from filiere.audit.services import audit_record
from filiere.nomenclature import sources
from filiere.nomenclature.models import (
    Gene,
    NomenclatureRelease,
    Transcript,
)
from filiere.nomenclature.services.releases import (
    ImportResult,
    file_checksum,
    release_start,
    rows_upsert,
)

# MANE Select transcripts of the network's main platelet and coagulation genes, with protein
# lengths (UniProt canonical = RefSeq MANE protein), for a fresh install without NCBI's file.
TRANSCRIPT_SEED_FILE = Path(__file__).resolve().parent.parent / "data" / "mane_seed.tsv"


@transaction.atomic
def gene_import_records(
    *, actor: Actor, genes: Iterable[sources.GeneRecord], version: str, checksum: str
) -> ImportResult:
    release = release_start(
        actor=actor,
        system=NomenclatureRelease.System.HGNC,
        checksum=checksum,
        version=version,
        source=version,
    )
    if isinstance(release, ImportResult):
        return release

    def refresh(gene: Gene, record: sources.GeneRecord) -> bool:
        gene.hgnc_id = record.hgnc_id or gene.hgnc_id
        gene.name = record.name or gene.name
        gene.ncbi_gene_id = record.ncbi_gene_id or gene.ncbi_gene_id
        gene.last_release = release
        return True

    upserted = rows_upsert(
        Gene.objects.all(),
        genes,
        key="symbol",
        build=lambda r: _gene(r, release),
        refresh=refresh,
        fields=["hgnc_id", "name", "ncbi_gene_id", "last_release"],
    )
    release.added, release.updated = upserted.added, upserted.refreshed
    release.save(update_fields=["added", "updated"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=release,
        summary=f"Import HGNC {version} : +{release.added}",
    )
    return ImportResult(release, False, "Import terminé.")


def _gene(
    record: sources.GeneRecord | sources.TranscriptRecord, release: NomenclatureRelease
) -> Gene:
    return Gene(
        symbol=record.symbol,
        hgnc_id=record.hgnc_id,
        name=record.name,
        ncbi_gene_id=record.ncbi_gene_id,
        last_release=release,
    )


def _genes_for_transcripts(
    records: list[sources.TranscriptRecord], release: NomenclatureRelease
) -> dict[str, Gene]:
    """Return the genes of the records by symbol, creating the missing ones from the file."""
    symbols = {r.symbol for r in records}

    def fill(gene: Gene, record: sources.TranscriptRecord) -> bool | None:
        if not (
            (record.hgnc_id and not gene.hgnc_id)
            or (record.ncbi_gene_id and not gene.ncbi_gene_id)
            or (record.name and not gene.name)
        ):
            return None
        gene.hgnc_id = gene.hgnc_id or record.hgnc_id
        gene.ncbi_gene_id = gene.ncbi_gene_id or record.ncbi_gene_id
        gene.name = gene.name or record.name
        return True

    rows_upsert(
        Gene.objects.filter(symbol__in=symbols),
        records,
        key="symbol",
        build=lambda r: _gene(r, release),
        refresh=fill,
        fields=["hgnc_id", "ncbi_gene_id", "name"],
    )
    return {g.symbol: g for g in Gene.objects.filter(symbol__in=symbols)}


_TRANSCRIPT_FIELDS = (
    "gene",
    "version",
    "protein_accession",
    "ensembl_transcript",
    "mane_status",
    "cds_length",
    "protein_length",
)


def _refresh_transcript(
    transcript: Transcript,
    record: sources.TranscriptRecord,
    gene: Gene,
    release: NomenclatureRelease,
) -> bool:
    """Bring a known transcript to the record's version (the same version keeps the lengths
    already known); return whether anything changed."""
    same_version = record.version == transcript.version
    before = tuple(getattr(transcript, name) for name in _TRANSCRIPT_FIELDS)
    transcript.gene = gene
    transcript.protein_accession = record.protein_accession or (
        transcript.protein_accession if same_version else ""
    )
    transcript.ensembl_transcript = record.ensembl_transcript or (
        transcript.ensembl_transcript if same_version else ""
    )
    transcript.mane_status = record.mane_status
    if record.protein_length is not None or not same_version:
        transcript.protein_length = record.protein_length
        transcript.cds_length = record.cds_length
    transcript.version = record.version
    transcript.last_release = release
    return before != tuple(getattr(transcript, name) for name in _TRANSCRIPT_FIELDS)


@transaction.atomic
def transcript_import_records(
    *,
    actor: Actor,
    records: list[sources.TranscriptRecord],
    version: str,
    source: str,
    checksum: str,
) -> ImportResult:
    """Upsert gene transcripts (MANE summary or the shipped table), creating missing genes.

    A transcript is kept by its accession without version: a newer version replaces the
    older one with the lengths the file gives (none from NCBI's summary), an older version
    never replaces a newer one, and the same version keeps the lengths already known.
    """
    release = release_start(
        actor=actor,
        system=NomenclatureRelease.System.MANE,
        checksum=checksum,
        version=version or "?",
        source=source,
    )
    if isinstance(release, ImportResult):
        return release
    genes = _genes_for_transcripts(records, release)

    def refresh(transcript: Transcript, record: sources.TranscriptRecord) -> bool | None:
        if record.version < transcript.version:
            return None  # an older version never replaces a newer one
        return _refresh_transcript(transcript, record, genes[record.symbol], release)

    upserted = rows_upsert(
        Transcript.objects.all(),
        records,
        key="accession",
        build=lambda r: Transcript(
            gene=genes[r.symbol],
            accession=r.accession,
            version=r.version,
            protein_accession=r.protein_accession,
            ensembl_transcript=r.ensembl_transcript,
            mane_status=r.mane_status,
            cds_length=r.cds_length,
            protein_length=r.protein_length,
            last_release=release,
        ),
        refresh=refresh,
        fields=[*_TRANSCRIPT_FIELDS, "last_release"],
    )
    release.added, release.updated = upserted.added, upserted.changed
    release.save(update_fields=["added", "updated"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=release,
        summary=f"Import MANE {release.version} : +{release.added}, ~{release.updated}",
    )
    return ImportResult(release, False, "Import terminé.")


def transcript_import_file(*, actor: Actor, path: Path) -> ImportResult:
    """Import NCBI's MANE summary file (or a table in its format)."""
    name = path.name.removesuffix(".gz").removesuffix(".txt").removesuffix(".summary")
    return transcript_import_records(
        actor=actor,
        records=sources.read_mane_summary(path),
        version=name,
        source=path.name,
        checksum=file_checksum(path),
    )


def transcript_seed_import(*, actor: Actor = SYSTEM) -> ImportResult:
    """Load the MANE transcripts shipped with the application (no NCBI file needed)."""
    return transcript_import_records(
        actor=actor,
        records=sources.read_mane_summary(TRANSCRIPT_SEED_FILE),
        version="table de l'application",
        source=TRANSCRIPT_SEED_FILE.name,
        checksum=file_checksum(TRANSCRIPT_SEED_FILE),
    )
