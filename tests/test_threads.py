"""BLAS thread choice: the tuner's decisions on a scripted clock, and fits that
use it against one-thread fits."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_info, threadpool_limits

import skdeep.nn.threads as threads
from skdeep import MLPRegressor, SimpleRNN
from skdeep.nn.optimizers import Adam
from skdeep.nn.threads import BlasThreadTuner, same_products_across_threads


class ScriptedMachine:
    """A clock whose batches take ``seconds[threads]``; records thread changes."""

    def __init__(self, seconds):
        self.seconds = dict(seconds)
        self.now = 0.0
        self.threads = None
        self.applied = []

    def set_threads(self, n):
        self.threads = n
        self.applied.append(n)

    def clock(self):
        return self.now

    def run(self, tuner, n_batches):
        """One epoch of ``n_batches`` full batches; returns the threads used."""
        tuner.new_epoch()
        used = []
        for _ in range(n_batches):
            tuner.batch_begin()
            used.append(self.threads)
            self.now += self.seconds[self.threads]
            tuner.batch_end()
        return used


def make(machine, **kwargs):
    return BlasThreadTuner(2, machine.set_threads, clock=machine.clock, **kwargs)


def test_probe_alternates_then_keeps_the_faster_setting():
    machine = ScriptedMachine({1: 1.0, 2: 0.6})
    tuner = make(machine, probe_batches=3)
    used = machine.run(tuner, 10)
    assert used == [1, 2, 1, 2, 1, 2, 2, 2, 2, 2]
    assert tuner.threads == 2 and tuner.decisions == [2]


def test_more_threads_must_win_by_min_gain():
    machine = ScriptedMachine({1: 1.0, 2: 0.97})
    tuner = make(machine, probe_batches=2, min_gain=0.05)
    assert machine.run(tuner, 6)[-2:] == [1, 1]
    assert tuner.decisions == [1]


def test_probes_come_less_often_while_the_choice_holds():
    machine = ScriptedMachine({1: 1.0, 2: 1.2})  # more threads: a little slower
    tuner = make(machine, probe_batches=1, max_interval=4)
    probing = [len(set(machine.run(tuner, 4))) > 1 for _ in range(12)]
    # probes after 1, 2, 4, 4, ... epochs
    assert probing == [True, True, False, True, False, False, False, True,
                       False, False, False, True]  # fmt: skip
    assert set(tuner.decisions) == {1}


def test_one_clearly_slower_probe_batch_ends_the_probe():
    machine = ScriptedMachine({1: 1.0, 2: 20.0})  # another process holds a core
    tuner = make(machine, probe_batches=3, slowdown=1.5)
    assert machine.run(tuner, 6) == [1, 2, 1, 1, 1, 1]
    assert tuner.decisions == [1]


def test_probes_wait_four_times_longer_after_a_clearly_slower_batch():
    machine = ScriptedMachine({1: 1.0, 2: 20.0})
    tuner = make(machine, probe_batches=2, max_interval=8)
    probing = [2 in machine.run(tuner, 4) for _ in range(14)]
    # probes after 4, then 8 (the cap) epochs
    assert probing == [True, False, False, False, True] + [False] * 7 + [True, False]
    assert set(tuner.decisions) == {1}


def test_falls_back_to_one_thread_when_batches_slow_down():
    machine = ScriptedMachine({1: 1.0, 2: 0.5})
    tuner = make(machine, probe_batches=1)
    for _ in range(4):  # probes in epochs 1, 2 and 4: the next is in epoch 8
        machine.run(tuner, 4)
    assert tuner.threads == 2 and tuner.decisions == [2, 2, 2]
    machine.seconds[2] = 4.0  # another process takes a core
    # two slow batches in a row, then one thread for the rest of the epoch
    assert machine.run(tuner, 5) == [2, 2, 1, 1, 1]
    assert tuner.decisions == [2, 2, 2, 1]
    assert machine.run(tuner, 3) == [1, 2, 1]  # the next epoch probes again


def test_a_probe_longer_than_an_epoch_continues_in_the_next():
    machine = ScriptedMachine({1: 1.0, 2: 0.5})
    tuner = make(machine, probe_batches=3)
    assert machine.run(tuner, 2) == [1, 2]
    assert tuner.decisions == []
    assert machine.run(tuner, 6) == [1, 2, 1, 2, 2, 2]
    assert tuner.decisions == [2]


def record_tuners(monkeypatch, probe_batches):
    """Make fits build tuners with ``probe_batches``; return the list they join."""
    created = []

    class Recording(BlasThreadTuner):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, probe_batches=probe_batches, **kwargs)
            created.append(self)

    monkeypatch.setattr(threads, "BlasThreadTuner", Recording)
    return created


def test_same_products_when_thread_count_does_not_matter():
    calls = []
    assert same_products_across_threads(
        [(5, 3), (3, 1)], 7, np.float32, calls.append, 4
    )
    assert calls[-1] == 1 and set(calls) == {1, 4}


def test_same_products_checks_every_row_count():
    calls = []
    shapes = [(5, 3), (3, 1)]
    assert same_products_across_threads(shapes, (7, 70), np.float64, calls.append, 2)
    assert len(calls) == 2 * len(shapes) * 2  # both thread counts, per shape and rows


def test_recurrent_fit_checks_products_over_whole_sequences(monkeypatch):
    # a recurrent layer multiplies batch x time steps rows by its input kernel
    # and sums its kernel gradients over them: the check covers that length
    seen = []

    def recording(shapes, rows, dtype, max_threads):
        seen.append(rows)
        return False

    monkeypatch.setattr(threads, "tunable", recording)
    rng = np.random.RandomState(0)
    X = rng.normal(size=(128, 12, 8))
    y = X[:, -1, 0]
    rnn = SimpleRNN(hidden_layer_sizes=(64,), batch_size=64, max_iter=1)
    with threadpool_limits(2, user_api="blas"), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        rnn.fit(X, y)
    assert seen == [(64, 64 * 12)]


def test_tuned_recurrent_fit_equals_one_thread_fit(monkeypatch):
    created = record_tuners(monkeypatch, probe_batches=1)
    rng = np.random.RandomState(0)
    X = rng.normal(size=(256, 10, 8))
    y = np.tanh(X[:, -3:, 0].sum(axis=1))
    params = dict(hidden_layer_sizes=(64,), batch_size=64, max_iter=3, random_state=0)
    with threadpool_limits(2, user_api="blas"), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        tuned = SimpleRNN(**params).fit(X, y)
    with threadpool_limits(1, user_api="blas"), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        single = SimpleRNN(**params).fit(X, y)
    shapes = ((8, 64), (64, 1), (64, 64))
    assert bool(created) == threads.tunable(shapes, (64, 640), "<f8", 2)
    if created:
        assert sum(len(t.decisions) for t in created) >= 1
        np.testing.assert_array_equal(tuned.predict(X), single.predict(X))
        np.testing.assert_array_equal(tuned.loss_curve_, single.loss_curve_)


def blas_threads():
    return [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_tuned_fit_equals_one_thread_fit_and_restores_threads(monkeypatch, dtype):
    created = record_tuners(monkeypatch, probe_batches=2)
    rng = np.random.RandomState(0)
    X = rng.normal(size=(900, 64)).astype(dtype)
    y = np.sin(X[:, :3].sum(axis=1))
    params = dict(hidden_layer_sizes=(256,), max_iter=3, tol=0, random_state=0)
    before = blas_threads()
    with threadpool_limits(2, user_api="blas"):
        tuned = MLPRegressor(**params).fit(X, y)
        inside = blas_threads()
    assert blas_threads() == before
    with threadpool_limits(1, user_api="blas"):
        single = MLPRegressor(**params).fit(X, y)
    shapes = ((64, 256), (256, 1))
    # a tuner runs exactly where the BLAS was found thread-invariant
    assert bool(created) == threads.tunable(shapes, 200, np.dtype(dtype).str, 2)
    assert set(inside) == {2}
    if created:
        assert sum(len(t.decisions) for t in created) >= 1
        np.testing.assert_array_equal(tuned.predict(X), single.predict(X))
        np.testing.assert_array_equal(tuned.loss_curve_, single.loss_curve_)


class ThreadRecordingAdam(Adam):
    """Records the BLAS thread count at every step (a live threadpoolctl read)."""

    def __init__(self, seen=None):
        super().__init__()
        self.seen = seen

    def step(self, params, grads, state, lr):
        libraries = threads.blas_controller().lib_controllers
        self.seen.append(max(lib.num_threads for lib in libraries))
        super().step(params, grads, state, lr)


@pytest.mark.parametrize(
    "hidden, expected",
    [((64,), {1}), ((256, 256), {2})],
    ids=["below 2^24: one thread", "from 2^24: the caller's"],
)
def test_untuned_products_use_one_thread_below_the_limit(monkeypatch, hidden, expected):
    # products the BLAS does not compute identically at every thread count
    monkeypatch.setattr(threads, "tunable", lambda *args: False)
    seen = []
    rng = np.random.RandomState(0)
    X = rng.normal(size=(512, 64))
    y = rng.normal(size=512)
    est = MLPRegressor(
        hidden_layer_sizes=hidden,
        batch_size=256,
        max_iter=1,
        solver=ThreadRecordingAdam(seen),
        random_state=0,
    )
    assert 256 * 256 * 256 == threads.SINGLE_THREAD_MAX_WORK
    with threadpool_limits(2, user_api="blas"), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X, y)
    assert set(seen) == expected
