"""Recurrent layers: any cell of :mod:`skdeep.nn.cells` unrolled through time.

``RNN`` unrolls its cell over the time axis of ``(n_samples, n_timesteps,
n_features)`` inputs, vectorized over the batch, and back-propagates through
time. Internally it works time-major, so each step's matrix products read
contiguous memory; the input projection of all steps is one matrix product,
and so are the weight gradients: the cell only does one step.
"""

from __future__ import annotations

import numpy as np

from . import cells as _cells
from .cells import GRUCell, LSTMCell, SimpleRNNCell
from .layers import Layer

__all__ = ["RNN", "SimpleRNNCell", "LSTMCell", "GRUCell"]


class RNN(Layer):
    """A recurrent layer: a cell unrolled through time.

    Parameters
    ----------
    units : int
        Size of the hidden state.
    activation : str, default="tanh"
        Activation of the cell (of the state for the simple cell, of the
        candidate for LSTM and GRU; see :mod:`skdeep.nn.cells`).
    return_sequences : bool, default=False
        Return the state at every step ``(n, T, units)`` rather than the last
        one ``(n, units)``.
    initializer : str, default="glorot_uniform"
        Initializer of the input kernel (zero bias).
    recurrent_initializer : str, default="orthogonal"
        Initializer of the recurrent kernel (Keras' defaults).
    cell : {'simple', 'lstm', 'gru'}, default='simple'
        The cell (:data:`skdeep.nn.cells.CELLS`).

    Examples
    --------
    >>> import numpy as np
    >>> from skdeep.nn.network import Sequential
    >>> net = Sequential([RNN(4, return_sequences=True, cell="lstm"), RNN(3)])
    >>> net = net.build(2, np.random.RandomState(0))
    >>> net.forward(np.zeros((5, 7, 2))).shape
    (5, 3)
    """

    penalized = ("kernel", "recurrent_kernel")
    _transient = Layer._transient + ("_xt", "_trajectory")

    def __init__(
        self,
        units: int,
        activation: str = "tanh",
        return_sequences: bool = False,
        initializer: str = "glorot_uniform",
        recurrent_initializer: str = "orthogonal",
        cell: str = "simple",
    ) -> None:
        super().__init__()
        self.units = int(units)
        self.cell = _cells.get(cell)(
            units, activation, initializer, recurrent_initializer
        )
        self.return_sequences = bool(return_sequences)
        self.initializer = initializer
        self.recurrent_initializer = recurrent_initializer
        self.release()

    @property
    def kernel(self) -> np.ndarray:
        """Input kernel ``(n_in, n_gates * units)`` (a view)."""
        return self.params["kernel"]

    @property
    def recurrent_kernel(self) -> np.ndarray:
        """Recurrent kernel ``(units, n_gates * units)`` (a view)."""
        return self.params["recurrent_kernel"]

    @property
    def bias(self) -> np.ndarray:
        """Bias ``(n_gates * units,)`` (a view)."""
        return self.params["bias"]

    def build(self, n_in):
        self.n_in = int(n_in)
        self.param_shapes = self.cell.param_shapes(self.n_in)
        return self.units

    def initialize(self, rng):
        self.cell.initialize(self.params, self.n_in, rng)

    def _unroll(self, x):
        """Time-major inputs and the cell's trajectory over every step."""
        n, n_steps, _ = x.shape
        xt = np.ascontiguousarray(x.transpose(1, 0, 2))  # time-major (T, n, F)
        projected = np.matmul(xt.reshape(n_steps * n, -1), self.kernel)
        projected = projected.reshape(n_steps, n, -1)
        projected += self.bias
        trajectory = self.cell.new_trajectory(projected)
        for t in range(n_steps):
            self.cell.step(t, trajectory, self.params)
        return xt, trajectory

    def _output(self, h):
        return h.transpose(1, 0, 2) if self.return_sequences else h[-1]

    def forward(self, x, training=False):
        xt, trajectory = self._unroll(x)
        if training:
            self._xt, self._trajectory = xt, trajectory
        return self._output(trajectory["h"])

    def _through_time(self, delta, trajectory):
        """Back-propagation through time: the gradients with respect to the
        input projections and the recurrent projections of every step
        (time-major; the same array when the cell makes them equal), given
        ``delta``, the gradient w.r.t. the output."""
        h = trajectory["h"]
        n_steps, n, _ = h.shape
        upstream = delta.transpose(1, 0, 2) if self.return_sequences else None
        d_input = d_recurrent = None
        dh, carry = np.zeros((n, self.units), dtype=h.dtype), None
        for t in range(n_steps - 1, -1, -1):
            if upstream is not None:
                dh += upstream[t]
            elif t == n_steps - 1:
                dh += delta
            d_in, d_rec, dh, carry = self.cell.step_back(
                t, dh, carry, trajectory, self.params
            )
            if d_input is None:
                d_input = np.empty((n_steps, *d_in.shape), dtype=h.dtype)
                d_recurrent = d_input if d_rec is d_in else np.empty_like(d_input)
            d_input[t] = d_in
            if d_recurrent is not d_input:
                d_recurrent[t] = d_rec
        return d_input, d_recurrent

    def _input_from(self, d_input):
        """Gradient w.r.t. the ``(n, T, F)`` input, from :meth:`_through_time`."""
        n_steps, n, width = d_input.shape
        dx = np.matmul(d_input.reshape(n_steps * n, width), self.kernel.T)
        return dx.reshape(n_steps, n, -1).transpose(1, 0, 2)

    def backward(self, delta, need_input_grad=True):
        xt, trajectory = self._xt, self._trajectory
        h = trajectory["h"]
        n_steps, n, u = h.shape
        d_input, d_recurrent = self._through_time(delta, trajectory)
        width = d_input.shape[2]
        flat = d_input.reshape(n_steps * n, width)
        np.matmul(xt.reshape(n_steps * n, -1).T, flat, out=self.grads["kernel"])
        np.sum(flat, axis=0, out=self.grads["bias"])
        np.matmul(  # h_{-1} = 0: step 0 adds nothing
            h[:-1].reshape((n_steps - 1) * n, u).T,
            d_recurrent[1:].reshape((n_steps - 1) * n, width),
            out=self.grads["recurrent_kernel"],
        )
        if "recurrent_bias" in self.grads:
            np.sum(d_recurrent, axis=(0, 1), out=self.grads["recurrent_bias"])
        if not need_input_grad:
            return None
        return self._input_from(d_input)

    def trace(self, x):
        _, trajectory = self._unroll(x)
        return self._output(trajectory["h"]), trajectory

    def input_gradient(self, delta, record):
        return self._input_from(self._through_time(delta, record)[0])
