"""The BLAS thread policy of training, and the tuner that times real batches.

:func:`blas_threads` sets the thread count a training call runs with, from
the sizes of its matrix products: small products run on one thread, large
ones on the caller's count, and mini-batch training whose products are
thread-invariant lets a :class:`BlasThreadTuner` choose as it goes.

A mini-batch's matrix products are small: a second BLAS thread makes them
about 1.5x faster on an idle machine, but 3x to 30x slower when another process
holds a core, because the two threads must meet after every product. Which case
applies depends on the machine at that moment, so :class:`BlasThreadTuner`
measures it: every so often it runs a few training batches with one thread and
a few with all of them, alternately, keeps the faster setting, and falls back to
one thread as soon as the batches with more threads slow down. The probes are
ordinary training batches, so probing costs no extra work.

Timing must never change a result, so the tuner is only for products the BLAS
computes bit for bit the same with one thread and with more:
:func:`same_products_across_threads` checks that for a network's own shapes
(OpenBLAS' float64 products pass; its float32 products and other BLAS
libraries may not, and then training keeps a fixed thread count).

Fits may run in several Python threads at once, while the BLAS thread count
is one for the whole process. The first fit to enter :func:`blas_threads`
saves the count and sets its own; a fit that enters while others are inside
keeps the count it finds and gets no tuner; the last fit to leave, in whatever
order they leave, restores the saved count, also when it leaves by an
exception. A tuner changes the count only while its fit is alone: while
another fit is inside, a change is refused, the tuner drops the probe under
way and probes again at a later epoch. A fit that shares the count can thus
run with another fit's count; tuned products are the same at any count, and
fits whose products are not get their own results when all choose the same
count. An OpenBLAS built on OpenMP keeps one count per thread: there only the
fits of one thread share a count.

threadpoolctl 3.8 and later let one thread at a time set the count of an
OpenBLAS without OpenMP (the last to set it, until a ``limit`` block of that
thread ends), and ignore the others: a fit gives that hold up when it leaves,
and a thread-invariance check whose counts could not be set counts as failed
and is made again by a later fit.
"""

from __future__ import annotations

import functools
import itertools
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from statistics import median

import numpy as np
from threadpoolctl import ThreadpoolController

__all__ = [
    "BlasThreadTuner",
    "blas_threads",
    "same_products_across_threads",
    "set_blas_threads",
]

#: mini-batch training whose largest matrix product (rows x weights) is at
#: least this large times one BLAS thread against all of them while it runs
#: (see BlasThreadTuner); smaller products use one thread
TUNE_MIN_WORK = 1 << 18
#: products smaller than this that are not tuned (full-batch L-BFGS and
#: Newton-CG, and products whose results depend on the thread count) run with
#: one BLAS thread: a second thread gains little on them when the machine is
#: idle and loses 10x and more when another process holds a core; larger ones
#: use the caller's thread count
SINGLE_THREAD_MAX_WORK = 1 << 24
#: a recurrent network's products over whole sequences (batch x time steps
#: rows) are checked for thread invariance at up to this many elements per
#: operand (rows x widest layer), so the check stays small next to training
SEQUENCE_CHECK_ELEMENTS = 1 << 20


