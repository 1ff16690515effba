"""The donor pool cached in memory: same answers as the pure index, rebuilt after an import."""

from __future__ import annotations

import pytest

from filiere.access.actors import SYSTEM
from filiere.hla.index import DonorIndex
from filiere.hla.search import DonorQuery
from filiere.hla.tests.conftest import profile
from filiere.transfusion.donor_pool import current_pool, load_pool
from filiere.transfusion.models import Donor, DonorImport
from filiere.transfusion.services import donors_import
from filiere.transfusion.tests.factories import DONORS, PATIENT_TYPING, donor, make_pool

pytestmark = pytest.mark.django_db


def test_the_pool_read_from_the_table_searches_like_the_pure_index() -> None:
    make_pool()
    query = DonorQuery(
        profile=profile(PATIENT_TYPING, A_03_01=2500, A_11_01=6000, C_07_02=12000),
        threshold=3000,
        region="93",
        top=10,
    )
    from_table = load_pool().index.search(query)
    reference = DonorIndex.from_donors(DONORS).search(query)
    assert from_table.table == reference.table
    assert [d.donor_id for d in from_table.donors] == [d.donor_id for d in reference.donors]


def test_the_pool_is_loaded_once_and_reloaded_after_an_import() -> None:
    make_pool()
    first = current_pool()
    assert current_pool() is first
    assert len(first.index) == len(DONORS)

    donors_import(actor=SYSTEM, donors=[donor("new", "A1 A2 B7 B8")], source="ajout")
    second = current_pool()
    assert second is not first
    assert len(second.index) == len(DONORS) + 1
    assert second.ids[len(DONORS)] == "new"


def test_an_import_updates_existing_donors_by_identifier() -> None:
    make_pool()
    load = donors_import(
        actor=SYSTEM,
        donors=[donor("clean-1", "A1 A3 B7 B8", region="11", active=False)],
        source="mise à jour",
    )
    assert (load.created, load.updated) == (0, 1)
    row = Donor.objects.get(external_id="clean-1")
    assert (row.hla_a, row.region, row.active) == ("A1 A3", "11", False)
    assert row.last_import == load
    assert DonorImport.objects.count() == 2


def test_an_empty_pool_answers_with_no_donor() -> None:
    query = DonorQuery(profile=profile(PATIENT_TYPING, A_11_01=6000), region="93")
    result = current_pool().index.search(query)
    assert result.pool_size == 0
    assert result.donors == ()


def test_memory_is_a_few_bytes_per_donor() -> None:
    make_pool()
    assert current_pool().nbytes < 100 * len(DONORS)
