"""The donor pool held in memory, once per process, as the numpy index of ``filiere.hla``.

The index is built from the Donor table the first time a search needs it and rebuilt when the
pool changes. Every write to the Donor table goes through ``donors_import`` (services), which
adds a DonorImport row, and every eplet table through ``eplets_import``: the public ids of the
latest import and of the latest eplet release are the pool's version stamp, read with two
indexed queries per search. A process that sees a new stamp rebuilds; the others keep serving
their copy until their next search (each gunicorn worker holds its own).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple, overload

import numpy as np
import numpy.typing as npt

from filiere.hla.donors import PlateletAntigen
from filiere.hla.eplets import EpletTable, read_eplets_text
from filiere.hla.index import ABO_CODES, DonorIndex, LocusColumn
from filiere.hla.nomenclature import HlaCall, Locus, parse_locus_typing
from filiere.hla.serology import default_serology
from filiere.transfusion.models import Donor, DonorImport, EpletRelease


class IdColumn(Sequence[str]):
    """Donor identifiers as one fixed-width byte array (a million str objects would cost ~60 MB)."""

    def __init__(self, values: npt.NDArray[np.bytes_]) -> None:
        self._values = values

    def __len__(self) -> int:
        return len(self._values)

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...
    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        if isinstance(index, slice):
            return [bytes(v).decode() for v in self._values[index]]
        return bytes(self._values[index]).decode()

    @property
    def nbytes(self) -> int:
        return int(self._values.nbytes)


class PoolStamp(NamedTuple):
    donors: uuid.UUID | None  # the latest DonorImport
    eplets: uuid.UUID | None  # the latest EpletRelease


@dataclass(frozen=True, eq=False)
class LoadedPool:
    stamp: PoolStamp
    index: DonorIndex
    ids: IdColumn
    load_seconds: float

    @property
    def nbytes(self) -> int:
        """Memory held by the index's arrays and the identifiers."""
        return self.index.nbytes + self.ids.nbytes


_lock = threading.Lock()
_loaded: LoadedPool | None = None


def pool_stamp() -> PoolStamp:
    """Return the public ids of the latest donor import and of the latest eplet table."""
    return PoolStamp(
        DonorImport.objects.order_by("-imported_at", "-pk")
        .values_list("public_id", flat=True)
        .first(),
        EpletRelease.objects.order_by("-imported_at", "-pk")
        .values_list("public_id", flat=True)
        .first(),
    )


def current_eplets(stamp: uuid.UUID | None) -> EpletTable | None:
    """Return the eplet table of that release (None: no table loaded, ranking without eplets)."""
    if stamp is None:
        return None
    release = EpletRelease.objects.filter(public_id=stamp).only("source", "content").first()
    return None if release is None else read_eplets_text(release.content, source=release.source)


def current_pool() -> LoadedPool:
    """Return this process's pool, rebuilt first when a newer import exists."""
    global _loaded
    stamp = pool_stamp()
    with _lock:
        if _loaded is None or _loaded.stamp != stamp:
            _loaded = load_pool(stamp)
        return _loaded


def forget_pool() -> None:
    """Drop the cached pool (tests that reuse a stamp across databases)."""
    global _loaded
    with _lock:
        _loaded = None


_PLATELET_BITS = {
    "hpa1": ("bb", PlateletAntigen.HPA_1A.bit),
    "hpa3": ("aa", PlateletAntigen.HPA_3B.bit),
    "hpa5": ("aa", PlateletAntigen.HPA_5B.bit),
}
_FIELDS = (
    "external_id",
    "region",
    "abo",
    "hla_a",
    "hla_b",
    "hla_c",
    "hpa1",
    "hpa3",
    "hpa5",
    "cd36_positive",
    "active",
)


def load_pool(stamp: PoolStamp | None = None) -> LoadedPool:
    """Read the whole Donor table into a DonorIndex (each distinct typing is parsed once)."""
    stamp = stamp or pool_stamp()
    started = time.perf_counter()
    ids: list[bytes] = []
    regions: dict[str, int] = {}
    region_codes: list[int] = []
    abo_codes: list[int] = []
    lacked: list[int] = []
    typed: list[int] = []
    active: list[bool] = []
    loci = (Locus.A, Locus.B, Locus.C)
    texts: list[dict[str, int]] = [{"": 0} for _ in loci]
    genotypes: list[list[tuple[HlaCall, ...]]] = [[()] for _ in loci]
    codes: list[list[int]] = [[] for _ in loci]
    abo_index = {(abo.value if abo else ""): i for i, abo in enumerate(ABO_CODES)}
    cd36_bit = PlateletAntigen.CD36.bit
    rows = Donor.objects.order_by("pk").values_list(*_FIELDS).iterator(chunk_size=20_000)
    for external_id, region, abo, a, b, c, hpa1, hpa3, hpa5, cd36, is_active in rows:
        ids.append(external_id.encode())
        region_codes.append(regions.setdefault(region, len(regions)))
        abo_codes.append(abo_index[abo])
        bits = cd36_bit if cd36 is False else 0
        known = cd36_bit if cd36 is not None else 0
        for value, (lacking, bit) in zip((hpa1, hpa3, hpa5), _PLATELET_BITS.values(), strict=True):
            if value == lacking:
                bits |= bit
            if value:
                known |= bit
        lacked.append(bits)
        typed.append(known)
        active.append(is_active)
        for slot, text in enumerate((a, b, c)):
            table = texts[slot]
            code = table.get(text)
            if code is None:
                code = table[text] = len(table)
                genotypes[slot].append(parse_locus_typing(text, loci[slot]))
            codes[slot].append(code)
    columns = {
        locus: LocusColumn.from_genotypes(
            genotypes[slot],
            np.asarray(
                codes[slot], dtype=np.uint16 if len(genotypes[slot]) <= 65_535 else np.uint32
            ),
        )
        for slot, locus in enumerate(loci)
    }
    id_array = np.asarray(ids, dtype=np.bytes_) if ids else np.zeros(0, dtype="S1")
    id_column = IdColumn(id_array)
    index = DonorIndex.build(
        ids=id_column,
        regions=tuple(regions),
        region_codes=np.asarray(region_codes, dtype=np.uint8),
        abo_codes=np.asarray(abo_codes, dtype=np.uint8),
        lacked=np.asarray(lacked, dtype=np.uint8),
        typed=np.asarray(typed, dtype=np.uint8),
        active=np.asarray(active, dtype=np.bool_),
        loci=columns,
        serology=default_serology(),
        eplets=current_eplets(stamp.eplets),
    )
    return LoadedPool(stamp, index, id_column, time.perf_counter() - started)
