"""The shipped model gives the probabilities saved in tests/data (tests/shipped_outputs.py):
speed work must not change what linesift says. A retrain on purpose saves them again."""

import numpy as np
import pytest

import shipped_outputs
from conftest import needs_shared
from linesift.model_file import load_model


@pytest.fixture(scope="module")
def saved():
    saved = np.load(shipped_outputs.SAVED, allow_pickle=False)
    assert str(saved["model_sha256"]) == shipped_outputs.model_digest(), (
        "the shipped model changed: save its probabilities again with `python tests/shipped_outputs.py`")
    return saved


def assert_as_saved(saved, part):
    found = shipped_outputs.probabilities(load_model(), shipped_outputs.sample(part))
    assert found.shape == saved[part].shape
    assert np.abs(found - saved[part]).max() <= shipped_outputs.TOLERANCE


def test_the_labeled_pages_get_the_saved_probabilities(saved):
    assert_as_saved(saved, "labeled")


@needs_shared
def test_a_sample_of_the_shared_corpora_gets_the_saved_probabilities(saved):
    assert_as_saved(saved, "shared")
