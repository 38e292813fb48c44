"""A parametric activation: ``z + alpha * (f(z) - z)``, ``alpha`` learned
per unit.

RealMLP's (Holzmüller et al., 2024): each unit starts as the activation
``f`` (``alpha = 1``) and may move toward the identity (``alpha = 0``) or
beyond. ``alpha`` is stored divided by ``lr_factor``: under Adam, it learns
``lr_factor`` times as fast as the other weights.
"""

from __future__ import annotations

import numpy as np

from . import activations as _activations
from .layers import Layer

__all__ = ["ParametricActivation"]


class ParametricActivation(Layer):
    """``z + alpha * (f(z) - z)`` of each unit, with a learned ``alpha``.

    Parameters
    ----------
    activation : str, default="selu"
        The activation ``f`` (see :mod:`skdeep.nn.activations`).
    lr_factor : float, default=0.1
        Learning-rate factor of ``alpha`` under Adam.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeep.nn.network import Sequential
    >>> net = Sequential([ParametricActivation("relu")])
    >>> net.build(2, np.random.RandomState(0)).forward(np.array([[-1.0, 2.0]]))
    array([[0., 2.]])
    """

    def __init__(self, activation: str = "selu", lr_factor: float = 0.1) -> None:
        super().__init__()
        self.activation = _activations.get(activation)
        self.lr_factor = float(lr_factor)
        self.release()

    def build(self, n_in):
        self.n_in = self.units = int(n_in)
        self.param_shapes = {"alpha": (self.units,)}
        return self.units

    def initialize(self, rng):
        self.params["alpha"][...] = 1.0 / self.lr_factor

    @property
    def alpha(self) -> np.ndarray:
        """The mixing weight of each unit."""
        return self.params["alpha"] * self.lr_factor

    def _activated(self, z):
        """``f(z)`` and the cache its derivative reads."""
        a = np.array(z, copy=True)
        cache = np.empty_like(z) if self.activation.uses_cache else None
        self.activation.forward_train(a, cache)
        return a, cache

    def _mix(self, z, a):
        alpha = self.alpha.astype(z.dtype, copy=False)
        return z + alpha * (a - z)

    def forward(self, x, training=False):
        a, cache = self._activated(x)
        if training:
            self._x, self._a, self._cache = x, a, cache
        return self._mix(x, a)

    def _input_gradient(self, delta, a, cache):
        """``delta * (1 - alpha + alpha * f'(z))``."""
        alpha = self.alpha.astype(delta.dtype, copy=False)
        through = delta * alpha
        self.activation.derivative(a, cache, through)
        through += delta * (1.0 - alpha)
        return through

    def backward(self, delta, need_input_grad=True):
        difference = self._a - self._x
        self.grads["alpha"][...] = (
            np.einsum("ij,ij->j", delta, difference) * self.lr_factor
        )
        if not need_input_grad:
            return None
        return self._input_gradient(delta, self._a, self._cache)

    def trace(self, x):
        a, cache = self._activated(x)
        return self._mix(x, a), (a, cache)

    def input_gradient(self, delta, record):
        return self._input_gradient(delta, *record)
