from pathlib import Path

import pytest
from django.conf import LazySettings


@pytest.fixture(autouse=True)
def anchor_dir(settings: LazySettings, tmp_path: Path) -> Path:
    """Each test anchors into a folder of its own, never one another test wrote."""
    settings.NESTGUARD_AUDIT_ANCHOR_DIR = tmp_path / "anchors"
    return tmp_path / "anchors"
