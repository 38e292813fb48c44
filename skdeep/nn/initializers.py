"""Weight initializers.

An initializer is called as ``init(fan_in, fan_out, rng, activation)`` and returns
``(kernel, bias)`` in float64; the network casts them to its dtype. Draws come from a
``numpy.random.RandomState`` in the order kernel then bias, layer by layer, which is
scikit-learn's order: the same ``random_state`` gives scikit-learn's initial weights.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["glorot_uniform", "INITIALIZERS", "get"]

Initializer = Callable[
    [int, int, np.random.RandomState, str], tuple[np.ndarray, np.ndarray]
]


def glorot_uniform(
    fan_in: int, fan_out: int, rng: np.random.RandomState, activation: str = "relu"
) -> tuple[np.ndarray, np.ndarray]:
    """Glorot/Xavier uniform initialization with scikit-learn's bounds.

    Kernel and bias are both drawn from ``U(-b, b)`` with
    ``b = sqrt(factor / (fan_in + fan_out))``, ``factor = 2`` for the logistic
    activation and ``6`` otherwise (Glorot and Bengio, 2010), exactly as
    ``sklearn.neural_network`` does.

    Parameters
    ----------
    fan_in, fan_out : int
        Input and output widths of the layer.
    rng : numpy.random.RandomState
        Source of randomness.
    activation : str, default="relu"
        Name of the hidden activation of the network.

    Returns
    -------
    kernel : ndarray of shape (fan_in, fan_out)
    bias : ndarray of shape (fan_out,)

    Examples
    --------
    >>> import numpy as np
    >>> kernel, bias = glorot_uniform(3, 2, np.random.RandomState(0))
    >>> kernel.shape, bias.shape
    ((3, 2), (2,))
    >>> bool(np.all(np.abs(kernel) <= np.sqrt(6 / 5)))
    True
    """
    factor = 2.0 if activation in ("logistic", "sigmoid") else 6.0
    bound = np.sqrt(factor / (fan_in + fan_out))
    kernel = rng.uniform(-bound, bound, (fan_in, fan_out))
    bias = rng.uniform(-bound, bound, fan_out)
    return kernel, bias


INITIALIZERS: dict[str, Initializer] = {"glorot_uniform": glorot_uniform}


def get(name: str | Initializer) -> Initializer:
    """Return the initializer registered under ``name`` (or a callable as is).

    Raises
    ------
    ValueError
        If ``name`` is unknown; the message lists the valid names.
    """
    if callable(name):
        return name
    try:
        return INITIALIZERS[name]
    except (KeyError, TypeError):
        valid = ", ".join(sorted(INITIALIZERS))
        raise ValueError(
            f"Unknown weight initializer {name!r}; valid initializers are: {valid}."
        ) from None
