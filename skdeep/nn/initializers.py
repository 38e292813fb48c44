"""Weight initializers.

An initializer is called as ``init(fan_in, fan_out, rng, activation)`` and returns
``(kernel, bias)`` in float64; the network casts them to its dtype. Draws come from a
``numpy.random.RandomState`` in the order kernel then bias, layer by layer, which is
scikit-learn's order: the same ``random_state`` gives scikit-learn's initial weights.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ._registry import lookup

__all__ = [
    "glorot_uniform",
    "glorot_normal",
    "he_uniform",
    "he_normal",
    "normal",
    "orthogonal",
    "INITIALIZERS",
    "get",
]

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


def glorot_normal(fan_in, fan_out, rng, activation="relu"):
    """Glorot normal: kernel ~ N(0, 2 / (fan_in + fan_out)), zero bias.

    Examples
    --------
    >>> import numpy as np
    >>> kernel, bias = glorot_normal(300, 200, np.random.RandomState(0))
    >>> round(float(kernel.std()), 3), float(np.abs(bias).max())
    (0.063, 0.0)
    """
    std = np.sqrt(2.0 / (fan_in + fan_out))
    return rng.normal(0.0, std, (fan_in, fan_out)), np.zeros(fan_out)


def he_uniform(fan_in, fan_out, rng, activation="relu"):
    """He uniform (for ReLU): kernel ~ U(-b, b), ``b = sqrt(6 / fan_in)``, zero bias.

    Examples
    --------
    >>> import numpy as np
    >>> kernel, _ = he_uniform(6, 4, np.random.RandomState(0))
    >>> bool(np.abs(kernel).max() <= 1.0)
    True
    """
    bound = np.sqrt(6.0 / fan_in)
    return rng.uniform(-bound, bound, (fan_in, fan_out)), np.zeros(fan_out)


def he_normal(fan_in, fan_out, rng, activation="relu"):
    """He normal (for ReLU): kernel ~ N(0, 2 / fan_in), zero bias.

    Untruncated (Keras truncates at two standard deviations).

    Examples
    --------
    >>> import numpy as np
    >>> kernel, _ = he_normal(200, 300, np.random.RandomState(0))
    >>> round(float(kernel.std()), 2)
    0.1
    """
    return rng.normal(0.0, np.sqrt(2.0 / fan_in), (fan_in, fan_out)), np.zeros(fan_out)


def normal(fan_in, fan_out, rng, activation="relu"):
    """Plain normal: kernel ~ N(0, 0.05**2) (Keras' ``RandomNormal``), zero bias.

    Examples
    --------
    >>> import numpy as np
    >>> kernel, _ = normal(300, 300, np.random.RandomState(0))
    >>> round(float(kernel.std()), 3)
    0.05
    """
    return rng.normal(0.0, 0.05, (fan_in, fan_out)), np.zeros(fan_out)


def orthogonal(fan_in, fan_out, rng, activation="relu"):
    """Orthogonal kernel (Saxe et al., 2014): the Q factor of a Gaussian matrix,
    with columns (or rows, when ``fan_in < fan_out``) orthonormal; zero bias.

    Examples
    --------
    >>> import numpy as np
    >>> kernel, _ = orthogonal(5, 3, np.random.RandomState(0))
    >>> np.allclose(kernel.T @ kernel, np.eye(3))
    True
    """
    a = rng.normal(0.0, 1.0, (max(fan_in, fan_out), min(fan_in, fan_out)))
    q, r = np.linalg.qr(a)
    q *= np.sign(np.diag(r))  # a uniform draw over orthogonal matrices
    kernel = q if fan_in >= fan_out else q.T
    return kernel, np.zeros(fan_out)


INITIALIZERS: dict[str, Initializer] = {
    "glorot_uniform": glorot_uniform,
    "glorot_normal": glorot_normal,
    "he_uniform": he_uniform,
    "he_normal": he_normal,
    "normal": normal,
    "orthogonal": orthogonal,
}


def get(name: str | Initializer) -> Initializer:
    """Return the initializer registered under ``name`` (or a callable as is).

    Raises
    ------
    ValueError
        If ``name`` is unknown; the message lists the valid names.
    """
    if callable(name):
        return name
    return lookup(INITIALIZERS, name, "weight initializer")
