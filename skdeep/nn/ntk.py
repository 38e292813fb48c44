"""A dense layer in the neural-tangent parametrization.

``z = x @ W / sqrt(n_in) + bias_factor * b``, with ``W`` drawn from the
standard normal: the layer computes what a He-initialized layer computes at
the start, but under Adam each weight moves by the same step whatever the
width, which is why RealMLP (Holzmüller et al., 2024) trains with it at large
learning rates.
"""

from __future__ import annotations

import math

import numpy as np

from . import activations as _activations
from .layers import Layer

__all__ = ["NTKDense", "initialize_from_rows"]


class NTKDense(Layer):
    """Fully connected layer ``act(x @ W / sqrt(n_in) + bias_factor * b)``.

    Parameters
    ----------
    units : int
        Output width.
    activation : str, default="identity"
        Name of the activation (see :mod:`skdeep.nn.activations`).
    bias_factor : float, default=0.1
        Multiplier of the stored bias: its learning-rate factor under Adam.
        The bias starts at zero, or from the data with
        :meth:`initialize_from_data` (see :func:`initialize_from_rows`).

    Examples
    --------
    >>> import numpy as np
    >>> from skdeep.nn.network import Sequential
    >>> net = Sequential([NTKDense(3, "relu"), NTKDense(1)])
    >>> net.build(4, np.random.RandomState(0)).forward(np.ones((2, 4))).shape
    (2, 1)
    """

    penalized = ("kernel",)

    def __init__(
        self, units: int, activation: str = "identity", bias_factor: float = 0.1
    ) -> None:
        super().__init__()
        self.units = int(units)
        self.activation = _activations.get(activation)
        self.bias_factor = float(bias_factor)
        self.release()

    def build(self, n_in):
        self.n_in = int(n_in)
        self.weight_factor = 1.0 / math.sqrt(max(self.n_in, 1))
        self.param_shapes = {"kernel": (self.n_in, self.units), "bias": (self.units,)}
        return self.units

    def initialize(self, rng):
        self.params["kernel"][...] = rng.standard_normal((self.n_in, self.units))
        self.params["bias"][...] = 0.0

    def initialize_from_data(self, x: np.ndarray, rng, n_simplex: int = 5) -> None:
        """Initialization from the layer's inputs ``x`` (RealMLP's "std"
        weights and "he+5" biases).

        Each unit's weights are divided by the standard deviation of its
        pre-activation over ``x``, so that it is 1; its bias then puts the
        pre-activation's zero at a random convex combination (weights drawn
        from Dirichlet(1)) of ``n_simplex`` random rows.
        """
        pre = x @ self._effective_kernel(np.float64)
        std = pre.std(axis=0)
        std[~(std > 0)] = 1.0
        self.params["kernel"][...] /= std
        pre /= std
        rows = rng.randint(0, x.shape[0], size=(self.units, n_simplex))
        weights = rng.exponential(size=(self.units, n_simplex))
        weights /= weights.sum(axis=1, keepdims=True)
        chosen = pre[rows, np.arange(self.units)[:, None]]
        self.params["bias"][...] = -(chosen * weights).sum(axis=1) / self.bias_factor

    def _effective_kernel(self, dtype):
        return (self.params["kernel"] * self.weight_factor).astype(dtype, copy=False)

    def _pre_activation(self, x):
        z = x @ self._effective_kernel(x.dtype)
        z += self.params["bias"] * self.bias_factor
        return z

    def forward(self, x, training=False):
        z = self._pre_activation(x)
        if not training:
            self.activation.forward(z)
            return z
        self._x = x
        self._z = np.empty_like(z) if self.activation.uses_cache else None
        self.activation.forward_train(z, self._z)
        self._a = z
        return z

    def backward(self, delta, need_input_grad=True):
        self.activation.derivative(self._a, self._z, delta)
        np.matmul(self._x.T, delta, out=self.grads["kernel"])
        self.grads["kernel"] *= self.weight_factor
        self.grads["bias"][...] = delta.sum(axis=0) * self.bias_factor
        if not need_input_grad:
            return None
        return delta @ self._effective_kernel(delta.dtype).T

    def trace(self, x):
        z = self._pre_activation(x)
        cache = np.empty_like(z) if self.activation.uses_cache else None
        self.activation.forward_train(z, cache)
        return z, (z, cache)

    def input_gradient(self, delta, record):
        a, cache = record
        self.activation.derivative(a, cache, delta)
        return delta @ self._effective_kernel(delta.dtype).T


def initialize_from_rows(network, X: np.ndarray, rng, max_rows: int = 2048) -> None:
    """Initialize every :class:`NTKDense` layer of ``network`` from the
    training rows ``X`` (at most ``max_rows`` of them, drawn at random),
    each from its own inputs: the rows passed through the layers before it,
    already initialized this way.

    Parameters
    ----------
    network : skdeep.nn.network.Sequential
        A built network (its other layers keep their initialization).
    X : ndarray of shape (n_samples, n_features)
        Training rows, as the network reads them.
    rng : numpy.random.RandomState
        Draws the rows and the biases' combinations.
    max_rows : int, default=2048
        Rows used at most.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeep.nn.network import Sequential
    >>> rng = np.random.RandomState(0)
    >>> net = Sequential([NTKDense(8, "relu"), NTKDense(1)]).build(3, rng)
    >>> X = rng.normal(size=(100, 3))
    >>> initialize_from_rows(net, X, rng)
    >>> float(net.forward(X).std().round(6))
    1.0
    """
    if X.shape[0] > max_rows:
        X = X[rng.choice(X.shape[0], max_rows, replace=False)]
    x = np.asarray(X, dtype=np.float64)
    for layer in network.layers:
        if isinstance(layer, NTKDense):
            layer.initialize_from_data(x, rng)
        x = layer.forward(x)
