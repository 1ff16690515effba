"""What a fresh install loads without any file."""

from __future__ import annotations

import hashlib

from filiere.access.actors import SYSTEM, Actor
from filiere.nomenclature import sources
from filiere.nomenclature.services.genes import gene_import_records, transcript_seed_import
from filiere.nomenclature.services.hpo_terms import hpo_release_record
from filiere.nomenclature.services.orpha import SEED_FILE, orpha_import_records
from filiere.nomenclature.services.releases import ImportResult, file_checksum


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
