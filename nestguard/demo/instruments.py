"""Risk instruments for the demo's assessments, read from `nestguard/risk/instruments/*.json`.

The files are the risk app's (format: code, version, applies_to, bands with min, max and
review_days, judgement range, items with scored options). The demo answers every item of the
instrument that fits the person, scores and bands the answers exactly as the files say, and
makes no assessment at all when no instrument is installed: no risk level without criteria.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from django.apps import apps


@dataclass(frozen=True)
class Band:
    code: str
    low: int
    high: int
    review_days: int


@dataclass(frozen=True)
class Item:
    code: str
    # (option code, score), lowest score first
    options: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class Instrument:
    code: str
    version: str
    applies_to: str
    bands: tuple[Band, ...]
    items: tuple[Item, ...]
    judgement_min: int
    judgement_max: int

    @cached_property
    def max_score(self) -> int:
        return sum(max(score for _, score in item.options) for item in self.items)

    def band_for(self, score: int) -> Band:
        for band in self.bands:
            if band.low <= score <= band.high:
                return band
        return self.bands[-1] if score > self.bands[-1].high else self.bands[0]


def instruments_dir() -> Path:
    return Path(apps.get_app_config("risk").path) / "instruments"


def _version_key(version: str) -> tuple[Any, ...]:
    return tuple(int(p) if p.isdigit() else p for p in version.replace("-", ".").split("."))


def _parse(raw: dict[str, Any]) -> Instrument:
    bands = tuple(
        Band(str(b["code"]), int(b["min"]), int(b["max"]), int(b.get("review_days", 28)))
        for b in sorted(raw["bands"], key=lambda b: int(b["min"]))
    )
    items = tuple(
        Item(
            str(item["code"]),
            tuple(
                sorted(
                    ((str(o["code"]), int(o["score"])) for o in item["options"]),
                    key=lambda o: o[1],
                )
            ),
        )
        for item in raw["items"]
        if item.get("options")
    )
    if not bands or not items:
        raise ValueError("an instrument needs bands and items")
    code = str(raw["code"])
    applies_to = str(raw.get("applies_to") or ("child" if "child" in code else "adult"))
    judgement = raw.get("judgement") or {}
    return Instrument(
        code=code,
        version=str(raw.get("version", "1")),
        applies_to=applies_to,
        bands=bands,
        items=items,
        judgement_min=int(judgement.get("min", -10)),
        judgement_max=int(judgement.get("max", 10)),
    )


def load_instruments(folder: Path | None = None) -> dict[str, Instrument]:
    """The newest version of each instrument, keyed by applies_to ("adult", "child").

    Files that cannot be read as an instrument are left out (the risk app's own loader is
    the one that refuses them loudly)."""
    folder = folder or instruments_dir()
    newest: dict[str, Instrument] = {}
    if not folder.is_dir():
        return {}
    for path in sorted(folder.glob("*.json")):
        try:
            instrument = _parse(json.loads(path.read_text(encoding="utf-8")))
        except (ValueError, KeyError, TypeError):
            continue
        current = newest.get(instrument.code)
        if current is None or _version_key(instrument.version) > _version_key(current.version):
            newest[instrument.code] = instrument
    by_subject: dict[str, Instrument] = {}
    for instrument in sorted(newest.values(), key=lambda i: i.code):
        by_subject.setdefault(instrument.applies_to, instrument)
    return by_subject


@dataclass(frozen=True)
class Scored:
    answers: dict[str, str]
    item_scores: dict[str, int]
    assessment_score: int
    judgement_adjustment: int
    overall_score: int
    band: Band


def answer(
    rng: random.Random,
    instrument: Instrument,
    severity: float,
    *,
    judgement: int = 0,
) -> Scored:
    """Answers for a person whose latent severity is 0 (no concern) to 1 (the worst); each
    item is answered near that level, with noise, and scored from the file."""
    answers: dict[str, str] = {}
    scores: dict[str, int] = {}
    for item in instrument.items:
        top = len(item.options) - 1
        index = round(rng.gauss(severity * top, 0.9))
        code, score = item.options[min(top, max(0, index))]
        answers[item.code] = code
        scores[item.code] = score
    total = sum(scores.values())
    judgement = max(instrument.judgement_min, min(instrument.judgement_max, judgement))
    overall = max(0, min(instrument.max_score, total + judgement))
    return Scored(answers, scores, total, overall - total, overall, instrument.band_for(overall))
