"""Penalties: values, gradients (central differences), proximal steps."""

import numpy as np
import pytest

from skdeep.nn import penalties
from skdeep.utils import check_gradient

W = np.array([0.8, -0.3, 0.05, -1.2, 0.0])


@pytest.mark.parametrize(
    "penalty, expected",
    [
        (penalties.L2(), 0.5 * (W @ W)),
        (penalties.L1(), np.abs(W).sum()),
        (penalties.ElasticNet(0.3), 0.3 * np.abs(W).sum() + 0.35 * (W @ W)),
    ],
)
def test_values(penalty, expected):
    assert penalty.value(W) == pytest.approx(expected)


@pytest.mark.parametrize("penalty", [penalties.L2(), penalties.ElasticNet(0.0)])
def test_smooth_gradient_matches_central_differences(penalty):
    w = W.copy()
    grad = np.zeros_like(w)
    penalty.add_gradient(w, 2.5, grad)
    check_gradient(lambda v: 2.5 * penalty.value(v), grad, w)


def test_elastic_net_gradient_is_its_l2_part():
    grad = np.zeros_like(W)
    penalties.ElasticNet(0.3).add_gradient(W, 2.0, grad)
    np.testing.assert_allclose(grad, 2.0 * 0.7 * W)


def test_soft_threshold_by_hand():
    w = W.copy()
    penalties.L1().prox(w, 0.1)
    np.testing.assert_allclose(w, [0.7, -0.2, 0.0, -1.1, 0.0])
    assert (w == 0).sum() == 2  # exact zeros


def test_prox_minimizes_its_objective():
    # prox_t(v) = argmin_w 0.5 ||w - v||^2 + t * l1_ratio * ||w||_1, checked by
    # comparing with a fine grid, coordinate by coordinate
    t, ratio = 0.2, 0.6
    w = W.copy()
    penalties.ElasticNet(ratio).prox(w, t)
    grid = np.linspace(-2, 2, 400001)
    for wi, vi in zip(w, W, strict=True):
        objective = 0.5 * (grid - vi) ** 2 + t * ratio * np.abs(grid)
        assert wi == pytest.approx(grid[objective.argmin()], abs=2e-5)


def test_smooth_flags():
    assert penalties.L2().smooth and penalties.ElasticNet(0.0).smooth
    assert not penalties.L1().smooth and not penalties.ElasticNet(0.5).smooth


def test_invalid_l1_ratio_and_name():
    with pytest.raises(ValueError, match="l1_ratio"):
        penalties.ElasticNet(1.5).validate()
    with pytest.raises(ValueError, match="Unknown penalty 'l3'.*elasticnet"):
        penalties.get("l3")
