"""The one training loop: mini-batch stochastic training, and full-batch L-BFGS
and Newton-CG.

Every solver minimizes the same objective, computed by :func:`objective`::

    loss(y, link(net(X)), sample_weight) + alpha * penalty(kernels) / sw_sum

where ``sw_sum`` is the sum of the sample weights (the batch size when
unweighted), scikit-learn's scaling. Every solver takes the settings of the
call as one frozen :class:`TrainingConfig`, and takes and returns the same
:class:`TrainingState`: the progress that must survive
``warm_start``/``partial_fit`` (epoch counters, loss curve, best scores,
optimizer state, current learning rate, history).

The stochastic loop is short because each concern is a unit of its own:
:class:`~skdeep.nn.batching.MiniBatches` (shuffling, gathering),
:class:`~skdeep.nn.update.ParameterUpdate` (clip, step, proximal step),
:class:`~skdeep.nn.divergence.DivergenceGuard`,
:class:`~skdeep.nn.stopping.Stopping` (no improvement, plateau, early
stopping) and the :mod:`~skdeep.nn.schedules` registry.

This module knows nothing of scikit-learn: validation scoring is passed in as a
callable and the warning category as a class.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import scipy.optimize

from . import schedules
from ._warnings import warn
from .batching import MiniBatches
from .divergence import (
    NON_FINITE_MESSAGE,
    DivergenceGuard,
    diverged_message,
    explain_non_finite,
)
from .losses import Loss
from .network import Sequential
from .optimizers import OPTIMIZERS, Optimizer
from .padding import padded_steps
from .penalties import Penalty
from .stopping import Stopping
from .threads import BlasThreadTuner
from .update import ParameterUpdate

__all__ = [
    "TrainingConfig",
    "TrainingState",
    "EpochHooks",
    "objective",
    "mean_loss",
    "fit_stochastic",
    "fit_lbfgs",
    "fit_newton_cg",
    "FULL_BATCH_SOLVERS",
]


@dataclass
class TrainingState:
    """Training progress kept across calls.

    Attributes mirror scikit-learn's fitted attributes: ``n_iter`` (epochs of the
    last call), ``t`` (samples seen), ``loss``, ``loss_curve``, ``best_loss``,
    ``validation_scores``, ``best_validation_score``; ``history`` (per-epoch
    lists, see :func:`fit_stochastic`); plus the internal
    ``no_improvement_count``, ``best_params``, ``learning_rate`` and
    ``optimizer_state``.
    """

    learning_rate: float
    n_iter: int = 0
    t: int = 0
    loss: float | None = None
    loss_curve: list = field(default_factory=list)
    best_loss: float | None = np.inf
    validation_scores: list | None = None
    best_validation_score: float | None = None
    no_improvement_count: int = 0
    best_params: np.ndarray | None = None
    optimizer_state: dict | None = None
    history: dict = field(default_factory=dict)

    def record(self, **values) -> None:
        """Append one epoch's values to ``history``."""
        for key, value in values.items():
            self.history.setdefault(key, []).append(value)

    def bookmark(self) -> dict:
        """The counters and best values now, and the lengths of the lists: what
        :meth:`rewind` goes back to."""
        lists = {"loss_curve": len(self.loss_curve)}
        if self.validation_scores is not None:
            lists["validation_scores"] = len(self.validation_scores)
        return {
            "values": {name: getattr(self, name) for name in _PROGRESS_FIELDS},
            "lists": lists,
            "history": {key: len(values) for key, values in self.history.items()},
        }

    def rewind(self, bookmark: dict) -> None:
        """Go back to ``bookmark``: what was recorded since is dropped."""
        for name, value in bookmark["values"].items():
            setattr(self, name, value)
        for name, length in bookmark["lists"].items():
            del getattr(self, name)[length:]
        for key in list(self.history):
            length = bookmark["history"].get(key, 0)
            del self.history[key][length:]
            if not self.history[key]:
                del self.history[key]


#: the fields of :class:`TrainingState` an epoch changes (besides its lists)
_PROGRESS_FIELDS = (
    "learning_rate",
    "n_iter",
    "t",
    "loss",
    "best_loss",
    "best_validation_score",
    "no_improvement_count",
    "best_params",
)


