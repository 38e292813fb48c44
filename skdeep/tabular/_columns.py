"""Which columns of a table are categorical.

``categorical_features`` reads as for scikit-learn's
``HistGradientBoosting*``: ``"from_dtype"`` (pandas ``category``, string and
object columns of a DataFrame; none of an array but an object array's
non-numeric columns), None (none), or column names, indices or a boolean
mask.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["categorical_columns"]


def _from_dtype(X) -> np.ndarray:
    if hasattr(X, "dtypes"):
        return np.array(
            [
                isinstance(dtype, pd.CategoricalDtype)
                or pd.api.types.is_object_dtype(dtype)
                or pd.api.types.is_string_dtype(dtype)
                for dtype in X.dtypes
            ],
            dtype=bool,
        )
    array = np.asarray(X)
    if array.dtype.kind not in "OUS":
        return np.zeros(array.shape[1], dtype=bool)
    return np.array([not _numeric(array[:, j]) for j in range(array.shape[1])])


def _numeric(column: np.ndarray) -> bool:
    try:
        column.astype(np.float64)
    except (TypeError, ValueError):
        return False
    return True


def categorical_columns(X, categorical_features) -> np.ndarray:
    """Boolean mask over the columns of ``X``: True for the categorical ones.

    Parameters
    ----------
    X : DataFrame or 2-D array
        The table.
    categorical_features : "from_dtype", None, array-like of str, int or bool
        As scikit-learn's ``HistGradientBoostingRegressor`` takes it.

    Returns
    -------
    ndarray of bool of shape (n_columns,)

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame({"t": [1.0, 2.0], "alloy": ["a", "b"]})
    >>> categorical_columns(X, "from_dtype").tolist()
    [False, True]
    >>> categorical_columns(X, [0]).tolist()
    [True, False]
    """
    n_columns = X.shape[1]
    if isinstance(categorical_features, str):
        if categorical_features != "from_dtype":
            raise ValueError(
                "categorical_features must be 'from_dtype', None, or column names, "
                f"indices or a boolean mask; got {categorical_features!r}."
            )
        return _from_dtype(X)
    if categorical_features is None:
        return np.zeros(n_columns, dtype=bool)
    chosen = np.asarray(categorical_features)
    if chosen.size == 0:
        return np.zeros(n_columns, dtype=bool)
    if chosen.dtype.kind == "b":
        if chosen.shape != (n_columns,):
            raise ValueError(
                f"categorical_features as a boolean mask needs {n_columns} entries "
                f"(one per column); got {chosen.shape[0]}."
            )
        return chosen.copy()
    if chosen.dtype.kind in "OUS":
        return _mask_of_names(X, chosen)
    if chosen.dtype.kind not in "iu":
        raise TypeError(
            "categorical_features must hold column names, integer indices or "
            f"booleans; got {chosen.dtype} values."
        )
    if chosen.min() < -n_columns or chosen.max() >= n_columns:
        raise ValueError(
            f"categorical_features indices must lie in [0, {n_columns - 1}]; got "
            f"{chosen.tolist()}."
        )
    mask = np.zeros(n_columns, dtype=bool)
    mask[chosen] = True
    return mask


def _mask_of_names(X, names) -> np.ndarray:
    if not hasattr(X, "columns"):
        raise ValueError(
            "categorical_features names columns, which needs X to be a DataFrame."
        )
    columns = [str(c) for c in X.columns]
    missing = [str(n) for n in names if str(n) not in columns]
    if missing:
        raise ValueError(f"categorical_features names unknown columns {missing}.")
    return np.isin(columns, [str(n) for n in names])
