"""The threshold table of a search: per threshold, donors eligible, to retype and to type, in the
nation and in the patient's region, counted with one `np.bincount`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from filiere.hla.search import (
    DonorQuery,
    ThresholdCount,
)

if TYPE_CHECKING:
    from filiere.hla.index import DonorIndex, UInt8Array


def threshold_table(
    index: DonorIndex,
    query: DonorQuery,
    lowest: UInt8Array,
    certain: UInt8Array,
    n_thresholds: int,
    meets: npt.NDArray[np.bool_] | None,
    to_type: npt.NDArray[np.bool_] | None,
) -> tuple[ThresholdCount, ...]:
    """Return the threshold table of a search from each donor's lowest compatible threshold
    and certain incompatibility (as buckets of the query's thresholds)."""
    stride = n_thresholds + 1
    n_regions = len(index.regions) + 1  # the last bin collects donors never counted
    counted = index.active if meets is None or to_type is None else meets | to_type
    states = 1 if to_type is None else 2  # a platelet requirement: meets, or to type
    bins = states * stride * stride * n_regions
    # Usually a few thousand bins (6 thresholds, 18 regions): uint16 codes, built in place.
    dtype: type[np.unsignedinteger] = (
        np.uint16 if bins <= np.iinfo(np.uint16).max + 1 else np.uint32
    )
    code: npt.NDArray[np.unsignedinteger] = lowest.astype(dtype)
    code *= stride
    code += certain
    code *= n_regions
    # The region, or the last bin for donors not counted, without `np.where`: a branch per
    # donor on a random mask (the platelet filter) costs ten times the arithmetic.
    region: npt.NDArray[np.unsignedinteger] = index.region_codes.astype(dtype)
    region *= counted
    uncounted: npt.NDArray[np.unsignedinteger] = (~counted).astype(dtype)
    uncounted *= len(index.regions)
    code += region
    code += uncounted
    if to_type is not None:
        state: npt.NDArray[np.unsignedinteger] = to_type.astype(dtype)
        state *= stride * stride * n_regions
        code += state
    counts = np.bincount(code, minlength=bins).reshape(states, stride, stride, n_regions)[
        :, :, :, : len(index.regions)
    ]
    return _rows(query, counts, index.regions)


def _rows(
    query: DonorQuery, counts: npt.NDArray[np.intp], regions: tuple[str, ...]
) -> tuple[ThresholdCount, ...]:
    """One row per threshold of the table from the counts per (state, lowest threshold,
    certain incompatibility, region)."""
    region_index = regions.index(query.region) if query.region in regions else None

    def in_region(values: npt.NDArray[np.intp]) -> int | None:
        if query.region is None:
            return None
        return 0 if region_index is None else int(values[region_index])

    rows = []
    for t, threshold in enumerate(query.table_thresholds):
        eligible = counts[0, : t + 1].sum(axis=(0, 1))
        retype = counts[0, t + 1 :, : t + 1].sum(axis=(0, 1))
        typing = counts[1, : t + 1].sum(axis=(0, 1)) if len(counts) == 2 else None
        rows.append(
            ThresholdCount(
                threshold=threshold,
                eligible_nation=int(eligible.sum()),
                to_retype_nation=int(retype.sum()),
                eligible_region=in_region(eligible),
                to_retype_region=in_region(retype),
                to_type_nation=0 if typing is None else int(typing.sum()),
                to_type_region=(
                    in_region(typing)
                    if typing is not None
                    else (None if query.region is None else 0)
                ),
            )
        )
    return tuple(rows)
