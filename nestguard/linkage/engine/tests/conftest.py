"""What the engine's test modules share: each module gives its own `labelled` records (which
generator, how many, which seed); these fixtures train on them and link them once a module."""

from __future__ import annotations

import pytest

from nestguard.linkage.engine import link_records, train_model


@pytest.fixture(scope="module")
def records(labelled):
    return [item.record for item in labelled]


@pytest.fixture(scope="module")
def model(records):
    return train_model(records, seed=42)


@pytest.fixture(scope="module")
def result(records, model):
    return link_records(records, model)
