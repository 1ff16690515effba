"""Issue 15: the RD-CDM common data elements as a CSV row per patient (ERN registries)."""

from __future__ import annotations

from filiere.exports import rd_cdm
from filiere.exports.tests.test_fhir import glanzmann_record


def test_a_row_holds_each_element_in_its_column() -> None:
    row = dict(zip(rd_cdm.HEADER, rd_cdm.row(glanzmann_record()), strict=True))
    assert row["1.1 Pseudonym"] == "P-7K3QX9"
    assert row["2.1 Date of Birth (year)"] == "1990"
    assert row["2.2 Sex at Birth"] == "female"
    assert row["3.1 Vital Status (deceased)"] == "no"
    # Two diagnoses, in the same order in every column of the group.
    assert row["5.1 Diagnosis of the Rare Disease"] == "ORPHA:849 | ICD10:D69.1"
    assert row["5.2 Genetic Diagnosis / Verification Status"] == "confirmed | refuted"
    assert row["5.3 Age at Onset (months)"] == "8 | "
    assert row["5.8 Clinical Status"] == "active | "
    # The n-th gene goes with the n-th variant.
    assert row["6.1.7 HGVS Variant (c./g.)"] == "NM_000212.3:c.1697G>A | NC_000017.11:g.44377512C>T"
    assert row["6.1.10 Gene (HGNC)"] == "HGNC:6156 | ITGA2B"
    assert row["6.1.11 Zygosity"] == "Homozygous | "
    assert row["6.1.14 Clinical Significance (ACMG)"] == "Pathogenic | "
    assert row["6.2.1 Phenotypic Feature (HPO)"] == "HP:0000421 | HP:0001873"
    assert row["6.2.2 Phenotypic Feature Status"] == "present | excluded"


def test_every_column_is_an_rd_cdm_element_the_fhir_export_maps() -> None:
    from filiere.exports.fhir.rd_cdm import RD_CDM

    for ordinal, _name in rd_cdm.COLUMNS:
        # 6.1.7 and 6.1.8 are the HGVS expressions the FHIR export carries (6.1.6 points to them).
        assert ordinal in RD_CDM, ordinal
        assert RD_CDM[ordinal].mapped or ordinal in {"6.1.7", "6.1.8"}, ordinal
