"""Writes of nomenclature data: imports (recorded, idempotent) and the network's disease groups."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from filiere.access.actors import SYSTEM, Actor, acting_user
from filiere.audit.models import AuditEvent
from filiere.audit.services import audit_record
from filiere.lib.names import search_key
from filiere.nomenclature import hpo, sources
from filiere.nomenclature.models import (
    DiseaseGroup,
    Gene,
    HpoFrenchLabel,
    HpoFrenchName,
    Icd10Code,
    NomenclatureRelease,
    OrphaConcept,
    Transcript,
)

SEED_FILE = Path(__file__).resolve().parent / "data" / "orpha_network_seed.tsv"
# MANE Select transcripts of the network's main platelet and coagulation genes, with protein
# lengths (UniProt canonical = RefSeq MANE protein), for a fresh install without NCBI's file.
TRANSCRIPT_SEED_FILE = Path(__file__).resolve().parent / "data" / "mane_seed.tsv"


@dataclass(frozen=True)
class ImportResult:
    release: NomenclatureRelease | None
    skipped: bool
    message: str


def file_checksum(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _release_start(
    *, actor: Actor, system: str, checksum: str, version: str, source: str
) -> NomenclatureRelease | ImportResult:
    """Return the new release an import fills, or the skipped result when the file is known.

    A file is known by its system and checksum: importing it again changes nothing. The version
    and source are cut to their columns' lengths.
    """
    previous = NomenclatureRelease.objects.filter(system=system, checksum=checksum).first()
    if previous is not None:
        return ImportResult(previous, True, f"Déjà importé le {previous.imported_at:%d/%m/%Y}.")
    return NomenclatureRelease.objects.create(
        system=system,
        version=version[:100],
        source=source[:300],
        checksum=checksum,
        imported_by=acting_user(actor),
    )


def _ensure_genes(symbols: dict[str, str], release: NomenclatureRelease) -> dict[str, Gene]:
    existing = {g.symbol: g for g in Gene.objects.filter(symbol__in=list(symbols))}
    new = [
        Gene(symbol=s, hgnc_id=h, last_release=release)
        for s, h in symbols.items()
        if s not in existing
    ]
    Gene.objects.bulk_create(new, ignore_conflicts=True)
    changed = []
    for symbol, hgnc in symbols.items():
        gene = existing.get(symbol)
        if gene is not None and hgnc and gene.hgnc_id != hgnc:
            gene.hgnc_id = hgnc
            changed.append(gene)
    Gene.objects.bulk_update(changed, ["hgnc_id"])
    return {g.symbol: g for g in Gene.objects.filter(symbol__in=list(symbols))}


def _orpha_search_key(name_fr: str, name_en: str) -> str:
    return search_key(name_fr, name_en)[: OrphaConcept._meta.get_field("search_key").max_length]


@transaction.atomic
def orpha_import_records(
    *,
    actor: Actor,
    records: dict[int, sources.OrphaRecord],
    version: str,
    source: str,
    checksum: str,
    complete: bool = False,
) -> ImportResult:
    """Upsert ORPHA codes; with ``complete``, codes missing from the file become obsolete."""
    release = _release_start(
        actor=actor,
        system=NomenclatureRelease.System.ORPHA,
        checksum=checksum,
        version=version or "?",
        source=source,
    )
    if isinstance(release, ImportResult):
        return release
    existing = {c.code: c for c in OrphaConcept.objects.all()}
    to_create, to_update = [], []
    for record in records.values():
        concept = existing.get(record.code)
        if concept is None:
            to_create.append(
                OrphaConcept(
                    code=record.code,
                    name_en=record.name_en[:300],
                    name_fr=record.name_fr[:300],
                    search_key=_orpha_search_key(record.name_fr[:300], record.name_en[:300]),
                    kind=record.kind,
                    is_obsolete=record.is_obsolete,
                    first_release=release,
                    last_release=release,
                )
            )
            continue
        before = (concept.name_en, concept.name_fr, concept.kind, concept.is_obsolete)
        concept.name_en = record.name_en[:300] or concept.name_en
        concept.name_fr = record.name_fr[:300] or concept.name_fr
        concept.search_key = _orpha_search_key(concept.name_fr, concept.name_en)
        concept.kind = record.kind or concept.kind
        concept.is_obsolete = record.is_obsolete
        concept.last_release = release
        if before != (concept.name_en, concept.name_fr, concept.kind, concept.is_obsolete):
            release.updated += 1
        to_update.append(concept)
    OrphaConcept.objects.bulk_create(to_create, batch_size=2000)
    OrphaConcept.objects.bulk_update(
        to_update,
        ["name_en", "name_fr", "search_key", "kind", "is_obsolete", "last_release"],
        batch_size=2000,
    )
    release.added = len(to_create)
    if complete:
        missing = OrphaConcept.objects.exclude(code__in=list(records)).filter(is_obsolete=False)
        release.obsoleted = missing.update(is_obsolete=True)
    ids = dict(OrphaConcept.objects.filter(code__in=list(records)).values_list("code", "id"))
    _link_parents(records, ids)
    _link_genes(records, ids, release)
    release.save(update_fields=["added", "updated", "obsoleted"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=release,
        summary=f"Import ORPHA {release.version} : +{release.added}, ~{release.updated}, "
        f"obsolètes {release.obsoleted}",
    )
    return ImportResult(release, False, "Import terminé.")


def _link_parents(records: dict[int, sources.OrphaRecord], ids: dict[int, int]) -> None:
    links = {(ids[r.code], ids[p]) for r in records.values() for p in r.parents if p in ids}
    if not links:
        return
    through = OrphaConcept.parents.through
    present = set(
        through.objects.filter(from_orphaconcept_id__in=[a for a, _ in links]).values_list(
            "from_orphaconcept_id", "to_orphaconcept_id"
        )
    )
    through.objects.bulk_create(
        [through(from_orphaconcept_id=a, to_orphaconcept_id=b) for a, b in links - present],
        batch_size=2000,
    )


def _link_genes(
    records: dict[int, sources.OrphaRecord], ids: dict[int, int], release: NomenclatureRelease
) -> None:
    symbols: dict[str, str] = {}
    for record in records.values():
        symbols.update(record.genes)
    if not symbols:
        return
    genes = _ensure_genes(symbols, release)
    through = OrphaConcept.genes.through
    links = {(ids[r.code], genes[s].pk) for r in records.values() for s in r.genes if s in genes}
    present = set(
        through.objects.filter(orphaconcept_id__in=[a for a, _ in links]).values_list(
            "orphaconcept_id", "gene_id"
        )
    )
    through.objects.bulk_create(
        [through(orphaconcept_id=a, gene_id=b) for a, b in links - present], batch_size=2000
    )


def orpha_import_file(*, actor: Actor, path: Path) -> ImportResult:
    """Import an Orphadata XML file (product 1, 3 or 6) or the network's ORPHA TSV table."""
    checksum = file_checksum(path)
    if path.suffix.lower() == ".xml":
        version, records = sources.read_orphadata_xml(path)
        # A nomenclature file (product 1) lists every code: what it lacks is obsolete.
        complete = not any(r.parents or r.genes for r in records.values()) and len(records) > 5000
    else:
        version, records, complete = path.stem, sources.read_orpha_tsv(path), False
    return orpha_import_records(
        actor=actor,
        records=records,
        version=version,
        source=path.name,
        checksum=checksum,
        complete=complete,
    )


