"""Ward boundaries: the outlines the dashboard's ward map colours (decision 0093).

A file is a GeoJSON FeatureCollection, one feature per ward, its name in the `name` property
(or `ward`), its geometry a Polygon or MultiPolygon. Coordinates are WGS84 longitude and
latitude (RFC 7946) unless the collection names the British National Grid
(`"crs": {"properties": {"name": "EPSG:27700"}}`, as ONS and Ordnance Survey files do); grid
coordinates are converted here, so the map never needs to know. The import is all-or-nothing:
every bad feature is reported and then nothing is written; a good file replaces the outline
of each ward it names and leaves the others alone.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import IO, Any

from django.db import transaction

from nestguard.audit.services import audit_record
from nestguard.places.models import WardBoundary
from nestguard.places.services.register import grid_to_latlon

GRID_NAMES = ("EPSG:27700", "urn:ogc:def:crs:EPSG::27700", "urn:ogc:def:crs:EPSG:27700")
# The bounds a coordinate must lie in: the National Grid's extent, or the globe.
GRID_BOUNDS = ((0.0, 700_000.0), (0.0, 1_300_000.0))
WGS84_BOUNDS = ((-180.0, 180.0), (-90.0, 90.0))
NAME_LIMIT = 100

Ring = list[list[float]]


@dataclass(frozen=True)
class FeatureError:
    feature: int  # 1-based position in the file; 0 for the file as a whole
    reason: str

    def __str__(self) -> str:
        where = f"feature {self.feature}" if self.feature else "file"
        return f"{where}: {self.reason}"


class WardBoundaryImportError(Exception):
    """The file had bad features; nothing was written."""

    def __init__(self, errors: list[FeatureError]) -> None:
        self.errors = errors
        super().__init__(f"{len(errors)} problem(s) in the ward boundaries; nothing was imported")


@dataclass(frozen=True)
class WardImportResult:
    created: int
    updated: int


def ward_boundaries_import(*, actor: Any, stream: IO[str], source_name: str) -> WardImportResult:
    """Read, check and (only when every feature is good) write a GeoJSON file of wards."""
    try:
        document = json.load(stream)
    except json.JSONDecodeError as exc:
        raise WardBoundaryImportError([FeatureError(0, f"not JSON ({exc.msg})")]) from None
    wards = validate_wards(document)
    return ward_boundaries_replace(actor=actor, wards=wards, source=source_name)


def ward_boundaries_replace(
    *, actor: Any, wards: Mapping[str, dict[str, Any]], source: str
) -> WardImportResult:
    """Write checked outlines (name -> WGS84 GeoJSON geometry) in one transaction."""
    with transaction.atomic():
        existing = set(WardBoundary.objects.filter(name__in=wards).values_list("name", flat=True))
        for name, geometry in wards.items():
            WardBoundary.objects.update_or_create(
                name=name, defaults={"geometry": geometry, "source": source[:200]}
            )
        result = WardImportResult(created=len(wards) - len(existing), updated=len(existing))
        audit_record(
            actor=actor,
            action="ward_boundary.import",
            object_type="ward_boundaries",
            object_label=source[:200],
            details={"wards": len(wards), "created": result.created, "updated": result.updated},
        )
    return result


def validate_wards(document: Any) -> dict[str, dict[str, Any]]:
    """Each ward's WGS84 geometry by name, or WardBoundaryImportError naming every problem."""
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise WardBoundaryImportError([FeatureError(0, "not a GeoJSON FeatureCollection")])
    features = document.get("features")
    if not isinstance(features, list) or not features:
        raise WardBoundaryImportError([FeatureError(0, "the collection has no features")])
    grid = _crs_name(document) in GRID_NAMES
    errors: list[FeatureError] = []
    wards: dict[str, dict[str, Any]] = {}
    for number, feature in enumerate(features, start=1):
        problems: list[str] = []
        name = _feature_name(feature, problems)
        geometry = _feature_geometry(feature, grid, problems)
        if name and name in wards:
            problems.append(f"{name!r} appears twice in the file")
        errors += [FeatureError(number, reason) for reason in problems]
        if not problems and geometry is not None:
            wards[name] = geometry
    if errors:
        raise WardBoundaryImportError(errors)
    return wards


def _crs_name(document: dict[str, Any]) -> str:
    crs = document.get("crs")
    if isinstance(crs, dict) and isinstance(crs.get("properties"), dict):
        return str(crs["properties"].get("name", ""))
    return ""


def _feature_name(feature: Any, problems: list[str]) -> str:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        problems.append("not a GeoJSON Feature")
        return ""
    properties = feature.get("properties") or {}
    raw = properties.get("name", properties.get("ward")) if isinstance(properties, dict) else None
    name = raw.strip() if isinstance(raw, str) else ""
    if not name:
        problems.append("no ward name (a 'name' property)")
    elif len(name) > NAME_LIMIT:
        problems.append(f"the ward name is longer than {NAME_LIMIT} characters")
    return name


def _feature_geometry(feature: Any, grid: bool, problems: list[str]) -> dict[str, Any] | None:
    if not isinstance(feature, dict):
        return None
    geometry = feature.get("geometry")
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        problems.append("the geometry is not a Polygon or MultiPolygon")
        return None
    raw = geometry.get("coordinates")
    polygons = [raw] if geometry["type"] == "Polygon" else raw
    if not isinstance(polygons, list) or not polygons:
        problems.append("the geometry has no coordinates")
        return None
    converted = []
    for polygon in polygons:
        rings = _polygon(polygon, grid, problems)
        if rings is None:
            return None
        converted.append(rings)
    if geometry["type"] == "Polygon":
        return {"type": "Polygon", "coordinates": converted[0]}
    return {"type": "MultiPolygon", "coordinates": converted}


def _polygon(polygon: Any, grid: bool, problems: list[str]) -> list[Ring] | None:
    if not isinstance(polygon, list) or not polygon:
        problems.append("a polygon has no rings")
        return None
    rings = []
    for ring in polygon:
        checked = _ring(ring, grid, problems)
        if checked is None:
            return None
        rings.append(checked)
    return rings


def _ring(ring: Any, grid: bool, problems: list[str]) -> Ring | None:
    if not isinstance(ring, list) or len(ring) < 4:
        problems.append("a ring has fewer than four positions")
        return None
    bounds = GRID_BOUNDS if grid else WGS84_BOUNDS
    points: Ring = []
    for position in ring:
        point = _position(position, bounds)
        if point is None:
            extent = "the National Grid" if grid else "longitude and latitude"
            problems.append(
                f"a position is not a pair of numbers within {extent}: {position!r:.60}"
            )
            return None
        points.append(point)
    if points[0] != points[-1]:
        problems.append("a ring does not end where it starts")
        return None
    if grid:
        points = [_to_lonlat(e, n) for e, n in points]
    return points


def _position(position: Any, bounds: tuple[tuple[float, float], ...]) -> list[float] | None:
    if not isinstance(position, list) or len(position) < 2:
        return None
    values = position[:2]
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        return None
    pairs = zip(values, bounds, strict=True)
    if not all(math.isfinite(v) and low <= v <= high for v, (low, high) in pairs):
        return None
    return [float(values[0]), float(values[1])]


def _to_lonlat(easting: float, northing: float) -> list[float]:
    latitude, longitude = grid_to_latlon(easting, northing)
    return [round(longitude, 6), round(latitude, 6)]
