"""Write SDM-MR 2024.01 documents that pass the national check, and say nothing false."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from uuid import UUID

import pytest
from lxml import etree

from filiere.exports.sdm_mr import (
    ERN_EURREB_CONSENT,
    Activity,
    ActivityContext,
    ActivityObjective,
    AgeAt,
    AgePeriod,
    CareEpisode,
    Centre,
    Clinician,
    Consanguinity,
    DatePrecision,
    Diagnosis,
    DiagnosisAppraisal,
    DiagnosticStatus,
    ExternalId,
    FamilyIndexCase,
    Gene,
    GeneticTechnique,
    Identity,
    IdentityStatus,
    Ins,
    InsOid,
    Ipp,
    Kinship,
    PartialDate,
    PatientRecord,
    Profession,
    ReferredBy,
    Research,
    SdmMrDocument,
    Sex,
    SporadicOrFamilial,
    Term,
    ValueSet,
    VitalStatus,
    modern_status,
    render_sdm_mr,
)
from filiere.testing.national_check import (
    KIT,
    KIT_PRESENT,
    VALIDATOR,
    Check,
    kit_absent,
    needs_kit,
)

NS = {"cda": "urn:hl7-org:v3", "sdtc": "urn:hl7-org:sdtc"}


# A platelet reference centre, a competence centre and their clinicians.
CRPP = Centre(name="CHU de Marseille - CRPP", finess="130783293", site_code="S101")
CCMR = Centre(name="CHU de Lille - CCMR", finess="590780193", site_code="S102")
DR_MARTIN = Clinician(family_name="MARTIN", given_name="Claire", rpps="10003456786")
DR_PETIT = Clinician(family_name="PETIT", given_name="Louis")
NURSE = Clinician(family_name="ROUX", given_name="Anne", profession=Profession.NURSE)
CREATED_AT = datetime(2024, 11, 5, 14, 30, tzinfo=UTC)

GLANZMANN = Term.orpha("ORPHA:849", "Thrombasthénie de Glanzmann")
DEAD_END = Term.orpha(
    "616874", "Maladie rare sans diagnostic déterminé après investigation complète"
)


def _uuid(number: int) -> UUID:
    return UUID(int=number)


def identity() -> Identity:
    return Identity(
        birth_name="NESSI",
        birth_first_names="Ruth Isabelle",
        first_given_name="Ruth",
        used_name="DECOURCY",
        used_first_name="Ruthie",
        birth_date=PartialDate(1977, 7, 14),
        sex=Sex.FEMALE,
        birth_place_insee="75115",
        # The INS-NIR test number of the official example, with the test OID.
        ins=Ins("277076322082910", InsOid.INS_NIR_TEST),
        status=IdentityStatus.QUALIFIED,
        ipp=Ipp("1234567890121", "1.2.3.4.567.8.9.10"),
        multiple_birth=True,
        birth_order=2,
    )


def glanzmann_diagnosis() -> Diagnosis:
    return Diagnosis(
        id=_uuid(101),
        status=DiagnosticStatus.CONFIRMED,
        disease=GLANZMANN,
        date=PartialDate(1980, 3),
        site=CRPP,
        sporadic_or_familial=SporadicOrFamilial.FAMILIAL,
        age_at_first_signs=AgeAt(AgePeriod.NEONATAL),
        age_at_clinical_diagnosis=AgeAt(AgePeriod.LIFETIME, years=2, months=8),
        age_at_genetic_diagnosis=AgeAt(AgePeriod.LIFETIME, years=41),
        appraisal_on_arrival=DiagnosisAppraisal.ADEQUATE,
        genetic_techniques=(GeneticTechnique.TARGETED_MOLECULAR, GeneticTechnique.OTHER),
        other_technique_detail="Cytométrie en flux αIIbβ3",
        genes=(Gene("ITGB3", "HGNC:6156"), Gene("ITGA2B")),
        other_genetic_description="ITGB3 c.1594T>C homozygote",
        comment="Type I : αIIbβ3 < 5 % <contrôle>",
    )


def undiagnosed_diagnosis() -> Diagnosis:
    return Diagnosis(
        id=_uuid(102),
        status=DiagnosticStatus.EQUIVOCAL,
        disease=DEAD_END,
        date=PartialDate(2023),
        site=CCMR,
        clinical_descriptions=(
            Term.hpo("HP:0001892", "Saignement anormal"),
            Term.hpo("HP:0011869", "Anomalie de la fonction plaquettaire"),
            Term.orpha_group("98429", "Trouble rare de la coagulation"),
        ),
        age_at_first_signs=AgeAt(AgePeriod.LIFETIME, months=18),
        age_at_clinical_diagnosis=AgeAt(AgePeriod.UNDETERMINED),
        age_at_genetic_diagnosis=AgeAt(AgePeriod.NO_SIGN),
        appraisal_on_arrival=DiagnosisAppraisal.ABSENT,
        genetic_techniques=(GeneticTechnique.GENOME_WIDE,),
    )


def full_document() -> SdmMrDocument:
    """Every block filled: identity, two follow-ups, activities, two diagnoses, family."""
    return SdmMrDocument(
        document_id=_uuid(1),
        set_id=_uuid(2),
        version=3,
        created_at=CREATED_AT,
        author=DR_MARTIN,
        centre=CRPP,
        identity=identity(),
        record=PatientRecord(
            rd_file_id=_uuid(3),
            created_on=date(2019, 1, 12),
            updated_at=CREATED_AT,
            vital_status=VitalStatus(lost_to_follow_up=True),
            consanguinity=Consanguinity.YES,
            idmr=ExternalId("1.2.250.1.999.1", "12345678901234567890"),
            consents=(ERN_EURREB_CONSENT,),
        ),
        care_episodes=(
            CareEpisode(
                id=_uuid(11),
                site=CRPP,
                inclusion_date=PartialDate(2019, 1, 12),
                referring_physician=DR_MARTIN,
                referred_by=(ReferredBy.HOSPITAL_PAEDIATRICIAN, ReferredBy.PATIENT_ASSOCIATION),
            ),
            CareEpisode(
                id=_uuid(12),
                site=CCMR,
                inclusion_date=PartialDate(2021, 6),
                referring_physician=DR_PETIT,
                referred_by=(ReferredBy.REFERENCE_CENTRE,),
                outside_labelled_scope=True,
            ),
        ),
        activities=(
            Activity(
                id=_uuid(21),
                date=date(2024, 10, 2),
                performer=DR_MARTIN,
                site=CRPP,
                context=ActivityContext.CONSULTATION,
                objectives=(ActivityObjective.FOLLOW_UP, ActivityObjective.GENETIC_COUNSELLING),
            ),
            Activity(
                id=_uuid(22),
                date=date(2024, 10, 9),
                performer=NURSE,
                site=CRPP,
                context=ActivityContext.DAY_HOSPITAL,
                objectives=(ActivityObjective.THERAPEUTIC_EDUCATION,),
                place_finess="130784507",
            ),
        ),
        diagnoses=(glanzmann_diagnosis(), undiagnosed_diagnosis()),
        index_case=FamilyIndexCase(
            id=_uuid(31), kinship=Kinship.BROTHER, sex=Sex.MALE, diseases=(GLANZMANN,)
        ),
        research=Research(
            agrees_to_be_contacted=True,
            sample_for_research=False,
            sample_for_molecular_diagnosis=True,
            biobanks="CRB Assistance Publique - Hôpitaux de Marseille",
        ),
    )


def minimal_document() -> SdmMrDocument:
    """No identity at all and one diagnosis with only its mandatory items."""
    return SdmMrDocument(
        document_id=_uuid(51),
        set_id=_uuid(52),
        version=1,
        created_at=CREATED_AT,
        author=DR_MARTIN,
        centre=CRPP,
        record=PatientRecord(
            rd_file_id=_uuid(53), created_on=date(2024, 1, 2), updated_at=CREATED_AT
        ),
        diagnoses=(Diagnosis(id=_uuid(54), status=DiagnosticStatus.ONGOING, disease=None),),
    )


def _parse(document: bytes) -> etree._Element:
    return etree.fromstring(document)


def _xpath(document: bytes, path: str) -> list[etree._Element]:
    found = _parse(document).xpath(path, namespaces=NS)
    assert isinstance(found, list)
    return [node for node in found if isinstance(node, etree._Element)]


# National check


def test_full_document_passes_the_national_check(national_check: Check) -> None:
    assert national_check(render_sdm_mr(full_document())) == []


def test_minimal_document_passes_the_national_check(national_check: Check) -> None:
    assert national_check(render_sdm_mr(minimal_document())) == []


@pytest.mark.parametrize(
    "vital_status",
    [
        VitalStatus(deceased=True, death_date=PartialDate(2024, 3)),
        VitalStatus(deceased=True, death_due_to_rare_disease=False),
        VitalStatus(
            deceased=True,
            death_date=PartialDate(2024, 3, 2),
            death_due_to_rare_disease=True,
            death_rare_disease=GLANZMANN,
        ),
    ],
)
@pytest.mark.parametrize("consanguinity", list(Consanguinity))
def test_vital_status_and_consanguinity_variants_pass(
    national_check: Check, vital_status: VitalStatus, consanguinity: Consanguinity
) -> None:
    document = full_document()
    record = dataclasses.replace(
        document.record, vital_status=vital_status, consanguinity=consanguinity
    )
    assert national_check(render_sdm_mr(dataclasses.replace(document, record=record))) == []


@needs_kit
def test_the_national_tool_itself_accepts_an_exported_file(tmp_path: Path) -> None:
    """The command a data manager runs, on a file as written to disk."""
    if not KIT_PRESENT:
        kit_absent()
    path = tmp_path / "sdm-mr.xml"
    path.write_bytes(render_sdm_mr(full_document()))
    result = subprocess.run(  # noqa: S603 - our own interpreter on the kit's script
        [sys.executable, str(VALIDATOR), str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout
    assert result.stdout.startswith("PASS")


def test_the_check_refuses_a_diagnosis_without_its_status(national_check: Check) -> None:
    root = _parse(render_sdm_mr(full_document()))
    status = root.xpath(
        "//cda:entryRelationship[cda:observation/cda:code/@code='MED-072']", namespaces=NS
    )
    assert isinstance(status, list)
    assert status
    for node in status:
        assert isinstance(node, etree._Element)
        parent = node.getparent()
        assert parent is not None
        parent.remove(node)
    problems = national_check(etree.tostring(root))
    assert any("MED-072" in problem for problem in problems)


def test_the_check_refuses_a_status_outside_the_value_set(national_check: Check) -> None:
    """2931005 "diagnostic probable" left the value set in its 2024-10 revision."""
    document = render_sdm_mr(full_document()).replace(b'code="255545003"', b'code="2931005"')
    problems = national_check(document)
    assert any("JDV_StatutActuelDiagnostic" in problem for problem in problems)


# Partial dates


@pytest.mark.parametrize(
    ("date_", "ts", "shown", "precision"),
    [
        (PartialDate(2019), "2019", "2019", DatePrecision.YEAR),
        (PartialDate(2019, 3), "201903", "03/2019", DatePrecision.MONTH),
        (PartialDate(2019, 3, 4), "20190304", "04/03/2019", DatePrecision.DAY),
    ],
)
def test_partial_dates_keep_their_precision(
    date_: PartialDate, ts: str, shown: str, precision: DatePrecision
) -> None:
    assert date_.to_ts() == ts
    assert date_.display() == shown
    assert date_.precision is precision


def test_a_stored_date_and_precision_give_a_partial_date() -> None:
    stored = date(2019, 3, 14)
    assert PartialDate.from_date(stored, DatePrecision.YEAR) == PartialDate(2019)
    assert PartialDate.from_date(stored, DatePrecision.MONTH) == PartialDate(2019, 3)
    assert PartialDate.from_date(stored) == PartialDate(2019, 3, 14)


@pytest.mark.parametrize(
    "parts",
    [(2023, 2, 29), (2019, None, 4), (2019, 13, None), (1492, None, None)],
)
def test_impossible_partial_dates_are_refused(parts: tuple[int, int | None, int | None]) -> None:
    with pytest.raises(ValueError, match=r"impossible|sans mois"):
        PartialDate(*parts)


def test_birth_and_diagnosis_dates_are_written_at_their_precision() -> None:
    document = full_document()
    document = dataclasses.replace(
        document, identity=dataclasses.replace(identity(), birth_date=PartialDate(1977, 7))
    )
    xml = render_sdm_mr(document)
    assert _xpath(xml, "//cda:patient/cda:birthTime")[0].get("value") == "197707"
    lows = _xpath(xml, "//cda:observation[cda:code/@code='282291009']/cda:effectiveTime/cda:low")
    assert [low.get("value") for low in lows] == ["198003", "2023"]


# Value sets


VALUE_SET_FILES: list[tuple[type[ValueSet], str]] = [
    (DiagnosticStatus, "JDV_StatutActuelDiagnostic_CISIS.xml"),
    (AgePeriod, "JDV_Age_CISIS.xml"),
    (DiagnosisAppraisal, "JDV_AppreciationDiagnosticCentre_CISIS.xml"),
    (SporadicOrFamilial, "JDV_CasSporadiqueFamilial_CISIS.xml"),
    (GeneticTechnique, "JDV_TechniquesDiagnostic_CISIS.xml"),
    (ActivityContext, "JDV_ContexteActivite_CISIS.xml"),
    (ActivityObjective, "JDV_ObjectifActivite_CISIS.xml"),
    (ReferredBy, "JDV_PatientAdressePar_CISIS.xml"),
    (Profession, "JDV_ProfessionPersonnelActivite_CISIS.xml"),
]


@needs_kit
@pytest.mark.parametrize(("value_set", "filename"), VALUE_SET_FILES)
def test_value_sets_match_the_published_files(value_set: type[ValueSet], filename: str) -> None:
    if not KIT_PRESENT:
        kit_absent()
    tree = etree.parse(str(KIT / "jeuxDeValeurs" / filename))
    concepts = tree.iterfind(".//{urn:ihe:iti:svs:2008}Concept")
    published = {(c.get("code"), c.get("codeSystem"), c.get("displayName")) for c in concepts}
    ours = {(m.code, m.code_system, m.display_name) for m in value_set}
    assert ours == published


def test_value_set_members_are_found_by_code() -> None:
    assert DiagnosticStatus.from_code("42425007") is DiagnosticStatus.EQUIVOCAL
    assert ("ORG-047", "Suivi") in ActivityObjective.choices()
    with pytest.raises(ValueError, match="DiagnosticStatus"):
        DiagnosticStatus.from_code("2931005")


@pytest.mark.parametrize(
    ("older", "modern"),
    [
        ("GEN-034", DiagnosticStatus.ONGOING),
        ("GEN-035", DiagnosticStatus.CONFIRMED),
        ("GEN-021", DiagnosticStatus.EQUIVOCAL),
        ("G-2002", None),
        ("2931005", None),
        ("GEN-022", None),
        ("723511001", DiagnosticStatus.REFUTED),
    ],
)
def test_older_statuses_map_to_the_2024_value_set(
    older: str, modern: DiagnosticStatus | None
) -> None:
    """registry-standards.md 3.2: "probable" has no successor and needs a re-assessment."""
    assert modern_status(older) is modern


def test_an_unknown_status_code_is_refused() -> None:
    with pytest.raises(ValueError, match="n'appartient pas"):
        modern_status("GEN-999")


def test_test_and_demo_ins_oids_are_flagged() -> None:
    flagged = {oid for oid in InsOid if oid.is_test_or_demo}
    assert flagged == {InsOid.INS_NIR_TEST, InsOid.INS_NIR_DEMO}


# Identity


def test_no_identity_trait_leaks_without_the_identity_block() -> None:
    full = render_sdm_mr(full_document())
    anonymous = render_sdm_mr(dataclasses.replace(full_document(), identity=None))
    for trait in [b"NESSI", b"DECOURCY", b"Ruth", b"277076322082910", b"1234567890121"]:
        assert trait in full
        assert trait not in anonymous
    for trait in [b"19770714", b"75115", b"multipleBirth", b"birthplace"]:
        assert trait not in anonymous
    patient = _xpath(anonymous, "//cda:patient")[0]
    masked = patient.xpath("*[@nullFlavor='MSK'] | cda:name/*[@nullFlavor='MSK']", namespaces=NS)
    assert isinstance(masked, list)
    assert len(masked) == 3  # birth name, sex, birth date
    ids = _xpath(anonymous, "//cda:patientRole/cda:id")
    assert [i.get("extension") for i in ids] == ["12345678901234567890"]  # the IdMR only


def test_ins_is_written_only_for_a_qualified_identity() -> None:
    validated = dataclasses.replace(identity(), status=IdentityStatus.VALIDATED)
    xml = render_sdm_mr(dataclasses.replace(full_document(), identity=validated))
    roots = [i.get("root") for i in _xpath(xml, "//cda:patientRole/cda:id")]
    assert InsOid.INS_NIR_TEST.value not in roots
    assert "1.2.3.4.567.8.9.10" in roots
    qualified = render_sdm_mr(full_document())
    ins = _xpath(qualified, "//cda:patientRole/cda:id")[0]
    assert (ins.get("root"), ins.get("extension")) == ("1.2.250.1.213.1.4.10", "277076322082910")


def test_identity_names_follow_the_ins_traits() -> None:
    name = _xpath(render_sdm_mr(full_document()), "//cda:patient/cda:name")[0]
    parts = [(etree.QName(p).localname, p.get("qualifier"), p.text) for p in name]
    assert parts == [
        ("family", "BR", "NESSI"),
        ("given", None, "Ruth Isabelle"),
        ("given", "BR", "Ruth"),
        ("family", "CL", "DECOURCY"),
        ("given", "CL", "Ruthie"),
    ]


# Content


def test_free_text_is_escaped_and_control_characters_dropped() -> None:
    diagnosis = dataclasses.replace(glanzmann_diagnosis(), comment='A & B <b>"x"</b>\x0b\x00fin')
    xml = render_sdm_mr(dataclasses.replace(full_document(), diagnoses=(diagnosis,)))
    comment = _xpath(xml, "//cda:content[@ID='dg1-commentaire']")[0]
    assert comment.text == 'A & B <b>"x"</b>fin'


def test_the_same_data_gives_the_same_document() -> None:
    assert render_sdm_mr(full_document()) == render_sdm_mr(full_document())


def test_empty_optional_sections_are_left_out() -> None:
    titles = [t.text for t in _xpath(render_sdm_mr(minimal_document()), "//cda:section/cda:title")]
    assert titles == ["Dossier MR du patient", "Problèmes", "Diagnostics MR"]
    full = [t.text for t in _xpath(render_sdm_mr(full_document()), "//cda:section/cda:title")]
    assert full == [
        "Dossier MR du patient",
        "Premier cas diagnostiqué de la famille dans l'établissement",
        "Problèmes",
        "Prises en charges MR",
        "Activités MR",
        "Diagnostics MR",
        "Recherche",
    ]


def test_age_precision_is_written_in_months_or_years() -> None:
    xml = render_sdm_mr(full_document())
    quantities = _xpath(xml, "//cda:observation[starts-with(cda:code/@code, 'PAT-06')]/cda:value")
    written = [(q.get("value"), q.get("unit")) for q in quantities if q.get("unit")]
    assert written == [("32", "mo"), ("41", "a")]


def test_an_age_precision_needs_the_lifetime_period() -> None:
    with pytest.raises(ValueError, match="précision d'âge"):
        AgeAt(AgePeriod.NEONATAL, months=2)


def test_opposition_and_consents_are_written_in_the_header() -> None:
    document = full_document()
    record = dataclasses.replace(document.record, opposes_bndmr_reuse=True)
    xml = render_sdm_mr(dataclasses.replace(document, record=record))
    codes = [c.get("code") for c in _xpath(xml, "//cda:authorization/cda:consent/cda:code")]
    assert codes == ["GEN-315", "GEN-320"]


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (
            lambda: CareEpisode(_uuid(1), CRPP, None, DR_MARTIN, referred_by=()),
            "adressé par",
        ),
        (
            lambda: Activity(
                _uuid(1), date(2024, 1, 1), DR_MARTIN, CRPP, ActivityContext.OTHER, ()
            ),
            "objectif",
        ),
        (
            lambda: Diagnosis(_uuid(1), DiagnosticStatus.ONGOING, Term.hpo("HP:0001892", "x")),
            "ORPHA",
        ),
        (lambda: Term.orpha("ORPHA:84a", "x"), "invalide"),
        (lambda: Gene("ITGB3", "6156"), "HGNC"),
        (lambda: VitalStatus(death_date=PartialDate(2020)), "décédé"),
        (lambda: Centre("CHU", "12345", "S001"), "FINESS"),
    ],
)
def test_inputs_that_would_say_something_false_are_refused(
    build: Callable[[], object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        build()
