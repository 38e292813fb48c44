"""Elman recurrent layers: a one-step cell and its unrolling through time.

``SimpleRNNCell`` is one step, Keras' convention::

    h_t = activation(x_t @ kernel + h_{t-1} @ recurrent_kernel + bias)

``RNN`` unrolls the cell over the time axis of ``(n_samples, n_timesteps,
n_features)`` inputs, vectorized over the batch, and back-propagates through
time. Internally it works time-major, so each step's matrix products read
contiguous memory; the input projection of all steps is one matrix product, and
so are the kernel and recurrent-kernel gradients.
"""

from __future__ import annotations

import numpy as np

from . import activations as _activations
from . import initializers as _initializers
from .layers import Layer

__all__ = ["SimpleRNNCell", "RNN"]


class SimpleRNNCell:
    """One step of an Elman network (no parameters of its own: it reads the
    views its :class:`RNN` holds).

    Parameters
    ----------
    activation : str, default="tanh"
        Name of the activation (see :mod:`skdeep.nn.activations`).

    Examples
    --------
    >>> import numpy as np
    >>> cell = SimpleRNNCell("tanh")
    >>> params = {"kernel": np.eye(2), "recurrent_kernel": np.zeros((2, 2)),
    ...           "bias": np.zeros(2)}
    >>> cell.step(np.array([[0.5, -0.5]]), np.zeros((1, 2)), params).round(4)
    array([[ 0.4621, -0.4621]])
    """

    def __init__(self, activation: str = "tanh") -> None:
        self.activation = _activations.get(activation)

    def step(self, x_t, h_prev, params, out=None):
        """Return ``h_t`` for inputs ``x_t`` and the previous state ``h_prev``."""
        z = np.matmul(h_prev, params["recurrent_kernel"], out=out)
        z += x_t @ params["kernel"]
        z += params["bias"]
        self.activation.forward(z)
        return z


