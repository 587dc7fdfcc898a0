"""nestguard import_ward_boundaries FILE.geojson: load the outlines of the borough's wards for
the dashboard's ward map (decision 0093).

Every bad feature is reported and then nothing is written; a good file replaces the outline
of each ward it names.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from nestguard.places.services.wards import WardBoundaryImportError, ward_boundaries_import


class Command(BaseCommand):
    help = (
        "Import ward boundaries from a GeoJSON FeatureCollection (a 'name' property and a "
        "Polygon or MultiPolygon per ward; WGS84, or EPSG:27700 when the file says so)"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            with path.open(encoding="utf-8-sig") as stream:
                result = ward_boundaries_import(actor=None, stream=stream, source_name=path.name)
        except UnicodeDecodeError as exc:
            raise CommandError(
                f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})"
            ) from None
        except WardBoundaryImportError as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"{len(exc.errors)} problem(s) in {path.name}; nothing was imported"
            ) from None
        self.stdout.write(f"{result.created} wards created, {result.updated} updated")
