"""Sequences of different lengths, as the network reads them.

A batch of sequences of different lengths is one ``(n_samples, n_timesteps,
n_features)`` array, right-padded: each sequence's real steps come first and
the steps past its end are NaN. The marker travels with the rows wherever
they go (mini-batches, validation splits, chunks of a prediction), and
:meth:`skdeep.nn.network.Sequential.forward` reads it once per call: it
replaces the padded steps by zeros and hands each sequence's length to the
layers that read lengths (the recurrent ones). A cell is causal, so padded
steps after the end change nothing before it; the recurrent layer reads a
sequence's output at its last real step, and lets no gradient into the
padded steps. Targets of many-to-many networks mark their padded steps the
same way, and the loss leaves them out.
"""

from __future__ import annotations

import numpy as np

__all__ = ["split_padding", "step_mask", "mark_padding", "padded_steps"]


def padded_steps(values: np.ndarray) -> np.ndarray | None:
    """Which steps of ``(n, T, ...)`` sequences are padding (NaN-marked), as
    an ``(n, T)`` boolean array; None when there is no padding (or ``values``
    are not sequences).

    Examples
    --------
    >>> import numpy as np
    >>> x = np.zeros((2, 3, 1)); x[0, 2] = np.nan
    >>> padded_steps(x).astype(int).tolist()
    [[0, 0, 1], [0, 0, 0]]
    """
    if getattr(values, "ndim", 0) != 3 or 0 in values.shape:
        return None
    if values.dtype.kind != "f":
        return None
    padded = np.isnan(values[:, :, 0])
    return padded if padded.any() else None


def split_padding(x) -> tuple[np.ndarray, np.ndarray | None]:
    """``(x with zeros at its padded steps, the lengths)``, or ``(x, None)``
    when ``x`` holds no padding.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.ones((2, 3, 1)); x[0, 1:] = np.nan
    >>> filled, lengths = split_padding(x)
    >>> lengths.tolist(), filled[0, :, 0].tolist()
    ([1, 3], [1.0, 0.0, 0.0])
    """
    padded = padded_steps(x)
    if padded is None:
        return x, None
    lengths = x.shape[1] - np.count_nonzero(padded, axis=1)
    return np.where(padded[..., None], 0, x), lengths


def step_mask(lengths: np.ndarray, n_steps: int) -> np.ndarray:
    """``(n, n_steps)`` booleans, True at each sequence's real steps.

    Examples
    --------
    >>> step_mask(np.array([1, 3]), 3).astype(int).tolist()
    [[1, 0, 0], [1, 1, 1]]
    """
    return np.arange(n_steps) < np.asarray(lengths)[:, None]


def mark_padding(values: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Set the steps of ``(n, T, ...)`` float ``values`` past each sequence's
    length to NaN, in place; return ``values``."""
    values[~step_mask(lengths, values.shape[1])] = np.nan
    return values
