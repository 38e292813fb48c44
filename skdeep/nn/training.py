"""The one training loop: mini-batch stochastic training, and full-batch L-BFGS
and Newton-CG.

Both solvers minimize the same objective, computed by :func:`objective`::

    loss(y, link(net(X)), sample_weight) + alpha * penalty(kernels) / sw_sum

where ``sw_sum`` is the sum of the sample weights (the batch size when
unweighted), scikit-learn's scaling. Progress that must survive
``warm_start``/``partial_fit`` (epoch counters, loss curve, best scores,
optimizer state, current learning rate) lives in a :class:`TrainingState`.

This module knows nothing of scikit-learn: validation scoring is passed in as a
callable and the warning category as a class.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import scipy.optimize
import scipy.sparse as sp

from .losses import Loss
from .network import Sequential
from .optimizers import Optimizer
from .penalties import Penalty
from .threads import BlasThreadTuner

__all__ = [
    "TrainingState",
    "objective",
    "fit_stochastic",
    "fit_lbfgs",
    "fit_newton_cg",
    "scheduled_learning_rate",
    "clip_by_global_norm",
]

#: learning rates below this end 'adaptive' training instead of being divided
MIN_ADAPTIVE_LEARNING_RATE = 1e-6


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
        n_steps = raw.shape[1]
        flat = raw.reshape(-1, raw.shape[-1])
        flat_sw = None if sample_weight is None else np.repeat(sample_weight, n_steps)
        value, delta = loss.loss_gradient(
            Y.reshape(flat.shape), flat, flat_sw, sw_sum * n_steps, out=flat
        )
        delta = delta.reshape(raw.shape)
    else:
        value, delta = loss.loss_gradient(Y, raw, sample_weight, sw_sum, out=raw)
    network.backward(delta)
    if penalty is not None and alpha > 0 and network.n_penalized:
        w = network.penalized_params
        value += alpha * penalty.value(w) / sw_sum
        penalty.add_gradient(w, alpha / sw_sum, network.grads[: network.n_penalized])
    return value


def _check_smooth(penalty, alpha, solver):
    if penalty is not None and alpha > 0 and not penalty.smooth:
        raise ValueError(
            f"The {solver} solver needs a smooth penalty; {penalty!r} has an L1 "
            "part. Use a stochastic solver ('sgd', 'adam', 'adagrad', 'rmsprop', "
            "'adamw'), which applies it as a proximal step, or penalty='l2'."
        )


SCHEDULES = ("constant", "invscaling", "adaptive", "cosine")


def scheduled_learning_rate(
    schedule: str,
    learning_rate: float,
    learning_rate_init: float,
    *,
    t: int,
    epoch: int,
    max_iter: int,
    power_t: float = 0.5,
) -> float:
    """Learning rate for the next epoch.

    ``'constant'`` and ``'adaptive'`` keep ``learning_rate`` (the adaptive
    division happens on a plateau, in :func:`fit_stochastic`); ``'invscaling'``
    gives ``learning_rate_init / (t + 1) ** power_t`` with ``t`` the samples
    seen (scikit-learn's rule); ``'cosine'`` anneals from
    ``learning_rate_init`` to 0 over ``max_iter`` epochs:
    ``0.5 * learning_rate_init * (1 + cos(pi * epoch / max_iter))``.

    Examples
    --------
    >>> scheduled_learning_rate("cosine", 0.1, 0.1, t=0, epoch=5, max_iter=10)
    0.05
    """
    if schedule == "invscaling":
        return learning_rate_init / (t + 1) ** power_t
    if schedule == "cosine":
        progress = min(epoch, max_iter) / max_iter
        return 0.5 * learning_rate_init * (1.0 + math.cos(math.pi * progress))
    return learning_rate


def clip_by_global_norm(grads: np.ndarray, max_norm: float) -> float:
    """Scale ``grads`` in place so its L2 norm is at most ``max_norm``.

    The scale is ``max_norm / (norm + 1e-6)`` when the norm exceeds
    ``max_norm``, as torch's ``clip_grad_norm_``. Returns the norm before
    clipping.

    Examples
    --------
    >>> import numpy as np
    >>> g = np.array([3.0, 4.0])
    >>> clip_by_global_norm(g, 1.0)
    5.0
    >>> np.round(g, 4)
    array([0.6, 0.8])
    """
    norm = float(np.sqrt(np.einsum("i,i->", grads, grads)))
    if norm > max_norm:
        grads *= max_norm / (norm + 1e-6)
    return norm


def _take_rows(X, idx, buffer):
    """Rows ``idx`` of ``X`` (dense: written into ``buffer``).

    ``idx`` always comes from a permutation of ``range(len(X))``, so no index
    is out of bounds; ``mode="clip"`` skips the bounds check, with which
    ``np.take`` fills a temporary array and then copies it to ``out`` (ten
    times slower on a 200x64 float64 batch).
    """
    if sp.issparse(X):
        return X[idx]
    return np.take(X, idx, axis=0, out=buffer[: len(idx)], mode="clip")


def _message(epoch, max_iter, state, elapsed):
    parts = [f"Epoch {epoch}/{max_iter}", f"loss: {state.loss:.6f}"]
    if "val_loss" in state.history:
        parts.append(f"val_loss: {state.history['val_loss'][-1]:.6f}")
        parts.append(f"val_score: {state.history['val_score'][-1]:.6f}")
    parts.append(f"{elapsed:.2f}s")
    return " - ".join(parts)


def _dense_gradient_slices(network):
    """For each layer with a kernel: the flat slices of its kernel and bias."""
    slices = {}
    for i, _name, _shape, start, stop in network._layout:
        if "kernel" in network.layers[i].param_shapes:
            slices.setdefault(i, []).append(slice(start, stop))
    return [slices[i] for i in sorted(slices)]


def fit_stochastic(
    network: Sequential,
    loss: Loss,
    optimizer: Optimizer,
    X,
    Y: np.ndarray,
    sample_weight: np.ndarray | None,
    state: TrainingState,
    *,
    rng: np.random.RandomState,
    batch_size: int,
    max_iter: int,
    shuffle: bool = True,
    penalty: Penalty | None = None,
    alpha: float = 0.0,
    schedule: str = "constant",
    learning_rate_init: float = 1e-3,
    power_t: float = 0.5,
    tol: float = 1e-4,
    n_iter_no_change: int | float = 10,
    validation: Callable[[], tuple[float, float]] | None = None,
    early_stopping: bool = False,
    incremental: bool = False,
    verbose: bool = False,
    clip_grad_norm: float | None = None,
    on_epoch_begin: Callable[[], None] | None = None,
    on_epoch_end: Callable[[], bool] | None = None,
    warning_category: type[Warning] = RuntimeWarning,
    thread_tuner: BlasThreadTuner | None = None,
) -> TrainingState:
    """Mini-batch training with scikit-learn's stopping rules.

    One epoch shuffles the sample order (``rng.shuffle``, as scikit-learn does),
    runs :func:`objective` and one ``optimizer.step`` per batch, and records the
    sample-weighted mean batch objective in ``state.loss_curve``. Training stops
    when the training loss (or, with ``early_stopping``, the validation score)
    has not improved by ``tol`` for more than ``n_iter_no_change`` epochs; the
    ``'adaptive'`` schedule first divides the learning rate by 5 instead, until
    it falls below 1e-6. ``'invscaling'`` and ``'cosine'`` update the rate after
    each epoch (see :func:`scheduled_learning_rate`).

    After each update, the L1 part of ``penalty`` is applied as a proximal step
    (exact zeros) of size ``step * alpha / sw_sum``, where ``step`` is the
    optimizer's effective step (``lr / (1 - momentum)`` for SGD, per weight
    for the adaptive methods; see :meth:`~skdeep.nn.optimizers.Optimizer.effective_step`), so the
    fixed points are those of the penalized objective; with ``clip_grad_norm``
    the gradient is first rescaled to that global L2 norm at most.

    ``validation()`` returns ``(val_loss, val_score)`` of the current model on
    held-out data; it is called after every epoch. With ``early_stopping`` the
    validation score, not the training loss, decides when to stop, and the
    best-scoring weights are restored at the end.

    If the loss becomes non-finite, training stops, the weights of the last
    finite epoch are restored and a warning names the learning rate.
    ``on_epoch_begin()`` and ``on_epoch_end()`` are called around each epoch;
    the latter returning True stops training after that epoch. A
    ``thread_tuner`` times the full-sized batches and sets the BLAS thread
    count (see :class:`~skdeep.nn.threads.BlasThreadTuner`).

    ``state.history`` gains one entry per epoch under ``loss``, ``val_loss``
    and ``val_score`` (with ``validation``), ``learning_rate`` (the rate used
    in the epoch), ``time`` (seconds) and ``grad_norm``: an array with, for
    each layer with a kernel, the L2 norm of its kernel-and-bias gradient
    averaged over the epoch's mini-batches (the norm of the mean gradient of
    the objective, penalty included, before clipping).

    Returns
    -------
    TrainingState
        ``state``, updated in place.
    """
    params, grads = network.params, network.grads
    n_samples = X.shape[0]
    network.allocate(batch_size)
    if state.optimizer_state is None:
        state.optimizer_state = optimizer.init(
            params.size, params.dtype, network.n_penalized
        )
    opt_state = state.optimizer_state
    sample_idx = np.arange(n_samples)
    x_buffer = y_buffer = None
    if shuffle and not sp.issparse(X):
        x_buffer = np.empty((batch_size, *X.shape[1:]), dtype=X.dtype)
    if shuffle:
        y_buffer = np.empty((batch_size, *Y.shape[1:]), dtype=Y.dtype)
    last_finite = params.copy()
    grad_sum = np.empty_like(grads)
    layer_slices = _dense_gradient_slices(network)
    prox = penalty is not None and alpha > 0 and not penalty.smooth
    kernels = params[: network.n_penalized]
    state.n_iter = 0
    # a diverging fit overflows; it is stopped and reported below, so NumPy's
    # own overflow warnings would only repeat it
    errstate = np.errstate(over="ignore", invalid="ignore")
    errstate.__enter__()
    try:
        for _ in range(max_iter):
            start_time = time.perf_counter()
            if on_epoch_begin is not None:
                on_epoch_begin()
            if shuffle:
                rng.shuffle(sample_idx)
            if thread_tuner is not None:
                thread_tuner.new_epoch()
            last_finite[...] = params
            lr = state.learning_rate
            accumulated = 0.0
            grad_sum[...] = 0.0
            n_batches = 0
            for start in range(0, n_samples, batch_size):
                stop = min(start + batch_size, n_samples)
                timed = thread_tuner is not None and stop - start == batch_size
                if timed:
                    thread_tuner.batch_begin()
                if shuffle:
                    idx = sample_idx[start:stop]
                    X_batch = _take_rows(X, idx, x_buffer)
                    Y_batch = _take_rows(Y, idx, y_buffer)
                    sw_batch = None if sample_weight is None else sample_weight[idx]
                else:
                    X_batch, Y_batch = X[start:stop], Y[start:stop]
                    sw_batch = (
                        None if sample_weight is None else sample_weight[start:stop]
                    )
                value = objective(
                    network, loss, X_batch, Y_batch, sw_batch, penalty, alpha
                )
                grad_sum += grads
                n_batches += 1
                if clip_grad_norm is not None:
                    clip_by_global_norm(grads, clip_grad_norm)
                optimizer.step(params, grads, opt_state, lr)
                if prox:
                    sw_sum = stop - start if sw_batch is None else sw_batch.sum()
                    if sw_sum > 0:
                        step = optimizer.effective_step(opt_state, lr, kernels.size)
                        penalty.prox(kernels, step * (alpha / float(sw_sum)))
                accumulated += value * (stop - start)
                if timed:
                    thread_tuner.batch_end()

            state.n_iter += 1
            state.t += n_samples
            state.loss = accumulated / n_samples
            state.loss_curve.append(state.loss)
            grad_sum /= n_batches
            state.record(
                loss=state.loss,
                learning_rate=lr,
                grad_norm=np.array(
                    [
                        np.sqrt(
                            sum(
                                float(np.einsum("i,i->", grad_sum[s], grad_sum[s]))
                                for s in slices
                            )
                        )
                        for slices in layer_slices
                    ]
                ),
            )

            if not np.isfinite(state.loss) or not np.isfinite(params).all():
                params[...] = last_finite
                # loss_ describes the restored model; loss_curve_ keeps the record
                finite = [v for v in state.loss_curve if np.isfinite(v)]
                state.loss = finite[-1] if finite else np.nan
                if validation is not None:
                    state.validation_scores.append(np.nan)
                    state.record(val_loss=np.nan, val_score=np.nan)
                state.record(time=time.perf_counter() - start_time)
                warnings.warn(
                    f"Training diverged in epoch {len(state.loss_curve)}: the loss "
                    "became non-finite, so training stopped and the weights of the "
                    f"last finite epoch were restored. The learning rate ({lr:g}) "
                    "is the likely cause: lower learning_rate_init, or scale the "
                    "inputs.",
                    warning_category,
                    stacklevel=3,
                )
                break

            score = None
            if validation is not None:
                val_loss, score = validation()
                state.validation_scores.append(score)
                state.record(val_loss=val_loss, val_score=score)
            _update_no_improvement(
                state, params, tol, score if early_stopping else None
            )
            state.record(time=time.perf_counter() - start_time)
            if verbose:
                print(
                    _message(
                        state.n_iter, max_iter, state, time.perf_counter() - start_time
                    )
                )

            if on_epoch_end is not None and on_epoch_end():
                if verbose:
                    print("A callback asked to stop. Stopping.")
                break

            state.learning_rate = scheduled_learning_rate(
                schedule,
                state.learning_rate,
                learning_rate_init,
                t=state.t,
                epoch=len(state.loss_curve),
                max_iter=max_iter,
                power_t=power_t,
            )

            if state.no_improvement_count > n_iter_no_change:
                what = "Validation score" if early_stopping else "Training loss"
                msg = (
                    f"{what} did not improve more than tol={tol:f} for "
                    f"{n_iter_no_change} consecutive epochs."
                )
                if (
                    schedule == "adaptive"
                    and state.learning_rate > MIN_ADAPTIVE_LEARNING_RATE
                ):
                    state.learning_rate /= 5.0
                    state.no_improvement_count = 0
                    if verbose:
                        print(f"{msg} Setting learning rate to {state.learning_rate:f}")
                else:
                    if verbose:
                        print(f"{msg} Stopping.")
                    break

            if incremental:
                break
            if state.n_iter == max_iter:
                warnings.warn(
                    f"Stochastic Optimizer: Maximum iterations ({max_iter}) reached "
                    "and the optimization hasn't converged yet.",
                    warning_category,
                    stacklevel=3,
                )
    except KeyboardInterrupt:
        warnings.warn("Training interrupted by user.", stacklevel=3)
    finally:
        errstate.__exit__(None, None, None)
        network.release()

    if early_stopping and state.best_params is not None:
        params[...] = state.best_params
    return state


def _update_no_improvement(state, params, tol, score):
    """scikit-learn's bookkeeping of epochs without improvement: on the
    validation ``score`` when given (early stopping), else on the loss."""
    if score is not None:
        if score < state.best_validation_score + tol:
            state.no_improvement_count += 1
        else:
            state.no_improvement_count = 0
        if score > state.best_validation_score:
            state.best_validation_score = score
            state.best_params = params.copy()
    else:
        if state.loss > state.best_loss - tol:
            state.no_improvement_count += 1
        else:
            state.no_improvement_count = 0
        state.best_loss = min(state.best_loss, state.loss)


class _IterationRecorder:
    """SciPy callback: records the objective (and prints) after each iteration."""

    def __init__(self, max_iter, verbose):
        self.curve: list[float] = []
        self.max_iter, self.verbose = max_iter, verbose
        self.times: list[float] = []
        self._last = time.perf_counter()

    def __call__(self, intermediate_result):
        now = time.perf_counter()
        self.times.append(now - self._last)
        self._last = now
        self.curve.append(float(intermediate_result.fun))
        if self.verbose:
            print(
                f"Iteration {len(self.curve)}/{self.max_iter} - "
                f"loss: {self.curve[-1]:.6f} - {self.times[-1]:.2f}s"
            )


def fit_lbfgs(
    network: Sequential,
    loss: Loss,
    X,
    Y: np.ndarray,
    sample_weight: np.ndarray | None = None,
    *,
    penalty: Penalty | None = None,
    alpha: float = 0.0,
    max_iter: int = 200,
    max_fun: int = 15000,
    tol: float = 1e-4,
    verbose: bool = False,
) -> tuple[scipy.optimize.OptimizeResult, dict]:
    """Full-batch L-BFGS-B on the flat parameter vector.

    Calls ``scipy.optimize.minimize(method="L-BFGS-B", jac=True)`` with
    ``maxiter=max_iter``, ``maxfun=max_fun`` and ``gtol=tol``. SciPy works in
    float64; a float32 network is evaluated in float32 and keeps float32 weights.

    Returns
    -------
    result : scipy.optimize.OptimizeResult
    history : dict
        ``loss`` (objective after each iteration) and ``time`` (seconds per
        iteration) lists.
    """
    _check_smooth(penalty, alpha, "lbfgs")
    fun = _full_batch_objective(network, loss, X, Y, sample_weight, penalty, alpha)
    options = {"maxiter": max_iter, "maxfun": max_fun, "gtol": tol}
    return _minimize(network, fun, "L-BFGS-B", options, verbose)


def fit_newton_cg(
    network: Sequential,
    loss: Loss,
    X,
    Y: np.ndarray,
    sample_weight: np.ndarray | None = None,
    *,
    penalty: Penalty | None = None,
    alpha: float = 0.0,
    max_iter: int = 200,
    tol: float = 1e-4,
    verbose: bool = False,
) -> tuple[scipy.optimize.OptimizeResult, dict]:
    """Full-batch trust-region Newton-CG on the flat parameter vector.

    Runs ``scipy.optimize.minimize(method="trust-ncg")`` with ``gtol=tol`` and
    ``maxiter=max_iter``. Hessian-vector products are **central finite
    differences of the back-propagated gradient**,
    ``H v ~ (g(w + h v) - g(w - h v)) / (2 h)`` with
    ``h = eps**(1/3) * (1 + ||w||) / ||v||`` (``eps`` of the network's dtype),
    two gradient evaluations per product; the trust region keeps the steps
    safe where the network's Hessian is indefinite.

    Returns
    -------
    result : scipy.optimize.OptimizeResult
    history : dict
        ``loss`` (objective after each iteration) and ``time`` (seconds per
        iteration) lists.
    """
    _check_smooth(penalty, alpha, "newton-cg")
    fun = _full_batch_objective(network, loss, X, Y, sample_weight, penalty, alpha)
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

    options = {"maxiter": max_iter, "gtol": tol}
    return _minimize(network, fun, "trust-ncg", options, verbose, hessp=hessp)


def _full_batch_objective(network, loss, X, Y, sample_weight, penalty, alpha):
    """``x -> (objective, gradient)`` in float64 for SciPy, evaluated in place in
    the network's flat vector (and dtype), with buffers for the whole data."""
    params, grads = network.params, network.grads
    network.allocate(X.shape[0])

    def fun(x):
        params[...] = x
        value = objective(network, loss, X, Y, sample_weight, penalty, alpha)
        return value, grads.astype(np.float64)

    return fun


def _minimize(network, fun, method, options, verbose, **kwargs):
    """Run ``scipy.optimize.minimize`` from the network's parameters, leave the
    solution in them, and return the result with the per-iteration history."""
    params = network.params
    callback = _IterationRecorder(options["maxiter"], verbose)
    try:
        result = scipy.optimize.minimize(
            fun,
            params.astype(np.float64),
            method=method,
            jac=True,
            callback=callback,
            options=options,
            **kwargs,
        )
    finally:
        network.release()
    params[...] = result.x
    return result, {"loss": callback.curve, "time": callback.times}
