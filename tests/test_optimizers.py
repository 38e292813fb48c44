"""One (and two) optimizer steps against the update written out by hand."""

import math
import pickle

import numpy as np
import pytest

from skdeep.nn import optimizers

P0 = np.array([0.5, -1.0, 2.0])
G1 = np.array([0.1, -0.3, 0.8])
G2 = np.array([-0.2, 0.4, 0.05])
LR = 0.1


def run(opt, grads, dtype=np.float64):
    p = P0.astype(dtype)
    state = opt.init(p.size, p.dtype)
    for g in grads:
        opt.step(p, g.astype(dtype), state, LR)
    return p, state


def test_plain_sgd_step():
    p, _ = run(optimizers.SGD(momentum=0.0), [G1])
    np.testing.assert_allclose(p, [0.5 - 0.01, -1.0 + 0.03, 2.0 - 0.08])


def test_momentum_two_steps():
    mu = 0.9
    p, _ = run(optimizers.SGD(momentum=mu, nesterov=False), [G1, G2])
    v1 = -LR * G1
    v2 = mu * v1 - LR * G2
    np.testing.assert_allclose(p, P0 + v1 + v2, rtol=1e-14)


def test_nesterov_two_steps():
    mu = 0.9
    p, _ = run(optimizers.SGD(momentum=mu, nesterov=True), [G1, G2])
    v1 = -LR * G1
    step1 = mu * v1 - LR * G1
    v2 = mu * v1 - LR * G2
    step2 = mu * v2 - LR * G2
    np.testing.assert_allclose(p, P0 + step1 + step2, rtol=1e-14)


def test_adam_two_steps():
    b1, b2, eps = 0.8, 0.99, 1e-7
    p, state = run(optimizers.Adam(beta_1=b1, beta_2=b2, epsilon=eps), [G1, G2])
    m, v, expected = np.zeros(3), np.zeros(3), P0.copy()
    for t, g in enumerate([G1, G2], start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        lr_t = LR * math.sqrt(1 - b2**t) / (1 - b1**t)
        expected = expected - lr_t * m / (np.sqrt(v) + eps)
    np.testing.assert_allclose(p, expected, rtol=1e-13)
    assert state["t"] == 2
    np.testing.assert_allclose(state["m"], m)


@pytest.mark.parametrize(
    "opt", [optimizers.SGD(), optimizers.SGD(momentum=0.0), optimizers.Adam()]
)
def test_float32_state_and_params(opt):
    p, state = run(opt, [G1, G2], dtype=np.float32)
    assert p.dtype == np.float32
    assert all(a.dtype == np.float32 for a in state.values() if hasattr(a, "dtype"))


def test_optimizers_pickle_and_compare():
    opt = optimizers.Adam(beta_1=0.5)
    assert pickle.loads(pickle.dumps(opt)) == opt
    assert opt != optimizers.Adam()
    assert repr(opt) == "Adam(beta_1=0.5, beta_2=0.999, epsilon=1e-08)"


def test_unknown_optimizer_lists_valid_names():
    with pytest.raises(ValueError, match="Unknown optimizer 'foo'.*adam"):
        optimizers.get("foo")
