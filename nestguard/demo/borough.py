"""The borough's geography: twenty wards in one compact area of the British National Grid,
streets in each, and an address register with UPRNs, postcodes, coordinates and tenure.

Wards are cells of a 5 x 4 grid of 2 km squares; a street is a short line inside its ward
with its houses or blocks of flats along it. Latitude and longitude are converted from the
grid reference with pyproj (EPSG:27700 to EPSG:4326).
"""

from __future__ import annotations

import math
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from pyproj import Transformer

from nestguard.demo import names
from nestguard.places.postcodes import postcode_key

# South-west corner of the borough on the National Grid, and the size of a ward's cell.
ORIGIN_EASTING = 401_000
ORIGIN_NORTHING = 396_000
CELL_METRES = 2_000
GRID_COLUMNS = 5
STREET_METRES = (120, 450)
STREET_MARGIN = STREET_METRES[1] // 2 + 30
# UPRNs are up to 12 digits; the demo's start at 77 000 000 0001.
UPRN_BASE = 770_000_000_000
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
SOCIAL = frozenset({"council", "housing_association", "supported"})


@dataclass(frozen=True, slots=True)
class AddressRef:
    """What the history generator needs to know about a register address."""

    id: uuid.UUID
    line1: str
    line2: str
    postcode: str
    ward: int
    tenure: str


@dataclass
class Borough:
    wards: tuple[str, ...]
    by_ward: list[list[AddressRef]] = field(default_factory=list)
    social_by_ward: list[list[AddressRef]] = field(default_factory=list)
    streets: int = 0

    @property
    def address_count(self) -> int:
        return sum(len(refs) for refs in self.by_ward)


@cache
def _to_wgs84() -> Transformer:
    return Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)


