"""Weight penalties acting on the contiguous slice of penalized parameters.

A penalty ``P(w)`` is scaled by the estimator as ``alpha * P(w) / sw_sum`` (the sum
of sample weights, ``n_samples`` when unweighted), which is scikit-learn's scaling
for its L2 term. Only kernels are penalized, never biases.

Smooth penalties enter the gradient (:meth:`Penalty.add_gradient`); non-smooth ones
are applied as a proximal step after each update (:meth:`Penalty.prox`).
"""

from __future__ import annotations

import numpy as np

__all__ = ["Penalty", "L2", "PENALTIES", "get"]


class Penalty:
    """Base class for weight penalties.

    Attributes
    ----------
    smooth : bool
        Whether the penalty is differentiable (enters the gradient) rather than
        being applied through :meth:`prox`.
    """

    smooth: bool = True

    def value(self, w: np.ndarray) -> float:
        """Return ``P(w)``."""
        raise NotImplementedError

    def add_gradient(self, w: np.ndarray, scale: float, grad: np.ndarray) -> None:
        """Add ``scale * dP/dw`` to ``grad`` in place."""
        raise NotImplementedError

    def prox(self, w: np.ndarray, step: float) -> None:
        """Apply the proximal operator of ``step * P`` to ``w`` in place."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class L2(Penalty):
    """Squared L2 norm, ``P(w) = 0.5 * ||w||^2`` (weight decay).

    Examples
    --------
    >>> import numpy as np
    >>> L2().value(np.array([3.0, 4.0]))
    12.5
    """

    smooth = True

    def value(self, w):
        return 0.5 * float(np.dot(w, w))

    def add_gradient(self, w, scale, grad):
        grad += scale * w

    def prox(self, w, step):
        w *= 1.0 / (1.0 + step)


PENALTIES: dict[str, type[Penalty]] = {"l2": L2}


def get(name: str | Penalty | None) -> Penalty | None:
    """Return a penalty instance from a registry name, an instance or ``None``.

    Raises
    ------
    ValueError
        If ``name`` is unknown; the message lists the valid names.
    """
    if name is None or isinstance(name, Penalty):
        return name
    try:
        return PENALTIES[name]()
    except (KeyError, TypeError):
        valid = ", ".join(sorted(PENALTIES))
        raise ValueError(
            f"Unknown penalty {name!r}; valid penalties are: {valid} or None."
        ) from None
