"""Sequences of different lengths, as the recurrent estimators accept them.

A list of ``(n_timesteps_i, n_features)`` arrays (or DataFrames, or
``(n_timesteps_i,)`` univariate sequences), or a padded 3-D array with
``lengths`` (each sequence's real steps come first) or ``mask`` (True at the
real steps, anywhere) becomes one :class:`VariableLengthSequences`: the real
steps of each sequence moved to its front, zeros after them. The estimators
validate it and hand the network right-padded arrays with NaN past each end
(:mod:`skdeep.nn.padding`); many-to-many predictions go back into the
caller's layout with :meth:`VariableLengthSequences.restore`.
"""

from __future__ import annotations

import numpy as np
from sklearn.utils.validation import check_array

from .nn.padding import step_mask

__all__ = ["VariableLengthSequences", "variable_length", "LENGTHS_PARAMETERS"]

#: the documentation of ``lengths`` and ``mask``, shared by every method
LENGTHS_PARAMETERS = """lengths : array-like of int of shape (n_samples,), default=None
            With a padded 3-D ``X``: the number of real time steps of each
            sequence, which come first (right padding). The padded steps
            (any values, NaN included) change neither the outputs nor the
            training.
        mask : array-like of bool of shape (n_samples, n_timesteps), default=None
            With a padded 3-D ``X``, instead of ``lengths``: True at the real
            steps, which are read in order wherever they are (left padding
            works as well)."""

_LIST_OR_PADDED = (
    "X must be a list of (n_timesteps_i, n_features) sequences, or a padded "
    "3-D array (n_samples, n_timesteps, n_features) with lengths or mask"
)


