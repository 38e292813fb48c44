"""When stochastic training stops: scikit-learn's rules as one state machine.

After every epoch the monitored quantity (the training loss, or with early
stopping the validation score) either improves by more than ``tol`` or the
epoch counts as one without improvement. More than ``n_iter_no_change`` such
epochs in a row make a plateau: a schedule that reduces on plateau (see
:func:`skdeep.nn.schedules.reduces_on_plateau`) divides the learning rate by
:data:`PLATEAU_FACTOR` and training goes on, until the rate falls below
:data:`MIN_ADAPTIVE_LEARNING_RATE`; otherwise training stops. With early
stopping the weights of the best validation score are restored at the end.

The counters and best values live in the
:class:`~skdeep.nn.training.TrainingState`, so they survive ``warm_start`` and
``partial_fit``; :class:`Stopping` only holds the rules.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "Decision",
    "Stopping",
    "MIN_ADAPTIVE_LEARNING_RATE",
    "PLATEAU_FACTOR",
]

#: learning rates below this end 'adaptive' training instead of being divided
MIN_ADAPTIVE_LEARNING_RATE = 1e-6
#: a plateau divides the learning rate of a reducing schedule by this
PLATEAU_FACTOR = 5.0


@dataclass(frozen=True)
class Decision:
    """What to do after an epoch: stop or not, and what to tell the user."""

    stop: bool = False
    message: str | None = None


@dataclass(frozen=True)
class Stopping:
    """The stopping rules of one training call.

    Parameters
    ----------
    tol : float
        Improvement below which an epoch counts as no improvement.
    n_iter_no_change : int or float
        Epochs without improvement tolerated (``np.inf``: never stop).
    monitor_validation : bool
        Follow the validation score (early stopping) instead of the loss.
    reduce_on_plateau : bool
        Divide the learning rate on a plateau instead of stopping.

    Examples
    --------
    >>> from skdeep.nn.training import TrainingState
    >>> rules = Stopping(tol=0.1, n_iter_no_change=1, monitor_validation=False,
    ...                  reduce_on_plateau=False)
    >>> state = TrainingState(learning_rate=0.1)
    >>> rules.start(state, None, has_validation=False)
    >>> for loss in (1.0, 0.95, 0.93):
    ...     state.loss = loss
    ...     rules.observe(state, None, score=None)
    >>> rules.decide(state).stop
    True
    """

    tol: float
    n_iter_no_change: float
    monitor_validation: bool
    reduce_on_plateau: bool

    def start(self, state, params: np.ndarray | None, *, has_validation: bool):
        """Initialize the best values a new ``state`` does not have yet."""
        if has_validation and state.validation_scores is None:
            state.validation_scores = []
        if self.monitor_validation and state.best_validation_score is None:
            state.best_validation_score = -np.inf
            state.best_loss = None
            state.best_params = params.copy()
        if not self.monitor_validation and state.best_loss is None:
            state.best_loss = np.inf

    def observe(self, state, params: np.ndarray | None, score: float | None):
        """Count the epoch as an improvement or not (scikit-learn's rule):
        on the validation ``score`` with early stopping, else on the loss."""
        tol = self.tol
        if self.monitor_validation:
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

    def decide(self, state) -> Decision:
        """After an epoch: stop, divide the learning rate, or go on."""
        if state.no_improvement_count <= self.n_iter_no_change:
            return Decision()
        what = "Validation score" if self.monitor_validation else "Training loss"
        msg = (
            f"{what} did not improve more than tol={self.tol:f} for "
            f"{self.n_iter_no_change} consecutive epochs."
        )
        if self.reduce_on_plateau and state.learning_rate > MIN_ADAPTIVE_LEARNING_RATE:
            state.learning_rate /= PLATEAU_FACTOR
            state.no_improvement_count = 0
            return Decision(
                message=f"{msg} Setting learning rate to {state.learning_rate:f}"
            )
        return Decision(stop=True, message=f"{msg} Stopping.")

    def finish(self, state, params: np.ndarray) -> None:
        """Restore the best-scoring weights (early stopping)."""
        if self.monitor_validation and state.best_params is not None:
            params[...] = state.best_params
