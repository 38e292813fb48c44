"""Sequential container: one flat parameter vector, one flat gradient vector.

:meth:`Sequential.build` allocates one contiguous array for every trainable
parameter, penalized ones (kernels) first, and hands each layer views into it; the
gradients live in a second flat array laid out the same way. An optimizer step is
therefore a few vectorized operations on one array, L-BFGS works on the vector
itself, and a penalty acts on the contiguous slice ``params[:n_penalized]``.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from ._memory import check_fits_in_memory
from .layers import Layer
from .padding import split_padding

__all__ = ["Sequential", "CHUNK_ELEMENTS"]

#: elements per chunk (rows x widest layer) when evaluating on many rows
CHUNK_ELEMENTS = 1 << 22


def _lengths_for(layer: Layer, lengths) -> dict:
    """The ``lengths`` keyword for a layer that reads the lengths of padded
    sequences, when there are any; no keyword otherwise."""
    return {"lengths": lengths} if lengths is not None and layer.reads_lengths else {}


class Sequential:
    """A stack of layers trained as one flat parameter vector.

    Parameters
    ----------
    layers : list of Layer
        The layers, input to output.

    Attributes
    ----------
    params : ndarray of shape (n_params,)
        All trainable parameters; the layers hold views into it.
    grads : ndarray of shape (n_params,)
        Gradient of the last :meth:`backward` call, laid out like ``params``.
    n_penalized : int
        Length of the leading penalized slice (the kernels).

    Examples
    --------
    >>> import numpy as np
    >>> from skdeep.nn.layers import Dense
    >>> net = Sequential([Dense(4, "tanh"), Dense(2)]).build(3, np.random.RandomState(0))
    >>> net.params.shape, net.n_penalized
    ((26,), 20)
    >>> np.shares_memory(net.layers[0].kernel, net.params)
    True
    """

    def __init__(self, layers: list[Layer]) -> None:
        self.layers = list(layers)
        self.params: np.ndarray | None = None
        self.grads: np.ndarray | None = None
        self.n_penalized = 0

    @property
    def dtype(self) -> np.dtype:
        """Floating dtype of the parameters."""
        return self.params.dtype

    def build(
        self, n_in: int, rng: np.random.RandomState, dtype=np.float64
    ) -> Sequential:
        """Declare shapes, allocate the flat vectors and initialize the layers.

        Parameters
        ----------
        n_in : int
            Number of input features.
        rng : numpy.random.RandomState
            Source of randomness for the initializers, drawn layer by layer.
        dtype : dtype, default=np.float64
            Parameter dtype (float32 or float64).
        """
        self.n_in = int(n_in)
        width = self.n_in
        for layer in self.layers:
            width = layer.build(width)
        self.n_out = width
        n_params = sum(
            math.prod(shape)
            for layer in self.layers
            for shape in layer.param_shapes.values()
        )
        # the weights, their gradients and up to three optimizer arrays
        itemsize = np.dtype(dtype).itemsize
        check_fits_in_memory(
            5 * n_params * itemsize, f"A network of {n_params:,} parameters"
        )
        self._layout = self._make_layout()
        total = self._layout[-1][-1] if self._layout else 0
        self.params = np.zeros(total, dtype=dtype)
        self.grads = np.zeros(total, dtype=dtype)
        self._bind()
        for layer in self.layers:
            layer.initialize(rng)
        return self

    def _make_layout(self) -> list[tuple[int, str, tuple[int, ...], int, int]]:
        """Return ``(layer_index, name, shape, start, stop)``, penalized first."""
        entries = []
        for penalized_pass in (True, False):
            for i, layer in enumerate(self.layers):
                for name, shape in layer.param_shapes.items():
                    if (name in layer.penalized) == penalized_pass:
                        entries.append((i, name, shape))
        layout, start = [], 0
        self.n_penalized = 0
        for i, name, shape in entries:
            stop = start + int(np.prod(shape))
            layout.append((i, name, shape, start, stop))
            if name in self.layers[i].penalized:
                self.n_penalized = stop
            start = stop
        return layout

    def _bind(self) -> None:
        views = [({}, {}) for _ in self.layers]
        for i, name, shape, start, stop in self._layout:
            views[i][0][name] = self.params[start:stop].reshape(shape)
            views[i][1][name] = self.grads[start:stop].reshape(shape)
        for layer, (params, grads) in zip(self.layers, views, strict=True):
            layer.bind(params, grads)

    def astype(self, dtype) -> None:
        """Convert the parameters to ``dtype`` in place of the old vectors."""
        if self.params.dtype == dtype:
            return
        self.params = self.params.astype(dtype)
        self.grads = self.grads.astype(dtype)
        self._bind()
        self.release()

    def kernel_shapes(self) -> list[tuple[int, int]]:
        """Shapes of every 2-D parameter (the matrices of the matrix products),
        layer by layer.

        Examples
        --------
        >>> import numpy as np
        >>> from skdeep.nn.layers import Dense
        >>> net = Sequential([Dense(4), Dense(2)]).build(3, np.random.RandomState(0))
        >>> net.kernel_shapes()
        [(3, 4), (4, 2)]
        """
        return [
            tuple(shape)
            for layer in self.layers
            for shape in layer.param_shapes.values()
            if len(shape) == 2
        ]

    def chunk_rows(self, sample_shape: tuple[int, ...]) -> int:
        """Rows per chunk when evaluating on many samples of ``sample_shape``
        (features, or time steps and features): rows x widest layer x time
        steps stays within :data:`CHUNK_ELEMENTS`, which bounds the memory of
        predicting on any number of rows."""
        width = max([self.n_in] + [layer.units for layer in self.layers])
        row = width * int(np.prod(sample_shape[:-1]))  # time steps of sequences
        return max(1, CHUNK_ELEMENTS // row)

    def state_arrays(self) -> list[np.ndarray]:
        """The layers' non-trainable state (moving statistics), as the arrays
        training updates in place."""
        return [
            getattr(layer, name) for layer in self.layers for name in layer.state_names
        ]

    @property
    def penalized_params(self) -> np.ndarray:
        """View of the penalized slice of ``params``."""
        return self.params[: self.n_penalized]

    def allocate(self, batch_size: int) -> None:
        """Preallocate training buffers for batches of up to ``batch_size`` rows.

        Raises a ValueError up front when they cannot fit in memory (a few
        arrays of ``batch_size`` rows per layer).
        """
        widths = self.n_in + sum(getattr(layer, "units", 0) for layer in self.layers)
        check_fits_in_memory(
            3 * int(batch_size) * widths * self.params.dtype.itemsize,
            f"Training on batches of {int(batch_size):,} rows (smaller batches, a "
            "stochastic solver instead of a full-batch one, or smaller layers "
            "need less)",
        )
        for i, layer in enumerate(self.layers):
            layer.allocate(batch_size, self.params.dtype, need_input_grad=i > 0)

    def release(self) -> None:
        """Free the training buffers and caches."""
        for layer in self.layers:
            layer.release()

    def forward(self, x, training: bool = False) -> np.ndarray:
        """Raw network output (before the loss's link).

        In training mode the layers write into their preallocated buffers and keep
        caches for :meth:`backward`; otherwise fresh arrays are allocated.
        Right-padded sequences (NaN past their ends, :mod:`skdeep.nn.padding`)
        reach the layers as zeros, with their lengths for the recurrent ones.
        """
        x, lengths = split_padding(x)
        for layer in self.layers:
            x = layer.forward(x, training=training, **_lengths_for(layer, lengths))
        return x

    def backward(self, delta: np.ndarray) -> np.ndarray:
        """Back-propagate ``d loss / d raw``; gradients land in ``grads``.

        ``delta`` may be overwritten.
        """
        last = len(self.layers) - 1
        for i in range(last, -1, -1):
            delta = self.layers[i].backward(delta, need_input_grad=i > 0)
        return self.grads

    def input_jacobian(
        self, x, output_jacobian: Callable[[np.ndarray], np.ndarray]
    ) -> np.ndarray:
        """Jacobian of the predictions with respect to the inputs, by the
        backward pass to the inputs (inference mode), for every sample at once.

        Parameters
        ----------
        x : ndarray of shape (n_samples, n_features)
            Inputs, or a sparse matrix, or sequences of shape
            (n_samples, n_timesteps, n_features).
        output_jacobian : callable
            ``output_jacobian(raw) -> (n_samples, n_predictions, n_raw)``: the
            derivatives of the predictions with respect to the raw outputs
            ``raw`` of shape (n_samples, n_raw) (the loss's link).

        Returns
        -------
        ndarray of shape (n_samples, n_predictions, n_features)
            (n_samples, n_predictions, n_timesteps, n_features) for sequences.
            ``J[i, k, ...]``: derivative of prediction ``k`` of sample ``i``
            with respect to its inputs. Each row of ``x`` is repeated once per
            prediction, so one backward pass gives every row of ``J``.

        Examples
        --------
        >>> import numpy as np
        >>> from skdeep.nn.layers import Dense
        >>> net = Sequential([Dense(1, activation="identity")])
        >>> net = net.build(2, np.random.RandomState(0))
        >>> identity = lambda raw: np.ones((len(raw), 1, 1))
        >>> bool(np.allclose(net.input_jacobian(np.ones((3, 2)), identity),
        ...                  net.layers[0].kernel.T))
        True
        """
        return self.raw_and_input_jacobian(x, output_jacobian)[1]

    def raw_and_input_jacobian(
        self,
        x,
        output_jacobian: Callable[[np.ndarray], np.ndarray],
        n_predictions: int | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """The raw outputs and :meth:`input_jacobian` from one pass.

        Parameters
        ----------
        x, output_jacobian
            As for :meth:`input_jacobian`.
        n_predictions : int, default=None
            Rows of ``output_jacobian``'s result per sample, when known in
            advance: the repeated samples are then traced once, instead of
            once to find the count and again repeated.

        Returns
        -------
        raw : ndarray of shape (n_samples, n_raw)
            The network's output before the loss's link.
        jacobian : ndarray
            As :meth:`input_jacobian` returns it.
        """
        n = x.shape[0]
        repeat = max(1, n_predictions or 1)
        out, records = self._trace(self._repeated(x, repeat))
        raw = out[::repeat]
        seeds = output_jacobian(raw.reshape(n, -1))
        k = seeds.shape[1]
        if k != repeat:  # one copy of each sample per prediction
            out, records = self._trace(self._repeated(x, k))
        delta = seeds.reshape(n * k, *out.shape[1:]).astype(out.dtype, copy=True)
        for layer, record in zip(self.layers[::-1], records[::-1], strict=True):
            delta = layer.input_gradient(delta, record)
        return raw, np.asarray(delta).reshape(n, k, *delta.shape[1:])

    @staticmethod
    def _repeated(x, k: int):
        """Each sample of ``x`` repeated ``k`` times in a row."""
        return x if k == 1 else x[np.repeat(np.arange(x.shape[0]), k)]

    def _trace(self, x):
        x, lengths = split_padding(x)
        records = []
        for layer in self.layers:
            x, record = layer.trace(x, **_lengths_for(layer, lengths))
            records.append(record)
        return x, records

    def __getstate__(self):
        state = self.__dict__.copy()
        # The gradient vector is scratch space: rebuilt, never stored.
        state["grads"] = None
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        if self.params is not None:
            self.grads = np.zeros_like(self.params)
            self._bind()
