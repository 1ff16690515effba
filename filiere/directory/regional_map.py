"""A static map of the network's centres by region, drawn on the server as SVG.

No tiles and no script from anywhere: a simplified outline of metropolitan France (a few dozen
coast and border points, enough to recognise the country, not to measure on it), one disc per
region at the region's approximate centre with its number of centres, and the overseas regions
as insets. The projection is equirectangular around 46.5° N (x scaled by its cosine), which is
close enough at this scale.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

# (latitude, longitude), clockwise from Dunkerque.
MAINLAND = (
    (51.05, 2.37), (50.69, 3.17), (50.28, 4.00), (50.14, 4.83), (49.70, 4.95), (49.52, 5.78),
    (49.47, 6.37), (49.10, 7.05), (49.04, 7.95), (48.97, 8.23), (48.58, 7.80), (47.59, 7.59),
    (46.90, 6.43), (46.20, 6.15), (45.83, 6.86), (44.90, 6.64), (43.78, 7.50), (43.70, 7.27),
    (43.12, 5.93), (43.30, 5.37), (43.35, 4.60), (43.52, 3.90), (42.70, 3.03), (42.44, 3.17),
    (42.50, 1.70), (42.80, 0.70), (43.00, -0.50), (43.37, -1.78), (43.48, -1.56),
    (44.65, -1.25), (45.62, -1.03), (46.15, -1.15), (47.27, -2.21), (47.48, -3.12),
    (47.75, -3.37), (48.04, -4.73), (48.39, -4.49), (48.72, -3.98), (48.65, -2.00),
    (48.64, -1.51), (48.84, -1.60), (49.72, -1.94), (49.65, -1.62), (49.67, -1.26),
    (49.34, -0.40), (49.49, 0.11), (49.92, 1.08), (50.06, 1.37), (50.73, 1.60), (50.95, 1.85),
)  # fmt: skip
CORSICA = (
    (43.00, 9.45), (42.70, 9.45), (41.95, 9.40), (41.39, 9.22), (41.60, 8.80), (41.92, 8.62),
    (42.37, 8.55), (42.63, 8.88), (43.00, 9.33),
)  # fmt: skip

# Approximate centre of each metropolitan region (INSEE code), latitude and longitude.
REGION_CENTRES: dict[str, tuple[float, float]] = {
    "11": (48.71, 2.50),
    "24": (47.48, 1.73),
    "27": (47.24, 4.81),
    "28": (49.12, 0.11),
    "32": (49.97, 2.79),
    "44": (48.69, 5.62),
    "52": (47.47, -0.82),
    "53": (48.18, -2.84),
    "75": (45.19, 0.20),
    "76": (43.70, 2.14),
    "84": (45.45, 4.54),
    "93": (43.96, 6.06),
    "94": (42.15, 9.10),
}
OVERSEAS = ("01", "02", "03", "04", "06")

WEST, EAST, NORTH, SOUTH = -5.2, 9.8, 51.3, 41.2
SCALE = 36.0  # pixels per degree of latitude
COS_LAT = math.cos(math.radians(46.5))
WIDTH = round((EAST - WEST) * COS_LAT * SCALE)
MAP_HEIGHT = round((NORTH - SOUTH) * SCALE)
INSET = 64  # side of an overseas inset, pixels
HEIGHT = MAP_HEIGHT + INSET + 24


@dataclass(frozen=True)
class Marker:
    code: str
    label: str
    count: int
    x: float
    y: float
    radius: float


@dataclass(frozen=True)
class Inset:
    code: str
    label: str
    x: float
    y: float
    marker: Marker | None


@dataclass(frozen=True)
class RegionalMap:
    width: int
    height: int
    inset_side: int
    outlines: tuple[str, ...]
    markers: tuple[Marker, ...]
    insets: tuple[Inset, ...]

    @property
    def total(self) -> int:
        return sum(marker.count for marker in self.markers)


def project(latitude: float, longitude: float) -> tuple[float, float]:
    """Pixel position of a point of metropolitan France: x eastwards, y southwards."""
    x = (longitude - WEST) * COS_LAT * SCALE
    y = (NORTH - latitude) * SCALE
    return round(x, 1), round(y, 1)


def _path(points: tuple[tuple[float, float], ...]) -> str:
    projected = [project(lat, lon) for lat, lon in points]
    return "M" + " L".join(f"{x},{y}" for x, y in projected) + " Z"


def _radius(count: int) -> float:
    # The disc's area grows with the number of centres.
    return round(9 + 5 * math.sqrt(max(count, 1) - 1), 1)


def regional_map(counts: Mapping[str, int], labels: Mapping[str, str]) -> RegionalMap:
    """The map for ``counts`` (centres by region code); ``labels`` names every region."""
    markers = []
    for code, (latitude, longitude) in REGION_CENTRES.items():
        if counts.get(code, 0) > 0:
            x, y = project(latitude, longitude)
            markers.append(Marker(code, labels[code], counts[code], x, y, _radius(counts[code])))
    insets = []
    for index, code in enumerate(OVERSEAS):
        x, y = 8 + index * (INSET + 8), MAP_HEIGHT + 16
        marker = None
        if counts.get(code, 0) > 0:
            centre_x, centre_y = x + INSET / 2, y + INSET / 2 + 6
            marker = Marker(
                code, labels[code], counts[code], centre_x, centre_y, _radius(counts[code])
            )
            markers.append(marker)
        insets.append(Inset(code, labels[code], x, y, marker))
    return RegionalMap(
        width=WIDTH,
        height=HEIGHT,
        inset_side=INSET,
        outlines=(_path(MAINLAND), _path(CORSICA)),
        markers=tuple(markers),
        insets=tuple(insets),
    )