@dataclass(frozen=True)
class TrainingConfig:
    """The settings of one training call, read by every solver.

    Parameters
    ----------
    max_iter : int
        Epochs (stochastic) or iterations (full batch) at most.
    batch_size : int, default=200
        Rows per mini-batch (stochastic solvers).
    shuffle : bool, default=True
        Shuffle the samples every epoch.
    penalty : Penalty or None, default=None
        Penalty on the kernels, scaled by ``alpha / sw_sum``.
    alpha : float, default=0.0
    schedule : str, default='constant'
        Name of a learning-rate schedule in
        :data:`skdeep.nn.schedules.SCHEDULES`.
    learning_rate_init : float, default=1e-3
    power_t : float, default=0.5
        Exponent of the 'invscaling' schedule.
    tol : float, default=1e-4
        Stopping tolerance; the gradient tolerance of the full-batch solvers.
    n_iter_no_change : int or float, default=10
    early_stopping : bool, default=False
        Monitor the validation score and restore the best weights.
    incremental : bool, default=False
        One epoch only (``partial_fit``), with no stopping warning.
    verbose : bool, default=False
        Print one line per epoch (or iteration).
    clip_grad_norm : float or None, default=None
    max_fun : int, default=15000
        Objective evaluations at most ('lbfgs').
    warning_category : type of Warning, default=RuntimeWarning
        Category of the convergence and divergence warnings.
    fixed_epochs : bool, default=False
        Every one of the ``max_iter`` epochs is meant to run (a schedule
        over all of them): reaching ``max_iter`` gives no convergence
        warning.
    """

    max_iter: int
    batch_size: int = 200
    shuffle: bool = True
    penalty: Penalty | None = None
    alpha: float = 0.0
    schedule: str = "constant"
    learning_rate_init: float = 1e-3
    power_t: float = 0.5
    tol: float = 1e-4
    n_iter_no_change: int | float = 10
    early_stopping: bool = False
    incremental: bool = False
    verbose: bool = False
    clip_grad_norm: float | None = None
    max_fun: int = 15000
    warning_category: type[Warning] = RuntimeWarning
    fixed_epochs: bool = False

    def stopping(self) -> Stopping:
        """The stopping rules these settings give."""
        return Stopping(
            tol=self.tol,
            n_iter_no_change=self.n_iter_no_change,
            monitor_validation=self.early_stopping,
            reduce_on_plateau=schedules.reduces_on_plateau(self.schedule),
        )

    def warn(self, message: str) -> None:
        """Give a warning of the configured category, pointing at the caller."""
        warn(message, self.warning_category)


@dataclass(frozen=True)
class EpochHooks:
    """Callables around each stochastic epoch: ``on_epoch_begin()``, and
    ``on_epoch_end()`` whose True return stops training after that epoch."""

    on_epoch_begin: Callable[[], None] | None = None
    on_epoch_end: Callable[[], bool] | None = None

    def begin(self) -> None:
        if self.on_epoch_begin is not None:
            self.on_epoch_begin()

    def end(self) -> bool:
        return self.on_epoch_end is not None and bool(self.on_epoch_end())


def sequence_rows(Y: np.ndarray, raw: np.ndarray, sample_weight):
    """Sequence outputs ``(n, T, k)`` as ``(n * T, k)`` rows, each time step
    weighted by its sample's weight, and the normalizer of their loss: the
    loss of a many-to-many network is its mean over samples and time steps.

    Padded steps of the targets (NaN, :mod:`skdeep.nn.padding`) get weight
    zero (and a zero target), so the mean runs over the real steps only.
    2-D outputs are returned as they are, with the weights' sum (or the row
    count) as the normalizer.

    Returns
    -------
    Y, raw, sample_weight, normalizer
    """
    if raw.ndim != 3:
        total = raw.shape[0] if sample_weight is None else sample_weight.sum()
        return Y, raw, sample_weight, float(total)
    n, n_steps = raw.shape[:2]
    shape = (-1, raw.shape[-1])
    flat_sw = None if sample_weight is None else np.repeat(sample_weight, n_steps)
    total = n if sample_weight is None else float(sample_weight.sum())
    normalizer = total * n_steps
    padded = padded_steps(Y)
    if padded is not None:
        real = ~padded.ravel()
        flat_sw = real.astype(raw.dtype) if flat_sw is None else flat_sw * real
        normalizer = float(flat_sw.sum())
        Y = np.where(padded[..., None], 0, Y)
    return Y.reshape(shape), raw.reshape(shape), flat_sw, normalizer


