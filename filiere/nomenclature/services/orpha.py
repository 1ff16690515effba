"""ORPHA codes: Orphadata files or the network's table, their hierarchy and genes."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from filiere.access.actors import Actor
from filiere.audit.models import AuditEvent
from filiere.audit.services import audit_record
from filiere.lib.names import search_key
from filiere.nomenclature import sources
from filiere.nomenclature.models import (
    Gene,
    NomenclatureRelease,
    OrphaConcept,
)
from filiere.nomenclature.services.releases import (
    ImportResult,
    file_checksum,
    release_start,
    rows_upsert,
)

SEED_FILE = Path(__file__).resolve().parent.parent / "data" / "orpha_network_seed.tsv"


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


def _upsert_concepts(records: dict[int, sources.OrphaRecord], release: NomenclatureRelease) -> int:
    """Create the new codes and refresh the known ones (counting those that changed in the
    release); return how many were added."""

    def build(record: sources.OrphaRecord) -> OrphaConcept:
        return OrphaConcept(
            code=record.code,
            name_en=record.name_en[:300],
            name_fr=record.name_fr[:300],
            search_key=_orpha_search_key(record.name_fr[:300], record.name_en[:300]),
            kind=record.kind,
            is_obsolete=record.is_obsolete,
            first_release=release,
            last_release=release,
        )

    def refresh(concept: OrphaConcept, record: sources.OrphaRecord) -> bool:
        before = (concept.name_en, concept.name_fr, concept.kind, concept.is_obsolete)
        concept.name_en = record.name_en[:300] or concept.name_en
        concept.name_fr = record.name_fr[:300] or concept.name_fr
        concept.search_key = _orpha_search_key(concept.name_fr, concept.name_en)
        concept.kind = record.kind or concept.kind
        concept.is_obsolete = record.is_obsolete
        concept.last_release = release
        return before != (concept.name_en, concept.name_fr, concept.kind, concept.is_obsolete)

    upserted = rows_upsert(
        OrphaConcept.objects.all(),
        records.values(),
        key="code",
        build=build,
        refresh=refresh,
        fields=["name_en", "name_fr", "search_key", "kind", "is_obsolete", "last_release"],
    )
    release.updated += upserted.changed
    return upserted.added


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
    release = release_start(
        actor=actor,
        system=NomenclatureRelease.System.ORPHA,
        checksum=checksum,
        version=version or "?",
        source=source,
    )
    if isinstance(release, ImportResult):
        return release
    release.added = _upsert_concepts(records, release)
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
