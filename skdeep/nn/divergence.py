"""The divergence guard: a non-finite loss or weight stops training and
restores the last finite epoch's weights."""

from __future__ import annotations

import math

import numpy as np

__all__ = ["DivergenceGuard", "NON_FINITE_MESSAGE"]

#: raised when training never produced finite weights (scikit-learn's words)
NON_FINITE_MESSAGE = (
    "Solver produced non-finite parameter weights. The input data may contain "
    "large values and need to be preprocessed."
)


def diverged_message(epoch: int, lr: float) -> str:
    """The warning of a fit stopped by divergence in ``epoch``."""
    return (
        f"Training diverged in epoch {epoch}: the loss became non-finite, so "
        "training stopped and the weights of the last finite epoch were "
        f"restored. The learning rate ({lr:g}) is the likely cause: lower "
        "learning_rate_init, or scale the inputs."
    )


class DivergenceGuard:
    """Keeps the weights of the last finite epoch, and restores them.

    Call :meth:`remember` before each epoch and :meth:`diverged` after it;
    on divergence, :meth:`restore` puts the remembered weights back and sets
    ``state.loss`` to the last finite loss of ``state.loss_curve`` (which
    keeps the non-finite record). A model that never completed a finite
    epoch has nothing to restore: :meth:`restore` raises a ValueError.

    Parameters
    ----------
    params : ndarray
        The network's flat parameter vector.

    Examples
    --------
    >>> import numpy as np
    >>> params = np.array([1.0, 2.0])
    >>> guard = DivergenceGuard(params)
    >>> guard.remember()
    >>> params[0] = np.inf
    >>> guard.diverged(loss=0.5)
    True
    """

    def __init__(self, params: np.ndarray) -> None:
        self.params = params
        self._last_finite = params.copy()

    def remember(self) -> None:
        """Keep the current weights as the last finite ones."""
        self._last_finite[...] = self.params

    def diverged(self, loss: float) -> bool:
        """Whether ``loss`` or any weight is non-finite."""
        return not math.isfinite(loss) or not np.isfinite(self.params).all()

    def restore(self, state) -> None:
        """Restore the remembered weights and the last finite loss."""
        self.params[...] = self._last_finite
        finite = [v for v in state.loss_curve if np.isfinite(v)]
        if not finite:
            raise ValueError(NON_FINITE_MESSAGE)
        # loss_ describes the restored model; loss_curve_ keeps the record
        state.loss = finite[-1]