def mean_loss(loss: Loss, Y: np.ndarray, raw: np.ndarray, sample_weight=None):
    """The loss of raw outputs ``raw`` (2-D, or sequences) against ``Y``.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeep.nn.losses import SquaredError
    >>> Y, raw = np.zeros((2, 3, 1)), np.ones((2, 3, 1))
    >>> float(mean_loss(SquaredError(), Y, raw))
    0.5
    """
    return loss(*sequence_rows(Y, raw, sample_weight)[:3])


def objective_terms(
    network: Sequential,
    loss: Loss,
    X,
    Y: np.ndarray,
    sample_weight: np.ndarray | None,
    penalty: Penalty | None,
    alpha: float,
    n_batches: int = 1,
) -> tuple[float, float]:
    """The loss and penalty terms of the current weights on the whole data,
    in inference mode (moving statistics, no dropout), in chunks of rows.

    The penalty term is ``alpha * penalty(kernels) * n_batches / sw_sum``, so
    that with ``n_batches`` mini-batches the sum of the two terms is the
    quantity the stochastic loop records as an epoch's loss (exactly, for
    unweighted data).
    """
    n = X.shape[0]
    sw_sum = n if sample_weight is None else float(sample_weight.sum())
    chunk = network.chunk_rows(X.shape[1:])
    total = total_weight = 0.0
    for start in range(0, n, chunk):
        rows = slice(start, min(start + chunk, n))
        sw = None if sample_weight is None else sample_weight[rows]
        if sw is None or sw.sum() > 0:
            raw = network.forward(X[rows])
            *terms, weight = sequence_rows(Y[rows], raw, sw)
            if weight > 0:
                total += float(loss(*terms)) * weight
                total_weight += weight
    penalty_term = 0.0
    if penalty is not None and alpha > 0 and network.n_penalized:
        penalty_term = alpha * float(penalty.value(network.penalized_params))
        penalty_term *= n_batches / sw_sum
    return total / total_weight, penalty_term


def objective(
    network: Sequential,
    loss: Loss,
    X,
    Y: np.ndarray,
    sample_weight: np.ndarray | None = None,
    penalty: Penalty | None = None,
    alpha: float = 0.0,
) -> float:
    """Forward and backward pass: return the objective, leave its gradient in
    ``network.grads``.

    Sequence outputs ``(n_samples, n_timesteps, n_outputs)`` are scored by the
    loss averaged over samples and time steps.

    Parameters
    ----------
    network : Sequential
        A built network with training buffers (see :meth:`~skdeep.nn.network.Sequential.allocate`).
    loss : Loss
        The loss with its link.
    X : ndarray or sparse matrix of shape (n_samples, n_features)
    Y : ndarray of shape (n_samples, n_outputs)
    sample_weight : ndarray of shape (n_samples,), default=None
    penalty : Penalty, default=None
        Penalty on the kernels, scaled by ``alpha / sw_sum``; its value counts in
        full, its gradient only for the differentiable part (the L1 part is
        applied by the solver as a proximal step).
    alpha : float, default=0.0

    Returns
    -------
    float
        The objective value.
    """
    sw_sum = X.shape[0] if sample_weight is None else float(sample_weight.sum())
    if sw_sum <= 0:
        network.grads[...] = 0
        return 0.0
    raw = network.forward(X, training=True)
    if raw.ndim == 3:  # sequence outputs: the loss is a mean over time steps too
        flat_Y, flat, flat_sw, normalizer = sequence_rows(Y, raw, sample_weight)
        value, delta = loss.loss_gradient(flat_Y, flat, flat_sw, normalizer, out=flat)
        delta = delta.reshape(raw.shape)
    else:
        value, delta = loss.loss_gradient(Y, raw, sample_weight, sw_sum, out=raw)
    network.backward(delta)
    if penalty is not None and alpha > 0 and network.n_penalized:
        w = network.penalized_params
        value += alpha * penalty.value(w) / sw_sum
        penalty.add_gradient(w, alpha / sw_sum, network.grads[: network.n_penalized])
    return value


def _smooth_only(penalty, alpha, solver):
    if penalty is not None and alpha > 0 and not penalty.smooth:
        stochastic = ", ".join(map(repr, OPTIMIZERS))
        raise ValueError(
            f"The {solver} solver needs a smooth penalty; {penalty!r} has an L1 "
            f"part. Use a stochastic solver ({stochastic}), which applies it as a "
            "proximal step, or penalty='l2'."
        )


