"""The divergence guard: a non-finite loss or weight stops training and
restores the whole training state of the last epoch that left a usable model.

"Usable" is checked on outputs, not only on weights: weights can be finite
yet so large that the model predicts infinity (a learning rate far too
large). The guard keeps the state at the start of the last two epochs and
of the epoch with the lowest training loss so far, and restores the one whose
objective on the training data is lowest.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

__all__ = ["DivergenceGuard", "NON_FINITE_MESSAGE", "explain_non_finite"]

#: raised when training never produced finite weights (scikit-learn's words)
NON_FINITE_MESSAGE = (
    "Solver produced non-finite parameter weights. The input data may contain "
    "large values and need to be preprocessed."
)


def diverged_message(epoch: int, lr: float) -> str:
    """The warning of a fit stopped by divergence in ``epoch``."""
    return (
        f"Training diverged in epoch {epoch}: the loss became non-finite, so "
        "training stopped and the best recent state (weights, optimizer state, "
        "moving statistics) was restored. The learning rate "
        f"({lr:g}) is the likely cause: lower learning_rate_init, or scale the "
        "inputs."
    )


def explain_non_finite(data_loss: float, penalty_term: float, alpha: float) -> str:
    """Why a model could not be trained, from the two terms of its objective at
    the weights it started from.

    Examples
    --------
    >>> explain_non_finite(float("inf"), 0.0, 1e-4)[:38]
    'The loss is not finite at the starting'
    """
    if not math.isfinite(penalty_term):
        return (
            f"The penalty is not finite at the starting weights: alpha={alpha:g} "
            "is too large; lower alpha."
        )
    if not math.isfinite(data_loss):
        return (
            "The loss is not finite at the starting weights: X or y hold values "
            "too large for the model's dtype; scale them (e.g. StandardScaler, "
            "TransformedTargetRegressor)."
        )
    return (
        "The loss was finite at the starting weights and diverged in training: "
        "lower learning_rate_init, or scale the inputs."
    )


class _Snapshot:
    """Copies of the parameters, the optimizer state and the network's
    non-trainable state, refreshed in place."""

    def __init__(self) -> None:
        self.arrays: list[np.ndarray] = []
        self.optimizer: dict = {}

    def take(self, params, state_arrays, optimizer_state) -> None:
        live = [params, *state_arrays]
        if len(self.arrays) != len(live):
            self.arrays = [a.copy() for a in live]
        else:
            for kept, array in zip(self.arrays, live, strict=True):
                np.copyto(kept, array)
        for key, value in optimizer_state.items():
            kept = self.optimizer.get(key)
            if isinstance(value, np.ndarray):
                if isinstance(kept, np.ndarray) and kept.shape == value.shape:
                    np.copyto(kept, value)
                else:
                    self.optimizer[key] = value.copy()
            else:
                self.optimizer[key] = value

    def copy_from(self, other: _Snapshot) -> None:
        """Become a copy of ``other`` (reusing this snapshot's arrays)."""
        self.take(other.arrays[0], other.arrays[1:], other.optimizer)

    def put_back(self, params, state_arrays, optimizer_state) -> None:
        for kept, array in zip(self.arrays, [params, *state_arrays], strict=True):
            np.copyto(array, kept)
        for key, kept in self.optimizer.items():
            if isinstance(kept, np.ndarray):
                np.copyto(optimizer_state[key], kept)
            else:
                optimizer_state[key] = kept


class DivergenceGuard:
    """Keeps the training state of the last epochs, and restores it.

    Call :meth:`remember` before each epoch, :meth:`diverged` after it and
    :meth:`finished` after a finite one; on
    divergence, :meth:`restore` puts back the remembered state (weights,
    optimizer state, moving statistics) whose objective on the training data,
    as ``evaluate()`` computes it, is lowest, and sets ``state.loss`` to that
    objective. When no remembered state is usable, or the model never
    completed a finite epoch, it raises a ValueError that says why.

    Parameters
    ----------
    network : Sequential
        The network; its ``params`` and
        :meth:`~skdeep.nn.network.Sequential.state_arrays` are kept.
    optimizer_state : dict
        The optimizer's state, kept alike.
    evaluate : callable, default=None
        ``evaluate() -> (data_loss, penalty_term)`` of the current weights on
        the training data (inference mode). None: only the weights are
        checked.
    alpha : float, default=0.0
        Penalty strength, for the error message.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeep.nn.layers import Dense
    >>> from skdeep.nn.network import Sequential
    >>> net = Sequential([Dense(1)]).build(2, np.random.RandomState(0))
    >>> guard = DivergenceGuard(net, {})
    >>> guard.remember()
    >>> net.params[0] = np.inf
    >>> guard.diverged(loss=0.5)
    True
    """

    def __init__(
        self,
        network,
        optimizer_state: dict,
        evaluate: Callable[[], tuple[float, float]] | None = None,
        alpha: float = 0.0,
    ) -> None:
        self.params = network.params
        self._state_arrays = network.state_arrays()
        self._optimizer_state = optimizer_state
        self._evaluate = evaluate
        self._alpha = alpha
        self._snapshots = [_Snapshot(), _Snapshot()]  # newest first
        self._taken = 0
        self._best = _Snapshot()  # the start of the lowest-loss epoch
        self._best_loss = math.inf

    def _live(self):
        return self.params, self._state_arrays, self._optimizer_state

    def remember(self) -> None:
        """Keep the current training state; the one before becomes the older."""
        self._snapshots.reverse()
        self._snapshots[0].take(*self._live())
        self._taken += 1

    def rewind(self) -> None:
        """Put back the newest remembered state (the start of this epoch)."""
        self._snapshots[0].put_back(*self._live())

    def finished(self, loss: float) -> None:
        """After a finite epoch of loss ``loss``: keep its starting state if
        the loss is the lowest of the call."""
        if loss < self._best_loss:
            self._best_loss = loss
            self._best.copy_from(self._snapshots[0])

    def diverged(self, loss: float) -> bool:
        """Whether ``loss`` or any weight is non-finite."""
        return not math.isfinite(loss) or not np.isfinite(self.params).all()

    def restore(self, state) -> None:
        """Restore the remembered state with the lowest finite objective (the
        newest on a tie) and describe it; raise when there is none."""
        usable = [v for v in state.loss_curve if np.isfinite(v)]
        candidates = self._snapshots[: min(self._taken, 2)]
        if math.isfinite(self._best_loss):
            candidates.append(self._best)
        best, best_value, terms = None, math.inf, (np.nan, np.nan)
        for snapshot in candidates:
            snapshot.put_back(*self._live())
            terms = self._objective_terms(usable)
            value = sum(terms)
            if usable and math.isfinite(value) and value < best_value:
                best, best_value = snapshot, value
        if best is None:
            raise ValueError(
                f"{NON_FINITE_MESSAGE} {explain_non_finite(*terms, self._alpha)}"
            )
        best.put_back(*self._live())
        state.loss = best_value if self._evaluate else usable[-1]

    def _objective_terms(self, usable) -> tuple[float, float]:
        if self._evaluate is None:
            return (usable[-1], 0.0) if usable else (np.nan, 0.0)
        with np.errstate(over="ignore", invalid="ignore"):
            data_loss, penalty_term = self._evaluate()
        return float(data_loss), float(penalty_term)
