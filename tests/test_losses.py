"""Losses: values against scikit-learn's metrics, gradients against central
differences, links numerically stable."""

import numpy as np
import pytest
from sklearn.metrics import log_loss, mean_poisson_deviance, mean_squared_error

from skdeep.nn import losses
from skdeep.utils import check_gradient

rng = np.random.RandomState(0)
N, K = 7, 3
RAW = rng.normal(size=(N, K))
SW = rng.uniform(0.2, 2.0, size=N)


def targets(name, k=K):
    if name in ("squared_error", "absolute_error", "huber"):
        return rng.normal(size=(N, k))
    if name == "poisson":
        return rng.poisson(2.0, size=(N, k)).astype(float)
    if name == "binary_log_loss":
        return (rng.uniform(size=(N, k)) > 0.5).astype(float)
    return np.eye(k)[rng.randint(0, k, size=N)]


@pytest.mark.parametrize("name", sorted(losses.LOSSES))
@pytest.mark.parametrize("sample_weight", [None, SW])
def test_gradient_matches_central_differences(name, sample_weight):
    loss = losses.get(name)
    y = targets(name)
    raw = RAW.copy()
    _, grad = loss.loss_gradient(y, raw.copy(), sample_weight)
    check_gradient(lambda r: loss(y, r, sample_weight), grad, raw)


@pytest.mark.parametrize("sample_weight", [None, SW])
def test_squared_error_value(sample_weight):
    y = targets("squared_error", 1)
    value = losses.SquaredError()(y, RAW[:, :1], sample_weight)
    expected = 0.5 * mean_squared_error(y, RAW[:, :1], sample_weight=sample_weight)
    assert value == pytest.approx(expected, rel=1e-12)


def test_squared_error_sums_over_outputs():
    y = targets("squared_error")
    per_output = [losses.SquaredError()(y[:, [k]], RAW[:, [k]]) for k in range(K)]
    assert losses.SquaredError()(y, RAW) == pytest.approx(sum(per_output))


@pytest.mark.parametrize("sample_weight", [None, SW])
def test_poisson_value_is_half_deviance(sample_weight):
    y = targets("poisson", 1)
    value = losses.Poisson()(y, RAW[:, :1], sample_weight)
    expected = 0.5 * mean_poisson_deviance(
        y.ravel(), np.exp(RAW[:, 0]), sample_weight=sample_weight
    )
    assert value == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("sample_weight", [None, SW])
def test_multiclass_log_loss_value(sample_weight):
    y = targets("log_loss")
    proba = np.exp(RAW) / np.exp(RAW).sum(axis=1, keepdims=True)
    expected = log_loss(
        y.argmax(1), proba, sample_weight=sample_weight, labels=[0, 1, 2]
    )
    value = losses.MulticlassLogLoss()(y, RAW, sample_weight)
    assert value == pytest.approx(expected, rel=1e-10)


@pytest.mark.parametrize("sample_weight", [None, SW])
def test_binary_log_loss_value(sample_weight):
    y = targets("binary_log_loss", 1)
    p = 1 / (1 + np.exp(-RAW[:, 0]))
    expected = log_loss(y.ravel(), p, sample_weight=sample_weight)
    value = losses.BinaryLogLoss()(y, RAW[:, :1], sample_weight)
    assert value == pytest.approx(expected, rel=1e-10)


def test_gradient_is_link_minus_target():
    y = targets("log_loss")
    loss = losses.MulticlassLogLoss()
    _, grad = loss.loss_gradient(y, RAW.copy())
    np.testing.assert_allclose(grad * N, loss.link(RAW.copy()) - y, rtol=1e-12)


@pytest.mark.parametrize("name", sorted(losses.LOSSES))
def test_gradient_may_overwrite_raw(name):
    loss = losses.get(name)
    y = targets(name)
    expected_value, expected = loss.loss_gradient(y, RAW.copy())
    raw = RAW.copy()
    value, grad = loss.loss_gradient(y, raw, out=raw)
    assert grad is raw
    assert value == pytest.approx(expected_value)
    np.testing.assert_allclose(grad, expected)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_log_losses_stable_for_huge_raw_outputs(dtype):
    raw = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 3.0]], dtype=dtype)
    y = np.eye(3, dtype=dtype)[[0, 2]]
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        value, grad = losses.MulticlassLogLoss().loss_gradient(y, raw.copy())
        proba = losses.MulticlassLogLoss().link(raw.copy())
        bvalue, bgrad = losses.BinaryLogLoss().loss_gradient(y, raw.copy())
    # the second sample puts all mass on class 1 while the truth is class 2
    assert value == pytest.approx((1e4 - 3.0) / 2, rel=1e-6)
    assert np.isfinite([value, bvalue]).all()
    assert np.isfinite(grad).all() and np.isfinite(bgrad).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
    assert grad.dtype == dtype and proba.dtype == dtype


def test_unknown_loss_lists_valid_names():
    with pytest.raises(ValueError, match="Unknown loss 'hinge'.*squared_error"):
        losses.get("hinge")


@pytest.mark.parametrize("delta", [0.5, 1.0, 2.0])
def test_huber_value_by_hand(delta):
    r = RAW[:, 0] - 0.3
    expected = np.where(
        np.abs(r) <= delta, 0.5 * r**2, delta * (np.abs(r) - 0.5 * delta)
    )
    value = losses.Huber(delta)(np.full((N, 1), 0.3), RAW[:, :1])
    assert value == pytest.approx(expected.mean())


def test_absolute_error_value():
    y = targets("squared_error")
    assert losses.AbsoluteError()(y, RAW) == pytest.approx(
        np.abs(RAW - y).sum(1).mean()
    )


def test_huber_is_squared_error_for_small_residuals():
    y = RAW + 0.01
    assert losses.Huber(1.0)(y, RAW) == pytest.approx(losses.SquaredError()(y, RAW))
