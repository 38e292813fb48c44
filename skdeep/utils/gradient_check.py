"""Central-difference gradient checking (float64)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["numerical_gradient", "check_gradient", "check_input_jacobian"]


def numerical_gradient(
    f: Callable[[np.ndarray], float], x: np.ndarray, eps: float = 1e-6
) -> np.ndarray:
    """Central-difference gradient of a scalar function.

    Each coordinate of ``x`` is perturbed in place by ``+eps`` and ``-eps`` and
    restored, so ``f`` may read ``x`` through views (a network's flat parameter
    vector, for example).

    Parameters
    ----------
    f : callable
        Scalar function of ``x``.
    x : ndarray
        The point, float64; modified temporarily, restored on return.
    eps : float, default=1e-6
        Step size.

    Returns
    -------
    ndarray of the shape of ``x``

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([1.0, 2.0])
    >>> numerical_gradient(lambda v: float(v @ v), x).round(6)
    array([2., 4.])
    """
    if x.dtype != np.float64:
        raise TypeError(f"gradient checks need float64, got {x.dtype}.")
    grad = np.empty_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        original = flat[i]
        flat[i] = original + eps
        f_plus = f(x)
        flat[i] = original - eps
        f_minus = f(x)
        flat[i] = original
        gflat[i] = (f_plus - f_minus) / (2.0 * eps)
    return grad


def check_gradient(
    f: Callable[[np.ndarray], float],
    grad: np.ndarray,
    x: np.ndarray,
    *,
    eps: float = 1e-6,
    rtol: float = 1e-5,
    atol: float = 1e-7,
) -> float:
    """Assert that ``grad`` matches the central-difference gradient of ``f`` at ``x``.

    Parameters
    ----------
    f : callable
        Scalar function of ``x``.
    grad : ndarray
        The analytic gradient to check.
    x : ndarray
        The point (float64).
    eps, rtol, atol : float
        Step size and tolerances.

    Returns
    -------
    float
        The largest absolute difference.

    Raises
    ------
    AssertionError
        If the gradients differ beyond the tolerances.
    """
    numeric = numerical_gradient(f, x, eps)
    np.testing.assert_allclose(grad, numeric, rtol=rtol, atol=atol)
    return float(np.max(np.abs(grad - numeric), initial=0.0))


def check_input_jacobian(
    network,
    X: np.ndarray,
    columns=None,
    *,
    eps: float = 1e-6,
    rtol: float = 1e-6,
    atol: float = 1e-9,
) -> np.ndarray:
    """Assert that a network's input Jacobian of its first raw output matches
    central differences of its forward pass, column by column.

    Parameters
    ----------
    network : skdeep.nn.network.Sequential
        A built network (float64).
    X : ndarray of shape (n_samples, n_features)
        The rows to differentiate at.
    columns : iterable of int, default=None
        The input columns to check (None: all).
    eps, rtol, atol : float
        Step size and tolerances.

    Returns
    -------
    ndarray of shape (n_samples, n_features)
        The analytic Jacobian of the first output, for further checks.

    Raises
    ------
    AssertionError
        If a checked column differs beyond the tolerances.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeep.nn import Dense, Sequential
    >>> rng = np.random.RandomState(0)
    >>> net = Sequential([Dense(4, "tanh"), Dense(1)]).build(3, rng)
    >>> check_input_jacobian(net, rng.normal(size=(5, 3))).shape
    (5, 3)
    """
    jacobian = network.input_jacobian(X, lambda raw: np.ones((len(raw), 1, 1)))
    for j in range(X.shape[1]) if columns is None else columns:
        step = np.zeros_like(X)
        step[:, j] = eps
        upper, lower = network.forward(X + step), network.forward(X - step)
        numeric = (upper - lower)[:, 0] / (2 * eps)
        np.testing.assert_allclose(jacobian[:, 0, j], numeric, rtol=rtol, atol=atol)
    return jacobian[:, 0]
