"""A learned scale per feature: ``out = x * scale``.

RealMLP's first layer (Holzmüller et al., 2024): each input feature gets a
learned factor, so the network can turn features down or up before the
first matrix product. The factor is stored as ``scale / lr_factor``; under
Adam, whose steps do not depend on the gradient's size, this multiplies the
learning rate of the scales by ``lr_factor``.
"""

from __future__ import annotations

import numpy as np

from .layers import Layer

__all__ = ["FeatureScale"]


class FeatureScale(Layer):
    """Multiply each input feature by a learned factor (initially 1).

    Parameters
    ----------
    lr_factor : float, default=1.0
        The factor is the parameter times ``lr_factor``: with Adam, the
        scales learn ``lr_factor`` times faster than the other weights.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeep.nn.network import Sequential
    >>> net = Sequential([FeatureScale(lr_factor=6.0)]).build(2, np.random.RandomState(0))
    >>> net.forward(np.array([[1.0, -2.0]]))
    array([[ 1., -2.]])
    """

    _transient = Layer._transient

    def __init__(self, lr_factor: float = 1.0) -> None:
        super().__init__()
        self.lr_factor = float(lr_factor)
        self.release()

    def build(self, n_in):
        self.n_in = self.units = int(n_in)
        self.param_shapes = {"scale": (self.n_in,)}
        return self.units

    def initialize(self, rng):
        self.params["scale"][...] = 1.0 / self.lr_factor

    @property
    def factors(self) -> np.ndarray:
        """The factors applied to the features."""
        return self.params["scale"] * self.lr_factor

    def forward(self, x, training=False):
        if training:
            self._x = x
        return x * self.factors.astype(x.dtype, copy=False)

    def backward(self, delta, need_input_grad=True):
        sums = np.einsum("ij,ij->j", self._x, delta)
        self.grads["scale"][...] = sums * self.lr_factor
        if not need_input_grad:
            return None
        return delta * self.factors

    def trace(self, x):
        return self.forward(x), None

    def input_gradient(self, delta, record):
        return delta * self.factors
