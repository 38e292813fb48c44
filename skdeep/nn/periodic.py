"""Periodic embeddings of numeric columns (RealMLP's "PBLD").

Each numeric column ``x_j`` becomes ``n_frequencies`` features
``cos(2 pi w_jk x_j + b_jk)``, mixed by a small linear map of its own into
``dim`` values; the column's raw value follows them. Gorishniy et al. (2022,
"On embeddings for numerical features in tabular deep learning") introduced
periodic embeddings; the phase ``b`` and the raw value appended are
Holzmüller et al.'s (2024) variant. A network given these features fits
functions of each column with sharp steps or many bumps, which a plain
first layer learns slowly.

Every parameter is stored as its value divided by ``lr_factor``: under Adam,
whose steps do not depend on the gradient's size, the embedding then learns
``lr_factor`` times as fast as the other weights.
"""

from __future__ import annotations

import math

import numpy as np

from .layers import Layer

__all__ = ["PeriodicEmbedding"]

_TWO_PI = 2.0 * math.pi


class PeriodicEmbedding(Layer):
    """Periodic features of the numeric columns, then the columns passed on.

    The input's first ``n_columns`` columns are embedded; the output is
    their embeddings, then every input column as it is (the embedded ones'
    raw values, then the others: indicators or categorical codes, say).

    Parameters
    ----------
    n_columns : int or None, default=None
        Leading input columns to embed (None: all of them).
    n_frequencies : int, default=16
        Cosine features per column.
    dim : int, default=3
        Values per column after the linear map (the raw value comes on top).
    sigma : float, default=0.1
        Standard deviation of the normal initialization of the frequencies.
    lr_factor : float, default=0.1
        Learning-rate factor of every parameter under Adam.

    Attributes
    ----------
    units : int
        Output width: ``dim`` per embedded column, plus the input's width.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeep.nn.network import Sequential
    >>> net = Sequential([PeriodicEmbedding(n_columns=2)])
    >>> net = net.build(3, np.random.RandomState(0))  # 2 embedded, then all 3
    >>> out = net.forward(np.array([[0.5, -1.0, 7.0]]))
    >>> out.shape, float(out[0, -1])
    ((1, 9), 7.0)
    """

    _transient = Layer._transient + ("_phase_sin", "_cosines")

    def __init__(
        self,
        n_columns: int | None = None,
        n_frequencies: int = 16,
        dim: int = 3,
        sigma: float = 0.1,
        lr_factor: float = 0.1,
    ) -> None:
        super().__init__()
        self.n_columns = None if n_columns is None else int(n_columns)
        self.n_frequencies = int(n_frequencies)
        self.dim = int(dim)
        self.sigma = float(sigma)
        self.lr_factor = float(lr_factor)
        self.release()

    def build(self, n_in):
        self.n_in = int(n_in)
        self.n_embedded = self.n_in if self.n_columns is None else self.n_columns
        if not 0 <= self.n_embedded <= self.n_in:
            raise ValueError(
                f"n_columns={self.n_columns} is not within the {self.n_in} input "
                "columns."
            )
        c, f, d = self.n_embedded, self.n_frequencies, self.dim
        self.param_shapes = {
            "frequencies": (c, f),
            "phases": (c, f),
            "weights": (c, f, d),
            "biases": (c, d),
        }
        self.units = c * d + self.n_in
        return self.units

    def initialize(self, rng):
        c, f, d = self.n_embedded, self.n_frequencies, self.dim
        bound = 1.0 / math.sqrt(f)  # torch.nn.Linear's
        values = {
            "frequencies": rng.normal(scale=self.sigma, size=(c, f)),
            "phases": rng.uniform(-math.pi, math.pi, size=(c, f)),
            "weights": rng.uniform(-bound, bound, size=(c, f, d)),
            "biases": rng.uniform(-bound, bound, size=(c, d)),
        }
        for name, value in values.items():
            self.params[name][...] = value / self.lr_factor

    def _value(self, name, dtype):
        return (self.params[name] * self.lr_factor).astype(dtype, copy=False)

    def _angles(self, x):
        """``2 pi w x + b`` of each embedded column, ``(c, n, f)``."""
        columns = x[:, : self.n_embedded].T[:, :, None]
        angles = columns * (_TWO_PI * self._value("frequencies", x.dtype))[:, None]
        angles += self._value("phases", x.dtype)[:, None]
        return angles

    def _output(self, x, cosines):
        n, c, d = x.shape[0], self.n_embedded, self.dim
        mixed = np.matmul(cosines, self._value("weights", x.dtype))  # (c, n, d)
        mixed += self._value("biases", x.dtype)[:, None]
        out = np.empty((n, self.units), dtype=x.dtype)
        out[:, : c * d] = mixed.transpose(1, 0, 2).reshape(n, c * d)
        out[:, c * d :] = x
        return out

    def forward(self, x, training=False):
        angles = self._angles(x)
        cosines = np.cos(angles)
        if training:
            self._x, self._cosines = x, cosines
            self._phase_sin = np.sin(angles, out=angles)
        return self._output(x, cosines)

    def _angle_gradient(self, delta, cosines=None, sines=None):
        """Gradients of the linear map (when ``cosines`` is given) and the
        gradient w.r.t. the angles, ``(c, n, f)``."""
        n, c, d = delta.shape[0], self.n_embedded, self.dim
        g_mixed = delta[:, : c * d].reshape(n, c, d).transpose(1, 0, 2)
        weights = self._value("weights", delta.dtype)
        if cosines is not None:
            weight_grad = np.matmul(cosines.transpose(0, 2, 1), g_mixed)
            self.grads["weights"][...] = weight_grad * self.lr_factor
            self.grads["biases"][...] = g_mixed.sum(axis=1) * self.lr_factor
        g_angles = np.matmul(g_mixed, weights.transpose(0, 2, 1))
        g_angles *= sines
        g_angles *= -1.0
        return g_angles

    def _input_gradient(self, delta, g_angles):
        c, d = self.n_embedded, self.dim
        dx = np.array(delta[:, c * d :], copy=True)
        frequencies = _TWO_PI * self._value("frequencies", delta.dtype)
        dx[:, :c] += np.einsum("cnf,cf->nc", g_angles, frequencies)
        return dx

    def backward(self, delta, need_input_grad=True):
        g_angles = self._angle_gradient(delta, self._cosines, self._phase_sin)
        columns = self._x[:, : self.n_embedded].T
        frequency_grad = np.einsum("cn,cnf->cf", columns, g_angles) * _TWO_PI
        self.grads["frequencies"][...] = frequency_grad * self.lr_factor
        self.grads["phases"][...] = g_angles.sum(axis=1) * self.lr_factor
        if not need_input_grad:
            return None
        return self._input_gradient(delta, g_angles)

    def trace(self, x):
        angles = self._angles(x)
        return self._output(x, np.cos(angles)), np.sin(angles)

    def input_gradient(self, delta, record):
        return self._input_gradient(delta, self._angle_gradient(delta, sines=record))
