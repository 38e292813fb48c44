"""The validation scores agree with scikit-learn's metrics."""

import numpy as np
import pytest
from sklearn.metrics import accuracy_score, r2_score

from skdeep._metrics import accuracy, r2

rng = np.random.RandomState(0)


@pytest.mark.parametrize("n_outputs", [1, 3])
@pytest.mark.parametrize("weighted", [False, True])
def test_r2_equals_sklearn(n_outputs, weighted):
    y = rng.normal(size=(30, n_outputs))
    pred = y + rng.normal(scale=0.5, size=y.shape)
    sw = rng.uniform(0.1, 2, size=30) if weighted else None
    expected = r2_score(y.squeeze(), pred.squeeze(), sample_weight=sw)
    assert r2(y, pred, sw) == pytest.approx(expected, rel=1e-12)


def test_r2_constant_targets_like_sklearn():
    y = np.c_[np.ones(10), np.arange(10.0)]
    for pred in (y.copy(), y + 0.1):
        assert r2(y, pred) == pytest.approx(r2_score(y, pred))


@pytest.mark.parametrize("weighted", [False, True])
def test_accuracy_equals_sklearn(weighted):
    y = rng.randint(0, 3, size=40)
    pred = np.where(rng.uniform(size=40) < 0.7, y, (y + 1) % 3)
    sw = rng.uniform(0.1, 2, size=40) if weighted else None
    assert accuracy(y, pred, sw) == pytest.approx(
        accuracy_score(y, pred, sample_weight=sw)
    )
    Y = rng.randint(0, 2, size=(40, 3))
    P = np.where(rng.uniform(size=(40, 3)) < 0.8, Y, 1 - Y)
    assert accuracy(Y, P, sw) == pytest.approx(accuracy_score(Y, P, sample_weight=sw))
