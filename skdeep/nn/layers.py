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
  gradient views and returns the gradient with respect to the input;
- ``trace(x)`` is the inference-mode forward that also returns a record of
  what ``input_gradient(delta, record)`` needs to carry a gradient back to the
  input; both store nothing on the layer and write no parameter gradient, so
  input gradients of a fitted model are thread-safe like predictions.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from . import activations as _activations
from . import initializers as _initializers

__all__ = [
    "Layer",
    "Dense",
    "Activation",
    "Dropout",
    "BatchNormalization",
    "LayerNormalization",
]


def _matmul(a, b: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """``a @ b`` into ``out``, accepting a sparse ``a``."""
    if sp.issparse(a):
        result = np.asarray(a @ b)
        if out is None:
            return result
        out[...] = result
        return out
    return np.matmul(a, b, out=out)


def _training_buffer(layer, name, n):
    """The first ``n`` rows of a preallocated buffer, or None if it is too small."""
    buffer = getattr(layer, name)
    if buffer is not None and n <= buffer.shape[0]:
        return buffer[:n]
    return None


def _new_activation_cache(layer, batch_size, dtype):
    """Preallocate the cache ``layer.activation`` fills in training (or None)."""
    if not layer.activation.uses_cache:
        return None
    return np.empty((batch_size, layer.units), dtype=dtype)


def _activation_cache(layer, z):
    """The buffer ``layer.activation.forward_train`` fills for ``z`` (or None)."""
    if not layer.activation.uses_cache:
        return None
    cache = _training_buffer(layer, "_cache", z.shape[0])
    return np.empty_like(z) if cache is None else cache


def _column_sums(layer, delta, out):
    """``delta.sum(axis=0)`` into ``out``, as a matrix-vector product with the
    layer's preallocated ones (three times faster than a NumPy reduction on
    C-ordered rows); plain ``np.sum`` when no ones vector fits."""
    ones = _training_buffer(layer, "_ones", delta.shape[0])
    if ones is None or ones.dtype != delta.dtype:
        return np.sum(delta, axis=0, out=out)
    return np.matmul(ones, delta, out=out)


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
    #: non-trainable state updated by training (moving statistics): restored
    #: with the weights when training diverges
    state_names: tuple[str, ...] = ()
    #: whether ``forward`` and ``trace`` take the ``lengths`` of right-padded
    #: sequences (:mod:`skdeep.nn.padding`)
    reads_lengths: bool = False
    #: attributes that hold views, buffers or caches, never pickled
    _transient: tuple[str, ...] = ("_x", "_z", "_a", "_out", "_dx", "_cache", "_ones")

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

    def trace(self, x) -> tuple[np.ndarray, object]:
        """Inference-mode output, and the record :meth:`input_gradient` reads."""
        raise NotImplementedError

    def input_gradient(self, delta: np.ndarray, record) -> np.ndarray:
        """Gradient w.r.t. the input of :meth:`trace`'s inference-mode output,
        given ``delta``, the gradient w.r.t. that output (may be overwritten)."""
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
    >>> net = Sequential([Dense(3, "relu"), Dense(1)]).build(2, np.random.RandomState(0))
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
        self._cache = _new_activation_cache(self, batch_size, dtype)
        self._ones = np.ones(batch_size, dtype=dtype)
        self._dx = (
            np.empty((batch_size, self.n_in), dtype=dtype) if need_input_grad else None
        )

    def forward(self, x, training=False):
        # inputs of any rank: the leading axes (samples, time steps) are rows
        lead = x.shape[:-1]
        if x.ndim != 2:
            x = x.reshape(-1, x.shape[-1])
        out = _training_buffer(self, "_out", x.shape[0]) if training else None
        z = _matmul(x, self.kernel, out=out)
        z += self.bias
        if training:
            self._x = x
            self._z = _activation_cache(self, z)
            self.activation.forward_train(z, self._z)
            self._a = z
        else:
            self.activation.forward(z)
        return z if len(lead) == 1 else z.reshape(*lead, self.units)

    def backward(self, delta, need_input_grad=True):
        lead = delta.shape[:-1]
        if delta.ndim != 2:
            delta = delta.reshape(-1, self.units)
        self.activation.derivative(self._a, self._z, delta)
        x = self._x
        if sp.issparse(x):
            self.grads["kernel"][...] = np.asarray(x.T @ delta)
        else:
            np.matmul(x.T, delta, out=self.grads["kernel"])
        _column_sums(self, delta, out=self.grads["bias"])
        if not need_input_grad:
            return None
        out = _training_buffer(self, "_dx", delta.shape[0])
        if self.units == 1:
            # an outer product: the same single multiplications as the
            # matrix product, broadcast (twice as fast as matmul with k=1)
            dx = np.multiply(delta, self.kernel.T, out=out)
        else:
            dx = np.matmul(delta, self.kernel.T, out=out)
        return dx if len(lead) == 1 else dx.reshape(*lead, self.n_in)

    def trace(self, x):
        lead = x.shape[:-1]
        if x.ndim != 2:
            x = x.reshape(-1, x.shape[-1])
        z = _matmul(x, self.kernel)
        z += self.bias
        cache = np.empty_like(z) if self.activation.uses_cache else None
        self.activation.forward_train(z, cache)
        return (z if len(lead) == 1 else z.reshape(*lead, self.units)), (z, cache)

    def input_gradient(self, delta, record):
        a, cache = record
        lead = delta.shape[:-1]
        delta = delta.reshape(-1, self.units)
        self.activation.derivative(a, cache, delta)
        dx = np.matmul(delta, self.kernel.T)
        return dx if len(lead) == 1 else dx.reshape(*lead, self.n_in)


class Activation(Layer):
    """Element-wise activation as a layer of its own (after a normalization).

    Parameters
    ----------
    activation : str
        Name of the activation (see :mod:`skdeep.nn.activations`).

    Examples
    --------
    >>> import numpy as np
    >>> Activation("relu").forward(np.array([[-1.0, 2.0]]))
    array([[0., 2.]])
    """

    def __init__(self, activation: str) -> None:
        super().__init__()
        self.activation = _activations.get(activation)
        self.release()

    def build(self, n_in):
        self.n_in = self.units = int(n_in)
        return self.units

    def allocate(self, batch_size, dtype, need_input_grad):
        self._out = np.empty((batch_size, self.units), dtype=dtype)
        self._cache = _new_activation_cache(self, batch_size, dtype)

    def forward(self, x, training=False):
        out = _training_buffer(self, "_out", x.shape[0]) if training else None
        if out is None:
            out = np.array(x, copy=True)
        else:
            np.copyto(out, x)
        if training:
            self._z = _activation_cache(self, out)
            self.activation.forward_train(out, self._z)
            self._a = out
        else:
            self.activation.forward(out)
        return out

    def backward(self, delta, need_input_grad=True):
        self.activation.derivative(self._a, self._z, delta)
        return delta

    def trace(self, x):
        out = np.array(x, copy=True)
        cache = np.empty_like(out) if self.activation.uses_cache else None
        self.activation.forward_train(out, cache)
        return out, (out, cache)

    def input_gradient(self, delta, record):
        a, cache = record
        self.activation.derivative(a, cache, delta)
        return delta


class Dropout(Layer):
    """Inverted dropout: in training, zero each input with probability ``rate``
    and scale the rest by ``1 / (1 - rate)``; at inference, the identity.

    Parameters
    ----------
    rate : float
        Fraction of inputs dropped, in ``[0, 1)``.

    Notes
    -----
    The mask generator is seeded from the network's ``RandomState`` when the
    layer is initialized, so training is reproducible from ``random_state``.
    Setting ``fixed_mask`` (an array of 0/1 scaled values) reuses that mask,
    which makes the layer deterministic for gradient checks.

    Examples
    --------
    >>> import numpy as np
    >>> Dropout(0.5).forward(np.ones((2, 3)))  # inference: unchanged
    array([[1., 1., 1.],
           [1., 1., 1.]])
    """

    _transient = Layer._transient + ("_mask",)

    def __init__(self, rate: float) -> None:
        super().__init__()
        self.rate = float(rate)
        self.fixed_mask = None
        self._generator = np.random.default_rng(0)
        self.release()

    def build(self, n_in):
        self.n_in = self.units = int(n_in)
        return self.units

    def initialize(self, rng):
        self._generator = np.random.default_rng(rng.randint(np.iinfo(np.int32).max))

    def allocate(self, batch_size, dtype, need_input_grad):
        self._out = np.empty((batch_size, self.units), dtype=dtype)

    def forward(self, x, training=False):
        if not training or self.rate == 0:
            self._mask = None
            return x
        if self.fixed_mask is not None:
            mask = np.asarray(self.fixed_mask, dtype=x.dtype)
        else:
            keep = self._generator.random(x.shape, dtype=np.float64) >= self.rate
            mask = keep.astype(x.dtype)
            mask *= 1.0 / (1.0 - self.rate)
        self._mask = mask
        out = _training_buffer(self, "_out", x.shape[0])
        return np.multiply(x, mask, out=out)

    def backward(self, delta, need_input_grad=True):
        if self._mask is not None:
            delta *= self._mask
        return delta

    def trace(self, x):
        return x, None  # the identity at inference

    def input_gradient(self, delta, record):
        return delta


class _Normalization(Layer):
    """Shared machinery of batch and layer normalization: ``gamma * xhat + beta``."""

    _transient = Layer._transient + ("_xhat", "_inv_std")
    axis = 0

    def __init__(self, epsilon: float) -> None:
        super().__init__()
        self.epsilon = float(epsilon)
        self.release()

    @property
    def gamma(self) -> np.ndarray:
        """Learned gain (a view), never penalized."""
        return self.params["gamma"]

    @property
    def beta(self) -> np.ndarray:
        """Learned offset (a view), never penalized."""
        return self.params["beta"]

    def build(self, n_in):
        self.n_in = self.units = int(n_in)
        self.param_shapes = {"gamma": (self.units,), "beta": (self.units,)}
        return self.units

    def initialize(self, rng):
        self.params["gamma"][...] = 1.0
        self.params["beta"][...] = 0.0

    def allocate(self, batch_size, dtype, need_input_grad):
        self._out = np.empty((batch_size, self.units), dtype=dtype)
        self._xhat = np.empty((batch_size, self.units), dtype=dtype)

    def _statistics(self, x, training):
        """Return ``(mean, variance)`` used to normalize ``x``."""
        raise NotImplementedError

    def _normalize(self, x, training):
        """``(out, xhat, inv_std)``; in training, in the preallocated buffers."""
        n = x.shape[0]
        mean, variance = self._statistics(x, training)
        inv_std = 1.0 / np.sqrt(variance + self.epsilon)
        xhat = _training_buffer(self, "_xhat", n) if training else None
        xhat = np.subtract(x, mean, out=xhat)
        xhat *= inv_std
        out = _training_buffer(self, "_out", n) if training else None
        out = np.multiply(xhat, self.gamma, out=out)
        out += self.beta
        return out, xhat, inv_std

    def forward(self, x, training=False):
        out, xhat, inv_std = self._normalize(x, training)
        if training:
            self._xhat, self._inv_std = xhat, inv_std
        return out

    def backward(self, delta, need_input_grad=True):
        xhat, inv_std = self._xhat, self._inv_std
        d_gamma = self.grads["gamma"]
        d_beta = self.grads["beta"]
        np.einsum("ij,ij->j", delta, xhat, out=d_gamma)
        np.sum(delta, axis=0, out=d_beta)
        if not need_input_grad:
            return None
        delta *= self.gamma  # now d loss / d xhat
        return _through_statistics(delta, xhat, inv_std, self.axis)

    #: whether the inference-mode statistics are those of the input itself
    #: (layer normalization) rather than constants (batch normalization's
    #: moving averages)
    statistics_of_input_at_inference = False

    def trace(self, x):
        out, xhat, inv_std = self._normalize(x, training=False)
        return out, (xhat, inv_std)

    def input_gradient(self, delta, record):
        xhat, inv_std = record
        delta *= self.gamma  # now d / d xhat
        if self.statistics_of_input_at_inference:
            return _through_statistics(delta, xhat, inv_std, self.axis)
        delta *= inv_std
        return delta


def _through_statistics(delta, xhat, inv_std, axis):
    """``d / d x`` from ``delta = d / d xhat`` when ``xhat`` standardizes ``x``
    with the mean and variance of ``x`` itself along ``axis`` (both depend on
    every element of that axis)."""
    size = delta.shape[axis]
    sum_d = delta.sum(axis=axis, keepdims=True)
    sum_dx = (delta * xhat).sum(axis=axis, keepdims=True)
    delta *= size
    delta -= sum_d
    delta -= xhat * sum_dx
    delta *= inv_std / size
    return delta


class BatchNormalization(_Normalization):
    """Batch normalization (Ioffe and Szegedy, 2015), Keras' conventions.

    In training, each feature is standardized with the statistics of the
    batch, and the moving averages are updated as
    ``moving = momentum * moving + (1 - momentum) * batch_statistic``; at
    inference the moving averages are used, so a prediction never depends on
    the rest of the batch. ``moving_mean`` and ``moving_variance`` are
    non-trainable state, outside the parameter vector.

    Parameters
    ----------
    momentum : float, default=0.99
        Momentum of the moving averages.
    epsilon : float, default=1e-3
        Added to the variance.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeep.nn.network import Sequential
    >>> net = Sequential([BatchNormalization()]).build(2, np.random.RandomState(0))
    >>> net.forward(np.array([[1.0, 2.0]])).round(4)  # moving statistics 0 and 1
    array([[0.9995, 1.999 ]])
    """

    axis = 0

    state_names = ("moving_mean", "moving_variance")

    def __init__(self, momentum: float = 0.99, epsilon: float = 1e-3) -> None:
        super().__init__(epsilon)
        self.momentum = float(momentum)

    def initialize(self, rng):
        super().initialize(rng)
        dtype = self.params["gamma"].dtype
        self.moving_mean = np.zeros(self.units, dtype=dtype)
        self.moving_variance = np.ones(self.units, dtype=dtype)

    def bind(self, params, grads):
        super().bind(params, grads)
        dtype = params["gamma"].dtype
        for name in ("moving_mean", "moving_variance"):
            value = getattr(self, name, None)
            if value is not None and value.dtype != dtype:
                setattr(self, name, value.astype(dtype))

    def _statistics(self, x, training):
        if not training:
            return self.moving_mean, self.moving_variance
        mean = x.mean(axis=0)
        variance = x.var(axis=0)
        m = self.momentum
        self.moving_mean *= m
        self.moving_mean += (1.0 - m) * mean
        self.moving_variance *= m
        self.moving_variance += (1.0 - m) * variance
        return mean, variance


class LayerNormalization(_Normalization):
    """Layer normalization (Ba et al., 2016): each sample is standardized over its
    features, the same way in training and at inference.

    Parameters
    ----------
    epsilon : float, default=1e-3
        Added to the variance.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeep.nn.network import Sequential
    >>> net = Sequential([LayerNormalization()]).build(2, np.random.RandomState(0))
    >>> net.forward(np.array([[1.0, 3.0]])).round(4)
    array([[-0.9995,  0.9995]])
    """

    axis = 1
    statistics_of_input_at_inference = True

    def __init__(self, epsilon: float = 1e-3) -> None:
        super().__init__(epsilon)

    def _statistics(self, x, training):
        return x.mean(axis=1, keepdims=True), x.var(axis=1, keepdims=True)
