"""Where a point lies: the regency/city of a coordinate, and how far it is from a regency.

The regions app ships the boundaries of the 514 regencies/cities (regions/data/geo/regencies.geojson,
simplified, about 160,000 vertices); there are no village polygons. A point is placed by ray casting
(even-odd rule, so holes and islands of a MultiPolygon are handled alike) on the polygons whose
bounding box holds it, in pure Python: the polygons are read once per process and kept.

Distances are on a local equirectangular projection (error well under 1 % at the few tens of km this
is used for), in kilometres.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

GEO_FILE = Path(__file__).resolve().parent.parent / "regions" / "data" / "geo" / "regencies.geojson"

# Indonesia with its outer islands (Weh/Sabang to Merauke, Miangas to Rote/Pamana), with a margin.
INDONESIA_BBOX = (-11.5, 94.5, 6.5, 141.5)  # south, west, north, east
EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE = math.pi * EARTH_RADIUS_KM / 180

Ring = list[tuple[float, float]]  # (lon, lat) as GeoJSON writes them


@dataclass(frozen=True)
class Shape:
    code: str  # dotted regency code, e.g. "64.09"
    name: str
    bbox: tuple[float, float, float, float]  # min lon, min lat, max lon, max lat
    polygons: tuple[tuple[Ring, ...], ...]  # each polygon: its outer ring then its holes


def _bbox(rings) -> tuple[float, float, float, float]:
    lons = [p[0] for ring in rings for p in ring]
    lats = [p[1] for ring in rings for p in ring]
    return min(lons), min(lats), max(lons), max(lats)


@lru_cache(maxsize=1)
def shapes() -> dict[str, Shape]:
    """Every regency's shape by code, read from the shipped GeoJSON once per process."""
    with GEO_FILE.open(encoding="utf-8") as handle:
        data = json.load(handle)
    result = {}
    for feature in data["features"]:
        geometry = feature["geometry"]
        polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        frozen = tuple(
            tuple([(float(x), float(y)) for x, y, *_ in ring] for ring in polygon) for polygon in polygons
        )
        code = feature["properties"]["code"]
        result[code] = Shape(
            code=code,
            name=feature["properties"].get("name", ""),
            bbox=_bbox([ring for polygon in frozen for ring in polygon]),
            polygons=frozen,
        )
    return result


def in_indonesia_bbox(lat: float, lon: float) -> bool:
    south, west, north, east = INDONESIA_BBOX
    return south <= lat <= north and west <= lon <= east


def _in_ring(lon: float, lat: float, ring: Ring) -> bool:
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def contains(shape: Shape, lat: float, lon: float) -> bool:
    min_lon, min_lat, max_lon, max_lat = shape.bbox
    if not (min_lon <= lon <= max_lon and min_lat <= lat <= max_lat):
        return False
    for polygon in shape.polygons:
        inside = False
        for ring in polygon:  # even-odd over the outer ring and its holes
            if _in_ring(lon, lat, ring):
                inside = not inside
        if inside:
            return True
    return False


def regency_at(lat: float | Decimal | None, lon: float | Decimal | None) -> str | None:
    """The code of the regency/city whose boundary holds the point; None at sea, abroad or unknown."""
    if lat is None or lon is None:
        return None
    lat, lon = float(lat), float(lon)
    if not in_indonesia_bbox(lat, lon):
        return None
    for shape in shapes().values():
        if contains(shape, lat, lon):
            return shape.code
    return None


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def _segment_km(px: float, py: float, ax: float, ay: float, bx: float, by: float) -> float:
    """Distance from P to segment AB, all already in local km."""
    dx, dy = bx - ax, by - ay
    length = dx * dx + dy * dy
    t = 0.0 if length == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def distance_to_regency_km(lat: float | Decimal, lon: float | Decimal, code: str) -> float | None:
    """0 inside the regency, else the distance to its nearest boundary; None for an unknown code."""
    shape = shapes().get(code)
    if shape is None:
        return None
    lat, lon = float(lat), float(lon)
    if contains(shape, lat, lon):
        return 0.0
    scale_x = KM_PER_DEGREE * math.cos(math.radians(lat))
    best = math.inf
    for polygon in shape.polygons:
        for ring in polygon:
            previous = ring[-1]
            px0, py0 = (previous[0] - lon) * scale_x, (previous[1] - lat) * KM_PER_DEGREE
            for x, y in ring:
                px, py = (x - lon) * scale_x, (y - lat) * KM_PER_DEGREE
                best = min(best, _segment_km(0.0, 0.0, px0, py0, px, py))
                px0, py0 = px, py
    return best


def degrees_around(lat: float, km: float) -> tuple[float, float]:
    """(Δlat, Δlon) in degrees spanning `km` around a latitude: a bounding box for an index read."""
    dlat = km / KM_PER_DEGREE
    dlon = km / (KM_PER_DEGREE * max(0.01, math.cos(math.radians(lat))))
    return dlat, dlon
