"""Build `partnerships/data/world_map.json`, the country shapes of the site's server-rendered map.

Reads Natural Earth boundaries from the npm package world-atlas (`npm ci` puts it in node_modules/),
projects them with the Equal Earth projection, drops points closer than half a map unit and writes
SVG path data keyed by ISO 3166-1 numeric code. Shapes come from the 1:110m file; countries too
small to appear there (most small island states) get a marker position from the 1:50m file. The
JSON is committed, so neither npm nor this command is needed to run the site.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

WIDTH = 1000.0
# Antarctica takes a fifth of the height and hosts no partnerships.
LEFT_OUT = {"010"}
OUTPUT = Path(__file__).resolve().parents[2] / "data" / "world_map.json"

Ring = list[tuple[float, float]]

# Places Natural Earth's Admin 0 files have no feature for (overseas departments drawn as part of
# France, a few tiny islands): a marker at the main town, (longitude, latitude).
EXTRA_MARKERS = {
    "074": (3.4, -54.4),  # Bouvet Island
    "162": (105.7, -10.5),  # Christmas Island
    "166": (96.9, -12.2),  # Cocos (Keeling) Islands
    "175": (45.2, -12.8),  # Mayotte
    "254": (-52.3, 4.9),  # French Guiana
    "292": (-5.35, 36.1),  # Gibraltar
    "312": (-61.6, 16.2),  # Guadeloupe
    "474": (-61.0, 14.6),  # Martinique
    "535": (-68.3, 12.2),  # Bonaire, Sint Eustatius and Saba
    "581": (166.6, 19.3),  # United States Minor Outlying Islands (Wake Island)
    "638": (55.5, -21.1),  # Réunion
    "744": (15.6, 78.2),  # Svalbard and Jan Mayen
    "772": (-171.8, -9.2),  # Tokelau
    "798": (179.2, -8.5),  # Tuvalu
}

_A1, _A2, _A3, _A4 = 1.340264, -0.081106, 0.000893, 0.003796
_M = math.sqrt(3) / 2


def equal_earth(lon: float, lat: float) -> tuple[float, float]:
    """Šavrič, Patterson and Jenny's Equal Earth projection, in units where the equator is 2 × 2.7064."""
    lam, phi = math.radians(lon), math.radians(lat)
    theta = math.asin(_M * math.sin(phi))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = 2 * math.sqrt(3) * lam * math.cos(theta) / (3 * (_A1 + 3 * _A2 * t2 + t6 * (7 * _A3 + 9 * _A4 * t2)))
    y = theta * (_A1 + _A2 * t2 + t6 * (_A3 + _A4 * t2))
    return x, y


_X_MAX = equal_earth(180, 0)[0]
_Y_MAX = equal_earth(0, 90)[1]
SCALE = WIDTH / (2 * _X_MAX)


def to_map(lon: float, lat: float) -> tuple[float, float]:
    x, y = equal_earth(lon, lat)
    return (x + _X_MAX) * SCALE, (_Y_MAX - y) * SCALE


def decode_arcs(topology: dict[str, Any]) -> list[Ring]:
    """TopoJSON arcs (quantised, delta-encoded) as longitude/latitude points."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def rings_of(geometry: dict[str, Any], arcs: list[Ring]) -> list[list[Ring]]:
    """Polygons (each a list of rings) of a Polygon or MultiPolygon geometry."""
    polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
    result = []
    for polygon in polygons:
        rings = []
        for ring_arcs in polygon:
            ring: Ring = []
            for index in ring_arcs:
                points = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
                ring.extend(points[1:] if ring else points)
            rings.append(ring)
        result.append(rings)
    return result


def unwrapped(ring: Ring) -> list[Ring]:
    """A ring as drawn: one crossing the antimeridian (Fiji, Chukotka) is drawn twice, shifted a
    full turn each way, and the map's view box clips each copy to its own side."""
    longitudes = [lon for lon, _ in ring]
    if max(longitudes) - min(longitudes) <= 180:
        return [ring]
    return [
        [(lon + 360 if lon < 0 else lon, lat) for lon, lat in ring],
        [(lon - 360 if lon > 0 else lon, lat) for lon, lat in ring],
    ]