class VariableLengthSequences:
    """Sequences of different lengths, right-padded with zeros.

    Parameters
    ----------
    values : ndarray of shape (n_samples, n_timesteps, n_features)
        Each sequence's real steps first, zeros after them.
    lengths : ndarray of int of shape (n_samples,)
        Real steps per sequence, at least 1.
    layout : {'list', 'lengths'} or ndarray of bool of shape (n_samples, n_timesteps)
        Where the sequences came from: a list, a right-padded array, or the
        ``mask`` of an array whose real steps sat elsewhere.
    caller_steps : int, default=None
        Time steps of the caller's padded array, when it had more than the
        longest sequence (None: as many).
    """

    def __init__(
        self, values: np.ndarray, lengths: np.ndarray, layout, caller_steps=None
    ) -> None:
        self.values, self.lengths, self.layout = values, lengths, layout
        self.caller_steps = values.shape[1] if caller_steps is None else caller_steps

    @property
    def n_samples(self) -> int:
        """Number of sequences."""
        return self.values.shape[0]

    @property
    def shape(self) -> tuple[int, ...]:
        """Shape of the padded values."""
        return self.values.shape

    def __len__(self) -> int:
        return self.n_samples

    def real_steps(self) -> np.ndarray:
        """``(n_samples, n_timesteps)`` booleans, True at the real steps of
        :attr:`values` (as long as the longest sequence)."""
        return step_mask(self.lengths, int(self.lengths.max()))

    def targets(self, y) -> np.ndarray:
        """Many-to-many targets in the layout of :attr:`values`: zeros at the
        padded steps, shape ``(n_samples, n_timesteps[, n_outputs])``."""
        if isinstance(self.layout, str) and self.layout == "list":
            return self._targets_of_a_list(y)
        y = np.asarray(y)
        n, n_steps = self.n_samples, self.caller_steps
        if y.ndim not in (2, 3) or y.shape[:2] != (n, n_steps):
            raise ValueError(
                "With return_sequences=True, y must be padded like X: of shape "
                f"(n_samples, n_timesteps) or (n_samples, n_timesteps, n_outputs) "
                f"with n_samples={n} and n_timesteps={n_steps}; got {y.shape}."
            )
        return self._moved_to_front(y)

    def _moved_to_front(self, array: np.ndarray) -> np.ndarray:
        """``array`` of the caller's padded layout with each sequence's real
        steps first and zeros after them (the layout of :attr:`values`)."""
        real = self.layout if isinstance(self.layout, np.ndarray) else None
        front = self.real_steps()
        if real is None:  # right padding: the real steps are where they go
            real = np.zeros((self.n_samples, array.shape[1]), dtype=bool)
            real[:, : front.shape[1]] = front
        out = np.zeros((*front.shape, *array.shape[2:]))
        if array.dtype.kind == "f":
            out = out.astype(array.dtype)
        elif array.dtype.kind not in "iub":
            raise TypeError(f"Sequence values must be numeric; got {array.dtype}.")
        out[front] = array[real]
        return out

    def _targets_of_a_list(self, y) -> np.ndarray:
        if not isinstance(y, list | tuple) or len(y) != self.n_samples:
            raise ValueError(
                "With return_sequences=True and X a list of sequences, y must be "
                "a list of as many target sequences, each (n_timesteps_i,) or "
                "(n_timesteps_i, n_outputs) like its sequence of X."
            )
        parts = [np.asarray(part) for part in y]
        ndim = {part.ndim for part in parts}
        for i, (part, length) in enumerate(zip(parts, self.lengths, strict=True)):
            if part.ndim not in (1, 2) or part.shape[0] != length or len(ndim) > 1:
                raise ValueError(
                    f"y[{i}] has shape {part.shape}, but X[{i}] has {length} time "
                    "steps: each target sequence must be (n_timesteps_i,) or "
                    "(n_timesteps_i, n_outputs), all of the same rank."
                )
        widths = {part.shape[1:] for part in parts}
        if len(widths) > 1:
            raise ValueError(f"The target sequences have different widths {widths}.")
        stacked = np.concatenate(parts)
        if stacked.dtype.kind not in "fiub":
            raise TypeError(f"Target sequences must be numeric; got {stacked.dtype}.")
        out = np.zeros((self.n_samples, int(self.lengths.max()), *stacked.shape[1:]))
        out[self.real_steps()] = stacked
        return out

    def restore(self, outputs: np.ndarray):
        """Per-step outputs ``(n_samples, n_timesteps, ...)`` in the caller's
        layout: a list of ``(n_timesteps_i, ...)`` arrays for a list, else a
        padded array with NaN at the padded steps."""
        front = self.real_steps()
        if isinstance(self.layout, str) and self.layout == "list":
            return [outputs[i, :length] for i, length in enumerate(self.lengths)]
        if isinstance(self.layout, np.ndarray):
            real = self.layout
        else:
            real = step_mask(self.lengths, self.caller_steps)
        restored = np.full((*real.shape, *outputs.shape[2:]), np.nan, outputs.dtype)
        restored[real] = outputs[front]
        return restored


def variable_length(
    X, lengths=None, mask=None, *, any_list: bool = False
) -> VariableLengthSequences | None:
    """``X`` as :class:`VariableLengthSequences` when it is a list of
    sequences of different lengths (with ``any_list``, of any lengths) or
    comes with ``lengths`` or ``mask``; None for anything else (read as
    sequences of one length).

    Examples
    --------
    >>> import numpy as np
    >>> sequences = variable_length([np.ones((2, 1)), np.ones((3, 1))])
    >>> sequences.values[:, :, 0].tolist(), sequences.lengths.tolist()
    ([[1.0, 1.0, 0.0], [1.0, 1.0, 1.0]], [2, 3])
    """
    if isinstance(X, VariableLengthSequences):
        if lengths is not None or mask is not None:
            raise ValueError("lengths and mask go with a padded array X, not here.")
        return X
    if lengths is not None and mask is not None:
        raise ValueError("Pass lengths or mask, not both.")
    if lengths is not None or mask is not None:
        return _from_padded(X, lengths, mask)
    if isinstance(X, list | tuple) and (_is_ragged(X) or any_list and _is_list(X)):
        return _from_list(X)
    return None


def _is_list(X) -> bool:
    """A non-empty list of ``(n_timesteps,)`` or ``(n_timesteps, n_features)``
    sequences."""
    return len(X) > 0 and all(np.ndim(part) in (1, 2) for part in X)


