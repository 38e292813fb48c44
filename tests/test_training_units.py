"""The units of the stochastic training loop, each against an independent
reference: schedules (their formulas), stopping (scikit-learn's rule in plain
Python), batching (scikit-learn's shuffling), the parameter update (SGD, clipping
and soft-thresholding written out), the divergence guard, the training config
and the epoch hooks."""

import dataclasses
import math
import re
import warnings
from types import SimpleNamespace

import numpy as np
import pytest
import scipy.optimize
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.utils import shuffle as sk_shuffle
from sklearn.utils.validation import check_is_fitted

from skdeep import MLPRegressor
from skdeep.nn import Dense, Sequential, losses, optimizers, penalties, schedules
from skdeep.nn.batching import Batch, MiniBatches
from skdeep.nn.divergence import NON_FINITE_MESSAGE, DivergenceGuard
from skdeep.nn.stopping import (
    MIN_ADAPTIVE_LEARNING_RATE,
    PLATEAU_FACTOR,
    Stopping,
)
from skdeep.nn.training import (
    EpochHooks,
    TrainingConfig,
    TrainingState,
    _IterationRecorder,
    _record_full_batch,
    fit_stochastic,
)
from skdeep.nn.update import ParameterUpdate, clip_by_global_norm

NON_FINITE = re.escape(NON_FINITE_MESSAGE)


def regression(n=48, p=3, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, p))
    return X, X @ np.arange(1.0, p + 1) + 0.1 * rng.normal(size=n)


# ------------------------------------------------------------------ schedules
def ref_invscaling(lr, lr_init, t, epoch, max_iter, power_t):
    return lr_init / (t + 1) ** power_t


def ref_cosine(lr, lr_init, t, epoch, max_iter, power_t):
    return 0.5 * lr_init * (1 + math.cos(math.pi * min(epoch, max_iter) / max_iter))


def ref_coslog4(lr, lr_init, t, epoch, max_iter, power_t):
    p = min((epoch + 0.5) / max_iter, 1.0)
    return lr_init * math.sin(math.pi * math.log2(1 + 15 * p)) ** 2


def ref_keep(lr, lr_init, t, epoch, max_iter, power_t):
    return lr


FORMULAS = {
    "constant": ref_keep,
    "adaptive": ref_keep,
    "invscaling": ref_invscaling,
    "cosine": ref_cosine,
    "coslog4": ref_coslog4,
}
PROGRESS = [
    (0, 0, 10),
    (7, 1, 10),
    (350, 5, 10),
    (1200, 10, 10),
    (1300, 13, 10),
    (99, 3, 7),
]


def test_every_registered_schedule_has_a_reference_formula():
    assert set(schedules.SCHEDULES) == set(FORMULAS)


@pytest.mark.parametrize("name", sorted(FORMULAS))
@pytest.mark.parametrize("t, epoch, max_iter", PROGRESS)
@pytest.mark.parametrize("power_t", [0.5, 0.25])
def test_schedule_follows_its_formula(name, t, epoch, max_iter, power_t):
    lr, lr_init = 0.037, 0.1
    expected = FORMULAS[name](lr, lr_init, t, epoch, max_iter, power_t)
    kw = dict(t=t, epoch=epoch, max_iter=max_iter, power_t=power_t)
    assert schedules.get(name)(lr, lr_init, **kw) == pytest.approx(expected, rel=1e-14)
    got = schedules.scheduled_learning_rate(name, lr, lr_init, **kw)
    assert got == pytest.approx(expected, rel=1e-14)


@pytest.mark.parametrize("name", sorted(FORMULAS))
def test_only_adaptive_reduces_on_plateau(name):
    assert schedules.reduces_on_plateau(name) is (name == "adaptive")


def test_unknown_schedule_lists_the_valid_names():
    with pytest.raises(ValueError, match="nope") as info:
        schedules.get("nope")
    for name in schedules.SCHEDULES:
        assert name in str(info.value)
    with pytest.raises(ValueError):
        schedules.reduces_on_plateau("nope")


def halving(lr, lr_init, *, t, epoch, max_iter, power_t):
    return lr / 2


