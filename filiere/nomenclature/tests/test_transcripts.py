"""Gene transcripts: the shipped MANE table and the import of NCBI's MANE summary file."""

from __future__ import annotations

import gzip
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from filiere.access.actors import SYSTEM
from filiere.nomenclature.models import Gene, NomenclatureRelease, Transcript
from filiere.nomenclature.selectors import (
    transcript_of_accession,
    transcript_of_protein,
    transcripts_of_gene,
)
from filiere.nomenclature.services import transcript_import_file, transcript_seed_import

pytestmark = pytest.mark.django_db

HEADER = (
    "#NCBI_GeneID\tEnsembl_Gene\tHGNC_ID\tsymbol\tname\tRefSeq_nuc\tRefSeq_prot\tEnsembl_nuc\t"
    "Ensembl_prot\tMANE_status\tGRCh38_chr\tchr_start\tchr_end\tchr_strand\n"
)


def mane_file(tmp_path: Path, *rows: str, name: str = "MANE.GRCh38.v1.4.summary.txt") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + "".join(row + "\n" for row in rows), encoding="utf-8")
    return path


def mane_row(symbol: str, transcript: str, protein: str, status: str = "MANE Select") -> str:
    # The columns of NCBI's summary; the coordinates play no part in the import.
    return "\t".join(
        [
            "GeneID:3690",
            "ENSG00000259207.8",
            "HGNC:6156",
            symbol,
            f"{symbol} name",
            transcript,
            protein,
            "ENST00000559488.7",
            "ENSP00000452786.2",
            status,
            "NC_000017.11",
            "47253846",
            "47313743",
            "+",
        ]
    )


def test_the_shipped_table_gives_itgb3_its_mane_transcript_and_lengths() -> None:
    """ITGB3 (β3 integrin) is 788 residues (UniProt P05106, RefSeq NP_000203.2): its coding
    sequence, stop codon included, is 3 × (788 + 1) = 2,367 nucleotides."""
    result = transcript_seed_import()
    assert result.release is not None
    assert result.release.system == "mane"
    itgb3 = transcript_of_accession("NM_000212.3")
    assert itgb3 is not None
    assert itgb3.gene.symbol == "ITGB3"
    assert (itgb3.versioned, itgb3.mane_status) == ("NM_000212.3", "MANE Select")
    assert (itgb3.protein_length, itgb3.cds_length) == (788, 2367)
    assert transcript_of_protein("NP_000203.2") == itgb3
    itga2b = transcript_of_accession("NM_000419.5")
    assert itga2b is not None
    assert itga2b.gene.symbol == "ITGA2B"
    ankrd26 = transcript_of_accession("NM_014915.3")
    assert ankrd26 is not None
    assert ankrd26.cds_length is None
    assert transcript_seed_import().skipped


def test_the_mane_summary_is_imported_once_and_creates_missing_genes(tmp_path: Path) -> None:
    path = mane_file(tmp_path, mane_row("ITGB3", "NM_000212.3", "NP_000203.2"))
    first = transcript_import_file(actor=SYSTEM, path=path)
    assert first.release is not None
    assert first.release.added == 1
    assert first.release.version == "MANE.GRCh38.v1.4"
    gene = Gene.objects.get(symbol="ITGB3")
    assert (gene.hgnc_id, gene.ncbi_gene_id) == ("HGNC:6156", "3690")
    transcript = Transcript.objects.get()
    assert transcript.ensembl_transcript == "ENST00000559488.7"
    assert transcript_of_accession("ENST00000559488.7") == transcript
    assert transcripts_of_gene(gene) == [transcript]
    again = transcript_import_file(actor=SYSTEM, path=path)
    assert again.skipped
    assert NomenclatureRelease.objects.filter(system="mane").count() == 1


def test_a_release_keeps_known_lengths_and_a_new_version_replaces_them(tmp_path: Path) -> None:
    transcript_seed_import()
    same = mane_file(tmp_path, mane_row("ITGB3", "NM_000212.3", "NP_000203.2"))
    transcript_import_file(actor=SYSTEM, path=same)
    itgb3 = Transcript.objects.get(accession="NM_000212")
    assert itgb3.cds_length == 2367  # NCBI's summary has no lengths: the known ones stay
    newer = mane_file(
        tmp_path, mane_row("ITGB3", "NM_000212.4", "NP_000203.3"), name="MANE.v9.summary.txt"
    )
    result = transcript_import_file(actor=SYSTEM, path=newer)
    assert result.release is not None
    assert result.release.updated == 1
    itgb3.refresh_from_db()
    assert (itgb3.versioned, itgb3.cds_length, itgb3.protein_accession) == (
        "NM_000212.4",
        None,
        "NP_000203.3",
    )
    Transcript.objects.filter(pk=itgb3.pk).update(version=9)
    (tmp_path / "older.tsv").write_text(
        "symbol\tRefSeq_nuc\tprotein_length_aa\nITGB3\tNM_000212.3\t788\n", encoding="utf-8"
    )
    transcript_import_file(actor=SYSTEM, path=tmp_path / "older.tsv")
    itgb3.refresh_from_db()
    assert itgb3.version == 9  # an older version never replaces a newer one


def test_the_command_imports_the_file_and_refuses_a_file_without_the_columns(
    tmp_path: Path,
) -> None:
    out = StringIO()
    path = mane_file(tmp_path, mane_row("ITGB3", "NM_000212.3", "NP_000203.2"))
    call_command("nomenclature", "import-transcripts", str(path), stdout=out)
    assert "1 ajoutés" in out.getvalue()
    bad = tmp_path / "bad.txt"
    bad.write_text("gene\ttranscript\nITGB3\tNM_000212.3\n", encoding="utf-8")
    with pytest.raises(CommandError, match="colonnes manquantes"):
        call_command("nomenclature", "import-transcripts", str(bad), stdout=out)
    unversioned = mane_file(tmp_path, mane_row("ITGB3", "NM_000212", ""), name="x.txt")
    with pytest.raises(CommandError, match="ligne 2"):
        call_command("nomenclature", "import-transcripts", str(unversioned), stdout=out)


def test_the_gzipped_summary_ncbi_distributes_is_read(tmp_path: Path) -> None:
    path = tmp_path / "MANE.GRCh38.v1.4.summary.txt.gz"
    content = HEADER + mane_row("ITGB3", "NM_000212.3", "NP_000203.2") + "\n"
    path.write_bytes(gzip.compress(content.encode()))
    result = transcript_import_file(actor=SYSTEM, path=path)
    assert result.release is not None
    assert result.release.version == "MANE.GRCh38.v1.4"
    assert transcript_of_accession("NM_000212.3") is not None


def test_the_database_refuses_lengths_that_do_not_match_and_a_versioned_accession() -> None:
    """A coding sequence holds three nucleotides per residue plus the stop codon."""
    gene = Gene.objects.create(symbol="ITGB3")
    with transaction.atomic(), pytest.raises(IntegrityError):
        Transcript.objects.create(
            gene=gene, accession="NM_000212", version=3, protein_length=788, cds_length=2364
        )
    with transaction.atomic(), pytest.raises(IntegrityError):
        Transcript.objects.create(gene=gene, accession="NM_000212.3", version=3)
    Transcript.objects.create(
        gene=gene, accession="NM_000212", version=3, protein_length=788, cds_length=2367
    )
