"""Registry volume for the benchmarks and the load test, written with bulk inserts.

This is scaffolding, not a way in for clinical data: the demo's own patients and every import go
through the registry services. Here a hundred thousand to a million patients must be written in
minutes, so rows are built directly, with the same shapes the services produce (identity apart,
care episode, two diagnoses, three variants, a phenotype and a consent per patient), and without
audit events: nobody registered them.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Callable

from django.db import connection, transaction

from filiere.identity.models import Identity
from filiere.lib.names import search_key
from filiere.lib.pseudonyms import ALPHABET
from filiere.network.models import Centre
from filiere.nomenclature.models import Gene, OrphaConcept
from filiere.patients.models import (
    AgeCategory,
    CareEpisode,
    Consent,
    Diagnosis,
    GeneticFinding,
    Patient,
    PhenotypeObservation,
)

FAMILY = (
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefèvre",
    "Michel",
    "Garcia",
    "David",
)
GIVEN = ("Camille", "Léa", "Chloé", "Inès", "Lucas", "Hugo", "Louis", "Gabriel", "Adam", "Zoé")
BATCH = 5000
# Two diagnoses and three variants: the "5 diagnoses/findings each" of the registry benchmark.
FINDINGS_PER_PATIENT = 3
TRANSCRIPTS = {
    "ITGB3": "NM_000212.3",
    "ITGA2B": "NM_000419.5",
    "GP1BA": "NM_000173.7",
    "MYH9": "NM_002473.6",
    "NBEAL2": "NM_015175.3",
}


def _pseudonym(prefix: str, number: int) -> str:
    # Deterministic and unique: the benchmark needs stable codes, not secrecy.
    digits = []
    for _ in range(8):
        number, rest = divmod(number, 32)
        digits.append(ALPHABET[rest])
    body = "".join(reversed(digits))
    return f"{prefix}-{body[:4]}-{body[4:]}"


def ensure_registry(
    size: int,
    centres: list[Centre],
    *,
    prefix: str = "BEN",
    weights: list[int] | None = None,
    report: Callable[[int], None] | None = None,
) -> int:
    """Make sure ``size`` volume patients exist (those already there are kept).

    ``prefix`` starts their pseudonyms and IPPs (three capitals); ``weights`` spreads them over
    ``centres`` as the demo's own patients are spread; ``report`` hears the count after each batch.
    """
    existing = Patient.objects.filter(pseudonym__startswith=f"{prefix}-").count()
    if existing >= size:
        return existing
    orpha = list(OrphaConcept.objects.filter(code__in=[849, 274, 182050, 721, 616874]))
    genes = list(Gene.objects.filter(symbol__in=list(TRANSCRIPTS)))
    rng = random.Random(existing)
    today = dt.date(2026, 1, 1)
    for start in range(existing, size, BATCH):
        stop = min(size, start + BATCH)
        with transaction.atomic():
            _write_batch(prefix, range(start, stop), centres, weights, orpha, genes, rng, today)
        if report is not None:
            report(stop)
    if connection.vendor == "postgresql":
        # After a bulk load the planner needs fresh statistics, as after any large import.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return size


def _write_batch(
    prefix: str,
    numbers: range,
    centres: list[Centre],
    weights: list[int] | None,
    orpha: list[OrphaConcept],
    genes: list[Gene],
    rng: random.Random,
    today: dt.date,
) -> None:
    patients, identities = [], []
    for number in numbers:
        born = today - dt.timedelta(days=rng.randint(0, 85 * 365))
        sex = rng.choice("MF")
        patient = Patient(
            public_id=uuid.uuid4(),
            identity_link=uuid.uuid4(),
            pseudonym=_pseudonym(prefix, number),
            sex=sex,
            birth_year=born.year,
            birth_month=born.month,
        )
        patients.append(patient)
        family, given = rng.choice(FAMILY), rng.choice(GIVEN)
        family = f"{family}{number % 997}"  # realistic spread of surnames in a big registry
        identities.append(
            Identity(
                link=patient.identity_link,
                birth_name=family,
                birth_first_names=given,
                first_given_name=given,
                birth_date=born,
                sex=sex,
                ipp=f"{prefix}{number:09d}",
                search_key=search_key(family, given),
            )
        )
    Patient.objects.bulk_create(patients, batch_size=BATCH)
    Identity.objects.bulk_create(identities, batch_size=BATCH)
    episodes, diagnoses, findings, phenotypes, consents = [], [], [], [], []
    for patient in patients:
        centre = rng.choices(centres, weights=weights)[0]
        episodes.append(
            CareEpisode(
                patient=patient, centre=centre, inclusion_year=2020, referred_by=["ORG-182"]
            )
        )
        for concept in rng.sample(orpha, 2):
            diagnoses.append(
                Diagnosis(
                    patient=patient,
                    orpha=concept,
                    centre=centre,
                    status="equivocal"
                    if concept.code == 616874
                    else rng.choice(("confirmed", "ongoing")),
                    diagnosis_year=2021,
                    onset_category=AgeCategory.UNDETERMINED,
                    clinical_dx_category=AgeCategory.UNDETERMINED,
                    genetic_dx_category=AgeCategory.UNDETERMINED,
                )
            )
        for gene in rng.sample(genes, FINDINGS_PER_PATIENT):
            findings.append(
                GeneticFinding(
                    patient=patient,
                    gene=gene,
                    hgvs=f"{TRANSCRIPTS[gene.symbol]}:c.{rng.randint(40, 2400)}G>A",
                    zygosity=rng.choice(("homozygous", "heterozygous")),
                    acmg_class=rng.choice((3, 4, 5)),
                    technique="panel",
                )
            )
        phenotypes.append(
            PhenotypeObservation(patient=patient, hpo_id="HP:0001873", hpo_label="Thrombocytopenia")
        )
        consents.append(
            Consent(
                patient=patient,
                kind=Consent.Kind.BNDMR_OPPOSITION,
                answer=False,
                answered_on=dt.date(2021, 1, 1),
                information_version="bench",
            )
        )
    CareEpisode.objects.bulk_create(episodes, batch_size=BATCH)
    Diagnosis.objects.bulk_create(diagnoses, batch_size=BATCH)
    GeneticFinding.objects.bulk_create(findings, batch_size=BATCH)
    PhenotypeObservation.objects.bulk_create(phenotypes, batch_size=BATCH)
    Consent.objects.bulk_create(consents, batch_size=BATCH)
