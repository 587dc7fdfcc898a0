"""Backups of the whole database, and restoring one into an empty database.

A backup is two files side by side:

    nestguard-20261204T020000Z.sqlite3                 (or .pgdump)
    nestguard-20261204T020000Z.sqlite3.manifest.json

The data file is SQLite's online backup of the live database (a consistent copy, taken
while the service runs), or `pg_dump --format=custom` on PostgreSQL, taken in the same
snapshot as the row counts. It is written to `<name>.partial`, flushed to disk, then
renamed; the manifest (format version, engine, when, the row count of every table, the
file's size and SHA-256) is written the same way, last. So a backup that died half-way
leaves a `.partial` file and no manifest, and `restore` refuses anything without a manifest
that matches it. A backup never replaces a file: it refuses a name already taken.
(docs/decisions/0082-backup-and-restore.md)
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

FORMAT_VERSION = 1
PARTIAL_SUFFIX = ".partial"
MANIFEST_SUFFIX = ".manifest.json"
EXTENSIONS = {"sqlite": ".sqlite3", "postgresql": ".pgdump"}
_CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, for the operator."""


@dataclass(frozen=True)
class Manifest:
    format_version: int
    engine: str
    created_at: str  # ISO 8601, UTC
    file_name: str
    size: int
    sha256: str
    # Rows in every table of the database at the moment of the backup.
    tables: dict[str, int] = field(default_factory=dict)

    @property
    def created(self) -> datetime:
        return datetime.fromisoformat(self.created_at)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"


def manifest_path(backup: Path) -> Path:
    return backup.with_name(backup.name + MANIFEST_SUFFIX)


def partial_path(backup: Path) -> Path:
    return backup.with_name(backup.name + PARTIAL_SUFFIX)


def backup_dir() -> Path:
    return Path(settings.NESTGUARD_BACKUP_DIR)


def engine_of(using: str = "default") -> str:
    vendor = connections[using].vendor
    if vendor not in EXTENSIONS:
        raise BackupError(f"backups support SQLite and PostgreSQL, not {vendor}")
    return vendor


def default_backup_name(engine: str, now: datetime) -> str:
    return f"nestguard-{now.astimezone(UTC):%Y%m%dT%H%M%SZ}{EXTENSIONS[engine]}"


# Writing ---------------------------------------------------------------------------------


def backup_create(*, output: Path | None = None, using: str = "default") -> tuple[Path, Manifest]:
    """Back the database up to `output` (by default a new, dated file in the backup folder).

    Returns the file and its manifest. Raises BackupError, leaving any earlier backup as it
    was, when the name is taken or the copy fails.
    """
    engine = engine_of(using)
    now = datetime.now(UTC)
    if output is None:
        output = backup_dir() / default_backup_name(engine, now)
    output = output.absolute()
    for taken in (output, manifest_path(output)):
        if taken.exists():
            raise BackupError(
                f"{taken} already exists: a backup never replaces another. Choose a new name."
            )
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = partial_path(output)
    partial.unlink(missing_ok=True)  # left by a backup that died; never a complete backup
    pace = float(getattr(settings, "NESTGUARD_BACKUP_TEST_PACE_SECONDS", 0) or 0)
    _create_private(partial)
    try:
        if engine == "sqlite":
            tables = _sqlite_backup(connections[using], partial, pace)
        else:
            tables = _postgres_backup(connections[using], partial, using)
        size, digest = _flush_and_hash(partial, pace)
    except BaseException:
        # A backup that failed leaves nothing behind (one that was killed leaves its
        # .partial file, which restore refuses and the next backup removes).
        partial.unlink(missing_ok=True)
        raise
    manifest = Manifest(
        format_version=FORMAT_VERSION,
        engine=engine,
        created_at=now.isoformat(),
        file_name=output.name,
        size=size,
        sha256=digest,
        tables=tables,
    )
    _rename_no_replace(partial, output)
    _write_new(manifest_path(output), manifest.to_json())
    return output, manifest


