"""Input checks the estimators share beyond scikit-learn's ``validate_data``:
values NumPy would silently misread, weights whose sums cannot be formed, and
error messages that name the argument the user passed."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import numpy as np

__all__ = [
    "check_class_weight",
    "check_fits_dtype",
    "check_weight_sum",
    "named_as",
    "reject_time_values",
    "short_labels",
]

_TIME_KINDS = {"M": "datetime", "m": "timedelta"}


def _time_columns(X) -> list[str]:
    """Names (or indices) of the datetime/timedelta columns of ``X``."""
    dtypes = getattr(X, "dtypes", None)
    if dtypes is not None and not isinstance(dtypes, np.dtype):  # a DataFrame
        return [str(c) for c, d in dtypes.items() if getattr(d, "kind", "") in "Mm"]
    dtype = getattr(X, "dtype", None)
    if dtype is None:
        dtype = np.asarray(X).dtype if isinstance(X, list | tuple) else None
    if dtype is not None and dtype.kind in _TIME_KINDS:
        return ["all"]
    return []


def _first_text_column(X):
    """``(column label, value)`` of the first column of ``X`` holding text
    (or categories) where numbers are expected, or None."""
    if hasattr(X, "dtypes"):
        import pandas as pd

        for label, column in X.items():
            if isinstance(column.dtype, pd.CategoricalDtype):
                return label, column.dropna().iloc[0] if column.notna().any() else None
            if column.dtype.kind in "OSU" or pd.api.types.is_string_dtype(column):
                text = _text_value(column.to_numpy())
                if text is not None:
                    return label, text
        return None
    array = X if isinstance(X, np.ndarray) else None
    if array is None or array.dtype.kind not in "OSU" or array.ndim != 2:
        return None
    for j in range(array.shape[1]):
        text = _text_value(array[:, j])
        if text is not None:
            return j, text
    return None


def _text_value(values: np.ndarray):
    """The first value that does not read as a number, or None."""
    try:
        values.astype(np.float64)
    except ValueError:
        for value in values:
            try:
                float(value)
            except (TypeError, ValueError):
                return value
    except TypeError:  # not text: left to scikit-learn's own message
        return None
    return None


def reject_text_values(X, estimator_name: str) -> None:
    """Raise a ValueError naming the first column of ``X`` that holds text or
    categories, and how to encode it.

    Examples
    --------
    >>> import pandas as pd
    >>> reject_text_values(pd.DataFrame({"t": [1.0], "alloy": ["Ti64"]}), "MLPRegressor")
    Traceback (most recent call last):
    ...
    ValueError: Column 'alloy' of X holds text or categories ('Ti64'), which MLPRegressor could not convert to numbers. Use skdeep.TabularMLPRegressor, which reads raw tables, or one-hot encode the column, e.g. make_pipeline(make_column_transformer((OneHotEncoder(handle_unknown='ignore'), ['alloy']), remainder='passthrough'), MLPRegressor()).
    """
    found = _first_text_column(X)
    if found is None:
        return
    label, value = found
    task = "Classifier" if estimator_name.endswith("Classifier") else "Regressor"
    tabular = f"TabularMLP{task}"
    column = repr(label) if hasattr(X, "dtypes") else f"{label}"
    raise ValueError(
        f"Column {column} of X holds text or categories ({value!r}), which "
        f"{estimator_name} could not convert to numbers. Use skdeep.{tabular}, "
        "which reads raw tables, or one-hot encode the column, e.g. "
        "make_pipeline(make_column_transformer((OneHotEncoder(handle_unknown="
        f"'ignore'), [{label!r}]), remainder='passthrough'), {estimator_name}())."
    )


def reject_time_values(X, name: str = "X") -> None:
    """Raise a TypeError if ``X`` holds datetime or timedelta values.

    NumPy converts them to floats (nanoseconds since 1970, or nanoseconds), so
    a network would silently train on numbers of order 1e18.

    Examples
    --------
    >>> import numpy as np
    >>> reject_time_values(np.array(["2026-01-01"], dtype="datetime64[s]"))
    Traceback (most recent call last):
    ...
    TypeError: X holds datetime or timedelta values (columns: all), which would be read as nanosecond counts. Encode time as numbers first: elapsed time in a unit (e.g. (t - t0) / np.timedelta64(1, 's')) or calendar features (hour, day of week).
    """
    columns = _time_columns(X)
    if columns:
        raise TypeError(
            f"{name} holds datetime or timedelta values (columns: "
            f"{', '.join(columns)}), which would be read as nanosecond counts. "
            "Encode time as numbers first: elapsed time in a unit (e.g. "
            "(t - t0) / np.timedelta64(1, 's')) or calendar features (hour, day "
            "of week)."
        )


def check_fits_dtype(X, dtype, name: str = "X") -> None:
    """Raise a ValueError if ``X`` has values beyond the range of ``dtype``
    (float64 data for a model fitted in float32)."""
    dtype = np.dtype(dtype)
    X_dtype = getattr(X, "dtype", None)
    if X_dtype is None or X_dtype.itemsize <= dtype.itemsize:
        return
    data = X.data if hasattr(X, "tocsr") else X
    limit = np.finfo(dtype).max
    # NaN marks the padded steps of sequences of different lengths
    largest = np.nanmax(np.abs(data)) if data.size else 0.0
    if largest > limit:
        raise ValueError(
            f"{name} has values beyond the range of {dtype} (largest magnitude "
            f"{largest:.3g} > {limit:.3g}), the dtype the model was "
            f"fitted in; scale {name}, or refit with warm_start=False on {X_dtype} "
            "data."
        )


def check_weight_sum(weights: np.ndarray, name: str) -> None:
    """Raise a ValueError unless the weights' sum is positive, finite and
    large enough to divide by (the loss is a weighted mean)."""
    total = float(np.sum(weights, dtype=np.float64))
    if not np.isfinite(total):
        raise ValueError(
            f"{name} sums to {total}: its values are too large to be summed. "
            f"Rescale {name} (only ratios between the weights matter)."
        )
    if total < np.finfo(weights.dtype).tiny:
        raise ValueError(
            f"{name} sums to {total:.3g}, too small to divide by in "
            f"{weights.dtype}. Rescale {name} (only ratios between the weights "
            "matter)."
        )


def check_class_weight(class_weight) -> None:
    """Raise a ValueError for a ``class_weight`` dict with a negative, NaN or
    infinite weight, or with all weights zero."""
    if not isinstance(class_weight, Mapping):
        return
    weights = {}
    for label, weight in class_weight.items():
        try:
            weights[label] = float(weight)
        except (TypeError, ValueError):
            raise TypeError(
                f"class_weight[{label!r}] must be a number, got {weight!r}."
            ) from None
        if not np.isfinite(weights[label]) or weights[label] < 0:
            raise ValueError(
                f"class_weight[{label!r}] must be a finite number >= 0, got {weight!r}."
            )
    if weights and not any(weights.values()):
        raise ValueError("class_weight must not give every class a zero weight.")


def short_labels(labels, limit: int = 8) -> str:
    """Labels for an error message, summarized when there are many.

    Examples
    --------
    >>> short_labels(range(100))
    '[ 0  1  2 ... 97 98 99] (100 labels)'
    """
    labels = np.asarray(labels)
    text = np.array2string(labels, threshold=limit, edgeitems=3)
    return text if labels.size <= limit else f"{text} ({labels.size} labels)"


@contextmanager
def named_as(names: Mapping[str, str]) -> Iterator[None]:
    """Re-raise ValueErrors and TypeErrors with the argument names in
    ``names`` replaced (``{"X": "X_val"}``), so errors about validation data
    name the argument the user passed."""
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, names)) + r")\b")
    try:
        yield
    except (ValueError, TypeError) as error:
        message = pattern.sub(lambda m: names[m.group(1)], str(error))
        raise type(error)(message) from error