def _message(epoch, max_iter, state, elapsed):
    parts = [f"Epoch {epoch}/{max_iter}", f"loss: {state.loss:.6f}"]
    if "val_loss" in state.history:
        parts.append(f"val_loss: {state.history['val_loss'][-1]:.6f}")
        parts.append(f"val_score: {state.history['val_score'][-1]:.6f}")
    parts.append(f"{elapsed:.2f}s")
    return " - ".join(parts)


class _EpochGradients:
    """Sums an epoch's mini-batch gradients and gives, for each layer with a
    kernel, the L2 norm of the epoch's mean gradient of its kernel and bias."""

    def __init__(self, network: Sequential) -> None:
        slices: dict[int, list[slice]] = {}
        for i, _name, _shape, start, stop in network._layout:
            if "kernel" in network.layers[i].param_shapes:
                slices.setdefault(i, []).append(slice(start, stop))
        self._layers = [slices[i] for i in sorted(slices)]
        self._sum = np.empty_like(network.grads)
        self._count = 0

    def reset(self) -> None:
        self._sum[...] = 0.0
        self._count = 0

    def add(self, grads: np.ndarray) -> None:
        self._sum += grads
        self._count += 1

    def layer_norms(self) -> np.ndarray:
        mean = self._sum
        mean /= self._count
        return np.array(
            [
                np.sqrt(sum(float(np.einsum("i,i->", mean[s], mean[s])) for s in layer))
                for layer in self._layers
            ]
        )


@dataclass
class _StochasticRun:
    """The units one stochastic training call puts together."""

    network: Sequential
    loss: Loss
    batches: MiniBatches
    update: ParameterUpdate
    guard: DivergenceGuard
    stopping: Stopping
    gradients: _EpochGradients
    config: TrainingConfig
    validation: Callable[[], tuple[float, float]] | None
    hooks: EpochHooks
    tuner: BlasThreadTuner | None

    def run_batches(self, epoch_batches, lr: float) -> float:
        """One pass over the epoch's batches; the sample-weighted mean batch
        objective."""
        network, config, tuner = self.network, self.config, self.tuner
        accumulated = 0.0
        self.gradients.reset()
        for batch in epoch_batches:
            timed = tuner is not None and batch.n_rows == config.batch_size
            if timed:
                tuner.batch_begin()
            value = objective(
                network,
                self.loss,
                batch.X,
                batch.Y,
                batch.sample_weight,
                config.penalty,
                config.alpha,
            )
            self.gradients.add(network.grads)
            self.update.apply(lr, batch)
            accumulated += value * batch.n_rows
            if timed:
                tuner.batch_end()
        return accumulated / self.batches.n_samples

    def epoch_or_rewind(self, state: TrainingState) -> bool:
        """:meth:`epoch`; on KeyboardInterrupt, roll the unfinished epoch back
        (weights, optimizer and network state, counters, history) and stop
        with a warning, or re-raise when the call completed no epoch."""
        bookmark = state.bookmark()
        self.guard.remember()
        try:
            return self.epoch(state)
        except KeyboardInterrupt:
            self.guard.rewind()
            state.rewind(bookmark)
            if state.n_iter == 0:
                raise
            epochs = "epoch" if state.n_iter == 1 else "epochs"
            warn(
                f"Training interrupted by user after {state.n_iter} completed "
                f"{epochs}; the unfinished epoch was rolled back."
            )
            return False

    def epoch(self, state: TrainingState) -> bool:
        """Train one epoch and apply the rules after it; False stops training.
        The caller has called the guard's ``remember``."""
        started = time.perf_counter()
        self.hooks.begin()
        epoch_batches = self.batches.epoch()
        if self.tuner is not None:
            self.tuner.new_epoch()
        lr = state.learning_rate
        state.loss = self.run_batches(epoch_batches, lr)
        state.n_iter += 1
        state.t += self.batches.n_samples
        state.loss_curve.append(state.loss)
        state.record(loss=state.loss, learning_rate=lr)
        state.record(grad_norm=self.gradients.layer_norms())
        if self.guard.diverged(state.loss):
            self._stop_diverged(state, lr, started)
            return False
        self.guard.finished(state.loss)
        score = self._validate(state)
        self.stopping.observe(state, self.network.params, score)
        state.record(time=time.perf_counter() - started)
        return self._after_epoch(state, started)

    def _validate(self, state: TrainingState) -> float | None:
        if self.validation is None:
            return None
        val_loss, score = self.validation()
        state.validation_scores.append(score)
        state.record(val_loss=val_loss, val_score=score)
        return score

    def _stop_diverged(self, state: TrainingState, lr: float, started: float):
        self.guard.restore(state)
        if self.validation is not None:
            state.validation_scores.append(np.nan)
            state.record(val_loss=np.nan, val_score=np.nan)
        state.record(time=time.perf_counter() - started)
        self.config.warn(diverged_message(len(state.loss_curve), lr))

    def _after_epoch(self, state: TrainingState, started: float) -> bool:
        config = self.config
        if config.verbose:
            elapsed = time.perf_counter() - started
            print(_message(state.n_iter, config.max_iter, state, elapsed))
        if self.hooks.end():
            if config.verbose:
                print("A callback asked to stop. Stopping.")
            return False
        state.learning_rate = schedules.get(config.schedule)(
            state.learning_rate,
            config.learning_rate_init,
            t=state.t,
            epoch=len(state.loss_curve),
            max_iter=config.max_iter,
            power_t=config.power_t,
        )
        decision = self.stopping.decide(state)
        if decision.message is not None and config.verbose:
            print(decision.message)
        if decision.stop or config.incremental:
            return False
        if state.n_iter == config.max_iter and not config.fixed_epochs:
            config.warn(
                f"Stochastic Optimizer: Maximum iterations ({config.max_iter}) "
                "reached and the optimization hasn't converged yet."
            )
        return True