def _sqlite_backup(conn: BaseDatabaseWrapper, partial: Path, pace: float) -> dict[str, int]:
    conn.ensure_connection()
    source: sqlite3.Connection = conn.connection

    def paced(status: int, remaining: int, total: int) -> None:
        time.sleep(pace)

    with closing(sqlite3.connect(partial)) as target:
        if pace > 0:
            # Test-only pacing (NESTGUARD_BACKUP_TEST_PACE_SECONDS): a few pages a step, so a
            # test can kill the backup half-way through the copy.
            source.backup(target, pages=4, progress=paced)
        else:
            # One step: a consistent copy of one read transaction (WAL lets writers go on).
            source.backup(target)
        # The copy is self-contained: no -wal file beside it.
        target.execute("PRAGMA journal_mode=DELETE")
    with closing(sqlite3.connect(f"file:{partial}?mode=ro", uri=True)) as copy:
        return _sqlite_counts(copy)


def _sqlite_counts(db: sqlite3.Connection) -> dict[str, int]:
    names = [
        row[0]
        for row in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    quoted = {name: '"' + name.replace('"', '""') + '"' for name in names}
    return {
        name: int(db.execute(f"SELECT COUNT(*) FROM {quoted[name]}").fetchone()[0])  # noqa: S608
        for name in names
    }


def _postgres_backup(conn: BaseDatabaseWrapper, partial: Path, using: str) -> dict[str, int]:
    """pg_dump in the snapshot the row counts were taken in, so the two agree exactly."""
    if conn.in_atomic_block:
        raise BackupError("a PostgreSQL backup must start outside any transaction")
    with transaction.atomic(using=using), conn.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        tables = postgres_counts(conn)
        _run_pg_tool(
            "pg_dump",
            ["--format=custom", f"--snapshot={snapshot}", f"--file={partial}"],
            conn.settings_dict,
        )
    return tables


def postgres_counts(conn: BaseDatabaseWrapper) -> dict[str, int]:
    with conn.cursor() as cursor:
        names = sorted(conn.introspection.table_names(cursor))
        counts = {}
        for name in names:
            cursor.execute(f"SELECT COUNT(*) FROM {conn.ops.quote_name(name)}")  # noqa: S608
            counts[name] = int(cursor.fetchone()[0])
    return counts


def _flush_and_hash(path: Path, pace: float) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    # Paced (tests only), the file is read in small pieces so the pause spans the whole read.
    chunk_size = _CHUNK // 16 if pace > 0 else _CHUNK
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())
        while chunk := handle.read(chunk_size):
            digest.update(chunk)
            size += len(chunk)
            if pace > 0:
                time.sleep(pace)
    return size, digest.hexdigest()


