"""The RD-CDM v2.0.2 elements against the FHIR export: for each ordinal, the FHIR path filled
(``mapped``) or the reason it is not (``reason``). The tests compare this table with
``../shared/data/rd-cdm/rd_cdm_v2_0_2_data_elements.csv``: every ordinal has one or the other."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Element:
    mapped: str = ""
    reason: str = ""


NOT_COLLECTED = "non recueilli par le registre"
IDENTITY = "identité : ne quitte pas l'équipe soignante"
DATES = "date quasi identifiante : non exportée (les âges le sont, au mois)"
ENCOUNTERS = "rencontres non exportées : leurs dates sont quasi identifiantes"
FAMILY = "apparentés non exportés : le dossier d'un apparenté est celui d'un autre patient"

RD_CDM: dict[str, Element] = {
    "1.1": Element("Patient.identifier.value (le pseudonyme)"),
    "1.2": Element(reason=ENCOUNTERS),
    "2.1": Element("Patient.birthDate (l'année seule)"),
    "2.2": Element("Patient.gender"),
    "2.3": Element(reason=NOT_COLLECTED),
    "2.4": Element(reason=NOT_COLLECTED),
    "2.5": Element(reason=IDENTITY),
    "3.1": Element("Patient.deceasedBoolean"),
    "3.2": Element(reason=DATES),
    "3.3": Element(
        reason="non recueillie : le registre note seulement si la maladie rare en est la cause"
    ),
    "3.4": Element(reason="non exportée : l'année de naissance la donne"),
    "3.5": Element(reason=NOT_COLLECTED),
    "3.6": Element("Condition.verificationStatus (provisional : diagnostic en cours)"),
    "4.1": Element(reason=ENCOUNTERS),
    "4.2": Element(reason=ENCOUNTERS),
    "4.3": Element(reason=ENCOUNTERS),
    "4.4": Element(reason=ENCOUNTERS),
    "5.1": Element("Condition.code (ORPHA, ICD-10)"),
    "5.2": Element("Condition.verificationStatus"),
    "5.3": Element("Condition.onsetAge | Condition.onsetString (terme HPO)"),
    "5.4": Element(reason="non recueillie : le registre note l'âge au début"),
    "5.5": Element(reason="non exporté dans cette version (âges au diagnostic recueillis)"),
    "5.6": Element(reason=DATES),
    "5.7": Element(reason=NOT_COLLECTED),
    "5.8": Element("Condition.clinicalStatus"),
    "5.9": Element(reason=NOT_COLLECTED),
    "6.1.1": Element(reason="non recueilli : le registre code le diagnostic en ORPHA (5.1)"),
    "6.1.2": Element(
        reason="pas d'élément FHIR R4 standard ; le lien variant → diagnostic est Observation.focus"
    ),
    "6.1.3": Element(
        reason="pas d'élément FHIR R4 standard ; le lien variant → diagnostic est Observation.focus"
    ),
    "6.1.4": Element(reason="non exportée : la technique du registre n'a pas de code LOINC"),
    "6.1.5": Element(reason=NOT_COLLECTED),
    "6.1.6": Element(reason="non exportée : l'expression HGVS (6.1.7 à 6.1.9) la remplace"),
    "6.1.7": Element("Observation.component (81290-9 Genomic DNA change (gHGVS))"),
    "6.1.8": Element("Observation.component (48004-6 DNA change (c.HGVS))"),
    "6.1.9": Element("Observation.component (48005-3 Amino acid change (pHGVS))"),
    "6.1.10": Element("Observation.component (48018-6 Gene studied, HGNC)"),
    "6.1.11": Element("Observation.component (53034-5 Allelic state)"),
    "6.1.12": Element(reason=NOT_COLLECTED),
    "6.1.13": Element(reason=NOT_COLLECTED),
    "6.1.14": Element("Observation.component (53037-8 Clinical significance, ACMG)"),
    "6.1.15": Element(reason=NOT_COLLECTED),
    "6.1.16": Element(reason=NOT_COLLECTED),
    "6.2.1": Element("Observation.code (HPO)"),
    "6.2.2": Element("Observation.valueBoolean | Observation.interpretation (POS, NEG)"),
    "6.2.3": Element(reason=DATES),
    "6.2.4": Element(reason=NOT_COLLECTED),
    "6.2.5": Element("Observation.category (terme HPO de début)"),
    "6.2.6": Element(reason=NOT_COLLECTED),
    "6.2.7": Element(reason=NOT_COLLECTED),
    "6.2.8": Element(reason=NOT_COLLECTED),
    "6.2.9": Element(reason=NOT_COLLECTED),
    "6.3.1": Element("Observation.code (LOINC 777-3, 32623-1 : numération, VPM)"),
    "6.3.2": Element("Observation.valueQuantity.value"),
    "6.3.3": Element("Observation.valueQuantity.code (UCUM)"),
    "6.3.4": Element(reason="non recueillie : le registre garde la valeur seule"),
    "6.3.5": Element(reason=DATES),
    "6.3.6": Element(reason=NOT_COLLECTED),
    **{f"6.4.{n}": Element(reason=FAMILY) for n in range(1, 14)},
    "7.1": Element("Consent.status"),
    "7.2": Element("Consent.dateTime"),
    "7.3": Element(reason=NOT_COLLECTED),
    "7.4": Element("Consent.scope (research) + Consent.provision.type"),
    "7.5": Element("Consent.scope (patient-privacy) + Consent.provision.type"),
    "7.6": Element("Consent (échantillon pour la recherche) + Consent.provision.type"),
    "7.7": Element(reason=NOT_COLLECTED),
    "8.1": Element(reason=NOT_COLLECTED),
}