def same_products_across_threads(
    kernel_shapes: Iterable[tuple[int, int]],
    rows: int | Iterable[int],
    dtype,
    set_threads: Callable[[int], None],
    max_threads: int,
) -> bool:
    """Whether every training product of these shapes is bit for bit the same
    with one BLAS thread and with ``max_threads``.

    For each kernel shape ``(n_in, units)`` and each row count in ``rows``,
    the three products of a dense layer's training step, ``x @ W``,
    ``x.T @ delta`` and ``delta @ W.T``, plus the column sums ``ones @ delta``,
    are computed on random data at both thread counts. Several row counts
    matter where the products differ in length: a recurrent layer multiplies
    its whole sequence (batch x time steps rows) by its input kernel, and sums
    its kernel gradients over all of them (an inner dimension some BLAS
    libraries split between threads). ``set_threads`` is left at one thread.

    Examples
    --------
    >>> same_products_across_threads([(3, 2)], 4, np.float64, lambda n: None, 2)
    True
    """
    rng = np.random.default_rng(0)
    dtype = np.dtype(dtype)
    row_counts = sorted({int(r) for r in np.atleast_1d(rows)})
    shapes = sorted(set(kernel_shapes))
    for (n_in, units), n_rows in itertools.product(shapes, row_counts):
        x = rng.standard_normal((n_rows, n_in)).astype(dtype)
        w = rng.standard_normal((n_in, units)).astype(dtype)
        delta = rng.standard_normal((n_rows, units)).astype(dtype)
        ones = np.ones(n_rows, dtype=dtype)
        results = []
        for threads in (max_threads, 1):
            set_threads(threads)
            results.append((x @ w, x.T @ delta, delta @ w.T, ones @ delta))
        for many, one in zip(*results, strict=True):
            if not np.array_equal(many, one):
                return False
    return True


