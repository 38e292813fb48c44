"""One (and two) optimizer steps against the update written out by hand."""

import math
import pickle

import numpy as np
import pytest

from skdeep.nn import optimizers

P0 = np.array([0.5, -1.0, 2.0])
G1 = np.array([0.1, -0.3, 0.8])
G2 = np.array([-0.2, 0.4, 0.05])
G3 = np.array([0.3, 0.1, -0.6])
STEPS = [G1, G2, G3]
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


def test_momentum_three_steps():
    mu = 0.9
    p, _ = run(optimizers.SGD(momentum=mu, nesterov=False), STEPS)
    v1 = -LR * G1
    v2 = mu * v1 - LR * G2
    v3 = mu * v2 - LR * G3
    np.testing.assert_allclose(p, P0 + v1 + v2 + v3, rtol=1e-14)


def test_nesterov_three_steps():
    mu = 0.9
    p, _ = run(optimizers.SGD(momentum=mu, nesterov=True), STEPS)
    v1 = -LR * G1
    v2 = mu * v1 - LR * G2
    v3 = mu * v2 - LR * G3
    steps = [mu * v - LR * g for v, g in [(v1, G1), (v2, G2), (v3, G3)]]
    np.testing.assert_allclose(p, P0 + sum(steps), rtol=1e-14)


def test_adam_three_steps():
    b1, b2, eps = 0.8, 0.99, 1e-7
    p, state = run(optimizers.Adam(beta_1=b1, beta_2=b2, epsilon=eps), STEPS)
    m, v, expected = np.zeros(3), np.zeros(3), P0.copy()
    for t, g in enumerate(STEPS, start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        lr_t = LR * math.sqrt(1 - b2**t) / (1 - b1**t)
        expected = expected - lr_t * m / (np.sqrt(v) + eps)
    np.testing.assert_allclose(p, expected, rtol=1e-13)
    assert state["t"] == 3
    np.testing.assert_allclose(state["m_sum"] * (1 - b1), m, rtol=1e-13)
    np.testing.assert_allclose(state["v_sum"] * (1 - b2), v, rtol=1e-13)


def test_adagrad_three_steps():
    eps = 1e-6
    p, _ = run(optimizers.Adagrad(epsilon=eps), STEPS)
    # closed form: every step divides by the root of the running sum of squares
    s1 = G1**2
    s2 = s1 + G2**2
    s3 = s2 + G3**2
    expected = (
        P0
        - LR * G1 / (np.sqrt(s1) + eps)
        - LR * G2 / (np.sqrt(s2) + eps)
        - LR * G3 / (np.sqrt(s3) + eps)
    )
    np.testing.assert_allclose(p, expected, rtol=1e-14)


def test_rmsprop_three_steps():
    rho, eps = 0.7, 1e-6
    p, _ = run(optimizers.RMSProp(rho=rho, epsilon=eps), STEPS)
    v1 = (1 - rho) * G1**2
    v2 = rho * v1 + (1 - rho) * G2**2
    v3 = rho * v2 + (1 - rho) * G3**2
    expected = (
        P0
        - LR * G1 / (np.sqrt(v1) + eps)
        - LR * G2 / (np.sqrt(v2) + eps)
        - LR * G3 / (np.sqrt(v3) + eps)
    )
    np.testing.assert_allclose(p, expected, rtol=1e-14)


def test_adamw_three_steps_decays_kernels_only():
    b1, b2, eps, wd = 0.9, 0.999, 1e-8, 0.5
    opt = optimizers.AdamW(beta_1=b1, beta_2=b2, epsilon=eps, weight_decay=wd)
    p = P0.copy()
    state = opt.init(3, p.dtype, n_penalized=2)  # first two entries are kernels
    for g in STEPS:
        opt.step(p, g, state, LR)
    m, v, expected = np.zeros(3), np.zeros(3), P0.copy()
    decay = np.array([1 - LR * wd, 1 - LR * wd, 1.0])
    for t, g in enumerate(STEPS, start=1):
        expected = expected * decay
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        lr_t = LR * math.sqrt(1 - b2**t) / (1 - b1**t)
        expected = expected - lr_t * m / (np.sqrt(v) + eps)
    np.testing.assert_allclose(p, expected, rtol=1e-13)


@pytest.mark.parametrize(
    "opt, match",
    [
        (optimizers.SGD(momentum=1.5), "momentum"),
        (optimizers.RMSProp(rho=1.0), "rho"),
        (optimizers.Adam(beta_2=-0.1), "beta_2"),
        (optimizers.Adagrad(epsilon=0), "epsilon"),
        (optimizers.AdamW(weight_decay=-1), "weight_decay"),
    ],
)
def test_invalid_hyperparameters_are_named(opt, match):
    with pytest.raises(ValueError, match=match):
        opt.init(3, np.float64)


def test_get_set_params():
    opt = optimizers.RMSProp()
    assert opt.set_params(rho=0.5).get_params() == {"rho": 0.5, "epsilon": 1e-8}
    with pytest.raises(ValueError, match="Invalid parameter 'beta'.*rho"):
        opt.set_params(beta=0.1)


@pytest.mark.parametrize(
    "opt",
    [
        optimizers.SGD(),
        optimizers.SGD(momentum=0.0),
        optimizers.Adagrad(),
        optimizers.RMSProp(),
        optimizers.Adam(),
        optimizers.AdamW(),
    ],
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


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_adam_effective_step_is_the_applied_step(dtype):
    # the proximal L1 step reuses this per-weight step: it must be the one the
    # last update applied to the (bias-corrected) first moment
    b1, b2, eps = 0.8, 0.99, 1e-7
    opt = optimizers.Adam(beta_1=b1, beta_2=b2, epsilon=eps)
    p, state = run(opt, STEPS[:2], dtype)
    before = p.copy()
    opt.step(p, STEPS[2].astype(dtype), state, LR)
    m, v = np.zeros(3), np.zeros(3)
    for g in STEPS:
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
    lr_t = LR * math.sqrt(1 - b2**3) / (1 - b1**3)
    expected = lr_t / (np.sqrt(v) + eps)
    step = opt.effective_step(state, LR, 2)
    rtol = 1e-12 if dtype == np.float64 else 1e-5
    np.testing.assert_allclose(step, expected[:2], rtol=rtol)
    np.testing.assert_allclose(before - p, expected * m, rtol=rtol)
