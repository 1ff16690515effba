"""The nomenclature imports: Orphadata XML (products 1, 3 and 6), HGNC genes, ICD-10 and the
HPO release. Each import is recorded as a release; importing the same file twice changes nothing;
codes leave the nomenclature as obsolete, never deleted (a patient's diagnosis may carry them).

File structures follow Orphadata's documentation of its free products
(https://www.orphadata.com/, « Orphadata: free access products description », 2024):
product 1 lists the disorders (``DisorderList``), product 3 the classifications
(``ClassificationNodeRootList``), product 6 the disorder-gene associations."""

from __future__ import annotations

from pathlib import Path

import pytest

from filiere.access.actors import SYSTEM
from filiere.nomenclature import services, sources
from filiere.nomenclature.hpo import hpo_version
from filiere.nomenclature.models import Gene, Icd10Code, NomenclatureRelease, OrphaConcept
from filiere.nomenclature.sources import NomenclatureFileError

pytestmark = pytest.mark.django_db


def _release(result: services.ImportResult) -> NomenclatureRelease:
    assert result.release is not None
    return result.release


def _disorder(code: int, name: str, *, kind: str = "Disease", extra: str = "") -> str:
    return (
        f'<Disorder id="{code + 10000}"><OrphaCode>{code}</OrphaCode>'
        f'<Name lang="en">{name}</Name>'
        f'<DisorderType id="21394"><Name lang="en">{kind}</Name></DisorderType>{extra}</Disorder>'
    )


def product1(tmp_path: Path, disorders: list[str], *, name: str = "en_product1.xml") -> Path:
    path = tmp_path / name
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<JDBOR date="2024-12-02 05:05:01" version="1.3.29 / 4.1.7 [2024-07-05]">'
        f'<DisorderList count="{len(disorders)}">{"".join(disorders)}</DisorderList></JDBOR>',
        encoding="utf-8",
    )
    return path


GLANZMANN_PRODUCT1 = _disorder(
    849,
    "Glanzmann thrombasthenia",
    extra=(
        '<ExternalReferenceList count="1"><ExternalReference id="1">'
        "<Source>ICD-10</Source><Reference>D69.1</Reference></ExternalReference>"
        "</ExternalReferenceList>"
    ),
)
OBSOLETE_PRODUCT1 = _disorder(
    99999,
    "Some withdrawn entity",
    extra=(
        '<DisorderFlagList count="1"><DisorderFlag id="1">'
        "<Label>Obsolete entity</Label></DisorderFlag></DisorderFlagList>"
    ),
)


def test_product1_gives_names_types_obsolete_flags_and_icd10(tmp_path: Path) -> None:
    version, records = sources.read_orphadata_xml(
        product1(tmp_path, [GLANZMANN_PRODUCT1, OBSOLETE_PRODUCT1])
    )
    assert version == "1.3.29 / 4.1.7 [2024-07-05]"
    glanzmann = records[849]
    assert glanzmann.name_en == "Glanzmann thrombasthenia"
    assert glanzmann.kind == "disorder"
    assert glanzmann.icd10 == {"D69.1"}
    assert not glanzmann.is_obsolete
    assert records[99999].is_obsolete


def test_a_french_product1_fills_the_french_names(tmp_path: Path) -> None:
    path = tmp_path / "fr_product1.xml"
    path.write_text(
        '<JDBOR version="1.3.29"><DisorderList count="1"><Disorder id="1">'
        '<OrphaCode>849</OrphaCode><Name lang="fr">Thrombasthénie de Glanzmann</Name>'
        "</Disorder></DisorderList></JDBOR>",
        encoding="utf-8",
    )
    _, records = sources.read_orphadata_xml(path)
    assert records[849].name_fr == "Thrombasthénie de Glanzmann"
    assert records[849].name_en == ""


def test_product3_links_each_disorder_to_its_parent(tmp_path: Path) -> None:
    path = tmp_path / "en_product3_156.xml"
    path.write_text(
        '<JDBOR version="1.3.29"><ClassificationList count="1"><Classification id="1">'
        '<ClassificationNodeRootList count="1"><ClassificationNode>'
        + _disorder(97992, "Rare haematological disease", kind="Category")
        + '<ClassificationNodeChildList count="1"><ClassificationNode>'
        + _disorder(183530, "Rare constitutional thrombocytopenia", kind="Clinical group")
        + '<ClassificationNodeChildList count="1"><ClassificationNode>'
        + _disorder(849, "Glanzmann thrombasthenia")
        + '<ClassificationNodeChildList count="0"/></ClassificationNode>'
        "</ClassificationNodeChildList></ClassificationNode></ClassificationNodeChildList>"
        "</ClassificationNode></ClassificationNodeRootList></Classification>"
        "</ClassificationList></JDBOR>",
        encoding="utf-8",
    )
    result = services.orpha_import_file(actor=SYSTEM, path=path)
    assert not result.skipped
    glanzmann = OrphaConcept.objects.get(code=849)
    assert [p.code for p in glanzmann.parents.all()] == [183530]
    assert [p.code for p in OrphaConcept.objects.get(code=183530).parents.all()] == [97992]
    assert OrphaConcept.objects.get(code=97992).kind == "group"