@transaction.atomic
def gene_import_records(
    *, actor: Actor, genes: Iterable[sources.GeneRecord], version: str, checksum: str
) -> ImportResult:
    release = _release_start(
        actor=actor,
        system=NomenclatureRelease.System.HGNC,
        checksum=checksum,
        version=version,
        source=version,
    )
    if isinstance(release, ImportResult):
        return release
    existing = {g.symbol: g for g in Gene.objects.all()}
    to_create, to_update = [], []
    for record in genes:
        gene = existing.get(record.symbol)
        if gene is None:
            to_create.append(
                Gene(
                    symbol=record.symbol,
                    hgnc_id=record.hgnc_id,
                    name=record.name,
                    ncbi_gene_id=record.ncbi_gene_id,
                    last_release=release,
                )
            )
            existing[record.symbol] = to_create[-1]
        elif gene.pk is not None:
            gene.hgnc_id = record.hgnc_id or gene.hgnc_id
            gene.name = record.name or gene.name
            gene.ncbi_gene_id = record.ncbi_gene_id or gene.ncbi_gene_id
            gene.last_release = release
            to_update.append(gene)
    Gene.objects.bulk_create(to_create, batch_size=2000)
    Gene.objects.bulk_update(
        to_update, ["hgnc_id", "name", "ncbi_gene_id", "last_release"], batch_size=2000
    )
    release.added, release.updated = len(to_create), len(to_update)
    release.save(update_fields=["added", "updated"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=release,
        summary=f"Import HGNC {version} : +{release.added}",
    )
    return ImportResult(release, False, "Import terminé.")


@transaction.atomic
def icd10_import_records(
    *, actor: Actor, codes: Iterable[sources.Icd10Record], version: str, checksum: str
) -> ImportResult:
    release = _release_start(
        actor=actor,
        system=NomenclatureRelease.System.ICD10,
        checksum=checksum,
        version=version,
        source=version,
    )
    if isinstance(release, ImportResult):
        return release
    existing = {c.code: c for c in Icd10Code.objects.all()}
    to_create, to_update = [], []
    for record in codes:
        code = existing.get(record.code)
        if code is None:
            to_create.append(
                Icd10Code(
                    code=record.code,
                    label_fr=record.label_fr,
                    label_en=record.label_en,
                    last_release=release,
                )
            )
        else:
            code.label_fr = record.label_fr or code.label_fr
            code.label_en = record.label_en or code.label_en
            code.last_release = release
            to_update.append(code)
    Icd10Code.objects.bulk_create(to_create)
    Icd10Code.objects.bulk_update(to_update, ["label_fr", "label_en", "last_release"])
    release.added, release.updated = len(to_create), len(to_update)
    release.save(update_fields=["added", "updated"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=release,
        summary=f"Import CIM-10 {version} : +{release.added}",
    )
    return ImportResult(release, False, "Import terminé.")


def hpo_french_checksum(folder: Path) -> str:
    """One fingerprint for the pair of files (a new synonym table is a new release)."""
    parts = [
        file_checksum(folder / name)
        for name in (sources.HPO_FR_LABELS, sources.HPO_FR_SYNONYMS)
        if (folder / name).is_file()
    ]
    return hashlib.sha256(" ".join(parts).encode()).hexdigest()


@transaction.atomic
def hpo_french_import_records(
    *,
    actor: Actor,
    records: dict[str, sources.HpoFrenchRecord],
    version: str,
    source: str,
    checksum: str,
) -> ImportResult:
    """Record the French HPO labels of a translation release; a label the release no longer
    has becomes obsolete (English is shown again). The search names (labels and synonyms,
    terms without a label included) are rebuilt."""
    release = _release_start(
        actor=actor,
        system=NomenclatureRelease.System.HPO_FR,
        checksum=checksum,
        version=version or "?",
        source=source,
    )
    if isinstance(release, ImportResult):
        return release
    labelled = {hpo_id: r for hpo_id, r in records.items() if r.label}
    existing = {t.hpo_id: t for t in HpoFrenchLabel.objects.all()}
    to_create, to_update = [], []
    for record in labelled.values():
        label, definition = record.label[:300], record.definition
        term = existing.get(record.hpo_id)
        if term is None:
            to_create.append(
                HpoFrenchLabel(
                    hpo_id=record.hpo_id, label=label, definition=definition, last_release=release
                )
            )
            continue
        if (term.label, term.definition, term.is_obsolete) != (label, definition, False):
            release.updated += 1
        term.label, term.definition, term.is_obsolete = label, definition, False
        term.last_release = release
        to_update.append(term)
    HpoFrenchLabel.objects.bulk_create(to_create, batch_size=2000)
    HpoFrenchLabel.objects.bulk_update(
        to_update, ["label", "definition", "is_obsolete", "last_release"], batch_size=2000
    )
    missing = HpoFrenchLabel.objects.exclude(hpo_id__in=list(labelled)).filter(is_obsolete=False)
    release.added, release.obsoleted = len(to_create), missing.update(is_obsolete=True)
    HpoFrenchName.objects.all().delete()
    HpoFrenchName.objects.bulk_create(_hpo_french_names(records.values()), batch_size=2000)
    release.save(update_fields=["added", "updated", "obsoleted"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=release,
        summary=f"Import HPO français {release.version} : +{release.added}, ~{release.updated}, "
        f"obsolètes {release.obsoleted}",
    )
    return ImportResult(release, False, "Import terminé.")


def _hpo_french_names(records: Iterable[sources.HpoFrenchRecord]) -> list[HpoFrenchName]:
    names = []
    for record in records:
        seen: set[str] = set()
        kinds = [(record.label, HpoFrenchName.Kind.LABEL)] if record.label else []
        kinds += [(synonym, HpoFrenchName.Kind.SYNONYM) for synonym in record.synonyms]
        for name, kind in kinds:
            folded = search_key(name)[:300]
            if folded and folded not in seen:
                seen.add(folded)
                names.append(
                    HpoFrenchName(hpo_id=record.hpo_id, name=name[:300], folded=folded, kind=kind)
                )
    return names


def hpo_french_import_folder(*, actor: Actor, folder: Path) -> ImportResult:
    """Import the HPO's French translation files of ``folder`` (labels, then synonyms)."""
    if not (folder / sources.HPO_FR_LABELS).is_file():
        raise sources.NomenclatureFileError(
            f"{folder} : fichier {sources.HPO_FR_LABELS} introuvable."
        )
    checksum = hpo_french_checksum(folder)
    # The translation files carry no version: their fingerprint names the release.
    return hpo_french_import_records(
        actor=actor,
        records=sources.read_hpo_french(folder),
        version=f"hp-fr {checksum[:12]}",
        source=f"{folder.name}/{sources.HPO_FR_LABELS}",
        checksum=checksum,
    )


def _genes_for_transcripts(
    records: list[sources.TranscriptRecord], release: NomenclatureRelease
) -> dict[str, Gene]:
    """Return the genes of the records by symbol, creating the missing ones from the file."""
    symbols = {r.symbol for r in records}
    existing = {g.symbol: g for g in Gene.objects.filter(symbol__in=symbols)}
    to_create, to_update = [], []
    for record in records:
        gene = existing.get(record.symbol)
        if gene is None:
            existing[record.symbol] = gene = Gene(
                symbol=record.symbol,
                hgnc_id=record.hgnc_id,
                ncbi_gene_id=record.ncbi_gene_id,
                name=record.name,
                last_release=release,
            )
            to_create.append(gene)
        elif gene.pk is not None and (
            (record.hgnc_id and not gene.hgnc_id)
            or (record.ncbi_gene_id and not gene.ncbi_gene_id)
            or (record.name and not gene.name)
        ):
            gene.hgnc_id = gene.hgnc_id or record.hgnc_id
            gene.ncbi_gene_id = gene.ncbi_gene_id or record.ncbi_gene_id
            gene.name = gene.name or record.name
            to_update.append(gene)
    Gene.objects.bulk_create(to_create, batch_size=2000)
    Gene.objects.bulk_update(to_update, ["hgnc_id", "ncbi_gene_id", "name"], batch_size=2000)
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
    release = _release_start(
        actor=actor,
        system=NomenclatureRelease.System.MANE,
        checksum=checksum,
        version=version or "?",
        source=source,
    )
    if isinstance(release, ImportResult):
        return release
    genes = _genes_for_transcripts(records, release)
    existing = {t.accession: t for t in Transcript.objects.all()}
    to_create, to_update = [], []
    for record in records:
        transcript = existing.get(record.accession)
        if transcript is None:
            existing[record.accession] = transcript = Transcript(
                gene=genes[record.symbol],
                accession=record.accession,
                version=record.version,
                protein_accession=record.protein_accession,
                ensembl_transcript=record.ensembl_transcript,
                mane_status=record.mane_status,
                cds_length=record.cds_length,
                protein_length=record.protein_length,
                last_release=release,
            )
            to_create.append(transcript)
            continue
        if transcript.pk is None or record.version < transcript.version:
            continue
        same_version = record.version == transcript.version
        before = tuple(getattr(transcript, name) for name in _TRANSCRIPT_FIELDS)
        transcript.gene = genes[record.symbol]
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
        if before != tuple(getattr(transcript, name) for name in _TRANSCRIPT_FIELDS):
            release.updated += 1
        to_update.append(transcript)
    Transcript.objects.bulk_create(to_create, batch_size=2000)
    Transcript.objects.bulk_update(
        to_update, [*_TRANSCRIPT_FIELDS, "last_release"], batch_size=2000
    )
    release.added = len(to_create)
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


@transaction.atomic
def hpo_release_record(*, actor: Actor) -> ImportResult:
    """Record the HPO release shipped by hpo3, against which phenotype terms are checked, so
    that a registry export can say which HPO version its terms come from."""
    version = hpo.hpo_version()
    checksum = hashlib.sha256(f"hpo3 {version}".encode()).hexdigest()
    release = _release_start(
        actor=actor,
        system=NomenclatureRelease.System.HPO,
        checksum=checksum,
        version=version,
        source="hpo3",
    )
    if isinstance(release, ImportResult):
        return release
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=release,
        summary=f"HPO {release.version} (hpo3)",
    )
    return ImportResult(release, False, "Version enregistrée.")


def nomenclature_bootstrap(*, actor: Actor = SYSTEM) -> list[ImportResult]:
    """Load what a fresh install needs without any file: hpo3's ORPHA names and genes, the
    network's group codes and the main genes' MANE transcripts shipped with the application.
    Idempotent."""
    results = []
    version, records = sources.hpo3_orpha_records()
    seed = sources.read_orpha_tsv(SEED_FILE)
    for code, record in seed.items():
        known = records.get(code)
        if known is not None:
            record.name_en = record.name_en or known.name_en
        records[code] = record
    digest = hashlib.sha256((version + file_checksum(SEED_FILE)).encode()).hexdigest()
    results.append(
        orpha_import_records(
            actor=actor, records=records, version=version, source="hpo3 + seed", checksum=digest
        )
    )
    genes = sources.hpo3_gene_records()
    gene_digest = hashlib.sha256(("genes " + version).encode()).hexdigest()
    results.append(
        gene_import_records(actor=actor, genes=genes, version=version, checksum=gene_digest)
    )
    results.append(transcript_seed_import(actor=actor))
    results.append(hpo_release_record(actor=actor))
    return results


def transcript_seed_import(*, actor: Actor = SYSTEM) -> ImportResult:
    """Load the MANE transcripts shipped with the application (no NCBI file needed)."""
    return transcript_import_records(
        actor=actor,
        records=sources.read_mane_summary(TRANSCRIPT_SEED_FILE),
        version="table de l'application",
        source=TRANSCRIPT_SEED_FILE.name,
        checksum=file_checksum(TRANSCRIPT_SEED_FILE),
    )


@transaction.atomic
def disease_group_save(
    *,
    actor: Actor,
    group: DiseaseGroup | None = None,
    slug: str,
    name: str,
    position: int = 0,
    orpha_codes: Iterable[int] = (),
    icd10_prefixes: str = "",
) -> DiseaseGroup:
    """Create or change a disease group of the network (network coordinators only)."""
    codes = sorted(set(orpha_codes))
    roots = list(OrphaConcept.objects.filter(code__in=codes))
    unknown = sorted(set(codes) - {r.code for r in roots})
    if unknown:
        raise ValidationError(
            {"orpha_codes": f"Codes ORPHA inconnus : {', '.join(map(str, unknown))}."}
        )
    creating = group is None
    group = group or DiseaseGroup()
    group.slug, group.name, group.position = slug, name, position
    group.icd10_prefixes = icd10_prefixes
    group.full_clean()
    group.save()
    group.orpha_roots.set(roots)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE if creating else AuditEvent.Action.UPDATE,
        obj=group,
        summary=f"Groupe de maladies {name}",
        changes={"orpha_roots": codes, "icd10_prefixes": icd10_prefixes},
    )
    return group