class RNN(Layer):
    """An Elman recurrent layer: :class:`SimpleRNNCell` unrolled through time.

    Parameters
    ----------
    units : int
        Size of the hidden state.
    activation : str, default="tanh"
        Activation of the cell ('tanh' as Keras; 'relu' and the others work).
    return_sequences : bool, default=False
        Return the state at every step ``(n, T, units)`` rather than the last
        one ``(n, units)``.
    initializer : str, default="glorot_uniform"
        Initializer of the input kernel (zero bias).
    recurrent_initializer : str, default="orthogonal"
        Initializer of the recurrent kernel (Keras' defaults).

    Examples
    --------
    >>> import numpy as np
    >>> from skdeep.nn.network import Sequential
    >>> net = Sequential([RNN(4, return_sequences=True), RNN(3)])
    >>> net = net.build(2, np.random.RandomState(0))
    >>> net.forward(np.zeros((5, 7, 2))).shape
    (5, 3)
    """

    penalized = ("kernel", "recurrent_kernel")
    _transient = Layer._transient + ("_h", "_xt")

    def __init__(
        self,
        units: int,
        activation: str = "tanh",
        return_sequences: bool = False,
        initializer: str = "glorot_uniform",
        recurrent_initializer: str = "orthogonal",
    ) -> None:
        super().__init__()
        self.units = int(units)
        self.cell = SimpleRNNCell(activation)
        self.return_sequences = bool(return_sequences)
        self.initializer = initializer
        self.recurrent_initializer = recurrent_initializer
        self.release()

    @property
    def kernel(self) -> np.ndarray:
        """Input kernel ``(n_in, units)`` (a view)."""
        return self.params["kernel"]

    @property
    def recurrent_kernel(self) -> np.ndarray:
        """Recurrent kernel ``(units, units)`` (a view)."""
        return self.params["recurrent_kernel"]

    @property
    def bias(self) -> np.ndarray:
        """Bias ``(units,)`` (a view)."""
        return self.params["bias"]

    def build(self, n_in):
        self.n_in = int(n_in)
        u = self.units
        self.param_shapes = {
            "kernel": (self.n_in, u),
            "recurrent_kernel": (u, u),
            "bias": (u,),
        }
        return u

    def initialize(self, rng):
        act = self.cell.activation.name
        kernel, _ = _initializers.get(self.initializer)(self.n_in, self.units, rng, act)
        recurrent, _ = _initializers.get(self.recurrent_initializer)(
            self.units, self.units, rng, act
        )
        self.params["kernel"][...] = kernel
        self.params["recurrent_kernel"][...] = recurrent
        self.params["bias"][...] = 0.0  # Keras' biases start at zero

    def _unroll(self, x, keep_input: bool):
        """Time-major inputs, states and (if ``keep_input``, for activations
        that need it) pre-activations of every step."""
        n, n_steps, _ = x.shape
        act = self.cell.activation
        kernel, recurrent, bias = self.kernel, self.recurrent_kernel, self.bias
        xt = np.ascontiguousarray(x.transpose(1, 0, 2))  # time-major (T, n, F)
        h = np.matmul(xt.reshape(n_steps * n, -1), kernel).reshape(n_steps, n, -1)
        h += bias
        z = np.empty_like(h) if (keep_input and act.needs_input) else None
        scratch = np.empty((n, self.units), dtype=h.dtype)
        for t in range(n_steps):
            if t > 0:
                h[t] += np.matmul(h[t - 1], recurrent, out=scratch)
            if z is not None:
                z[t] = h[t]
            act.forward(h[t])
        return xt, h, z

    def _output(self, h):
        return h.transpose(1, 0, 2) if self.return_sequences else h[-1]

    def forward(self, x, training=False):
        xt, h, z = self._unroll(x, keep_input=training)
        if training:
            self._xt, self._h, self._z = xt, h, z
        return self._output(h)

    def _through_time(self, delta, h, z):
        """Back-propagation through time: ``d / d`` pre-activation of every
        step (time-major), given ``delta``, the gradient w.r.t. the output."""
        n_steps, n, u = h.shape
        act = self.cell.activation
        recurrent = self.recurrent_kernel
        dz = np.empty_like(h)
        if self.return_sequences:
            upstream = delta.transpose(1, 0, 2)
        dh = np.zeros((n, u), dtype=h.dtype)
        for t in range(n_steps - 1, -1, -1):
            if self.return_sequences:
                dh += upstream[t]
            elif t == n_steps - 1:
                dh += delta
            dz[t] = dh
            act.derivative(h[t], None if z is None else z[t], dz[t])
            if t > 0:
                np.matmul(dz[t], recurrent.T, out=dh)
        return dz

    def _input_from(self, dz):
        """Gradient w.r.t. the ``(n, T, F)`` input, from :meth:`_through_time`."""
        n_steps, n, u = dz.shape
        dx = np.matmul(dz.reshape(n_steps * n, u), self.kernel.T)
        return dx.reshape(n_steps, n, -1).transpose(1, 0, 2)

    def backward(self, delta, need_input_grad=True):
        xt, h = self._xt, self._h
        n_steps, n, u = h.shape
        dz = self._through_time(delta, h, self._z)
        flat_dz = dz.reshape(n_steps * n, u)
        np.matmul(xt.reshape(n_steps * n, -1).T, flat_dz, out=self.grads["kernel"])
        np.matmul(
            h[:-1].reshape((n_steps - 1) * n, u).T,
            dz[1:].reshape((n_steps - 1) * n, u),
            out=self.grads["recurrent_kernel"],
        )
        np.sum(flat_dz, axis=0, out=self.grads["bias"])
        if not need_input_grad:
            return None
        return self._input_from(dz)

    def trace(self, x):
        _, h, z = self._unroll(x, keep_input=True)
        return self._output(h), (h, z)

    def input_gradient(self, delta, record):
        h, z = record
        return self._input_from(self._through_time(delta, h, z))
