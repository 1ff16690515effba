"""Reading nomenclature files: Orphadata XML, the network's TSV tables, hpo3's ORPHA names,
the HPO's French translation and NCBI's MANE summary.

Pure parsing, no database: each reader yields plain records that the import services write.
"""

from __future__ import annotations

import csv
import gzip
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from lxml import etree


@dataclass
class OrphaRecord:
    code: int
    name_en: str = ""
    name_fr: str = ""
    kind: str = ""
    is_obsolete: bool = False
    parents: set[int] = field(default_factory=set)
    genes: dict[str, str] = field(default_factory=dict)  # HGNC symbol -> HGNC id ("" if unknown)
    icd10: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class GeneRecord:
    symbol: str
    hgnc_id: str = ""
    name: str = ""
    ncbi_gene_id: str = ""


@dataclass(frozen=True)
class TranscriptRecord:
    symbol: str
    accession: str  # without version: NM_000212
    version: int
    protein_accession: str = ""
    ensembl_transcript: str = ""
    mane_status: str = ""
    protein_length: int | None = None
    cds_length: int | None = None
    hgnc_id: str = ""
    ncbi_gene_id: str = ""
    name: str = ""


@dataclass(frozen=True)
class Icd10Record:
    code: str
    label_fr: str
    label_en: str


class NomenclatureFileError(ValueError):
    """A file the importer cannot read (French message naming the line or element)."""


# Orphadata's DisorderType names mapped to the four kinds the registry distinguishes.
_KINDS = {
    "disease": "disorder",
    "malformation syndrome": "disorder",
    "clinical syndrome": "disorder",
    "morphological anomaly": "disorder",
    "biological anomaly": "disorder",
    "particular clinical situation in a disease or syndrome": "disorder",
    "clinical subtype": "subtype",
    "etiological subtype": "subtype",
    "histopathological subtype": "subtype",
    "category": "group",
    "clinical group": "group",
}


def _kind(name: str) -> str:
    return _KINDS.get(name.strip().lower(), "disorder" if name else "")


def _text(element: etree._Element | None) -> str:
    return "" if element is None or element.text is None else element.text.strip()


def _parser() -> etree.XMLParser:
    # No entities, no network: an Orphadata file is data, never instructions.
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


def read_orphadata_xml(path: Path) -> tuple[str, dict[int, OrphaRecord]]:
    """Return (release version, records by code) from an Orphadata product 1, 3 or 6 file.

    The language of names comes from the root's ``lang`` attribute or the names' own.
    Classification files (product 3) give parents; gene files (product 6) give genes.
    """
    try:
        tree = etree.parse(str(path), _parser())
    except (OSError, etree.XMLSyntaxError) as exc:
        raise NomenclatureFileError(f"{path.name} : XML illisible ({exc}).") from exc
    root = tree.getroot()
    version = root.get("version") or root.get("date") or ""
    records: dict[int, OrphaRecord] = {}

    def record_of(disorder: etree._Element) -> OrphaRecord | None:
        code_text = _text(disorder.find("OrphaCode")) or _text(disorder.find("OrphaNumber"))
        if not code_text.isdigit():
            return None
        code = int(code_text)
        record = records.setdefault(code, OrphaRecord(code))
        name = disorder.find("Name")
        if name is not None and _text(name):
            lang = (name.get("lang") or root.get("lang") or "en").lower()
            if lang == "fr":
                record.name_fr = _text(name)
            else:
                record.name_en = record.name_en or _text(name)
        kind = _text(disorder.find("DisorderType/Name"))
        if kind:
            record.kind = _kind(kind)
        for flag in disorder.iterfind("DisorderFlagList/DisorderFlag/Label"):
            if "obsolete" in _text(flag).lower() or "inactive" in _text(flag).lower():
                record.is_obsolete = True
        record.genes.update(_disorder_genes(disorder))
        for reference in disorder.iterfind("ExternalReferenceList/ExternalReference"):
            if _text(reference.find("Source")).upper().startswith("ICD-10"):
                record.icd10.add(_text(reference.find("Reference")))
        return record

    def walk(node: etree._Element, parent: int | None) -> None:
        disorder = node.find("Disorder")
        current = record_of(disorder) if disorder is not None else None
        if current is not None and parent is not None:
            current.parents.add(parent)
        for child in node.iterfind("ClassificationNodeChildList/ClassificationNode"):
            walk(child, current.code if current is not None else parent)

    roots = root.findall(".//ClassificationNodeRootList/ClassificationNode")
    for node in roots:
        walk(node, None)
    if not roots:
        for disorder in root.iterfind(".//DisorderList/Disorder"):
            record_of(disorder)
    if not records:
        raise NomenclatureFileError(f"{path.name} : aucun trouble Orphanet (OrphaCode) trouvé.")
    return version, records