def ring_path(ring: Ring) -> str:
    """A closed SVG subpath in tenths of a map unit, relative moves after the first point (smaller)."""
    points = [tuple(round(v * 10) for v in to_map(lon, lat)) for lon, lat in ring]
    kept = [points[0]]
    for x, y in points[1:]:
        if abs(x - kept[-1][0]) + abs(y - kept[-1][1]) >= 7:
            kept.append((x, y))
    if len(kept) < 3:
        return ""
    moves = [f"M{_number(kept[0][0])},{_number(kept[0][1])}l"]
    for (x0, y0), (x1, y1) in zip(kept, kept[1:], strict=False):
        dx, dy = _number(x1 - x0), _number(y1 - y0)
        moves.append(dx + (dy if dy.startswith("-") else "," + dy))
    return moves[0] + " ".join(moves[1:]) + "z"


def _number(tenths: int) -> str:
    """Tenths of a unit as the shortest SVG number: 1234 -> 123.4, 50 -> 5, -3 -> -.3."""
    sign, tenths = ("-" if tenths < 0 else ""), abs(tenths)
    whole, tenth = divmod(tenths, 10)
    if not tenth:
        return f"{sign}{whole}"
    return f"{sign}{whole if whole else ''}.{tenth}"


def area_and_centroid(ring: Ring) -> tuple[float, tuple[float, float]]:
    points = [to_map(lon, lat) for lon, lat in ring]
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(area) < 1e-9:
        xs, ys = zip(*points, strict=True)
        return 0.0, (sum(xs) / len(xs), sum(ys) / len(ys))
    return abs(area) / 2, (cx / (3 * area), cy / (3 * area))


def marker_position(polygons: list[list[Ring]]) -> tuple[float, float]:
    """The centre of the country's largest polygon: where a marker or label goes."""
    best = max((area_and_centroid(rings[0]) for rings in polygons), key=lambda found: found[0])
    return round(best[1][0], 1), round(best[1][1], 1)


def build(source: Path) -> dict[str, Any]:
    fine = json.loads((source / "countries-50m.json").read_text())
    coarse = json.loads((source / "countries-110m.json").read_text())
    countries: dict[str, dict[str, Any]] = {}
    fine_arcs = decode_arcs(fine)
    for geometry in fine["objects"]["countries"]["geometries"]:
        code = geometry.get("id")
        if code and code not in LEFT_OUT and geometry.get("arcs"):
            countries[code] = {"c": marker_position(rings_of(geometry, fine_arcs))}
    for code, (lon, lat) in EXTRA_MARKERS.items():
        x, y = to_map(lon, lat)
        countries.setdefault(code, {"c": (round(x, 1), round(y, 1))})
    coarse_arcs = decode_arcs(coarse)
    unnamed = []
    for geometry in coarse["objects"]["countries"]["geometries"]:
        code = geometry.get("id")
        if code in LEFT_OUT:
            continue
        polygons = rings_of(geometry, coarse_arcs)
        path = "".join(ring_path(part) for rings in polygons for ring in rings for part in unwrapped(ring))
        if code:
            countries.setdefault(code, {"c": marker_position(polygons)})["d"] = path
        else:
            unnamed.append(path)  # Northern Cyprus, Somaliland, Kosovo: land without an ISO code
    # The 1:110m file stops at 85.6°S; without Antarctica the map ends around 56°S (Cape Horn).
    height = to_map(0, -58)[1]
    return {
        "source": "world-atlas 2.0.2 (npm, ISC licence), made from Natural Earth 1:110m and 1:50m "
        "Admin 0 countries (public domain); Equal Earth projection",
        "width": WIDTH,
        "height": round(height, 1),
        "countries": dict(sorted(countries.items())),
        "other_land": "".join(unnamed),
    }


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = (
        "Regenerate partnerships/data/world_map.json from the world-atlas npm package (run `npm ci` first)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--source",
            default=str(Path(settings.BASE_DIR) / "node_modules" / "world-atlas"),
            help="The folder of the world-atlas package.",
        )

    def handle(self, *args: Any, source: str, **options: Any) -> None:
        data = build(Path(source))
        OUTPUT.write_text(json.dumps(data, separators=(",", ":"), ensure_ascii=False) + "\n")
        shapes = sum(1 for entry in data["countries"].values() if "d" in entry)
        self.stdout.write(
            f"Wrote {OUTPUT.name}: {len(data['countries'])} countries, {shapes} with shapes, "
            f"{OUTPUT.stat().st_size // 1024} KiB."
        )
