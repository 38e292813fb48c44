"""BLAS thread choice: the tuner's decisions on a scripted clock, and fits that
use it against one-thread fits."""

import contextlib
import functools
import threading
import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import OpenBLASController, threadpool_info, threadpool_limits

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


def test_a_refused_change_drops_the_probe_until_the_count_is_free():
    machine = ScriptedMachine({1: 1.0, 2: 0.5})
    machine.shared, refused = False, []

    def set_threads(n):
        if machine.shared:  # another fit shares the count
            refused.append(n)
            return False
        machine.set_threads(n)

    tuner = BlasThreadTuner(2, set_threads, clock=machine.clock, probe_batches=2)
    assert machine.run(tuner, 2) == [1, 2]  # half a probe
    machine.shared = True
    assert machine.run(tuner, 4) == [2, 2, 2, 2]  # the probe is dropped
    assert machine.run(tuner, 4) == [2, 2, 2, 2]  # a new one is refused at once
    assert refused == [1, 1] and tuner.decisions == []
    machine.shared = False
    assert machine.run(tuner, 5) == [1, 2, 1, 2, 2]  # probes again, in full
    assert tuner.decisions == [2]


class Shapes:
    """The part of a network :func:`threads.blas_threads` reads."""

    def __init__(self, kernel_shapes, dtype=np.float64):
        self.shapes = list(kernel_shapes)
        self.dtype = np.dtype(dtype)

    def kernel_shapes(self):
        return self.shapes


SMALL = Shapes([(8, 8)])  # one BLAS thread, no tuner
TUNED = Shapes([(512, 512)])  # a tuner, where the products are thread-invariant


class FakeLibrary:
    """A BLAS library whose thread count lives in ``store``."""

    internal_api = "openblas"

    def __init__(self, store, threading_layer="pthreads", settable=True):
        self.store = store
        self.threading_layer = threading_layer
        self.settable = settable

    @property
    def num_threads(self):
        return self.store.n

    def set_num_threads(self, n):
        if self.settable:
            self.store.n = n


class FakeController:
    """The part of threadpoolctl's controller the module uses."""

    def __init__(self, libraries):
        self.lib_controllers = libraries

    @contextlib.contextmanager
    def limit(self, limits=None):
        saved = [lib.num_threads for lib in self.lib_controllers]
        for lib in self.lib_controllers:
            if limits is not None:
                lib.set_num_threads(limits)
        try:
            yield
        finally:
            for lib, n in zip(self.lib_controllers, saved, strict=True):
                lib.set_num_threads(n)


class ProcessCount:
    n = 2


class ThreadCount(threading.local):
    n = 2


def release_openblas():
    """Let any thread set OpenBLAS' count (threadpoolctl 3.8 and later give it
    to one thread at a time)."""
    clear = getattr(OpenBLASController, "clear_controlling_thread", None)
    if clear is not None:
        clear(force=True)


@contextlib.contextmanager
def two_free_threads():
    """The BLAS at two threads, that no thread holds (threadpoolctl 3.8 and
    later let one thread at a time set OpenBLAS' count); restored after."""
    saved = threadpool_info()
    threadpool_limits(2, user_api="blas")
    release_openblas()
    try:
        if set(blas_threads()) != {2}:
            pytest.skip("needs a BLAS with two threads")
        yield
    finally:
        threadpool_limits(saved)
        release_openblas()


@pytest.fixture(params=["threadpoolctl", "any thread sets"])
def counts(request, monkeypatch):
    """Read the BLAS thread counts: threadpoolctl's, where only one thread at a
    time may set them (3.8 and later), or a process-wide count any thread sets
    (earlier versions; MKL)."""
    if request.param == "any thread sets":
        store = ProcessCount()
        fake = FakeController([FakeLibrary(store), FakeLibrary(store)])
        monkeypatch.setattr(threads, "blas_controller", lambda: fake)
        yield lambda: [lib.num_threads for lib in fake.lib_controllers]
        return
    with two_free_threads():
        yield blas_threads


def run_in_threads(*targets, timeout=60):
    """Run each target in its own thread; re-raise the first failure."""
    errors = []

    def guarded(target):
        try:
            target()
        except BaseException as error:  # re-raised below
            errors.append(error)

    workers = [threading.Thread(target=guarded, args=(t,)) for t in targets]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout)
    assert not any(worker.is_alive() for worker in workers)
    if errors:
        raise errors[0]


def test_overlapping_fits_restore_the_callers_threads(counts):
    # each fit enters after the previous one and leaves before the next: the
    # first saved the caller's count, the others found the first one's setting
    n = 4
    entered = [threading.Event() for _ in range(n)]
    left = [threading.Event() for _ in range(n)]
    all_inside = threading.Barrier(n, timeout=10)
    inside = []

    def fit(i):
        if i:
            assert entered[i - 1].wait(10)
        with threads.blas_threads(SMALL, rows=16, stochastic=False):
            entered[i].set()
            all_inside.wait()
            if i:
                assert left[i - 1].wait(10)
            inside.append(set(counts()))
        left[i].set()

    before = counts()
    run_in_threads(*(functools.partial(fit, i) for i in range(n)))
    assert counts() == before
    assert inside == [{1}] * n


