"""Code lists as data: versioned JSON files with their source, loaded once and validated.

A code list file looks like:
    {"name": "...", "version": "...", "source": "...", "codes": [{"code": "x", "label": "X"}, ...]}
Codes may carry more keys (a hint, a group, a score); `CodeList.get` returns them whole.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django.apps import apps


@dataclass(frozen=True)
class Code:
    code: str
    label: str
    extra: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        return self.extra[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.extra.get(key, default)


@dataclass(frozen=True)
class CodeList:
    name: str
    version: str
    source: str
    codes: tuple[Code, ...]

    def __contains__(self, code: object) -> bool:
        return any(c.code == code for c in self.codes)

    def get(self, code: str) -> Code:
        for item in self.codes:
            if item.code == code:
                return item
        raise KeyError(f"{code!r} is not a code of {self.name}")

    def label(self, code: str) -> str:
        try:
            return self.get(code).label
        except KeyError:
            return code

    @property
    def choices(self) -> list[tuple[str, str]]:
        return [(c.code, c.label) for c in self.codes]

    @property
    def values(self) -> list[str]:
        return [c.code for c in self.codes]


def _parse(path: Path) -> CodeList:
    raw = json.loads(path.read_text(encoding="utf-8"))
    for key in ("name", "version", "source", "codes"):
        if key not in raw:
            raise ValueError(f"{path} has no {key!r}")
    codes = []
    seen: set[str] = set()
    for entry in raw["codes"]:
        code = entry["code"]
        if code in seen:
            raise ValueError(f"{path} repeats the code {code!r}")
        seen.add(code)
        extra = {k: v for k, v in entry.items() if k not in ("code", "label")}
        codes.append(Code(code=code, label=entry["label"], extra=extra))
    return CodeList(raw["name"], str(raw["version"]), raw["source"], tuple(codes))


@cache
def code_list(app_label: str, name: str) -> CodeList:
    """The code list `name` from `<app>/data/<name>.json`."""
    app_path = Path(apps.get_app_config(app_label).path)
    return _parse(app_path / "data" / f"{name}.json")
