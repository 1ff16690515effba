"""Every write of the nomenclatures: imports of ORPHA, HGNC genes and MANE transcripts, ICD-10
and the HPO, each into a release known by its file's checksum, and the network's disease
groups. Grouped by nomenclature; import from here."""

from filiere.nomenclature.services.bootstrap import nomenclature_bootstrap
from filiere.nomenclature.services.genes import (
    TRANSCRIPT_SEED_FILE,
    gene_import_records,
    transcript_import_file,
    transcript_import_records,
    transcript_seed_import,
)
from filiere.nomenclature.services.groups import disease_group_save
from filiere.nomenclature.services.hpo_terms import (
    hpo_french_checksum,
    hpo_french_import_folder,
    hpo_french_import_records,
    hpo_release_record,
)
from filiere.nomenclature.services.icd10 import icd10_import_records
from filiere.nomenclature.services.orpha import SEED_FILE, orpha_import_file, orpha_import_records
from filiere.nomenclature.services.releases import ImportResult, file_checksum

__all__ = [
    "SEED_FILE",
    "TRANSCRIPT_SEED_FILE",
    "ImportResult",
    "disease_group_save",
    "file_checksum",
    "gene_import_records",
    "hpo_french_checksum",
    "hpo_french_import_folder",
    "hpo_french_import_records",
    "hpo_release_record",
    "icd10_import_records",
    "nomenclature_bootstrap",
    "orpha_import_file",
    "orpha_import_records",
    "transcript_import_file",
    "transcript_import_records",
    "transcript_seed_import",
]
