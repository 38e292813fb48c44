"""Recurrent layers: any cell of :mod:`skdeep.nn.cells` unrolled through time.

``RNN`` unrolls its cell over the time axis of ``(n_samples, n_timesteps,
n_features)`` inputs, vectorized over the batch, and back-propagates through
time. Internally it works time-major; the cell projects the inputs of all
steps in one matrix product, does one step at a time, and turns the
gradients it recorded into weight gradients with one product over all steps
(see the cell contract in :mod:`skdeep.nn.cells`).

Sequences of different lengths come right-padded, with their lengths
(:mod:`skdeep.nn.padding`): the layer unrolls every step, reads each
sequence's output at its last real step (or zeros at its padded steps) and
lets no gradient into the padded steps, so they change neither outputs nor
gradients.
"""

from __future__ import annotations

import numpy as np

from . import cells as _cells
from .cells import GRUCell, LSTMCell, SimpleRNNCell
from .layers import Layer
from .padding import step_mask

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
    timescale : int or None, default=None
        Length of the sequences the layer will read, for the cells whose
        initialization uses it (GRU's chrono initialization,
        :class:`~skdeep.nn.cells.GRUCell`).

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
    reads_lengths = True
    _transient = Layer._transient + ("_xt", "_trajectory", "_lengths")

    def __init__(
        self,
        units: int,
        activation: str = "tanh",
        return_sequences: bool = False,
        initializer: str = "glorot_uniform",
        recurrent_initializer: str = "orthogonal",
        cell: str = "simple",
        timescale: int | None = None,
    ) -> None:
        super().__init__()
        self.units = int(units)
        self.cell = _cells.get(cell)(
            units, activation, initializer, recurrent_initializer
        )
        if timescale is not None:
            self.cell.timescale = int(timescale)
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
        n_steps = x.shape[1]
        xt = np.ascontiguousarray(x.transpose(1, 0, 2))  # time-major (T, n, F)
        trajectory = self.cell.project(xt, self.params)
        step, params = self.cell.step, self.params
        for t in range(n_steps):
            step(t, trajectory, params)
        return xt, trajectory

    def _output(self, h, lengths=None):
        """The layer's output from the states ``h`` of every step ``(T, n,
        units)``: the last real step's, or every step's (zeros past the end)."""
        if lengths is None:
            return h.transpose(1, 0, 2) if self.return_sequences else h[-1]
        if not self.return_sequences:
            return h[lengths - 1, np.arange(h.shape[1])]
        real = step_mask(lengths, h.shape[0])
        return h.transpose(1, 0, 2) * real[..., None]

    def forward(self, x, training=False, lengths=None):
        """Output of the layer; ``lengths``: each sequence's number of real
        steps when ``x`` is right-padded (None: every step is real)."""
        xt, trajectory = self._unroll(x)
        if training:
            self._xt, self._trajectory, self._lengths = xt, trajectory, lengths
        return self._output(trajectory["h"], lengths)

    def _upstream(self, delta, lengths, n_steps):
        """The gradient w.r.t. each step's state from outside the layer,
        time-major ``(T, n, units)``, or None for the last step only."""
        if lengths is None:
            return delta.transpose(1, 0, 2) if self.return_sequences else None
        if self.return_sequences:
            real = step_mask(lengths, n_steps)
            return (delta * real[..., None]).transpose(1, 0, 2)
        upstream = np.zeros((n_steps, *delta.shape), dtype=delta.dtype)
        upstream[lengths - 1, np.arange(delta.shape[0])] = delta
        return upstream

    def _through_time(self, delta, trajectory, lengths=None):
        """Back-propagation through time, given ``delta``, the gradient w.r.t.
        the output: the cell records each step's gradients in
        ``trajectory``."""
        h = trajectory["h"]
        n_steps, n, _ = h.shape
        upstream = self._upstream(delta, lengths, n_steps)
        dh, carry = np.zeros((n, self.units), dtype=h.dtype), None
        step_back, params = self.cell.step_back, self.params
        for t in range(n_steps - 1, -1, -1):
            if upstream is not None:
                dh += upstream[t]
            elif t == n_steps - 1:
                dh += delta
            dh, carry = step_back(t, dh, carry, trajectory, params)

    def _input_from(self, trajectory):
        """Gradient w.r.t. the ``(n, T, F)`` input, after :meth:`_through_time`."""
        return self.cell.input_gradient(trajectory, self.params).transpose(1, 0, 2)

    def backward(self, delta, need_input_grad=True):
        xt, trajectory = self._xt, self._trajectory
        self._through_time(delta, trajectory, self._lengths)
        self.cell.weight_gradients(xt, trajectory, self.grads)
        if not need_input_grad:
            return None
        return self._input_from(trajectory)

    def trace(self, x, lengths=None):
        _, trajectory = self._unroll(x)
        return self._output(trajectory["h"], lengths), (trajectory, lengths)

    def input_gradient(self, delta, record):
        trajectory, lengths = record
        self._through_time(delta, trajectory, lengths)
        return self._input_from(trajectory)
