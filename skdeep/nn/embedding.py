"""Learned embeddings of categorical codes, beside the numeric columns.

The network takes one float matrix: the numeric columns first, then one
column per embedded categorical feature holding its integer code ``0 ..
cardinality - 1`` (exact in float32 below 2**24). :class:`CategoricalEmbedding`
passes the numeric columns through and replaces each code by a learned row of
its feature's table, so mini-batches, validation splits and chunks need no
second input.
"""

from __future__ import annotations

import numpy as np

from .layers import Layer

__all__ = ["CategoricalEmbedding"]


class CategoricalEmbedding(Layer):
    """Numeric columns as they are, then a learned vector per category code.

    Parameters
    ----------
    cardinalities : sequence of int
        Number of codes of each embedded feature (the last
        ``len(cardinalities)`` input columns, in order).
    dim : int, default=8
        Length of each feature's embedding vectors.
    scale : float, default=1.0
        Standard deviation of the normal initialization of the tables.

    Attributes
    ----------
    units : int
        Output width: the numeric columns plus ``dim`` per embedded feature.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeep.nn.network import Sequential
    >>> net = Sequential([CategoricalEmbedding([3, 5], dim=2)])
    >>> net = net.build(4, np.random.RandomState(0))  # 2 numeric, 2 codes
    >>> net.forward(np.array([[0.5, -1.0, 2.0, 4.0]])).shape
    (1, 6)
    """

    _transient = Layer._transient + ("_rows",)

    def __init__(self, cardinalities, dim: int = 8, scale: float = 1.0) -> None:
        super().__init__()
        self.cardinalities = [int(c) for c in cardinalities]
        if any(c < 1 for c in self.cardinalities):
            raise ValueError(f"cardinalities must be >= 1, got {self.cardinalities}.")
        self.dim = int(dim)
        self.scale = float(scale)
        self.offsets = np.cumsum([0] + self.cardinalities[:-1]).astype(np.intp)
        self.release()

    @property
    def n_embedded(self) -> int:
        """Number of embedded features."""
        return len(self.cardinalities)

    def build(self, n_in):
        self.n_in = int(n_in)
        self.n_numeric = self.n_in - self.n_embedded
        if self.n_numeric < 0:
            raise ValueError(
                f"{self.n_embedded} embedded features need at least as many input "
                f"columns; got {self.n_in}."
            )
        self.param_shapes = {"tables": (sum(self.cardinalities), self.dim)}
        self.units = self.n_numeric + self.n_embedded * self.dim
        return self.units

    def initialize(self, rng):
        shape = self.param_shapes["tables"]
        self.params["tables"][...] = rng.normal(scale=self.scale, size=shape)

    def _table_rows(self, x) -> np.ndarray:
        """Row of the stacked tables of each code, ``(n, n_embedded)``."""
        codes = x[:, self.n_numeric :]
        rows = codes.astype(np.intp)
        bad = (rows < 0) | (rows >= self.cardinalities) | (rows != codes)
        if bad.any():
            feature = int(np.nonzero(bad)[1][0])
            raise ValueError(
                f"Embedded feature {feature} got a code outside 0..."
                f"{self.cardinalities[feature] - 1} (or not an integer)."
            )
        return rows + self.offsets

    def _embed(self, x, rows):
        out = np.empty((x.shape[0], self.units), dtype=self.params["tables"].dtype)
        out[:, : self.n_numeric] = x[:, : self.n_numeric]
        vectors = self.params["tables"][rows]  # (n, n_embedded, dim)
        out[:, self.n_numeric :] = vectors.reshape(x.shape[0], -1)
        return out

    def forward(self, x, training=False):
        rows = self._table_rows(x)
        if training:
            self._rows = rows
        return self._embed(x, rows)

    def backward(self, delta, need_input_grad=True):
        rows, grads = self._rows, self.grads["tables"]
        vectors = delta[:, self.n_numeric :].reshape(-1, self.dim)
        flat_rows = rows.ravel()
        n_rows = grads.shape[0]
        for j in range(self.dim):  # a weighted count per table row
            grads[:, j] = np.bincount(flat_rows, vectors[:, j], minlength=n_rows)
        if not need_input_grad:
            return None
        return self._input_gradient(delta)

    def _input_gradient(self, delta):
        """The numeric columns pass the gradient through; codes get none."""
        dx = np.zeros((delta.shape[0], self.n_in), dtype=delta.dtype)
        dx[:, : self.n_numeric] = delta[:, : self.n_numeric]
        return dx

    def trace(self, x):
        return self._embed(x, self._table_rows(x)), None

    def input_gradient(self, delta, record):
        return self._input_gradient(delta)