def _is_ragged(X) -> bool:
    shapes = {np.shape(part) for part in X}
    return len(shapes) > 1 and all(len(shape) in (1, 2) for shape in shapes)


def _from_list(X) -> VariableLengthSequences:
    parts = [np.asarray(part) for part in X]
    parts = [part[:, None] if part.ndim == 1 else part for part in parts]
    n_features = parts[0].shape[1]
    for i, part in enumerate(parts):
        if part.shape[1] != n_features:
            raise ValueError(
                f"X[{i}] has {part.shape[1]} features per time step, X[0] has "
                f"{n_features}: every sequence needs the same features."
            )
        if part.shape[0] == 0:
            raise ValueError(f"X[{i}] has no time steps; {_LIST_OR_PADDED}.")
    stacked = check_array(
        np.concatenate(parts), dtype=(np.float64, np.float32), input_name="X"
    )
    lengths = np.array([part.shape[0] for part in parts])
    values = np.zeros((len(parts), lengths.max(), n_features), dtype=stacked.dtype)
    values[step_mask(lengths, values.shape[1])] = stacked
    return VariableLengthSequences(values, lengths, "list")


def _padded_array(X) -> np.ndarray:
    if isinstance(X, list | tuple) and _is_ragged(X):
        raise ValueError(
            "lengths and mask describe a padded 3-D array X; a list of "
            "sequences of different lengths needs neither."
        )
    values = check_array(
        X,
        dtype=(np.float64, np.float32),
        allow_nd=True,
        ensure_all_finite=False,
        ensure_min_samples=1,
        input_name="X",
    )
    if values.ndim != 3:
        raise ValueError(f"{_LIST_OR_PADDED}; got an array of shape {values.shape}.")
    return values


def _from_padded(X, lengths, mask) -> VariableLengthSequences:
    values = _padded_array(X)
    n, n_steps = values.shape[:2]
    if mask is not None:
        real = _check_mask(mask, n, n_steps)
        lengths = np.count_nonzero(real, axis=1)
        layout = (
            "lengths" if np.array_equal(real, step_mask(lengths, n_steps)) else real
        )
    else:
        lengths, layout = _check_lengths(lengths, n, n_steps), "lengths"
    sequences = VariableLengthSequences(values, lengths, layout, n_steps)
    # the values keep the longest sequence's steps, no more
    sequences.values = sequences._moved_to_front(values)
    return sequences


def _check_lengths(lengths, n_samples: int, n_steps: int) -> np.ndarray:
    array = np.asarray(lengths)
    if array.shape != (n_samples,):
        raise ValueError(
            f"lengths must have one entry per sequence, shape ({n_samples},); "
            f"got {array.shape}."
        )
    integral = array.dtype.kind in "iu" or (
        array.dtype.kind == "f" and np.all(np.mod(array, 1) == 0)
    )
    if array.dtype.kind == "b" or not integral:
        raise TypeError(f"lengths must be integers; got {array.dtype} values.")
    array = array.astype(np.intp)
    if array.min() < 1 or array.max() > n_steps:
        raise ValueError(
            f"lengths must lie in [1, {n_steps}] (the padded sequence length); got "
            f"values from {array.min()} to {array.max()}."
        )
    return array


def _check_mask(mask, n_samples: int, n_steps: int) -> np.ndarray:
    array = np.asarray(mask)
    if array.shape != (n_samples, n_steps):
        raise ValueError(
            f"mask must have shape (n_samples, n_timesteps) = ({n_samples}, "
            f"{n_steps}), like X's first two axes; got {array.shape}."
        )
    if array.dtype.kind != "b":
        if array.dtype.kind not in "iu" or not np.isin(array, (0, 1)).all():
            raise TypeError("mask must be booleans (True at the real steps).")
        array = array.astype(bool)
    empty = np.flatnonzero(~array.any(axis=1))
    if empty.size:
        raise ValueError(
            f"mask marks no real step in sequence {int(empty[0])}; every sequence "
            "needs at least one."
        )
    return array