def fit_stochastic(
    network: Sequential,
    loss: Loss,
    optimizer: Optimizer,
    X,
    Y: np.ndarray,
    sample_weight: np.ndarray | None,
    state: TrainingState,
    config: TrainingConfig,
    *,
    rng: np.random.RandomState,
    validation: Callable[[], tuple[float, float]] | None = None,
    hooks: EpochHooks | None = None,
    thread_tuner: BlasThreadTuner | None = None,
) -> TrainingState:
    """Mini-batch training with scikit-learn's stopping rules.

    One epoch shuffles the sample order (see
    :class:`~skdeep.nn.batching.MiniBatches`), runs :func:`objective` and one
    :class:`~skdeep.nn.update.ParameterUpdate` per batch, and records the
    sample-weighted mean batch objective in ``state.loss_curve``. After it,
    ``validation()`` (if given) returns ``(val_loss, val_score)`` of the
    current model on held-out data, the :class:`~skdeep.nn.stopping.Stopping`
    rules decide whether to stop, and the schedule sets the next rate. With
    ``config.early_stopping`` the best-scoring weights are restored at the
    end.

    A non-finite loss or weight stops training: the weights of the last finite
    epoch are restored and a warning names the learning rate; a model that
    never completed a finite epoch raises a ValueError instead (see
    :class:`~skdeep.nn.divergence.DivergenceGuard`). ``hooks`` are called
    around each epoch; a ``thread_tuner`` times the full-sized batches and sets
    the BLAS thread count (see :class:`~skdeep.nn.threads.BlasThreadTuner`).

    A KeyboardInterrupt rolls the unfinished epoch back (weights, optimizer
    and network state, ``state``'s counters and lists) and stops training with
    a warning; when the call completed no epoch, it propagates instead.

    ``state.history`` gains one entry per epoch under ``loss``,
    ``learning_rate`` (the rate used in the epoch), ``grad_norm`` (for each
    layer with a kernel, the L2 norm of its kernel-and-bias gradient averaged
    over the epoch's mini-batches: the mean gradient of the objective, penalty
    included, before clipping), ``val_loss`` and ``val_score`` (with
    ``validation``) and ``time`` (seconds).

    Returns
    -------
    TrainingState
        ``state``, updated in place.
    """
    network.allocate(config.batch_size)
    if state.optimizer_state is None:
        state.optimizer_state = optimizer.init(
            network.params.size, network.params.dtype, network.n_penalized
        )
    run = _StochasticRun(
        network=network,
        loss=loss,
        batches=MiniBatches(
            X, Y, sample_weight, config.batch_size, shuffle=config.shuffle, rng=rng
        ),
        update=ParameterUpdate(
            network,
            optimizer,
            state.optimizer_state,
            config.penalty,
            config.alpha,
            config.clip_grad_norm,
        ),
        guard=DivergenceGuard(
            network,
            state.optimizer_state,
            evaluate=lambda: objective_terms(
                network,
                loss,
                X,
                Y,
                sample_weight,
                config.penalty,
                config.alpha,
                n_batches=-(-X.shape[0] // config.batch_size),
            ),
            alpha=config.alpha,
        ),
        stopping=config.stopping(),
        gradients=_EpochGradients(network),
        config=config,
        validation=validation,
        hooks=hooks or EpochHooks(),
        tuner=thread_tuner,
    )
    run.stopping.start(state, network.params, has_validation=validation is not None)
    state.n_iter = 0
    try:
        # a diverging fit overflows; it is stopped and reported, so NumPy's own
        # overflow warnings would only repeat it
        with np.errstate(over="ignore", invalid="ignore"):
            for _ in range(config.max_iter):
                if not run.epoch_or_rewind(state):
                    break
    finally:
        network.release()
    run.stopping.finish(state, network.params)
    return state


#: SciPy's method behind each full-batch solver
SCIPY_METHODS = {"lbfgs": "L-BFGS-B", "newton-cg": "trust-ncg"}


class _IterationRecorder:
    """SciPy callback: after each iteration, records the objective and its
    time, keeps the last finite iterate, and prints when verbose."""

    def __init__(self, max_iter, verbose):
        self.curve: list[float] = []
        self.times: list[float] = []
        self.max_iter, self.verbose = max_iter, verbose
        self.last_finite: np.ndarray | None = None
        self.last_finite_value = np.nan
        self._last = time.perf_counter()

    def __call__(self, intermediate_result):
        now = time.perf_counter()
        self.times.append(now - self._last)
        self._last = now
        value = float(intermediate_result.fun)
        self.curve.append(value)
        x = intermediate_result.x
        if np.isfinite(value) and np.isfinite(x).all():
            self.last_finite = np.array(x, copy=True)
            self.last_finite_value = value
        if self.verbose:
            print(
                f"Iteration {len(self.curve)}/{self.max_iter} - "
                f"loss: {value:.6f} - {self.times[-1]:.2f}s"
            )


def _full_batch_objective(network, loss, X, Y, sample_weight, config):
    """``x -> (objective, gradient)`` in float64 for SciPy, evaluated in place in
    the network's flat vector (and dtype), with buffers for the whole data."""
    params, grads = network.params, network.grads
    network.allocate(X.shape[0])

    def fun(x):
        params[...] = x
        value = objective(
            network, loss, X, Y, sample_weight, config.penalty, config.alpha
        )
        return value, grads.astype(np.float64)

    return fun


def _minimize(network, fun, solver, options, config, state, terms, **kwargs):
    """Run ``scipy.optimize.minimize`` from the network's parameters, leave the
    solution in them, and record the run in ``state``. ``terms()`` gives the
    objective's two terms at the current weights, to explain a failure."""
    params = network.params
    recorder = _IterationRecorder(options["maxiter"], config.verbose)
    x0 = params.astype(np.float64)
    try:
        with np.errstate(over="ignore", invalid="ignore"):
            result = scipy.optimize.minimize(
                fun,
                x0.copy(),
                method=SCIPY_METHODS[solver],
                jac=True,
                callback=recorder,
                options=options,
                **kwargs,
            )
        params[...] = result.x
        return _record_full_batch(result, recorder, network, state, config, solver)
    except ValueError as error:  # SciPy's or ours, on non-finite values
        params[...] = x0
        with np.errstate(over="ignore", invalid="ignore"):
            data_loss, penalty_term = terms()
        if str(error).startswith(NON_FINITE_MESSAGE) or not np.isfinite(
            data_loss + penalty_term
        ):
            reason = explain_non_finite(data_loss, penalty_term, config.alpha)
            raise ValueError(f"{NON_FINITE_MESSAGE} {reason}") from None
        raise
    finally:
        network.release()


def _record_full_batch(result, recorder, network, state, config, solver):
    """Put a SciPy result into ``state``, as the stochastic loop does: a
    non-finite solution restores the last finite iterate and warns, or raises
    when there was none."""
    params = network.params
    state.n_iter = min(int(result.nit), config.max_iter)
    state.loss = float(result.fun)
    state.loss_curve.extend(recorder.curve)
    state.best_loss = min([state.best_loss, *recorder.curve])
    state.history.setdefault("loss", []).extend(recorder.curve)
    state.history.setdefault("time", []).extend(recorder.times)
    if not np.isfinite(params).all() or not np.isfinite(state.loss):
        if recorder.last_finite is None:
            raise ValueError(NON_FINITE_MESSAGE)
        params[...] = recorder.last_finite
        state.loss = recorder.last_finite_value
        config.warn(
            f"{solver} diverged: the objective became non-finite, so the last "
            "finite iterate was restored. Scale the inputs and the targets."
        )
    elif result.status != 0:
        config.warn(
            f"{solver} failed to converge after {state.n_iter} iteration(s) "
            f"(status={result.status}): {result.message}. Increase the "
            f"number of iterations (max_iter={config.max_iter}) or scale the "
            "data."
        )
    return state


def fit_lbfgs(
    network: Sequential,
    loss: Loss,
    X,
    Y: np.ndarray,
    sample_weight: np.ndarray | None,
    state: TrainingState,
    config: TrainingConfig,
) -> TrainingState:
    """SciPy's L-BFGS-B on the whole data, on the flat parameter vector.

    Calls ``scipy.optimize.minimize(method="L-BFGS-B", jac=True)`` with
    ``maxiter=config.max_iter``, ``maxfun=config.max_fun`` and
    ``gtol=config.tol``. SciPy works in float64; a float32 network is
    evaluated in float32 and keeps float32 weights. ``state`` gains the
    objective after each iteration in ``loss_curve`` and ``history['loss']``
    and its seconds in ``history['time']``.

    Returns
    -------
    TrainingState
        ``state``, updated in place.
    """
    _smooth_only(config.penalty, config.alpha, "lbfgs")
    fun = _full_batch_objective(network, loss, X, Y, sample_weight, config)
    terms = _terms_of(network, loss, X, Y, sample_weight, config)
    options = {"maxiter": config.max_iter, "maxfun": config.max_fun, "gtol": config.tol}
    return _minimize(network, fun, "lbfgs", options, config, state, terms)


def fit_newton_cg(
    network: Sequential,
    loss: Loss,
    X,
    Y: np.ndarray,
    sample_weight: np.ndarray | None,
    state: TrainingState,
    config: TrainingConfig,
) -> TrainingState:
    """SciPy's trust-region Newton-CG on the whole data, with Hessian-vector
    products by finite differences of gradients.

    Runs ``scipy.optimize.minimize(method="trust-ncg")`` with
    ``gtol=config.tol`` and ``maxiter=config.max_iter``. Hessian-vector
    products are **central finite differences of the back-propagated
    gradient**, ``H v ~ (g(w + h v) - g(w - h v)) / (2 h)`` with
    ``h = eps**(1/3) * (1 + ||w||) / ||v||`` (``eps`` of the network's dtype),
    two gradient evaluations per product; the trust region keeps the steps
    safe where the network's Hessian is indefinite. ``state`` is updated as
    by :func:`fit_lbfgs`.

    Returns
    -------
    TrainingState
        ``state``, updated in place.
    """
    _smooth_only(config.penalty, config.alpha, "newton-cg")
    fun = _full_batch_objective(network, loss, X, Y, sample_weight, config)
    params = network.params
    step_scale = float(np.finfo(params.dtype).eps) ** (1.0 / 3.0)

    def hessp(x, v):
        v_norm = float(np.linalg.norm(v))
        if v_norm == 0.0:
            return np.zeros_like(v)
        h = step_scale * (1.0 + float(np.linalg.norm(x))) / v_norm
        g_plus = fun(x + h * v)[1]
        g_minus = fun(x - h * v)[1]
        params[...] = x
        return (g_plus - g_minus) / (2.0 * h)

    options = {"maxiter": config.max_iter, "gtol": config.tol}
    terms = _terms_of(network, loss, X, Y, sample_weight, config)
    return _minimize(
        network, fun, "newton-cg", options, config, state, terms, hessp=hessp
    )


def _terms_of(network, loss, X, Y, sample_weight, config):
    """``() -> objective_terms(...)`` of the full-batch objective."""
    return lambda: objective_terms(
        network, loss, X, Y, sample_weight, config.penalty, config.alpha
    )


#: the solvers that train on the whole data at once, by estimator name
FULL_BATCH_SOLVERS: dict[str, Callable[..., TrainingState]] = {
    "lbfgs": fit_lbfgs,
    "newton-cg": fit_newton_cg,
}
