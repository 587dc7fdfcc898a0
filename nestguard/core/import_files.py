"""Files uploaded for an import job: stored by the system under `NESTGUARD_IMPORT_DIR` with a
name it chooses, and opened again by the job from that name only (decision 0088).

A job's arguments are stored and shown on the jobs page, so they carry the stored name, never
a path: `stored_path` accepts only a name this module could have made, and checks that it
resolves inside the directory, so a crafted argument cannot read another file.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings

_NAME = re.compile(r"^[a-z][a-z_]{0,40}-[0-9a-f]{32}\.csv$")
_KIND = re.compile(r"^[a-z][a-z_]{0,40}$")
# The problems written to a failed import's report in full; beyond it, the count.
MAX_REPORTED = 200


def import_dir() -> Path:
    return Path(settings.NESTGUARD_IMPORT_DIR)


def store_upload(upload: Any, *, kind: str) -> str:
    """Save an uploaded file (a Django UploadedFile, or any object with `chunks()`) and
    return the name the job is given. The file is readable by the server's user only."""
    if not _KIND.match(kind):
        raise ValueError(f"Not a kind of import: {kind!r}")
    directory = import_dir()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    name = f"{kind}-{uuid.uuid4().hex}.csv"
    path = directory / name
    with path.open("xb") as stream:
        path.chmod(0o600)
        for chunk in upload.chunks():
            stream.write(chunk)
    return name


def stored_path(name: str) -> Path:
    """The path of a stored import file; ValueError for anything but a stored name that stays
    inside the import directory (a path, `..`, a link out of it)."""
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError("Not the name of a stored import file")
    directory = import_dir().resolve()
    path = (directory / name).resolve()
    if not path.is_relative_to(directory):
        raise ValueError("Not the name of a stored import file")
    return path


def problem_report(problems: list[str], total: int | None = None) -> str:
    """The problems as lines for the run's page, the first MAX_REPORTED of them in full."""
    total = len(problems) if total is None else total
    lines = problems[:MAX_REPORTED]
    if total > len(lines):
        lines.append(f"...and {total - len(lines)} more problem(s)")
    return "\n".join(lines)


MAX_UPLOAD_BYTES = 50 * 1024 * 1024
_CSV_TYPES = {"text/csv", "application/csv", "application/vnd.ms-excel", "text/plain", ""}


def check_csv_upload(upload: Any) -> Any:
    """An uploaded file fit to store for an import, or ValidationError saying what to fix."""
    from django.core.exceptions import ValidationError

    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError("The file must be smaller than 50 MB")
    name = (upload.name or "").lower()
    content_type = (getattr(upload, "content_type", "") or "").split(";")[0].strip().lower()
    if not name.endswith(".csv") or content_type not in _CSV_TYPES:
        raise ValidationError("The file must be a CSV file")
    head = upload.read(4096)
    upload.seek(0)
    if b"\x00" in head:
        raise ValidationError("The file must be a CSV file")
    return upload