def test_schedule_registered_at_runtime_drives_the_estimator(monkeypatch):
    monkeypatch.setitem(schedules.SCHEDULES, "halving", halving)
    X, y = regression()
    est = MLPRegressor(
        hidden_layer_sizes=(4,),
        solver="sgd",
        learning_rate="halving",
        learning_rate_init=0.01,
        max_iter=6,
        n_iter_no_change=100,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X, y)
    expected = [0.01 * 0.5**k for k in range(est.n_iter_)]
    assert est.n_iter_ == 6
    np.testing.assert_allclose(est.history_["learning_rate"], expected, rtol=1e-14)


def test_runtime_schedule_marked_for_plateaus_reduces(monkeypatch):
    def plateau_keep(lr, lr_init, *, t, epoch, max_iter, power_t):
        return lr

    plateau_keep.reduces_on_plateau = True
    monkeypatch.setitem(schedules.SCHEDULES, "plateau_keep", plateau_keep)
    assert schedules.reduces_on_plateau("plateau_keep")
    cfg = TrainingConfig(max_iter=1, schedule="plateau_keep")
    assert cfg.stopping().reduce_on_plateau


# ------------------------------------------------------------------- stopping
def ref_loss_rule(losses_, tol, n_iter_no_change):
    """scikit-learn's _update_no_improvement_count; per-epoch (count, best, stop)."""
    best, count, trace = np.inf, 0, []
    for loss in losses_:
        count = count + 1 if loss > best - tol else 0
        best = min(best, loss)
        trace.append((count, best, count > n_iter_no_change))
        if count > n_iter_no_change:
            break
    return trace


def ref_validation_rule(scores, tol, n_iter_no_change):
    best, best_epoch, count, trace = -np.inf, None, 0, []
    for epoch, score in enumerate(scores):
        count = count + 1 if score < best + tol else 0
        if score > best:
            best, best_epoch = score, epoch
        trace.append((count, best, best_epoch, count > n_iter_no_change))
        if count > n_iter_no_change:
            break
    return trace


def rules(tol, n, validation=False, plateau=False):
    return Stopping(
        tol=tol,
        n_iter_no_change=n,
        monitor_validation=validation,
        reduce_on_plateau=plateau,
    )


def drive_on_loss(stopping, losses_, lr=0.1):
    state = TrainingState(learning_rate=lr)
    stopping.start(state, None, has_validation=False)
    trace = []
    for loss in losses_:
        state.loss = loss
        stopping.observe(state, None, score=None)
        decision = stopping.decide(state)
        count, best = state.no_improvement_count, state.best_loss
        trace.append((count, best, decision.stop, state.learning_rate))
        if decision.stop:
            break
    return state, trace


LOSSES = [1.0, 0.9, 0.95, 0.89995, 0.7, 0.71, 0.70005, 0.6, 0.6, 0.65, 0.62, 0.61]


@pytest.mark.parametrize("tol, n", [(1e-3, 2), (1e-3, 1), (0.0, 2), (0.2, 1)])
def test_stopping_on_loss_matches_sklearn_rule(tol, n):
    expected = ref_loss_rule(LOSSES, tol, n)
    _, trace = drive_on_loss(rules(tol, n), LOSSES)
    assert [t[:3] for t in trace] == expected
    assert any(stop for *_, stop in expected) or len(trace) == len(LOSSES)


def test_stopping_on_validation_matches_sklearn_rule():
    scores = [0.1, 0.5, 0.49, 0.5004, 0.7, 0.69, 0.7001, 0.68, 0.3, 0.2]
    tol, n = 1e-3, 2
    expected = ref_validation_rule(scores, tol, n)
    stopping = rules(tol, n, validation=True)
    state = TrainingState(learning_rate=0.1)
    params = np.full(3, -1.0)
    stopping.start(state, params, has_validation=True)
    assert state.best_validation_score == -np.inf
    np.testing.assert_array_equal(state.best_params, params)
    for epoch, score in enumerate(scores):
        params[...] = epoch
        stopping.observe(state, params, score=score)
        count, best, best_epoch, stop = expected[epoch]
        assert state.no_improvement_count == count
        assert state.best_validation_score == best
        np.testing.assert_array_equal(state.best_params, np.full(3, best_epoch))
        assert stopping.decide(state).stop is stop
        if stop:
            break
    assert epoch + 1 == len(expected)
    assert not np.shares_memory(state.best_params, params)