def _disorder_genes(disorder: etree._Element) -> dict[str, str]:
    """The genes associated with a disorder (product 6): symbol → HGNC id ("" when absent)."""
    genes: dict[str, str] = {}
    for association in disorder.iterfind("DisorderGeneAssociationList/DisorderGeneAssociation"):
        symbol = _text(association.find("Gene/Symbol"))
        if not symbol:
            continue
        hgnc = ""
        for reference in association.iterfind("Gene/ExternalReferenceList/ExternalReference"):
            if _text(reference.find("Source")).upper() == "HGNC":
                hgnc = _text(reference.find("Reference"))
        genes[symbol] = hgnc
    return genes


def _open_text(path: Path) -> IO[str]:
    # NCBI distributes the MANE summary gzipped.
    if path.suffix.lower() == ".gz":
        return gzip.open(path, "rt", encoding="utf-8", newline="")
    return path.open(encoding="utf-8", newline="")


def _tsv_rows(path: Path, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    try:
        handle = _open_text(path)
    except OSError as exc:
        raise NomenclatureFileError(f"{path.name} : fichier illisible ({exc}).") from exc
    with handle:
        reader = csv.DictReader(handle, delimiter="\t")
        missing = [name for name in required if name not in (reader.fieldnames or [])]
        if missing:
            raise NomenclatureFileError(f"{path.name} : colonnes manquantes {', '.join(missing)}.")
        for line, row in enumerate(reader, start=2):
            yield line, {k: (v or "").strip() for k, v in row.items() if k}


def read_orpha_tsv(path: Path) -> dict[int, OrphaRecord]:
    """Read the network's ORPHA table (``orpha_code`` and a name column at least)."""
    records: dict[int, OrphaRecord] = {}
    for line, row in _tsv_rows(path, ("orpha_code",)):
        if not row["orpha_code"].isdigit():
            raise NomenclatureFileError(f"{path.name}, ligne {line} : orpha_code invalide.")
        code = int(row["orpha_code"])
        name_en = (
            row.get("name_en_orphanet_current_via_mondo")
            or row.get("name_en_orphadata_2022")
            or row.get("name_en")
            or row.get("name_en_hpo_2025_11")
            or ""
        )
        kind_text = row.get("disorder_type_2022", "")
        parents = {int(p) for p in row.get("parent_orpha_codes", "").split("|") if p.isdigit()}
        genes = {g: "" for g in row.get("genes_hgnc_via_hpo_2025_01", "").split("|") if g}
        records[code] = OrphaRecord(
            code=code,
            name_en=name_en,
            name_fr=row.get("name_fr", ""),
            kind=_kind(kind_text) if kind_text else "disorder",
            parents=parents,
            genes=genes,
        )
    return records


def read_gene_tsv(path: Path) -> list[GeneRecord]:
    """Read a gene table with a ``gene`` (HGNC symbol) column."""
    genes = []
    for line, row in _tsv_rows(path, ("gene",)):
        symbol = row["gene"]
        if not symbol or " " in symbol:
            raise NomenclatureFileError(f"{path.name}, ligne {line} : symbole HGNC invalide.")
        genes.append(
            GeneRecord(
                symbol=symbol,
                name=row.get("disorder_summary", "")[:200],
                ncbi_gene_id=row.get("ncbi_gene_id_via_hpo", ""),
            )
        )
    return genes


def read_icd10_tsv(path: Path) -> list[Icd10Record]:
    """Read an ICD-10 table (``icd10_code``, French and English labels)."""
    codes = []
    for line, row in _tsv_rows(path, ("icd10_code",)):
        code = row["icd10_code"].upper()
        if not code or len(code) > 8:
            raise NomenclatureFileError(f"{path.name}, ligne {line} : code CIM-10 invalide.")
        codes.append(
            Icd10Record(
                code=code,
                label_fr=row.get("label_fr_who_translation", "") or row.get("label_fr", ""),
                label_en=row.get("label_en_who", "") or row.get("label_en", ""),
            )
        )
    return codes


_REFSEQ_TRANSCRIPT = re.compile(r"^(N[MR]_\d+)\.(\d+)$")
_MANE_STATUSES = ("MANE Select", "MANE Plus Clinical")


def _length(path: Path, line: int, text: str, what: str) -> int | None:
    if not text:
        return None
    if not text.isdigit() or int(text) == 0:
        raise NomenclatureFileError(f"{path.name}, ligne {line} : {what} invalide « {text} ».")
    return int(text)


def read_mane_summary(path: Path) -> list[TranscriptRecord]:
    """Read NCBI's MANE summary (``MANE.GRCh38.v1.x.summary.txt``, gzipped or not).

    Its columns: ``#NCBI_GeneID Ensembl_Gene HGNC_ID symbol name RefSeq_nuc RefSeq_prot
    Ensembl_nuc Ensembl_prot MANE_status …``. The table shipped with the application uses the
    same columns (those it knows) plus ``protein_length_aa``; the coding length, stop codon
    included, is then 3 × (aa + 1) unless a ``cds_length_nt`` column says otherwise.
    """
    records = []
    for line, row in _tsv_rows(path, ("symbol", "RefSeq_nuc")):
        match = _REFSEQ_TRANSCRIPT.match(row["RefSeq_nuc"])
        if not row["symbol"] or " " in row["symbol"] or match is None:
            raise NomenclatureFileError(
                f"{path.name}, ligne {line} : symbole ou transcrit RefSeq versionné invalide."
            )
        status = row.get("MANE_status", "")
        if status and status not in _MANE_STATUSES:
            raise NomenclatureFileError(f"{path.name}, ligne {line} : statut MANE « {status} ».")
        protein = _length(path, line, row.get("protein_length_aa", ""), "longueur protéique")
        cds = _length(path, line, row.get("cds_length_nt", ""), "longueur codante")
        if cds is None and protein is not None:
            cds = 3 * (protein + 1)
        records.append(
            TranscriptRecord(
                symbol=row["symbol"],
                accession=match.group(1),
                version=int(match.group(2)),
                protein_accession=row.get("RefSeq_prot", ""),
                ensembl_transcript=row.get("Ensembl_nuc", ""),
                mane_status=status,
                protein_length=protein,
                cds_length=cds,
                hgnc_id=row.get("HGNC_ID", ""),
                ncbi_gene_id=row.get("#NCBI_GeneID", "").removeprefix("GeneID:"),
                name=row.get("name", "")[:200],
            )
        )
    return records


def hpo3_orpha_records() -> tuple[str, dict[int, OrphaRecord]]:
    """Return the ORPHA diseases, with their genes, that the hpo3 package ships."""
    from filiere.nomenclature.hpo import ontology

    onto = ontology()
    records: dict[int, OrphaRecord] = {}
    for disease in onto.orpha_diseases:
        records[int(disease.id)] = OrphaRecord(int(disease.id), name_en=str(disease.name))
    return f"hpo3 {onto.version()}", records


def hpo3_gene_records() -> list[GeneRecord]:
    """Return the genes (HGNC symbols and NCBI ids) annotated in the HPO release hpo3 ships."""
    from filiere.nomenclature.hpo import ontology

    return [
        GeneRecord(symbol=str(gene.name), ncbi_gene_id=str(gene.id)) for gene in ontology().genes
    ]


@dataclass
class HpoFrenchRecord:
    hpo_id: str
    label: str = ""
    definition: str = ""
    synonyms: list[str] = field(default_factory=list)


HPO_FR_LABELS = "hp-fr-preprocessed.babelon.tsv"
HPO_FR_SYNONYMS = "hp-fr.synonyms.tsv"
# The translation statuses: OFFICIAL wordings were reviewed by the HPO translators and are
# shown; CANDIDATE ones are proposals, used only to find a term (never shown as its label);
# NOT_TRANSLATED rows still hold the English text.
_SHOWN = "OFFICIAL"
_SEARCHABLE = {"OFFICIAL", "CANDIDATE"}
_HPO_ID = re.compile(r"^HP:\d{7}$")


def read_hpo_french(folder: Path) -> dict[str, HpoFrenchRecord]:
    """Return the French HPO labels, definitions and exact synonyms of the HPO translation files.

    Labels and definitions: the Babelon table's OFFICIAL rows. A term given two official labels
    keeps the first as its label, the others as synonyms; a CANDIDATE label is a synonym.
    Synonyms: the ROBOT table of French exact synonyms (several per cell, separated by ``|``),
    OFFICIAL or CANDIDATE. A term may have synonyms and no label (English is then shown).
    """
    labels_path = folder / HPO_FR_LABELS
    records: dict[str, HpoFrenchRecord] = {}

    def record_of(path: Path, line: int, hpo_id: str) -> HpoFrenchRecord:
        if not _HPO_ID.match(hpo_id):
            raise NomenclatureFileError(f"{path.name}, ligne {line} : terme HPO invalide.")
        return records.setdefault(hpo_id, HpoFrenchRecord(hpo_id))

    required = ("subject_id", "predicate_id", "translation_status", "translation_value")
    for line, row in _tsv_rows(labels_path, required):
        status, value = row["translation_status"], row["translation_value"]
        if status not in _SEARCHABLE or not value:
            continue
        record = record_of(labels_path, line, row["subject_id"])
        if row["predicate_id"] == "rdfs:label":
            if status == _SHOWN and not record.label:
                record.label = value
            elif value not in record.synonyms:
                record.synonyms.append(value)
        elif row["predicate_id"] == "IAO:0000115" and status == _SHOWN and not record.definition:
            record.definition = value
    synonyms_path = folder / HPO_FR_SYNONYMS
    if synonyms_path.is_file():
        for line, row in _tsv_rows(synonyms_path, ("subject_id", "translation_value", "Status")):
            if row["Status"] not in _SEARCHABLE:
                continue  # the ROBOT template row and untranslated rows
            record = record_of(synonyms_path, line, row["subject_id"])
            for synonym in (s.strip() for s in row["translation_value"].split("|")):
                if synonym and synonym not in record.synonyms:
                    record.synonyms.append(synonym)
    for record in records.values():
        record.synonyms = [s for s in record.synonyms if s != record.label]
    if not any(record.label for record in records.values()):
        raise NomenclatureFileError(f"{labels_path.name} : aucun libellé HPO officiel trouvé.")
    return records