class BlasThreadTuner:
    """Chooses between one BLAS thread and ``max_threads`` while training.

    Call :meth:`new_epoch` before each epoch and wrap every full-sized batch in
    :meth:`batch_begin` / :meth:`batch_end`.

    In a probing epoch the first ``2 * probe_batches`` full batches alternate
    one thread and ``max_threads``; the setting with the lower median batch
    time is kept (more threads must win by ``min_gain``). The next probe comes
    after one epoch if the choice changed, otherwise after twice as many epochs
    as last time, up to ``max_interval``. A probe batch with more threads that
    takes over ``slowdown`` times the fastest one-thread batch so far ends the
    probe at once, for one thread, and the next probe waits four times as many
    epochs as the last wait (on a busy machine such a batch can take 30 times
    longer than a one-thread batch, so one is enough and probes are costly).
    While more threads are in use, two consecutive batches slower than
    ``slowdown`` times the one-thread median switch back to one thread, and the
    next epoch probes again.

    Parameters
    ----------
    max_threads : int
        Thread count to compare against one thread.
    set_threads : callable
        ``set_threads(n)`` applies a thread count; it returns False when the
        count is not the tuner's to set (another fit shares it): the tuner then
        drops the probe under way and probes again at the next epoch.
    probe_batches : int, default=3
        Batches timed per setting in a probe.
    max_interval : int, default=16
        Most epochs between probes.
    min_gain : float, default=0.05
        Relative speed-up more threads need to be chosen.
    slowdown : float, default=1.5
        Batch time, relative to the one-thread median, that counts as slow.
    clock : callable, default=time.perf_counter

    Attributes
    ----------
    threads : int
        The current choice.
    decisions : list of int
        The choice after each probe or fallback, in order.

    Examples
    --------
    >>> applied = []
    >>> tuner = BlasThreadTuner(2, applied.append, probe_batches=1)
    >>> tuner.new_epoch()
    >>> applied
    [1]
    """

    def __init__(
        self,
        max_threads: int,
        set_threads: Callable[[int], None],
        *,
        probe_batches: int = 3,
        max_interval: int = 16,
        min_gain: float = 0.05,
        slowdown: float = 1.5,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self.max_threads = int(max_threads)
        self._set = set_threads
        self.probe_batches = int(probe_batches)
        self.max_interval = int(max_interval)
        self.min_gain = float(min_gain)
        self.slowdown = float(slowdown)
        self._clock = clock
        self.threads = 1
        self.decisions: list[int] = []
        self._interval = 1
        self._until_probe = 0
        self._schedule: list[int] = []
        self._times: dict[int, list[float]] = {}
        self._reference = None  # one-thread median of the last probe
        self._slow = 0
        self._start = 0.0
        self._applied = None

    def _apply(self, threads: int) -> None:
        if threads != self._applied:
            if self._set(threads) is False:
                self._refused()
            else:
                self._applied = threads

    def _refused(self) -> None:
        """The count was not set: forget the probe and its timings."""
        self._applied = None
        self._schedule = []
        self._reference = None
        self._slow = 0
        self._until_probe = 0

    def new_epoch(self) -> None:
        """Start an epoch: probe if one is due (an unfinished probe goes on)."""
        if self._schedule:
            return
        if self._until_probe > 0:
            self._until_probe -= 1
            self._apply(self.threads)
            return
        self._schedule = [1, self.max_threads] * self.probe_batches
        self._times = {1: [], self.max_threads: []}
        self._apply(self._schedule[0])

    def batch_begin(self) -> None:
        """Before a full-sized batch."""
        if self._schedule:
            self._apply(self._schedule[0])
        self._start = self._clock()

    def batch_end(self) -> None:
        """After that batch."""
        elapsed = self._clock() - self._start
        if self._schedule:
            threads = self._schedule.pop(0)
            self._times[threads].append(elapsed)
            one = self._times[1]
            if threads > 1 and one and elapsed > self.slowdown * min(one):
                self._decide(busy=True)  # clearly slower: pay for no more of it
            elif not self._schedule:
                self._decide()
        elif self.threads > 1 and self._reference is not None:
            self._slow = (
                self._slow + 1 if elapsed > self.slowdown * self._reference else 0
            )
            if self._slow >= 2:
                self._choose(1)
                self._until_probe = 0

    def _decide(self, busy: bool = False) -> None:
        one = median(self._times[1])
        many = median(self._times[self.max_threads])
        self._reference = one
        chosen = self.max_threads if many < (1.0 - self.min_gain) * one else 1
        if busy:
            self._interval = min(4 * self._interval, self.max_interval)
        elif chosen == self.threads and self.decisions:
            self._interval = min(2 * self._interval, self.max_interval)
        else:
            self._interval = 1
        self._until_probe = self._interval - 1
        self._choose(chosen)

    def _choose(self, threads: int) -> None:
        self.threads = threads
        self._slow = 0
        self._schedule = []
        self.decisions.append(threads)
        self._apply(threads)


@functools.cache
def blas_controller():
    """threadpoolctl's controller of the BLAS libraries (built once: ~3 ms)."""
    return ThreadpoolController().select(user_api="blas")


def set_blas_threads(n: int) -> None:
    """Set the thread count of every BLAS library in the process."""
    for library in blas_controller().lib_controllers:
        library.set_num_threads(n)


class _CountNotSet(Exception):
    """A thread count could not be set: another thread holds it."""


def _set_or_raise(n: int) -> None:
    """Set every BLAS library to ``n`` threads, or raise _CountNotSet."""
    libraries = blas_controller().lib_controllers
    if not _set_counts(libraries, [n] * len(libraries)):
        raise _CountNotSet


@functools.lru_cache(maxsize=64)
def _thread_invariant(kernel_shapes, rows, dtype, max_threads) -> bool:
    return same_products_across_threads(
        kernel_shapes, rows, dtype, _set_or_raise, max_threads
    )


def tunable(kernel_shapes, rows, dtype, max_threads) -> bool:
    """Whether the BLAS gives the same products at any thread count for these
    shapes at each row count in ``rows`` (checked once per process and set).

    A check whose thread counts could not be set answers False and is not
    kept: a later call checks again.
    """
    try:
        return _thread_invariant(kernel_shapes, rows, dtype, max_threads)
    except _CountNotSet:
        return False


def _check_rows(shapes, rows: int, steps: int) -> tuple[int, ...]:
    """Row counts of the products to check: the batch, and for sequences the
    products over whole sequences, up to a size."""
    if steps <= 1:
        return (rows,)
    widest = max((max(shape) for shape in shapes), default=1)
    cap = max(rows, SEQUENCE_CHECK_ELEMENTS // widest)
    return (rows, min(rows * steps, cap))


#: guards the fits inside blas_threads and every thread count they set
_LOCK = threading.Lock()


def _counts(libraries) -> list[int]:
    return [library.num_threads for library in libraries]


def _set_counts(libraries, counts) -> bool:
    """Set each library's thread count; whether each now reads as set."""
    for library, n in zip(libraries, counts, strict=True):
        library.set_num_threads(n)
    return _counts(libraries) == list(counts)


def _release(controller) -> None:
    """Give up this thread's hold on the thread counts (threadpoolctl 3.8 and
    later: its ``limit`` blocks release it when they end, unless an enclosing
    block of the same thread still holds it; earlier versions hold nothing)."""
    with controller.limit(limits=None):
        pass


class _SharedCount:
    """The fits inside :func:`blas_threads` that share one thread count."""

    def __init__(self) -> None:
        self.inside: set[object] = set()
        self.saved: list[int] = []

    def enter(self, fit: object, libraries, choose):
        """Add ``fit``; the first one saves the counts, sets them all to the
        largest and returns ``choose(max_threads, set_threads)``; the others
        return None and change nothing."""
        with _LOCK:
            self.inside.add(fit)
            if len(self.inside) > 1:
                return None
            self.saved = _counts(libraries)
            max_threads = max(self.saved, default=1)
            if any(n != max_threads for n in self.saved):
                _set_counts(libraries, [max_threads] * len(libraries))
            return choose(max_threads, self._tuner_setter(libraries))

    def _tuner_setter(self, libraries) -> Callable[[int], bool]:
        def set_threads(n: int) -> bool:
            with _LOCK:
                alone = len(self.inside) == 1
                return alone and _set_counts(libraries, [n] * len(libraries))

        return set_threads

    def leave(self, fit: object, controller) -> None:
        """Remove ``fit``; the last one restores the saved counts."""
        with _LOCK:
            if fit not in self.inside:
                return
            self.inside.discard(fit)
            if not self.inside:
                _set_counts(controller.lib_controllers, self.saved)
            _release(controller)


class _ThreadCount(threading.local):
    def __init__(self) -> None:
        self.fits = _SharedCount()


_PROCESS_COUNT = _SharedCount()
_THREAD_COUNT = _ThreadCount()


def _shared_count(libraries) -> _SharedCount:
    """The fits sharing this thread's count: those of the whole process, or
    only this thread's where every library keeps a count per thread."""
    per_thread = libraries and all(
        getattr(library, "internal_api", None) == "openblas"
        and getattr(library, "threading_layer", None) == "openmp"
        for library in libraries
    )
    return _THREAD_COUNT.fits if per_thread else _PROCESS_COUNT


@contextmanager
def blas_threads(
    network, rows: int, stochastic: bool, steps: int = 1
) -> Iterator[BlasThreadTuner | None]:
    """Set the BLAS thread count for training ``network`` on batches of
    ``rows`` rows (of ``steps`` time steps for sequences), restoring the
    caller's on exit; yield a :class:`BlasThreadTuner` when mini-batch
    training should choose the count as it goes, else None.

    ``network`` is a :class:`~skdeep.nn.network.Sequential`; its
    :meth:`~skdeep.nn.network.Sequential.kernel_shapes` give the products.
    A fit that enters while others are inside (in other threads) keeps the
    count they set and gets no tuner; the last to leave restores the count
    the first one found (see the module's description).
    """
    shapes = network.kernel_shapes()
    work = rows * max((a * b for a, b in shapes), default=0)
    controller = blas_controller()

    def choose(max_threads: int, set_threads) -> BlasThreadTuner | None:
        if (
            stochastic
            and work >= TUNE_MIN_WORK
            and max_threads > 1
            and tunable(
                tuple(sorted(set(shapes))),
                _check_rows(shapes, rows, steps),
                network.dtype.str,
                max_threads,
            )
        ):
            return BlasThreadTuner(max_threads, set_threads)
        set_blas_threads(1 if work < SINGLE_THREAD_MAX_WORK else max_threads)
        return None

    shared = _shared_count(controller.lib_controllers)
    fit = object()
    try:
        yield shared.enter(fit, controller.lib_controllers, choose)
    finally:
        shared.leave(fit, controller)