def ref_plateau(losses_, tol, n, lr):
    best, count, trace = np.inf, 0, []
    for loss in losses_:
        count = count + 1 if loss > best - tol else 0
        best = min(best, loss)
        stop = False
        if count > n:
            if lr > MIN_ADAPTIVE_LEARNING_RATE:
                lr, count = lr / PLATEAU_FACTOR, 0
            else:
                stop = True
        trace.append((count, best, stop, lr))
        if stop:
            break
    return trace


def test_plateau_divides_the_rate_until_the_minimum():
    flat = [1.0] * 200
    expected = ref_plateau(flat, 1e-4, 1, 0.1)
    state, trace = drive_on_loss(rules(1e-4, 1, plateau=True), flat, lr=0.1)
    assert len(trace) == len(expected) < len(flat)
    for (c, b, s, lr), (ec, eb, es, elr) in zip(trace, expected, strict=True):
        assert (c, b, s) == (ec, eb, es)
        assert lr == pytest.approx(elr, rel=1e-12)
    assert trace[-1][2] and trace[-1][3] <= MIN_ADAPTIVE_LEARNING_RATE
    assert trace[-1][3] * PLATEAU_FACTOR > MIN_ADAPTIVE_LEARNING_RATE
    # at least one division happened: the rate went down by the factor
    assert trace[2][3] == pytest.approx(0.1 / PLATEAU_FACTOR)


def test_infinite_patience_never_stops():
    _, trace = drive_on_loss(rules(1e-4, np.inf), [1.0] * 500)
    assert len(trace) == 500 and not any(t[2] for t in trace)
    assert trace[-1][0] == 499


@pytest.mark.parametrize("validation", [True, False])
def test_finish_restores_best_params_only_with_validation(validation):
    stopping = rules(1e-4, 2, validation=validation)
    state = TrainingState(learning_rate=0.1)
    params = np.zeros(4)
    stopping.start(state, params, has_validation=validation)
    state.best_params = np.arange(4.0)
    params[...] = 7.0
    stopping.finish(state, params)
    expected = np.arange(4.0) if validation else np.full(4, 7.0)
    np.testing.assert_array_equal(params, expected)


# -------------------------------------------------------------------- config
def test_training_config_is_frozen():
    cfg = TrainingConfig(max_iter=3)
    with pytest.raises(dataclasses.FrozenInstanceError):
        cfg.max_iter = 4


@pytest.mark.parametrize(
    "schedule, early, n", [("adaptive", True, 7), ("invscaling", False, np.inf)]
)
def test_training_config_maps_to_stopping(schedule, early, n):
    cfg = TrainingConfig(
        max_iter=3,
        tol=0.25,
        n_iter_no_change=n,
        early_stopping=early,
        schedule=schedule,
    )
    expected = Stopping(
        tol=0.25,
        n_iter_no_change=n,
        monitor_validation=early,
        reduce_on_plateau=schedule == "adaptive",
    )
    assert cfg.stopping() == expected


# ------------------------------------------------------------------ batching
def row_data(n=23, f=2, seed=0):
    """X whose rows, Y whose values and weights all identify the row."""
    X = np.arange(n * f, dtype=float).reshape(n, f) + 0.5
    Y = np.arange(n, dtype=float)[:, None]
    sw = np.random.RandomState(seed).uniform(0.5, 2.0, size=n)
    return X, Y, sw


def collect(batches):
    """An epoch's batches, copied (the buffers are reused)."""
    return [
        (np.array(b.X.toarray() if sp.issparse(b.X) else b.X), b.Y.copy(),
         None if b.sample_weight is None else b.sample_weight.copy(), b.n_rows)
        for b in batches
    ]  # fmt: skip


