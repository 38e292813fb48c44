"""A graph's inputs for a sample: their declared types, and the arrays that
feed ONNX Runtime.

:func:`input_types` declares, :func:`input_feed` fills, by the same rules:

- a DataFrame: one input per column, named as the column, ``(n, 1)``
  (skl2onnx's convention): float32 and float64 columns as they are, integer
  columns int64, boolean columns bool, nullable numbers (``Int64``,
  ``Float64``, ``boolean``) float64 with NaN for a missing value; pandas
  ``category``, string and object columns strings: each value as the
  tabular networks read it (``str(value)``, an integral float as the integer), the empty string for a missing
  value (a string tensor has no NaN);
- a 2-D array: one input ``X``;
- sequences (a 3-D array, or a list of ``(n_timesteps, n_features)``
  arrays): one input ``X`` ``(n, n_timesteps, n_features)`` whose time axis
  is left free, so the graph reads batches of any one length.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..tabular._encoder import _as_labels
from ._table import MISSING_STRING

__all__ = ["input_types", "input_feed"]


def _types():
    from skl2onnx.common import data_types

    return data_types


def _is_text(dtype) -> bool:
    return (
        isinstance(dtype, pd.CategoricalDtype)
        or pd.api.types.is_object_dtype(dtype)
        or pd.api.types.is_string_dtype(dtype)
    )


def _column_kind(column: pd.Series) -> str:
    """The kind of input a column gets: one of :data:`_FEEDS`."""
    dtype = column.dtype
    if _is_text(dtype):
        return "string"
    if pd.api.types.is_datetime64_any_dtype(dtype) or pd.api.types.is_timedelta64_dtype(
        dtype
    ):
        raise ValueError(
            f"The column {column.name!r} holds dates or durations, which the "
            "networks do not read; convert it to numbers first."
        )
    if isinstance(dtype, np.dtype):
        if dtype.kind == "b":
            return "bool"
        if dtype.kind in "iu":
            return "int64"
        if dtype == np.float32:
            return "float32"
    if pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype):
        return "float64"
    raise ValueError(f"The column {column.name!r} has the unsupported type {dtype}.")


def _strings(column: pd.Series) -> np.ndarray:
    labels = np.array(_as_labels(column.to_frame()), dtype=object)
    labels[pd.isna(labels)] = MISSING_STRING
    return labels.astype(str).astype(object)


#: each kind's skl2onnx tensor type and its values, (n, 1)
_FEEDS = {
    "string": ("StringTensorType", _strings),
    "bool": ("BooleanTensorType", lambda c: c.to_numpy(bool)[:, None]),
    "int64": ("Int64TensorType", lambda c: c.to_numpy(np.int64)[:, None]),
    "float32": ("FloatTensorType", lambda c: c.to_numpy(np.float32)[:, None]),
    "float64": (
        "DoubleTensorType",
        lambda c: c.to_numpy(np.float64, na_value=np.nan)[:, None],
    ),
}


def _names(X: pd.DataFrame) -> list[str]:
    names = [str(c) for c in X.columns]
    if len(set(names)) < len(names):
        raise ValueError(f"The DataFrame's column names are not unique: {names}.")
    return names


def _sequences(X) -> np.ndarray | None:
    """A list of sequences of one length as one 3-D array; None for
    anything that is not a list of arrays."""
    if not isinstance(X, list | tuple) or not X:
        return None
    arrays = [np.asarray(s) for s in X]
    if any(a.ndim not in (1, 2) for a in arrays):
        return None
    if len({len(a) for a in arrays}) > 1:
        raise ValueError(
            "ONNX Runtime reads batches of sequences of one length: feed each "
            "length (or each sequence) on its own."
        )
    stacked = np.stack(arrays)
    return stacked[..., None] if stacked.ndim == 2 else stacked


def input_types(X: Any) -> list[tuple[str, Any]]:
    """The inputs a graph declares for the sample ``X`` (skl2onnx's
    ``initial_types``).

    :func:`skdeep.onnx.to_onnx` uses them for a DataFrame or sequences; pass
    them as ``initial_types`` to ``skl2onnx.to_onnx`` for the same graph
    (skl2onnx's own guess reads a pandas ``category`` column as int64 and
    fixes the time axis of sequences).

    Parameters
    ----------
    X : DataFrame, ndarray, or list of arrays
        A sample of the input (its first rows are enough).

    Returns
    -------
    list of (str, skl2onnx data type)
        One ``(name, type)`` per input; see :mod:`skdeep.onnx`.

    Raises
    ------
    ValueError
        For a column of dates or of a type without an ONNX form.

    Examples
    --------
    >>> import pandas as pd
    >>> from skdeep.onnx import input_types
    >>> X = pd.DataFrame({"t": [800.0], "alloy": ["Ti64"], "nozzle": [3]})
    >>> [(name, type(t).__name__) for name, t in input_types(X)]
    [('t', 'DoubleTensorType'), ('alloy', 'StringTensorType'), ('nozzle', 'Int64TensorType')]
    """
    types = _types()
    if isinstance(X, pd.DataFrame):
        kinds = [_column_kind(X.iloc[:, j]) for j in range(X.shape[1])]
        return [
            (name, getattr(types, _FEEDS[kind][0])([None, 1]))
            for name, kind in zip(_names(X), kinds, strict=True)
        ]
    sequences = _sequences(X)
    array = np.asarray(X) if sequences is None else sequences
    shape = [None, *array.shape[1:]]
    if array.ndim == 3:
        shape[1] = None
    kind = {"f": "float64", "i": "int64", "u": "int64", "b": "bool"}.get(
        array.dtype.kind, "string"
    )
    if array.dtype == np.float32:
        kind = "float32"
    return [("X", getattr(types, _FEEDS[kind][0])(shape))]


def input_feed(X: Any) -> dict[str, np.ndarray]:
    """The arrays that feed ONNX Runtime the rows of ``X``, for a graph
    whose inputs :func:`input_types` declares (``session.run(None,
    input_feed(X))``).

    Parameters
    ----------
    X : DataFrame, ndarray, or list of arrays
        The rows to predict: a DataFrame with the columns of the sample the
        graph was converted on; or sequences of one length.

    Returns
    -------
    dict of str to ndarray
        One array per input, by name.

    Raises
    ------
    ValueError
        For sequences of different lengths (feed each length on its own).

    Examples
    --------
    >>> import pandas as pd
    >>> from skdeep.onnx import input_feed
    >>> X = pd.DataFrame({"t": [800.0, None], "alloy": ["Ti64", None]})
    >>> feed = input_feed(X)
    >>> feed["t"].ravel().tolist(), feed["alloy"].ravel().tolist()
    ([800.0, nan], ['Ti64', ''])
    """
    if isinstance(X, pd.DataFrame):
        return {
            name: _FEEDS[_column_kind(X.iloc[:, j])][1](X.iloc[:, j])
            for j, name in enumerate(_names(X))
        }
    sequences = _sequences(X)
    array = np.asarray(X) if sequences is None else sequences
    if array.dtype.kind in "OUS":
        array = array.astype(str).astype(object)
    elif array.dtype.kind in "iu":
        array = array.astype(np.int64)
    return {"X": array}
