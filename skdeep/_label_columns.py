"""The settings table of an input optimization, with its label columns.

A column holds labels, not quantities, when it holds text or pandas
categories, or when a tabular network of the model reads it as categories
(``categorical_features``): a gas, a nozzle id, a powder lot. The search
cannot move such a setting continuously: it enumerates the column's values
in the data, as codes ``0 .. k-1`` (their position in
:attr:`LabelColumns.values`), and the models and the recommendations get the
values themselves, in the column's own type.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .tabular._encoder import TabularEncoder, label_text

__all__ = ["LabelColumns", "read_settings", "table_columns", "tabular_categories"]


@dataclass
class LabelColumns:
    """The label columns of a settings table, by column position.

    ``values[i]`` holds the distinct values of column ``i`` in the data (the
    code of a value is its position) and ``dtypes[i]`` the column's type;
    ``integer_dtypes`` the types of the columns of integers.
    """

    names: list[str]
    values: dict[int, np.ndarray] = field(default_factory=dict)
    dtypes: dict[int, object] = field(default_factory=dict)
    integer_dtypes: dict[int, np.dtype] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.values)

    def among(self, positions) -> bool:
        """Whether any of the table's columns at ``positions`` holds labels."""
        return any(int(i) in self.values for i in positions)

    def codes(self, i: int) -> list[float]:
        """Every code of column ``i``."""
        return [float(c) for c in range(len(self.values[i]))]

    def code(self, i: int, value, what: str) -> float:
        """The code of ``value`` in column ``i`` (compared as the tabular
        networks compare labels: ``3`` and ``3.0`` are the same).

        Raises
        ------
        ValueError
            If ``value`` is not one of the column's values in the data.
        """
        labels = [label_text(v) for v in self.values[i]]
        if label_text(value) not in labels:
            raise ValueError(
                f"{what} gives {self.names[i]}={value!r}, which is not one of its "
                f"values in X: {', '.join(labels)}."
            )
        return float(labels.index(label_text(value)))

    def refuse_range(self, i: int, what: str) -> None:
        """Raise: column ``i`` holds labels, which have no range."""
        shown = ", ".join(map(label_text, self.values[i][:5]))
        more = ", ..." if len(self.values[i]) > 5 else ""
        raise ValueError(
            f"{what} gives a range for {self.names[i]!r}, whose values are labels "
            f"({shown}{more}): list the values to search in categories=, or hold "
            "one with fixed=."
        )

    def decode(self, frame: pd.DataFrame, positions) -> pd.DataFrame:
        """``frame`` (whose column ``k`` is column ``positions[k]`` of the
        table) with the codes of the label columns replaced by their values,
        in the columns' own types."""
        frame = frame.copy()
        for k, i in enumerate(positions):
            if i in self.values:
                codes = frame.iloc[:, k].to_numpy().astype(np.intp)
                column = pd.Series(self.values[i][codes], index=frame.index)
                frame[frame.columns[k]] = column.astype(self.dtypes[i])
        return frame

    def integers_as_such(self, frame: pd.DataFrame) -> pd.DataFrame:
        """``frame`` (the table's columns) with each column of integers in the
        data that holds whole numbers only back in its integer type."""
        frame = frame.copy()
        for i, dtype in self.integer_dtypes.items():
            column = frame.iloc[:, i].to_numpy()
            if np.array_equal(column, np.round(column)):
                frame[frame.columns[i]] = column.astype(dtype)
        return frame


def table_columns(X) -> list[str]:
    """The names of the columns of the settings table ``X``."""
    if isinstance(X, pd.DataFrame):
        names = [str(c) for c in X.columns]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"X's column names must be unique; repeated: {repeated}.")
        return names
    shape = np.shape(X)
    if len(shape) != 2:
        raise ValueError(
            f"X must be a 2-D table of settings (the runs the model learned "
            f"from), got shape {shape}."
        )
    return [f"x{i}" for i in range(shape[1])]


def _holds_labels(column: pd.Series) -> bool:
    dtype = column.dtype
    return not (
        pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype)
    ) or isinstance(dtype, pd.CategoricalDtype)


def _distinct_values(column: pd.Series) -> np.ndarray:
    """The distinct values of ``column``, in the order of their labels."""
    values = pd.unique(column.to_numpy(dtype=object))
    by_label = {}
    for value in values:
        by_label.setdefault(label_text(value), value)
    return np.array([by_label[k] for k in sorted(by_label)], dtype=object)


def read_settings(X, categorical: set[int]) -> tuple[np.ndarray, LabelColumns]:
    """The table ``X`` as floats, its label columns as codes.

    Parameters
    ----------
    X : DataFrame or array-like of shape (n_samples, n_features)
        The runs the model learned from.
    categorical : set of int
        Positions of columns a model reads as categories.

    Returns
    -------
    Xa : ndarray of shape (n_samples, n_features)
        The numbers, and the label columns' codes.
    labels : LabelColumns

    Raises
    ------
    ValueError
        If ``X`` has no row or a missing or infinite value.
    """
    columns = table_columns(X)
    frame = X if isinstance(X, pd.DataFrame) else pd.DataFrame(np.asarray(X))
    if len(frame) == 0 or frame.isna().to_numpy().any():
        raise ValueError("X must have at least one row and no NaN or infinity.")
    labels = LabelColumns(columns)
    Xa = np.empty(frame.shape)
    for i in range(frame.shape[1]):
        column = frame.iloc[:, i]
        if i in categorical or (_holds_labels(column) and not _numeric_text(column)):
            values = _distinct_values(column)
            position = {label_text(v): k for k, v in enumerate(values)}
            Xa[:, i] = [position[label_text(v)] for v in column.to_numpy(dtype=object)]
            labels.values[i], labels.dtypes[i] = values, column.dtype
        else:
            Xa[:, i] = _numbers(column, columns[i])
            if isinstance(column.dtype, np.dtype) and column.dtype.kind in "iu":
                labels.integer_dtypes[i] = column.dtype
    if not np.isfinite(Xa).all():
        raise ValueError("X must have at least one row and no NaN or infinity.")
    return Xa, labels


def _numeric_text(column: pd.Series) -> bool:
    """Whether an object column holds numbers only (read as numbers)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return False
    try:
        pd.to_numeric(column, errors="raise")
    except (TypeError, ValueError):
        return False
    return True


def _numbers(column: pd.Series, name: str) -> np.ndarray:
    try:
        return column.to_numpy(dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(
            f"X's column {name!r} holds values that are neither numbers nor labels."
        ) from None


def tabular_categories(members, reads) -> set[int]:
    """Positions in the table of the columns that a tabular network among
    ``members`` reads as categories (``reads``: each member's positions)."""
    found = set()
    for member, (index, _) in zip(members, reads, strict=True):
        encoder = member.__dict__.get("_encoder")
        if not isinstance(encoder, TabularEncoder):
            continue
        for name, _, inner in encoder.column_transformer_.transformers_:
            if name in ("one_hot", "codes"):
                found.update(int(index[j]) for j in inner)
    return found