def expected_sizes(n, b):
    return [b] * (n // b) + ([n % b] if n % b else [])


@pytest.mark.parametrize("n, b", [(23, 5), (20, 5), (7, 10)])
def test_shuffled_epochs_follow_sklearn_permutations(n, b):
    X, Y, sw = row_data(n)
    seed = 3
    batches = MiniBatches(
        X, Y, sw, min(b, n), shuffle=True, rng=np.random.RandomState(seed)
    )
    ref_rng, order = np.random.RandomState(seed), np.arange(n)
    for _ in range(3):
        order = sk_shuffle(order, random_state=ref_rng)  # scikit-learn's rule
        got = collect(batches.epoch())
        assert [g[3] for g in got] == expected_sizes(n, min(b, n))
        idx = np.concatenate([g[1][:, 0] for g in got]).astype(int)
        np.testing.assert_array_equal(idx, order)
        np.testing.assert_array_equal(np.sort(idx), np.arange(n))
        np.testing.assert_array_equal(np.concatenate([g[0] for g in got]), X[idx])
        np.testing.assert_array_equal(np.concatenate([g[2] for g in got]), sw[idx])


def test_first_epoch_is_rng_shuffle_of_arange():
    X, Y, _ = row_data(17)
    batches = MiniBatches(X, Y, None, 4, shuffle=True, rng=np.random.RandomState(5))
    perm = np.arange(17)
    np.random.RandomState(5).shuffle(perm)
    got = collect(batches.epoch())
    assert all(g[2] is None for g in got)
    np.testing.assert_array_equal(np.concatenate([g[1] for g in got])[:, 0], perm)


def test_dense_batches_reuse_one_buffer():
    X, Y, sw = row_data(23)
    batches = MiniBatches(X, Y, sw, 5, shuffle=True, rng=np.random.RandomState(0))
    epoch = list(batches.epoch())  # the Batch objects hold views of the buffer
    for first, second in zip(epoch, epoch[1:], strict=False):
        assert np.shares_memory(first.X, second.X)
        assert not np.shares_memory(first.X, X)


def test_sparse_rows_are_gathered():
    X, Y, sw = row_data(19, f=4)
    X[X % 3 < 1.5] = 0.0
    Xs = sp.csr_matrix(X)
    batches = MiniBatches(Xs, Y, sw, 6, shuffle=True, rng=np.random.RandomState(1))
    for batch in batches.epoch():
        idx = batch.Y[:, 0].astype(int)
        assert sp.issparse(batch.X)
        np.testing.assert_array_equal(batch.X.toarray(), Xs[idx].toarray())
        np.testing.assert_array_equal(batch.sample_weight, sw[idx])


def test_unshuffled_batches_are_slices_in_order():
    X, Y, sw = row_data(23)
    batches = MiniBatches(X, Y, sw, 5, shuffle=False, rng=None)
    for _ in range(2):
        starts = range(0, 23, 5)
        for start, batch in zip(starts, batches.epoch(), strict=True):
            stop = min(start + 5, 23)
            np.testing.assert_array_equal(batch.X, X[start:stop])
            np.testing.assert_array_equal(batch.Y, Y[start:stop])
            np.testing.assert_array_equal(batch.sample_weight, sw[start:stop])
            assert batch.n_rows == stop - start
            assert np.shares_memory(batch.X, X)


def test_sequence_input_is_batched():
    n, T, F = 13, 4, 3
    X = np.arange(n * T * F, dtype=float).reshape(n, T, F)
    Y = np.arange(n, dtype=float)[:, None]
    batches = MiniBatches(X, Y, None, 4, shuffle=True, rng=np.random.RandomState(2))
    got = collect(batches.epoch())
    assert [g[0].shape for g in got] == [(4, T, F)] * 3 + [(1, T, F)]
    for Xb, Yb, _, _ in got:
        np.testing.assert_array_equal(Xb, X[Yb[:, 0].astype(int)])


# -------------------------------------------------------------------- update
def tiny_network():
    return Sequential([Dense(2)]).build(3, np.random.RandomState(0))


def updater(network, optimizer=None, penalty=None, alpha=0.0, clip=None):
    optimizer = optimizer or optimizers.SGD(momentum=0.0)
    state = optimizer.init(
        network.params.size, network.params.dtype, network.n_penalized
    )
    return ParameterUpdate(network, optimizer, state, penalty, alpha, clip)


def set_grads(network, scale=1.0, seed=1):
    g = scale * np.random.RandomState(seed).normal(size=network.grads.size)
    network.grads[...] = g
    return g


def batch_of(n_rows, sample_weight=None):
    return Batch(X=None, Y=None, sample_weight=sample_weight, n_rows=n_rows)


def soft(z, threshold):
    return np.sign(z) * np.maximum(np.abs(z) - threshold, 0.0)


def test_plain_sgd_update_is_minus_lr_times_grad():
    net = tiny_network()
    before, g, lr = net.params.copy(), set_grads(net), 0.05
    updater(net).apply(lr, batch_of(4))
    np.testing.assert_allclose(net.params, before - lr * g, rtol=0, atol=1e-15)


def test_clipped_step_has_norm_lr_times_clip():
    net = tiny_network()
    before, g, lr, clip = net.params.copy(), set_grads(net, 50.0), 0.1, 0.5
    norm = np.linalg.norm(g)
    updater(net, clip=clip).apply(lr, batch_of(4))
    step = before - net.params
    np.testing.assert_allclose(step, lr * g * clip / (norm + 1e-6), rtol=1e-12)
    assert np.linalg.norm(step) == pytest.approx(lr * clip, rel=1e-6)


def test_small_gradient_is_not_clipped():
    net = tiny_network()
    before, g, lr = net.params.copy(), set_grads(net, 1e-3), 0.1
    updater(net, clip=10.0).apply(lr, batch_of(4))
    np.testing.assert_allclose(net.params, before - lr * g, rtol=0, atol=1e-15)


@pytest.mark.parametrize(
    "penalty, l1_weight", [(penalties.L1(), 1.0), (penalties.ElasticNet(0.4), 0.4)]
)
@pytest.mark.parametrize("sw", [None, np.array([0.5, 1.0, 2.0, 0.25])])
def test_l1_update_soft_thresholds_the_kernels(penalty, l1_weight, sw):
    net = tiny_network()
    k = net.n_penalized
    before, g, lr, alpha = net.params.copy(), set_grads(net), 0.2, 8.0 / l1_weight
    sw_sum = 4 if sw is None else sw.sum()
    updater(net, penalty=penalty, alpha=alpha).apply(lr, batch_of(4, sw))
    plain = before - lr * g
    threshold = lr * alpha * l1_weight / sw_sum
    np.testing.assert_allclose(net.params[:k], soft(plain[:k], threshold), atol=1e-15)
    np.testing.assert_allclose(net.params[k:], plain[k:], atol=1e-15)
    assert k == net.layers[0].kernel.size
    assert (net.params[:k] == 0).any() and (net.params[:k] != 0).any()


def test_zero_sample_weight_sum_skips_the_prox_step():
    net = tiny_network()
    before, g, lr = net.params.copy(), set_grads(net), 0.2
    upd = updater(net, penalty=penalties.L1(), alpha=2.0)
    upd.apply(lr, batch_of(4, np.zeros(4)))
    np.testing.assert_allclose(net.params, before - lr * g, atol=1e-15)


@pytest.mark.parametrize("max_norm", [0.3, 100.0])
def test_clip_by_global_norm_matches_numpy(max_norm):
    g0 = np.random.RandomState(4).normal(size=11)
    g, norm = g0.copy(), np.linalg.norm(g0)
    assert clip_by_global_norm(g, max_norm) == pytest.approx(norm, rel=1e-14)
    scale = max_norm / (norm + 1e-6) if norm > max_norm else 1.0
    np.testing.assert_allclose(g, g0 * scale, rtol=1e-14)


# --------------------------------------------------------------------- hooks
def direct_fit(max_iter=10, hooks=None, seed=0):
    X, y = regression(64, 3, seed)
    net = Sequential([Dense(4, "relu"), Dense(1)]).build(3, np.random.RandomState(0))
    state = TrainingState(learning_rate=0.01)
    config = TrainingConfig(max_iter=max_iter, batch_size=16)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        fit_stochastic(
            net, losses.SquaredError(), optimizers.Adam(), X, y[:, None], None,
            state, config, rng=np.random.RandomState(0), hooks=hooks,
        )  # fmt: skip
    return state


@pytest.mark.parametrize("stop_after", [1, 4, None])
def test_epoch_hooks_wrap_every_epoch_and_can_stop(stop_after):
    events = []

    def end():
        events.append("end")
        return events.count("end") == stop_after

    state = direct_fit(hooks=EpochHooks(lambda: events.append("begin"), end))
    n = 10 if stop_after is None else stop_after
    assert events == ["begin", "end"] * n
    assert state.n_iter == len(state.loss_curve) == len(state.history["loss"]) == n


def test_no_hooks_runs_max_iter():
    state = direct_fit(max_iter=3)
    assert state.n_iter == len(state.loss_curve) == len(state.history["loss"]) == 3


# ---------------------------------------------------------------- divergence
def curve_state(curve):
    state = TrainingState(learning_rate=0.1, loss_curve=list(curve))
    state.loss = curve[-1] if curve else None
    return state


def test_guard_detects_non_finite_loss_or_weights():
    net = tiny_network()
    guard = DivergenceGuard(net, {})
    assert not guard.diverged(0.5)
    assert guard.diverged(np.nan) and guard.diverged(np.inf)
    net.params[1] = np.nan
    assert guard.diverged(0.5)


def test_guard_restores_remembered_params_and_last_finite_loss():
    net = tiny_network()
    guard = DivergenceGuard(net, {})
    guard.remember()
    kept = net.params.copy()
    net.params[...] = np.inf
    state = curve_state([0.9, 0.4, np.nan])
    guard.restore(state)
    np.testing.assert_array_equal(net.params, kept)
    assert state.loss == 0.4
    assert len(state.loss_curve) == 3 and np.isnan(state.loss_curve[-1])


def test_guard_restores_the_optimizer_state_too():
    net = tiny_network()
    opt_state = {"velocity": np.zeros(net.params.size), "t": 0}
    guard = DivergenceGuard(net, opt_state)
    guard.remember()
    kept = net.params.copy()
    opt_state["velocity"][...] = 5.0
    opt_state["t"] = 3
    net.params[0] = np.nan
    guard.restore(curve_state([1.0, np.inf]))
    np.testing.assert_array_equal(net.params, kept)
    np.testing.assert_array_equal(opt_state["velocity"], 0.0)
    assert opt_state["t"] == 0


def test_guard_with_evaluate_keeps_the_lowest_objective():
    net = tiny_network()
    guard = DivergenceGuard(net, {}, evaluate=lambda: (np.abs(net.params).sum(), 0.5))
    net.params[...] = 1.0
    guard.remember()
    net.params[...] = 2.0
    guard.remember()
    net.params[...] = np.nan
    state = curve_state([3.0, 2.0, np.nan])
    guard.restore(state)
    np.testing.assert_array_equal(net.params, 1.0)
    assert state.loss == net.params.size * 1.0 + 0.5


@pytest.mark.parametrize("curve", [[np.nan], [np.inf, np.nan], []])
def test_guard_raises_without_a_finite_epoch(curve):
    net = tiny_network()
    guard = DivergenceGuard(net, {})
    guard.remember()
    net.params[...] = np.inf
    with pytest.raises(ValueError, match=NON_FINITE):
        guard.restore(curve_state(curve))


def overflowing_data(kind, n=40, seed=0):
    rng = np.random.RandomState(seed)
    if kind == "max":  # scikit-learn's test_nonfinite_params
        X = np.finfo(np.float64).max * rng.uniform(size=(n, 2))
    else:
        X = 1e150 * rng.normal(size=(n, 2))
    return X, rng.normal(size=n)


@pytest.mark.parametrize("kind", ["max", "1e150"])
@pytest.mark.parametrize("solver", ["sgd", "lbfgs"])
def test_first_epoch_overflow_raises_and_leaves_unfitted(kind, solver):
    X, y = overflowing_data(kind)
    # batches of 10: the update of the first batch overflows the second's loss
    est = MLPRegressor(solver=solver, learning_rate_init=1e3, max_iter=5, batch_size=10)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        with pytest.raises(ValueError, match=NON_FINITE):
            est.fit(X, y)
    with pytest.raises(NotFittedError):
        check_is_fitted(est)


def jump_after_4(lr, lr_init, *, t, epoch, max_iter, power_t):
    """A constant rate for 4 epochs, then one so large that epoch 5 overflows."""
    return 1e200 if epoch >= 4 else lr


def jumping_regressor(max_iter):
    return MLPRegressor(
        hidden_layer_sizes=(5,),
        solver="sgd",
        learning_rate="jump_after_4",
        learning_rate_init=0.01,
        alpha=0.0,
        batch_size=16,
        n_iter_no_change=1000,
        max_iter=max_iter,
        random_state=0,
    )


def weights(est):
    return [a.copy() for a in est.coefs_ + est.intercepts_]


def test_divergence_after_finite_epochs_restores_the_last_finite_epoch(
    monkeypatch,
):
    monkeypatch.setitem(schedules.SCHEDULES, "jump_after_4", jump_after_4)
    X, y = regression()
    est = jumping_regressor(max_iter=20)
    with pytest.warns(ConvergenceWarning, match="diverged in epoch 5"):
        est.fit(X, y)
    assert len(est.loss_curve_) == 5 and not np.isfinite(est.loss_curve_[-1])
    assert np.isfinite(est.loss_curve_[:4]).all()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ref = jumping_regressor(max_iter=4).fit(X, y)
    for got, expected in zip(weights(est), weights(ref), strict=True):
        np.testing.assert_array_equal(got, expected)
    # loss_ describes the restored model: half the mean squared error (alpha=0)
    restored_objective = 0.5 * np.mean((y - ref.predict(X)) ** 2)
    assert est.loss_ == pytest.approx(restored_objective, rel=1e-10)
    assert np.isfinite(est.predict(X)).all()


def test_warm_start_refit_diverging_at_once_keeps_previous_weights():
    X, y = regression()
    kw = dict(hidden_layer_sizes=(5,), activation="identity", solver="sgd")
    est = MLPRegressor(learning_rate_init=0.01, max_iter=5, random_state=0, **kw)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X, y)
    before = weights(est)
    est.set_params(warm_start=True, learning_rate_init=1e200)
    with pytest.warns(ConvergenceWarning, match="diverged"):
        est.fit(X, y)
    assert not np.isfinite(est.loss_curve_[-1])
    assert np.isfinite(est.loss_curve_[:5]).all()
    for got, expected in zip(weights(est), before, strict=True):
        np.testing.assert_array_equal(got, expected)
    check_is_fitted(est)


