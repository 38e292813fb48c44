"""Weight penalties acting on the contiguous slice of penalized parameters.

A penalty ``P(w)`` is scaled by the estimator as ``alpha * P(w) / sw_sum`` (the sum
of sample weights, ``n_samples`` when unweighted), which is scikit-learn's scaling
for its L2 term. Only kernels are penalized, never biases.

Each penalty splits into a differentiable part, which enters the gradient
(:meth:`Penalty.add_gradient`), and a non-differentiable L1 part, applied after
each stochastic update as a proximal (soft-thresholding) step
(:meth:`Penalty.prox`), which sets weights to exactly zero as Lasso does.
"""

from __future__ import annotations

import numpy as np

from ._params import Configurable, _check_range
from ._registry import lookup

__all__ = ["Penalty", "L2", "L1", "ElasticNet", "soft_threshold", "PENALTIES", "get"]


def _squared_norm(w: np.ndarray) -> float:
    """``w @ w`` without BLAS: a threaded BLAS dot can stall on a busy machine."""
    return float(np.einsum("i,i->", w, w))


def soft_threshold(w: np.ndarray, threshold) -> None:
    """Proximal operator of ``threshold * ||w||_1``, in place.

    ``threshold`` is a scalar or one value per weight.

    ``w = sign(w) * max(|w| - threshold, 0)``.

    Examples
    --------
    >>> import numpy as np
    >>> w = np.array([-2.0, 0.3, 1.0])
    >>> soft_threshold(w, 0.5)
    >>> w
    array([-1.5,  0. ,  0.5])
    """
    if np.isscalar(threshold) and threshold <= 0:
        return
    shrunk = np.abs(w)
    shrunk -= threshold
    np.maximum(shrunk, 0.0, out=shrunk)
    np.copysign(shrunk, w, out=w)


class Penalty(Configurable):
    """Base class for weight penalties.

    Attributes
    ----------
    smooth : bool
        True when the penalty is differentiable everywhere (no L1 part), as
        full-batch solvers (L-BFGS, Newton-CG) require.
    """

    @property
    def smooth(self) -> bool:
        return self._l1_weight() == 0

    def _l1_weight(self) -> float:
        return 0.0

    def _l2_weight(self) -> float:
        return 0.0

    def validate(self) -> None:
        """Raise a ValueError naming any hyperparameter out of its range."""

    def value(self, w: np.ndarray) -> float:
        """Return ``P(w)``."""
        value = 0.0
        if self._l1_weight():
            value += self._l1_weight() * float(np.abs(w).sum())
        if self._l2_weight():
            value += self._l2_weight() * 0.5 * _squared_norm(w)
        return value

    def add_gradient(self, w: np.ndarray, scale: float, grad: np.ndarray) -> None:
        """Add ``scale`` times the gradient of the differentiable part to ``grad``."""
        if self._l2_weight():
            grad += (scale * self._l2_weight()) * w

    def prox(self, w: np.ndarray, step) -> None:
        """Proximal step of ``step`` (a scalar or one value per weight) times the
        L1 part, in place (exact zeros)."""
        if self._l1_weight():
            soft_threshold(w, step * self._l1_weight())


class L2(Penalty):
    """Squared L2 norm, ``P(w) = 0.5 * ||w||^2`` (scikit-learn's weight decay).

    Examples
    --------
    >>> import numpy as np
    >>> L2().value(np.array([3.0, 4.0]))
    12.5
    """

    def _l2_weight(self):
        return 1.0


class L1(Penalty):
    """L1 norm, ``P(w) = ||w||_1``: drives unneeded weights to exactly zero.

    Examples
    --------
    >>> import numpy as np
    >>> L1().value(np.array([3.0, -4.0]))
    7.0
    """

    def _l1_weight(self):
        return 1.0


class ElasticNet(Penalty):
    """Elastic net, ``P(w) = l1_ratio * ||w||_1 + (1 - l1_ratio) / 2 * ||w||^2``.

    Parameters
    ----------
    l1_ratio : float, default=0.15
        Mix between L1 (1.0) and L2 (0.0), in ``[0, 1]``.

    Examples
    --------
    >>> import numpy as np
    >>> ElasticNet(l1_ratio=0.5).value(np.array([2.0]))
    2.0
    """

    def __init__(self, l1_ratio: float = 0.15) -> None:
        self.l1_ratio = l1_ratio

    def validate(self):
        _check_range(self, "l1_ratio", self.l1_ratio, 0, 1)

    def _l1_weight(self):
        return float(self.l1_ratio)

    def _l2_weight(self):
        return 1.0 - float(self.l1_ratio)


PENALTIES: dict[str, type[Penalty]] = {"l2": L2, "l1": L1, "elasticnet": ElasticNet}


def get(name: str | Penalty | None, l1_ratio: float = 0.15) -> Penalty | None:
    """Return a penalty instance from a registry name, an instance or ``None``.

    Parameters
    ----------
    name : {'l2', 'l1', 'elasticnet'}, Penalty or None
    l1_ratio : float, default=0.15
        Used by 'elasticnet'.

    Raises
    ------
    ValueError
        If ``name`` is unknown; the message lists the valid names.
    """
    if name is None or isinstance(name, Penalty):
        return name
    if name == "elasticnet":
        return ElasticNet(l1_ratio=l1_ratio)
    return lookup(PENALTIES, name, "penalty", plural="penalties")()
