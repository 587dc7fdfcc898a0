"""Risk instruments as data: versioned JSON files in `nestguard/risk/instruments/`.

A file is named `<code>-v<version>.json` and looks like:

    {"code": "cce_child", "version": "1", "title": "...", "applies_to": "child" | "adult",
     "source": "where the items and bands come from",
     "scale": {"min": 0, "max": 3},
     "bands": [{"code": "low", "label": "Low", "min": 0, "max": 18, "review_days": 56}, ...],
     "judgement": {"min": -10, "max": 10},
     "items": [{"code": "...", "label": "...", "hint": "...", "group": "...",
                "options": [{"code": "...", "label": "...", "score": 0}, ...]}]}

The loader refuses a file that could band a score wrongly: the bands must cover 0 to the
instrument's maximum with no gap and no overlap, every option's score must lie within the
item scale, every item must have a no-concern option scoring the scale's minimum, and codes
must be unique. Old versions stay in the folder so that old assessments can still be shown
exactly as they were scored.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

INSTRUMENTS_DIR = Path(__file__).resolve().parent / "instruments"
APPLIES_TO = ("child", "adult")
_CODE = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
_FILE_NAME = re.compile(r"^(?P<code>[a-z][a-z0-9_]*)-v(?P<version>[0-9A-Za-z.]+)\.json$")


class InstrumentError(ValueError):
    """A risk instrument file that must not be used."""


@dataclass(frozen=True)
class Band:
    code: str
    label: str
    min: int
    max: int
    review_days: int

    def contains(self, score: int) -> bool:
        return self.min <= score <= self.max


@dataclass(frozen=True)
class Option:
    code: str
    label: str
    score: int


@dataclass(frozen=True)
class Item:
    code: str
    label: str
    hint: str
    group: str
    options: tuple[Option, ...]

    def option(self, code: str) -> Option | None:
        return next((o for o in self.options if o.code == code), None)

    @property
    def max_score(self) -> int:
        return max(o.score for o in self.options)


@dataclass(frozen=True)
class Instrument:
    code: str
    version: str
    title: str
    applies_to: str
    source: str
    scale_min: int
    scale_max: int
    bands: tuple[Band, ...]
    judgement_min: int
    judgement_max: int
    items: tuple[Item, ...]

    @property
    def key(self) -> tuple[str, str]:
        return (self.code, self.version)

    @property
    def max_score(self) -> int:
        return sum(item.max_score for item in self.items)

    def item(self, code: str) -> Item | None:
        return next((i for i in self.items if i.code == code), None)

    def band_for(self, score: int) -> Band:
        for band in self.bands:
            if band.contains(score):
                return band
        raise InstrumentError(f"{self.code} v{self.version} has no band for {score}")

    def band(self, code: str) -> Band | None:
        return next((b for b in self.bands if b.code == code), None)

    def band_rank(self, code: str) -> int:
        """0 for the lowest band, rising; -1 for a code this version does not have."""
        for rank, band in enumerate(self.bands):
            if band.code == code:
                return rank
        return -1

    @property
    def groups(self) -> list[tuple[str, list[Item]]]:
        """Items in file order, gathered under their group headings."""
        grouped: list[tuple[str, list[Item]]] = []
        for item in self.items:
            if grouped and grouped[-1][0] == item.group:
                grouped[-1][1].append(item)
            else:
                grouped.append((item.group, [item]))
        return grouped


def _need(raw: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if key not in raw:
        raise InstrumentError(f"{where} has no {key!r}")
    value = raw[key]
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise InstrumentError(f"{where}: {key!r} has the wrong type")
    if isinstance(value, str) and not value.strip():
        raise InstrumentError(f"{where}: {key!r} is empty")
    return value


def _code(raw: dict[str, Any], where: str) -> str:
    code = _need(raw, "code", str, where)
    if not _CODE.match(code):
        raise InstrumentError(f"{where}: code {code!r} must be lower case letters, digits and _")
    return str(code)


def parse_instrument(raw: Any, *, where: str = "instrument") -> Instrument:
    """Validate one instrument's data and return it; InstrumentError says what is wrong."""
    if not isinstance(raw, dict):
        raise InstrumentError(f"{where} is not a JSON object")
    code = _code(raw, where)
    version = str(_need(raw, "version", (str, int), where))
    title = _need(raw, "title", str, where)
    source = _need(raw, "source", str, where)
    applies_to = _need(raw, "applies_to", str, where)
    if applies_to not in APPLIES_TO:
        raise InstrumentError(f"{where}: applies_to must be one of {', '.join(APPLIES_TO)}")

    scale = raw.get("scale", {"min": 0, "max": 3})
    if not isinstance(scale, dict):
        raise InstrumentError(f"{where}: scale must be an object with min and max")
    scale_min = _need(scale, "min", int, f"{where} scale")
    scale_max = _need(scale, "max", int, f"{where} scale")
    if scale_min != 0 or scale_max < 1:
        raise InstrumentError(f"{where}: the item scale must run from 0 to at least 1")

    raw_items = _need(raw, "items", list, where)
    if not raw_items:
        raise InstrumentError(f"{where} has no items")
    items: list[Item] = []
    seen_items: set[str] = set()
    for n, raw_item in enumerate(raw_items, start=1):
        item_where = f"{where} item {n}"
        if not isinstance(raw_item, dict):
            raise InstrumentError(f"{item_where} is not an object")
        item_code = _code(raw_item, item_where)
        if item_code in seen_items:
            raise InstrumentError(f"{where} repeats the item code {item_code!r}")
        seen_items.add(item_code)
        raw_options = _need(raw_item, "options", list, item_where)
        if len(raw_options) < 2:
            raise InstrumentError(f"{item_where} ({item_code}) needs at least two options")
        options: list[Option] = []
        seen_options: set[str] = set()
        for m, raw_option in enumerate(raw_options, start=1):
            option_where = f"{item_where} ({item_code}) option {m}"
            if not isinstance(raw_option, dict):
                raise InstrumentError(f"{option_where} is not an object")
            option_code = _code(raw_option, option_where)
            if option_code in seen_options:
                raise InstrumentError(f"{item_where} ({item_code}) repeats {option_code!r}")
            seen_options.add(option_code)
            score = _need(raw_option, "score", int, option_where)
            if not scale_min <= score <= scale_max:
                raise InstrumentError(
                    f"{option_where} scores {score}, outside the scale {scale_min} to {scale_max}"
                )
            options.append(
                Option(option_code, _need(raw_option, "label", str, option_where), score)
            )
        if min(o.score for o in options) != scale_min:
            raise InstrumentError(
                f"{item_where} ({item_code}) has no option scoring {scale_min} (no concern)"
            )
        items.append(
            Item(
                code=item_code,
                label=_need(raw_item, "label", str, item_where),
                hint=str(raw_item.get("hint", "")),
                group=str(raw_item.get("group", "")),
                options=tuple(options),
            )
        )
    max_score = sum(item.max_score for item in items)

    raw_bands = _need(raw, "bands", list, where)
    if not raw_bands:
        raise InstrumentError(f"{where} has no bands")
    bands: list[Band] = []
    for n, raw_band in enumerate(raw_bands, start=1):
        band_where = f"{where} band {n}"
        if not isinstance(raw_band, dict):
            raise InstrumentError(f"{band_where} is not an object")
        review_days = _need(raw_band, "review_days", int, band_where)
        if review_days < 1:
            raise InstrumentError(f"{band_where}: review_days must be at least 1")
        band = Band(
            code=_code(raw_band, band_where),
            label=_need(raw_band, "label", str, band_where),
            min=_need(raw_band, "min", int, band_where),
            max=_need(raw_band, "max", int, band_where),
            review_days=review_days,
        )
        if band.min > band.max:
            raise InstrumentError(f"{band_where} ({band.code}) starts above its end")
        bands.append(band)
    if len({b.code for b in bands}) != len(bands):
        raise InstrumentError(f"{where} repeats a band code")
    bands.sort(key=lambda b: b.min)
    expected = 0
    for band in bands:
        if band.min > expected:
            raise InstrumentError(f"{where}: no band covers {expected} to {band.min - 1}")
        if band.min < expected:
            raise InstrumentError(f"{where}: band {band.code} overlaps the band below it")
        expected = band.max + 1
    if expected - 1 != max_score:
        raise InstrumentError(
            f"{where}: the bands end at {expected - 1} but the items can score up to {max_score}"
        )

    judgement = raw.get("judgement", {"min": 0, "max": 0})
    if not isinstance(judgement, dict):
        raise InstrumentError(f"{where}: judgement must be an object with min and max")
    judgement_min = _need(judgement, "min", int, f"{where} judgement")
    judgement_max = _need(judgement, "max", int, f"{where} judgement")
    if not judgement_min <= 0 <= judgement_max:
        raise InstrumentError(f"{where}: the judgement range must include 0")

    return Instrument(
        code=code,
        version=version,
        title=title,
        applies_to=applies_to,
        source=source,
        scale_min=scale_min,
        scale_max=scale_max,
        bands=tuple(bands),
        judgement_min=judgement_min,
        judgement_max=judgement_max,
        items=tuple(items),
    )