def _create_private(path: Path) -> None:
    """An empty file only its owner may read: a backup holds everyone's personal data."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _write_new(path: Path, text: str) -> None:
    """Write `path` whole or not at all: a partial file, flushed, then renamed."""
    partial = partial_path(path)
    partial.unlink(missing_ok=True)
    _create_private(partial)
    with partial.open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    _rename_no_replace(partial, path)


def _rename_no_replace(source: Path, target: Path) -> None:
    """Rename `source` to `target`, refusing if `target` appeared meanwhile (another backup
    of the same name): a hard link fails on an existing name where a rename would replace it.
    """
    try:
        os.link(source, target)
    except FileExistsError as exc:
        source.unlink(missing_ok=True)
        raise BackupError(
            f"{target} already exists: a backup never replaces another. Choose a new name."
        ) from exc
    except OSError:
        # A filesystem without hard links: check, then rename (the window is tiny).
        if target.exists():
            source.unlink(missing_ok=True)
            raise BackupError(
                f"{target} already exists: a backup never replaces another."
            ) from None
        os.replace(source, target)
    else:
        source.unlink()
    _fsync_dir(target.parent)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# Reading and checking --------------------------------------------------------------------


def backup_check(backup: Path) -> Manifest:
    """The backup's manifest, once the file is shown to be whole: refuses a partial backup,
    one without a manifest, and one whose size or checksum differs from its manifest."""
    if backup.name.endswith(PARTIAL_SUFFIX):
        raise BackupError(
            f"{backup.name} is a partial backup: the backup that wrote it did not finish. "
            "Restore a complete backup (one with a .manifest.json file beside it)."
        )
    if not backup.is_file():
        raise BackupError(f"{backup} does not exist")
    manifest_file = manifest_path(backup)
    if not manifest_file.is_file():
        raise BackupError(
            f"{backup.name} has no manifest ({manifest_file.name}): the backup did not finish, "
            "or the manifest was not copied with it. It cannot be restored."
        )
    manifest = _manifest_read(manifest_file)
    if manifest.engine not in EXTENSIONS:
        raise BackupError(f"{manifest_file.name} names an unknown engine {manifest.engine!r}")
    size = backup.stat().st_size
    if size != manifest.size:
        raise BackupError(
            f"{backup.name} is {size} bytes but its manifest says {manifest.size}: "
            "it is incomplete or damaged and cannot be restored."
        )
    digest = hashlib.sha256()
    with backup.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    if digest.hexdigest() != manifest.sha256:
        raise BackupError(
            f"{backup.name} does not match the checksum in its manifest: it is damaged or has "
            "been changed, and cannot be restored."
        )
    return manifest


def _manifest_read(path: Path) -> Manifest:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BackupError(f"{path.name} cannot be read as a manifest: {exc}") from exc
    if not isinstance(raw, dict) or raw.get("format_version") != FORMAT_VERSION:
        version = raw.get("format_version") if isinstance(raw, dict) else None
        raise BackupError(
            f"{path.name} is manifest format {version!r}; this version of Nestguard reads "
            f"format {FORMAT_VERSION}"
        )
    try:
        manifest = Manifest(**raw)
        manifest.created  # noqa: B018  (a date it can read)
    except (TypeError, ValueError) as exc:
        raise BackupError(f"{path.name} is not a complete manifest: {exc}") from exc
    if not isinstance(manifest.tables, dict):
        raise BackupError(f"{path.name} has no table counts")
    return manifest


def backups_complete(folder: Path) -> list[tuple[Path, Manifest | None]]:
    """The backups in a folder that finished (they have a manifest), newest first by name.

    A backup whose manifest cannot be read is listed with None, so that a drill reports it
    rather than quietly restoring an older one.
    """
    if not folder.is_dir():
        return []
    found: list[tuple[Path, Manifest | None]] = []
    for manifest_file in folder.glob(f"*{MANIFEST_SUFFIX}"):
        backup = manifest_file.with_name(manifest_file.name[: -len(MANIFEST_SUFFIX)])
        try:
            manifest: Manifest | None = _manifest_read(manifest_file)
        except BackupError:
            manifest = None
        found.append((backup, manifest))

    def newest(item: tuple[Path, Manifest | None]) -> tuple[str, str]:
        path, manifest = item
        return (manifest.created_at if manifest else "", path.name)

    return sorted(found, key=newest, reverse=True)


# Restoring -------------------------------------------------------------------------------


def database_tables(using: str) -> list[str]:
    conn = connections[using]
    with conn.cursor() as cursor:
        return sorted(conn.introspection.table_names(cursor))


def backup_restore(*, backup: Path, using: str = "default") -> tuple[Manifest, dict[str, int]]:
    """Restore a checked backup into the database `using`, which must have no tables.

    Returns the manifest and the restored row counts. Raises BackupError before writing
    anything when the backup is partial, damaged, of another engine or the database is not
    empty; and after, when the restored counts differ from the manifest.
    """
    manifest = backup_check(backup)
    restored = restore_unchecked(backup=backup, manifest=manifest, using=using)
    differences = count_differences(manifest.tables, restored)
    if differences:
        raise BackupError(
            "the restored database differs from the backup's manifest: " + "; ".join(differences)
        )
    return manifest, restored


def restore_unchecked(*, backup: Path, manifest: Manifest, using: str) -> dict[str, int]:
    """Restore a backup already checked by `backup_check`; returns the restored counts."""
    engine = engine_of(using)
    if manifest.engine != engine:
        raise BackupError(
            f"{backup.name} is a backup of {_ENGINE_NAMES[manifest.engine]}; this database is "
            f"{_ENGINE_NAMES[engine]}. Restore into the same kind of database."
        )
    tables = database_tables(using)
    if tables:
        shown = ", ".join(tables[:3]) + (", ..." if len(tables) > 3 else "")
        raise BackupError(
            f"the database to restore into is not empty ({len(tables)} tables: {shown}). "
            "Restore only into a new, empty database, so nothing is overwritten or mixed."
        )
    conn = connections[using]
    if engine == "sqlite":
        conn.ensure_connection()
        with closing(sqlite3.connect(f"file:{backup}?mode=ro", uri=True)) as source:
            source.backup(conn.connection)
        conn.close()  # the next connection sets the journal mode again
        conn.ensure_connection()
        return _sqlite_counts(conn.connection)
    conn.close()
    _run_pg_tool(
        "pg_restore",
        ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", str(backup)],
        conn.settings_dict,
        dbname_flag=True,
    )
    return postgres_counts(conn)


_ENGINE_NAMES = {"sqlite": "an SQLite database", "postgresql": "a PostgreSQL database"}


def count_differences(expected: dict[str, int], actual: dict[str, int]) -> list[str]:
    """Table by table, what differs between two sets of row counts (names and numbers)."""
    found = []
    for name in sorted(set(expected) | set(actual)):
        if name not in actual:
            found.append(f"{name}: in the backup's manifest but not restored")
        elif name not in expected:
            found.append(f"{name}: restored but not in the backup's manifest")
        elif expected[name] != actual[name]:
            found.append(
                f"{name}: {expected[name]} rows in the backup's manifest, {actual[name]} restored"
            )
    return found


# PostgreSQL's own tools ------------------------------------------------------------------


def pg_tool(name: str) -> str:
    """pg_dump or pg_restore: from NESTGUARD_PG_BIN_DIR when set, else the PATH."""
    folder = getattr(settings, "NESTGUARD_PG_BIN_DIR", "")
    found = str(Path(folder) / name) if folder else shutil.which(name)
    if not found or not Path(found).is_file():
        raise BackupError(
            f"{name} was not found (set NESTGUARD_PG_BIN_DIR to the folder of PostgreSQL's "
            "client programs, e.g. /usr/lib/postgresql/15/bin)"
        )
    return found


def _pg_environment(settings_dict: dict[str, Any]) -> dict[str, str]:
    """Connection details for libpq through its environment, so the password is never on a
    command line that `ps` would show."""
    env = dict(os.environ)
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ):
        value = settings_dict.get(key)
        if value:
            env[variable] = str(value)
    sslmode = (settings_dict.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = str(sslmode)
    return env


def _die_with_parent() -> None:
    """In the child: ask Linux to kill it when the process that started it dies, so a killed
    backup does not leave pg_dump writing on."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def _run_pg_tool(
    tool: str, args: list[str], settings_dict: dict[str, Any], *, dbname_flag: bool = False
) -> None:
    command = [pg_tool(tool), *args]
    if dbname_flag:
        command.insert(1, f"--dbname={settings_dict['NAME']}")
    result = subprocess.run(  # noqa: S603  (our own arguments, no shell)
        command,
        env=_pg_environment(settings_dict),
        capture_output=True,
        text=True,
        check=False,
        preexec_fn=_die_with_parent,
    )
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip()[-800:]
        raise BackupError(f"{tool} failed (exit {result.returncode}): {detail}")


# Scratch databases for the drill ---------------------------------------------------------


@contextmanager
def scratch_database(engine: str, folder: Path) -> Iterator[str]:
    """A database alias for a new, empty database of the live one's engine, removed after:
    an SQLite file in `folder`, or a PostgreSQL database created beside the live one (the
    database user needs CREATEDB)."""
    base = {**connections.settings["default"]}
    alias = f"scratch_{os.getpid()}_{time.monotonic_ns()}"
    drop: Callable[[], None]
    if engine == "sqlite":
        path = folder / "restore-drill.sqlite3"
        base["NAME"] = str(path)

        def drop() -> None:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)

    else:
        live = connections["default"]
        name = f"{str(base['NAME'])[:30]}_drill_{os.getpid()}_{time.time_ns() % 10**9}"
        quoted = live.ops.quote_name(name)
        with live.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {quoted}")
        base["NAME"] = name

        def drop() -> None:
            with live.cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")

    base["OPTIONS"] = dict(base.get("OPTIONS") or {})
    base["TEST"] = dict(base.get("TEST") or {})
    connections.settings[alias] = base
    try:
        yield alias
    finally:
        try:
            connections[alias].close()
        finally:
            del connections[alias]
            del connections.settings[alias]
            drop()
