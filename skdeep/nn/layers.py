"""Layers: the forward rule beside its backward rule.

Layer contract (Keras names):

- ``build(n_in) -> n_out`` declares the parameter shapes in ``param_shapes``
  (penalized ones listed in ``penalized``);
- the :class:`~skdeep.nn.network.Sequential` container then binds *views* into its
  one flat parameter vector and its one flat gradient vector (``bind``), and asks the
  layer to draw initial values into them (``initialize``);
- ``forward(x, training)`` returns the output; in training mode it writes into
  preallocated buffers (``allocate``) and keeps one cache for ``backward``;
  in inference mode it allocates fresh arrays and touches no shared state, so
  predictions are thread-safe;
- ``backward(delta, need_input_grad)`` writes the parameter gradients into the
  gradient views and returns the gradient with respect to the input.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from . import activations as _activations
from . import initializers as _initializers

__all__ = ["Layer", "Dense"]


def _matmul(a, b: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """``a @ b`` into ``out``, accepting a sparse ``a``."""
    if sp.issparse(a):
        result = np.asarray(a @ b)
        if out is None:
            return result
        out[...] = result
        return out
    return np.matmul(a, b, out=out)


class Layer:
    """Base class of all layers.

    Attributes
    ----------
    param_shapes : dict of str to tuple
        Trainable parameter shapes, filled by :meth:`build`.
    penalized : tuple of str
        Names of the parameters a weight penalty applies to.
    """

    penalized: tuple[str, ...] = ()
    #: attributes that hold views, buffers or caches, never pickled
    _transient: tuple[str, ...] = ("_x", "_z", "_a", "_out", "_dx")

    def __init__(self) -> None:
        self.param_shapes: dict[str, tuple[int, ...]] = {}
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}

    def build(self, n_in: int) -> int:
        """Declare parameter shapes for an input width; return the output width."""
        raise NotImplementedError

    def bind(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray]):
        """Attach views into the network's flat parameter and gradient vectors."""
        self.params = params
        self.grads = grads

    def initialize(self, rng: np.random.RandomState) -> None:
        """Draw initial parameter values into the bound views."""

    def allocate(self, batch_size: int, dtype: np.dtype, need_input_grad: bool):
        """Preallocate the training buffers for batches of up to ``batch_size``."""

    def release(self) -> None:
        """Drop training buffers and caches."""
        for name in self._transient:
            setattr(self, name, None)

    def forward(self, x, training: bool = False) -> np.ndarray:
        """Compute the layer output."""
        raise NotImplementedError

    def backward(self, delta: np.ndarray, need_input_grad: bool = True):
        """Write parameter gradients; return the gradient w.r.t. the input."""
        raise NotImplementedError

    def __getstate__(self):
        state = self.__dict__.copy()
        for name in self._transient:
            state.pop(name, None)
        state["params"] = {}
        state["grads"] = {}
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        for name in self._transient:
            setattr(self, name, None)


class Dense(Layer):
    """Fully connected layer ``a = activation(x @ kernel + bias)``.

    Parameters
    ----------
    units : int
        Output width.
    activation : str, default="identity"
        Name of the activation (see :mod:`skdeep.nn.activations`).
    initializer : str or callable, default="glorot_uniform"
        Weight initializer (see :mod:`skdeep.nn.initializers`).
    init_activation : str, default=None
        Activation name the initializer scales its bounds for; defaults to
        ``activation``. scikit-learn scales every layer, the output layer
        included, for the hidden activation.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeep.nn.network import Sequential
    >>> net = Sequential([Dense(3, "relu"), Dense(1)])
    >>> net.build(2, np.random.RandomState(0))
    >>> net.forward(np.ones((4, 2))).shape
    (4, 1)
    """

    penalized = ("kernel",)

    def __init__(
        self,
        units: int,
        activation: str = "identity",
        initializer="glorot_uniform",
        init_activation: str | None = None,
    ) -> None:
        super().__init__()
        self.units = int(units)
        self.activation = _activations.get(activation)
        self.initializer = initializer
        self.init_activation = init_activation or self.activation.name
        self.release()

    @property
    def kernel(self) -> np.ndarray:
        """Weight matrix of shape ``(n_in, units)`` (a view)."""
        return self.params["kernel"]

    @property
    def bias(self) -> np.ndarray:
        """Bias vector of shape ``(units,)`` (a view)."""
        return self.params["bias"]

    def build(self, n_in):
        self.n_in = int(n_in)
        self.param_shapes = {"kernel": (self.n_in, self.units), "bias": (self.units,)}
        return self.units

    def initialize(self, rng):
        init = _initializers.get(self.initializer)
        kernel, bias = init(self.n_in, self.units, rng, self.init_activation)
        self.params["kernel"][...] = kernel
        self.params["bias"][...] = bias

    def allocate(self, batch_size, dtype, need_input_grad):
        self._out = np.empty((batch_size, self.units), dtype=dtype)
        self._dx = (
            np.empty((batch_size, self.n_in), dtype=dtype) if need_input_grad else None
        )

    def forward(self, x, training=False):
        n = x.shape[0]
        out = None
        if training and self._out is not None and n <= self._out.shape[0]:
            out = self._out[:n]
        z = _matmul(x, self.kernel, out=out)
        z += self.bias
        if training:
            self._x = x
            self._z = z.copy() if self.activation.needs_input else None
        self.activation.forward(z)
        if training:
            self._a = z
        return z

    def backward(self, delta, need_input_grad=True):
        self.activation.derivative(self._a, self._z, delta)
        x = self._x
        if sp.issparse(x):
            self.grads["kernel"][...] = np.asarray(x.T @ delta)
        else:
            np.matmul(x.T, delta, out=self.grads["kernel"])
        np.sum(delta, axis=0, out=self.grads["bias"])
        if not need_input_grad:
            return None
        n = delta.shape[0]
        out = None
        if self._dx is not None and n <= self._dx.shape[0]:
            out = self._dx[:n]
        return np.matmul(delta, self.kernel.T, out=out)