def test_a_tuner_does_not_change_threads_under_another_fit(counts, monkeypatch):
    monkeypatch.setattr(threads, "tunable", lambda *args: True)
    tuned_inside, small_inside = threading.Event(), threading.Event()
    probed, small_left = threading.Event(), threading.Event()
    seen, alone = [], []

    def tuned_fit():
        with threads.blas_threads(TUNED, rows=64, stochastic=True) as tuner:
            tuner.new_epoch()  # one thread
            tuned_inside.set()
            assert small_inside.wait(10)
            for _ in range(4):  # a probe: one thread, then two, alternately
                tuner.new_epoch()
                tuner.batch_begin()
                tuner.batch_end()
            probed.set()
            assert small_left.wait(10)
            tuner.new_epoch()  # alone again: the tuner sets the count
            for _ in range(2):
                tuner.batch_begin()
                alone.append(set(counts()))
                tuner.batch_end()

    def small_fit():
        assert tuned_inside.wait(10)
        with threads.blas_threads(SMALL, rows=16, stochastic=False) as tuner:
            assert tuner is None
            small_inside.set()
            seen.append(set(counts()))
            assert probed.wait(10)
            seen.append(set(counts()))
        small_left.set()

    before = counts()
    run_in_threads(tuned_fit, small_fit)
    assert counts() == before
    assert seen == [{1}, {1}]
    assert alone == [{1}, {2}]


@pytest.mark.parametrize("error", [ValueError, KeyboardInterrupt])
@pytest.mark.parametrize("network", [SMALL, TUNED], ids=["small", "tuned"])
def test_an_error_inside_restores_threads(counts, monkeypatch, error, network):
    monkeypatch.setattr(threads, "tunable", lambda *args: True)
    before = counts()
    with pytest.raises(error):
        with threads.blas_threads(network, rows=64, stochastic=True) as tuner:
            if tuner is not None:
                tuner.new_epoch()
            assert set(counts()) == {1}
            raise error
    assert counts() == before


def test_an_error_in_a_fit_among_others_restores_threads_at_the_end(counts):
    failing_inside, failed = threading.Event(), threading.Event()

    def failing_fit():
        with pytest.raises(KeyboardInterrupt):
            with threads.blas_threads(SMALL, rows=16, stochastic=False):
                failing_inside.set()
                raise KeyboardInterrupt
        failed.set()

    def other_fit():
        assert failing_inside.wait(10)
        with threads.blas_threads(SMALL, rows=16, stochastic=False):
            assert failed.wait(10)
            assert set(counts()) == {1}

    before = counts()
    run_in_threads(failing_fit, other_fit)
    assert counts() == before


def test_an_error_while_entering_restores_threads(counts, monkeypatch):
    def interrupted_check(*args):
        threads.set_blas_threads(1)
        raise KeyboardInterrupt

    monkeypatch.setattr(threads, "tunable", interrupted_check)
    before = counts()
    with pytest.raises(KeyboardInterrupt):
        with threads.blas_threads(TUNED, rows=64, stochastic=True):
            pass  # pragma: no cover
    assert counts() == before
    # the failed entry left no fit inside: a tuner sets the count again
    monkeypatch.setattr(threads, "tunable", lambda *args: True)
    with threads.blas_threads(TUNED, rows=64, stochastic=True) as tuner:
        tuner.new_epoch()
        assert set(counts()) == {1}
    assert counts() == before


def test_threads_with_their_own_counts_set_them_each(monkeypatch):
    # an OpenBLAS built on OpenMP: each thread's fits set that thread's count
    store = ThreadCount()
    fake = FakeController([FakeLibrary(store, "openmp")] * 2)
    monkeypatch.setattr(threads, "blas_controller", lambda: fake)
    both_inside = threading.Barrier(2, timeout=10)
    seen = []

    def fit():
        with threads.blas_threads(SMALL, rows=16, stochastic=False):
            both_inside.wait()
            seen.append(store.n)
            both_inside.wait()
        seen.append(store.n)

    run_in_threads(fit, fit)
    assert seen == [1, 1, 2, 2]


def test_a_check_whose_counts_cannot_be_set_fails_and_is_not_kept(monkeypatch):
    # threadpoolctl 3.8 and later ignore a thread whose count another holds
    fresh = functools.lru_cache(maxsize=64)(threads._thread_invariant.__wrapped__)
    monkeypatch.setattr(threads, "_thread_invariant", fresh)
    store = ProcessCount()
    library = FakeLibrary(store, settable=False)
    monkeypatch.setattr(threads, "blas_controller", lambda: FakeController([library]))
    args = (((3, 5),), (7,), "<f8", 2)
    assert not threads.tunable(*args)
    library.settable = True
    assert threads.tunable(*args)  # the real BLAS: products this small agree
    library.settable = False
    assert threads.tunable(*args)  # kept
    assert store.n == 1


def test_concurrent_fits_equal_sequential_fits_and_restore_threads():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(200, 10))
    y = X[:, 0] - X[:, 1]
    params = dict(hidden_layer_sizes=(16,), batch_size=32, max_iter=4)
    seeds = range(6)
    start = threading.Barrier(len(seeds), timeout=10)
    concurrent = {}

    def fit(seed):
        start.wait()
        for _ in range(3):
            concurrent[seed] = MLPRegressor(**params, random_state=seed).fit(X, y)

    with two_free_threads(), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        run_in_threads(*(functools.partial(fit, s) for s in seeds))
        assert set(blas_threads()) == {2}
        for seed in seeds:
            alone = MLPRegressor(**params, random_state=seed).fit(X, y)
            np.testing.assert_array_equal(
                concurrent[seed].loss_curve_, alone.loss_curve_
            )