def _weighted(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _street_names(rng: random.Random) -> Iterator[str]:
    """Street names for one ward, never twice in the same ward."""
    for prefix in ("", "Upper ", "Lower ", "New ", "Old "):
        pool = [f"{prefix}{s} {x}" for s in names.STREET_STEMS for x in names.STREET_SUFFIXES]
        rng.shuffle(pool)
        yield from pool
    n = 0
    while True:  # only at absurd scales
        n += 1
        yield f"{rng.choice(names.STREET_STEMS)} {rng.choice(names.STREET_SUFFIXES)} {n}"


class _Postcodes:
    """Unique postcodes. A district holds at most 9 x 20 x 20 = 3,600 units; when a ward's
    district fills up (at large scales) the ward takes a new district number."""

    PER_DISTRICT = 2_800

    def __init__(self, rng: random.Random, wards: int) -> None:
        self.rng = rng
        self.used: set[str] = set()
        self.count: dict[int, int] = {}
        self.district = {ward: ward // 2 + 1 for ward in range(wards)}
        self.next_district = wards // 2 + 1

    def new(self, ward: int) -> str:
        district = self.district[ward]
        if self.count.get(district, 0) >= self.PER_DISTRICT:
            self.next_district += 1
            district = self.district[ward] = self.next_district
        while True:
            inward = (
                f"{self.rng.randint(1, 9)}"
                f"{self.rng.choice(INWARD_LETTERS)}{self.rng.choice(INWARD_LETTERS)}"
            )
            code = f"{names.POSTCODE_AREA}{district} {inward}"
            if code not in self.used:
                self.used.add(code)
                self.count[district] = self.count.get(district, 0) + 1
                return code


def build_addresses(
    rng: random.Random, *, count: int, profile: dict[str, Any], batch_size: int
) -> tuple[Borough, Iterator[list[dict[str, Any]]]]:
    """The borough and a generator of batches of address rows (consume it to fill the
    borough's register)."""
    wards = names.WARDS
    borough = Borough(wards=wards, by_ward=[[] for _ in wards], social_by_ward=[[] for _ in wards])
    tenure_shares: dict[str, float] = profile["tenure_shares"]
    ward_weights: list[float] = profile["ward_weights"]
    hot = sorted(range(len(wards)), key=lambda i: -ward_weights[i])[:3]
    boost = float(profile["hot_ward_social_boost"])
    spread = [rng.uniform(0.7, 1.3) for _ in wards]
    per_ward = [max(20, round(count * s / sum(spread))) for s in spread]

    def batches() -> Iterator[list[dict[str, Any]]]:
        postcodes = _Postcodes(rng, len(wards))
        transformer = _to_wgs84()
        pending: list[tuple[dict[str, Any], AddressRef]] = []
        serial = 0
        for ward, target in enumerate(per_ward):
            shares = dict(tenure_shares)
            if ward in hot:
                for t in SOCIAL:
                    shares[t] = shares.get(t, 0) * boost
            street_names = _street_names(rng)
            column, row = ward % GRID_COLUMNS, ward // GRID_COLUMNS
            cell_e = ORIGIN_EASTING + column * CELL_METRES
            cell_n = ORIGIN_NORTHING + row * CELL_METRES
            made = 0
            while made < target:
                street = next(street_names)
                borough.streets += 1
                size = min(target - made, rng.randint(10, 60))
                tenure_main = _weighted(rng, shares)
                block = tenure_main in SOCIAL and rng.random() < 0.4
                block_name = f"{rng.choice(names.STREET_STEMS)} {rng.choice(names.BLOCK_SUFFIXES)}"
                # The street's middle, far enough inside the cell for the whole street.
                mid_e = cell_e + rng.uniform(STREET_MARGIN, CELL_METRES - STREET_MARGIN)
                mid_n = cell_n + rng.uniform(STREET_MARGIN, CELL_METRES - STREET_MARGIN)
                angle = rng.uniform(0, math.pi)
                length = rng.uniform(*STREET_METRES)
                postcode = postcodes.new(ward)
                for house in range(size):
                    if house and house % 14 == 0:
                        postcode = postcodes.new(ward)
                    tenure = tenure_main if rng.random() < 0.75 else _weighted(rng, shares)
                    if block:
                        line1, line2 = f"Flat {house + 1}, {block_name}", street
                        step = 0.5
                    else:
                        line1, line2 = f"{house + 1} {street}", ""
                        step = house / max(1, size - 1)
                    e = mid_e + math.cos(angle) * length * (step - 0.5) + rng.uniform(-8, 8)
                    n = mid_n + math.sin(angle) * length * (step - 0.5) + rng.uniform(-8, 8)
                    ref = AddressRef(
                        id=uuid.UUID(int=rng.getrandbits(128), version=4),
                        line1=line1,
                        line2=line2,
                        postcode=postcode,
                        ward=ward,
                        tenure=tenure,
                    )
                    row_values = {
                        "easting": round(e),
                        "northing": round(n),
                        "landlord": _landlord(rng, tenure),
                        "uprn": str(UPRN_BASE + serial + 1),
                    }
                    serial += 1
                    pending.append((row_values, ref))
                    made += 1
                    if len(pending) >= batch_size:
                        yield _flush(pending, borough, transformer, wards)
                        pending = []
        if pending:
            yield _flush(pending, borough, transformer, wards)

    return borough, batches()


def _landlord(rng: random.Random, tenure: str) -> str:
    if tenure == "council":
        return names.COUNCIL_LANDLORD
    if tenure == "housing_association":
        return rng.choice(names.HOUSING_ASSOCIATION_LANDLORDS)
    if tenure == "private_rented":
        return rng.choice(names.PRIVATE_LANDLORDS)
    if tenure == "supported":
        return rng.choice(names.SUPPORTED_LANDLORDS)
    return ""


def _flush(
    pending: list[tuple[dict[str, Any], AddressRef]],
    borough: Borough,
    transformer: Transformer,
    wards: tuple[str, ...],
) -> list[dict[str, Any]]:
    eastings = [values["easting"] for values, _ in pending]
    northings = [values["northing"] for values, _ in pending]
    longitudes, latitudes = transformer.transform(eastings, northings)
    rows = []
    for (values, ref), lon, lat in zip(pending, longitudes, latitudes, strict=True):
        rows.append(
            dict(
                id=ref.id,
                uprn=values["uprn"],
                line1=ref.line1,
                line2=ref.line2,
                town=names.TOWN,
                postcode=ref.postcode,
                postcode_key=postcode_key(ref.postcode),
                easting=values["easting"],
                northing=values["northing"],
                latitude=round(float(lat), 6),
                longitude=round(float(lon), 6),
                ward=wards[ref.ward],
                tenure=ref.tenure,
                landlord=values["landlord"],
                in_register=True,
            )
        )
        borough.by_ward[ref.ward].append(ref)
        if ref.tenure in SOCIAL:
            borough.social_by_ward[ref.ward].append(ref)
    return rows


def ward_outlines(points_per_side: int = 4) -> dict[str, dict[str, Any]]:
    """Each ward's square as a WGS84 GeoJSON Polygon (for the ward map): the cell's edges on
    the National Grid, a few points a side so the conversion keeps them straight enough."""
    transformer = _to_wgs84()
    outlines: dict[str, dict[str, Any]] = {}
    for ward, name in enumerate(names.WARDS):
        column, row = ward % GRID_COLUMNS, ward // GRID_COLUMNS
        e0 = ORIGIN_EASTING + column * CELL_METRES
        n0 = ORIGIN_NORTHING + row * CELL_METRES
        corners = [(e0, n0), (e0 + CELL_METRES, n0), (e0 + CELL_METRES, n0 + CELL_METRES),
                   (e0, n0 + CELL_METRES)]  # fmt: skip
        ring: list[tuple[float, float]] = []
        for (ea, na), (eb, nb) in zip(corners, corners[1:] + corners[:1], strict=True):
            for step in range(points_per_side):
                t = step / points_per_side
                ring.append((ea + (eb - ea) * t, na + (nb - na) * t))
        ring.append(ring[0])
        lons, lats = transformer.transform([p[0] for p in ring], [p[1] for p in ring])
        coordinates = [
            [round(float(x), 6), round(float(y), 6)] for x, y in zip(lons, lats, strict=True)
        ]
        outlines[name] = {"type": "Polygon", "coordinates": [coordinates]}
    return outlines