def test_product6_links_genes_with_their_hgnc_identifiers(tmp_path: Path) -> None:
    genes = (
        '<DisorderGeneAssociationList count="2">'
        + "".join(
            f'<DisorderGeneAssociation><Gene id="{n}"><Symbol>{symbol}</Symbol>'
            '<ExternalReferenceList count="1"><ExternalReference id="1"><Source>HGNC</Source>'
            f"<Reference>{hgnc}</Reference></ExternalReference></ExternalReferenceList>"
            "</Gene></DisorderGeneAssociation>"
            for n, (symbol, hgnc) in enumerate([("ITGA2B", "6138"), ("ITGB3", "6156")])
        )
        + "</DisorderGeneAssociationList>"
    )
    path = product1(
        tmp_path, [_disorder(849, "Glanzmann thrombasthenia", extra=genes)], name="en_product6.xml"
    )
    services.orpha_import_file(actor=SYSTEM, path=path)
    linked = OrphaConcept.objects.get(code=849).genes.order_by("symbol")
    assert [g.symbol for g in linked] == ["ITGA2B", "ITGB3"]


def test_importing_the_same_orphadata_file_twice_changes_nothing(tmp_path: Path) -> None:
    path = product1(tmp_path, [GLANZMANN_PRODUCT1, OBSOLETE_PRODUCT1])
    first = services.orpha_import_file(actor=SYSTEM, path=path)
    rows = list(OrphaConcept.objects.order_by("code").values())
    second = services.orpha_import_file(actor=SYSTEM, path=path)
    assert (first.skipped, second.skipped) == (False, True)
    assert second.release == first.release
    assert NomenclatureRelease.objects.filter(system="orpha").count() == 1
    assert list(OrphaConcept.objects.order_by("code").values()) == rows


def _full_nomenclature(tmp_path: Path, codes: range, name: str) -> Path:
    return product1(tmp_path, [_disorder(code, f"Disorder {code}") for code in codes], name=name)


def test_a_complete_nomenclature_makes_missing_codes_obsolete_and_keeps_them(
    tmp_path: Path,
) -> None:
    services.orpha_import_file(
        actor=SYSTEM, path=_full_nomenclature(tmp_path, range(1, 5102), "2024.xml")
    )
    result = services.orpha_import_file(
        actor=SYSTEM, path=_full_nomenclature(tmp_path, range(1, 5101), "2025.xml")
    )
    assert _release(result).obsoleted == 1
    withdrawn = OrphaConcept.objects.get(code=5101)
    assert withdrawn.is_obsolete
    assert OrphaConcept.objects.count() == 5101


def test_a_partial_extract_or_a_classification_obsoletes_nothing(tmp_path: Path) -> None:
    services.orpha_import_file(
        actor=SYSTEM, path=_full_nomenclature(tmp_path, range(1, 40), "a.xml")
    )
    result = services.orpha_import_file(
        actor=SYSTEM, path=_full_nomenclature(tmp_path, range(1, 3), "extract.xml")
    )
    assert _release(result).obsoleted == 0
    assert not OrphaConcept.objects.filter(is_obsolete=True).exists()


def test_an_unreadable_or_empty_orphadata_file_is_refused(tmp_path: Path) -> None:
    broken = tmp_path / "broken.xml"
    broken.write_text("<JDBOR><DisorderList>", encoding="utf-8")
    with pytest.raises(NomenclatureFileError, match="XML illisible"):
        sources.read_orphadata_xml(broken)
    with pytest.raises(NomenclatureFileError, match="aucun trouble Orphanet"):
        sources.read_orphadata_xml(product1(tmp_path, []))
    assert not NomenclatureRelease.objects.exists()


def test_hgnc_genes_import_once(tmp_path: Path) -> None:
    path = tmp_path / "genes.tsv"
    path.write_text("gene\tdisorder_summary\nITGA2B\tGlanzmann\nGP1BA\tBernard-Soulier\n")
    genes = sources.read_gene_tsv(path)
    checksum = services.file_checksum(path)
    first = services.gene_import_records(actor=SYSTEM, genes=genes, version="v1", checksum=checksum)
    second = services.gene_import_records(
        actor=SYSTEM, genes=genes, version="v1", checksum=checksum
    )
    assert (_release(first).added, second.skipped) == (2, True)
    assert sorted(Gene.objects.values_list("symbol", flat=True)) == ["GP1BA", "ITGA2B"]


def test_a_gene_symbol_with_a_space_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "genes.tsv"
    path.write_text("gene\nITGA2B\nITG B3\n")
    with pytest.raises(NomenclatureFileError, match="ligne 3"):
        sources.read_gene_tsv(path)


def test_icd10_codes_import_once_in_french_and_english(tmp_path: Path) -> None:
    path = tmp_path / "icd10.tsv"
    path.write_text(
        "icd10_code\tlabel_fr\tlabel_en\n"
        "d69.1\tAnomalies qualitatives des plaquettes\tQualitative platelet defects\n"
    )
    codes = sources.read_icd10_tsv(path)
    checksum = services.file_checksum(path)
    first = services.icd10_import_records(actor=SYSTEM, codes=codes, version="v", checksum=checksum)
    second = services.icd10_import_records(
        actor=SYSTEM, codes=codes, version="v", checksum=checksum
    )
    assert (_release(first).added, second.skipped) == (1, True)
    code = Icd10Code.objects.get(code="D69.1")
    assert code.label_fr == "Anomalies qualitatives des plaquettes"


def test_the_hpo_release_that_validates_phenotypes_is_recorded() -> None:
    first = services.hpo_release_record(actor=SYSTEM)
    second = services.hpo_release_record(actor=SYSTEM)
    assert _release(first).version == hpo_version()
    assert second.skipped
    assert NomenclatureRelease.objects.filter(system="hpo").count() == 1