def load_instrument_file(path: Path) -> Instrument:
    """Read and validate one file; its name must match its code and version."""
    match = _FILE_NAME.match(path.name)
    if not match:
        raise InstrumentError(f"{path.name}: instrument files are named <code>-v<version>.json")
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InstrumentError(f"{path.name} cannot be read as JSON: {exc}") from exc
    instrument = parse_instrument(raw, where=path.name)
    if (instrument.code, instrument.version) != (match["code"], match["version"]):
        raise InstrumentError(
            f"{path.name} holds {instrument.code} version {instrument.version}: rename it"
        )
    return instrument


def _version_key(version: str) -> tuple[tuple[int, str], ...]:
    return tuple((int(p), "") if p.isdigit() else (-1, p) for p in version.split("."))


def load_instruments(folder: Path = INSTRUMENTS_DIR) -> dict[tuple[str, str], Instrument]:
    """Every version of every instrument in `folder`; one bad file refuses them all, loudly."""
    found: dict[tuple[str, str], Instrument] = {}
    for path in sorted(folder.glob("*.json")):
        instrument = load_instrument_file(path)
        found[instrument.key] = instrument
    return found


@cache
def all_instruments() -> dict[tuple[str, str], Instrument]:
    return load_instruments()


def current_instruments() -> list[Instrument]:
    """The newest version of each instrument, ordered by title."""
    newest: dict[str, Instrument] = {}
    for instrument in all_instruments().values():
        current = newest.get(instrument.code)
        if current is None or _version_key(instrument.version) > _version_key(current.version):
            newest[instrument.code] = instrument
    return sorted(newest.values(), key=lambda i: i.title)


def get_instrument(code: str, version: str | None = None) -> Instrument | None:
    """One instrument: the version asked for, or the newest."""
    if version is not None:
        return all_instruments().get((code, version))
    return next((i for i in current_instruments() if i.code == code), None)