def fake_iterate(fun, x):
    return scipy.optimize.OptimizeResult(fun=fun, x=x)


def full_batch_setup():
    net = tiny_network()
    state = TrainingState(learning_rate=0.1)
    config = TrainingConfig(max_iter=5, warning_category=RuntimeWarning)
    return net, state, config, _IterationRecorder(max_iter=5, verbose=False)


def test_full_batch_non_finite_result_restores_last_finite_iterate():
    net, state, config, recorder = full_batch_setup()
    good = net.params + 1.0
    bad = np.full(net.params.size, np.nan)
    recorder(fake_iterate(0.7, good))
    recorder(fake_iterate(np.inf, bad))
    result = SimpleNamespace(x=bad, fun=np.nan, nit=2, status=0, message="")
    net.params[...] = result.x  # as _minimize leaves it
    with pytest.warns(RuntimeWarning, match="diverged"):
        _record_full_batch(result, recorder, net, state, config, "lbfgs")
    np.testing.assert_array_equal(net.params, good)
    assert state.loss == 0.7 and state.n_iter == 2
    assert state.loss_curve[0] == 0.7 and np.isinf(state.loss_curve[1])


def test_full_batch_without_finite_iterate_raises():
    net, state, config, recorder = full_batch_setup()
    bad = np.full(net.params.size, np.nan)
    recorder(fake_iterate(np.nan, bad))
    result = scipy.optimize.OptimizeResult(x=bad, fun=np.nan, nit=1, status=0)
    net.params[...] = bad
    with pytest.raises(ValueError, match=NON_FINITE):
        _record_full_batch(result, recorder, net, state, config, "lbfgs")
