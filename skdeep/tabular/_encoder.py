"""A raw table as the tabular networks read it: one float matrix.

:class:`TabularEncoder` is a scikit-learn ``ColumnTransformer`` of
scikit-learn's own parts, chosen per column:

- numeric (and boolean) columns: robust scaling (median, inter-quartile
  range), the smooth clipping ``x / sqrt(1 + (x / 3)^2)``, missing values set
  to 0 (the median) with an indicator column for each column that had any;
- categorical columns with at most ``max_one_hot`` categories: one-hot, an
  unknown or unseen-missing category at predict all zeros;
- categorical columns with more: one integer code per column (the last
  columns), read by :class:`~skdeep.nn.embedding.CategoricalEmbedding`;
  missing values have a code of their own, and so do unknown categories.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import (
    FunctionTransformer,
    OneHotEncoder,
    OrdinalEncoder,
)
from sklearn.utils.validation import check_is_fitted

from ._columns import categorical_columns

__all__ = ["TabularEncoder", "smooth_clip", "label_text"]


def smooth_clip(x):
    """``x / sqrt(1 + (x / 3)^2)``: about ``x`` near 0, bounded by 3.

    Examples
    --------
    >>> import numpy as np
    >>> smooth_clip(np.array([0.0, 1.0, 100.0])).round(3).tolist()
    [0.0, 0.949, 2.999]
    """
    return x / np.sqrt(1.0 + (x / 3.0) ** 2)


#: integral floats below this size are labelled as integers
_EXACT_INTEGERS = 2.0**53


def label_text(value) -> str:
    """The label of one categorical value: its ``str``, but an integral
    float reads as the integer (``3.0`` is ``"3"``), so that a column of
    codes means the same whether pandas holds it as ints or as floats (as it
    does once a value is missing).

    Examples
    --------
    >>> [label_text(v) for v in (3, 3.0, 2.5, "Ti64", True)]
    ['3', '3', '2.5', 'Ti64', 'True']
    """
    if isinstance(value, float | np.floating) and _is_exact_integer(value):
        return str(int(value))
    return str(value)


def _is_exact_integer(value) -> bool:
    return bool(np.isfinite(value) and value == np.round(value)) and bool(
        abs(value) < _EXACT_INTEGERS
    )


def _float_labels(column: pd.Series) -> pd.Series:
    """:func:`label_text` of a float column, vectorized; missing as NaN."""
    values = column.to_numpy(dtype=np.float64, na_value=np.nan)
    finite = np.isfinite(values)
    integral = (
        finite & (values == np.round(values)) & (np.abs(values) < _EXACT_INTEGERS)
    )
    labels = column.astype(str).to_numpy(dtype=object)
    labels[integral] = values[integral].astype(np.int64).astype(str)
    labels[np.isnan(values)] = np.nan
    return pd.Series(labels, index=column.index, dtype=object)


def _as_labels(X):
    """Categorical values as strings (:func:`label_text`; mixed types
    sort), missing as NaN."""
    frame = pd.DataFrame(X)
    columns = [
        _float_labels(frame.iloc[:, j])
        if pd.api.types.is_float_dtype(frame.dtypes.iloc[j])
        else _object_labels(frame.iloc[:, j])
        for j in range(frame.shape[1])
    ]
    return (
        np.column_stack([c.to_numpy(dtype=object) for c in columns])
        if columns
        else (np.empty((len(frame), 0), dtype=object))
    )


def _object_labels(column: pd.Series) -> pd.Series:
    """:func:`label_text` of any other column (integers and booleans print
    as they are; a category column maps its categories once)."""
    missing = column.isna()
    if isinstance(column.dtype, pd.CategoricalDtype):
        text = column.cat.categories.map(label_text)
        labels = pd.Series(text[column.cat.codes], index=column.index, dtype=object)
    elif pd.api.types.is_integer_dtype(column.dtype) or pd.api.types.is_bool_dtype(
        column.dtype
    ):
        labels = column.astype(str).astype(object)
    else:
        labels = column.astype(object).map(label_text)
    return labels.where(~missing, np.nan).astype(object)


def _refuse_text(frame: pd.DataFrame, numeric: np.ndarray) -> None:
    """A column read as numbers that holds text is an error naming it."""
    text = []
    for j in numeric:
        column = frame.iloc[:, j]
        if column.dtype.kind in "biufc":
            continue
        try:
            column.astype(np.float64)
        except (TypeError, ValueError):
            text.append(str(frame.columns[j]))
    if text:
        raise ValueError(
            f"Columns {text} hold text but categorical_features does not name "
            "them as categorical; add them to categorical_features (or leave it "
            "at 'from_dtype', which reads text columns as categories)."
        )


def _as_float(X):
    """Numeric (and boolean) columns as floats."""
    return pd.DataFrame(X).astype(np.float64).to_numpy()


class _RobustScale(TransformerMixin, BaseEstimator):
    """``(x - median) / (q75 - q25)`` per column (1 for a zero range), the
    quantiles weighted by ``sample_weight`` (scikit-learn's RobustScaler
    takes no weights), missing values left missing. The 'inverted_cdf'
    quantiles make a weight of k equal to k repeated rows."""

    def fit(self, X, y=None, sample_weight=None):
        X = np.asarray(X, dtype=np.float64)
        q25, q50, q75 = np.nanpercentile(
            X, [25, 50, 75], axis=0, weights=_column_weights(X, sample_weight),
            method="inverted_cdf",
        )  # fmt: skip
        spread = q75 - q25
        self.center_ = np.nan_to_num(q50)
        self.scale_ = np.where(np.isfinite(spread) & (spread > 0), spread, 1.0)
        return self

    def transform(self, X):
        return (np.asarray(X, dtype=np.float64) - self.center_) / self.scale_

    def get_feature_names_out(self, input_features=None):
        return np.asarray(input_features, dtype=object)


def _column_weights(X, sample_weight):
    if sample_weight is None:
        return None
    return np.broadcast_to(np.asarray(sample_weight, float)[:, None], X.shape)


class _Codes(TransformerMixin, BaseEstimator):
    """Integer codes ``0 .. k-1`` of the ``k`` known categories, ``k`` for a
    missing value and ``k + 1`` for an unknown category."""

    def fit(self, X, y=None):
        self.encoder_ = OrdinalEncoder(
            handle_unknown="use_encoded_value",
            unknown_value=-1,
            encoded_missing_value=-2,
        ).fit(X)
        self.cardinalities_ = [
            len([c for c in cats if not pd.isna(c)]) + 2
            for cats in self.encoder_.categories_
        ]
        return self

    def transform(self, X):
        codes = self.encoder_.transform(X)
        known = np.array(self.cardinalities_, dtype=float) - 2
        codes = np.where(codes == -1, known + 1, codes)
        # missing, whether or not fit saw missing values in the column
        return np.where((codes == -2) | pd.isna(X), known, codes)

    def get_feature_names_out(self, input_features=None):
        return self.encoder_.get_feature_names_out(input_features)


class TabularEncoder(TransformerMixin, BaseEstimator):
    """Encode a raw table (numeric, boolean, categorical, missing values)
    into one float matrix for the tabular networks.

    Parameters
    ----------
    categorical_features : "from_dtype", None or array-like, default="from_dtype"
        Which columns are categorical (names, indices or a boolean mask), as
        scikit-learn's ``HistGradientBoostingRegressor`` takes it.
    max_one_hot : int, default=8
        Categorical columns with at most this many categories are one-hot
        encoded, the others get a learned embedding.

    Attributes
    ----------
    n_numeric_ : int
        Numeric input columns: the first ``n_numeric_`` output columns are
        their scaled values (their missing indicators follow).
    n_dense_ : int
        Output columns before the embedding codes.
    cardinalities_ : list of int
        Codes of each embedded column (its categories, missing and unknown).
    column_transformer_ : ColumnTransformer
        The fitted transformer.

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame({"t": [1.0, None, 3.0], "alloy": ["a", "b", "a"]})
    >>> encoder = TabularEncoder().fit(X)
    >>> encoder.transform(X).shape  # t, its missing indicator, two one-hot
    (3, 4)
    """

    def __init__(self, categorical_features="from_dtype", max_one_hot=8):
        self.categorical_features = categorical_features
        self.max_one_hot = max_one_hot

    def _column_groups(self, X):
        categorical = categorical_columns(X, self.categorical_features)
        frame = pd.DataFrame(X) if not hasattr(X, "iloc") else X
        counts = [frame.iloc[:, j].nunique(dropna=True) for j in range(X.shape[1])]
        indices = np.arange(X.shape[1])
        _refuse_text(frame, indices[~categorical])
        few = categorical & (np.array(counts) <= self.max_one_hot)
        return indices[~categorical], indices[few], indices[categorical & ~few]

    def fit(self, X, y=None, sample_weight=None):
        """Choose each column's encoding and fit it on ``X``.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_columns)
            The table.
        y : None
            Ignored.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the rows: the quantiles are weighted, and rows of
            weight 0 are left out (as if removed).

        Returns
        -------
        self : TabularEncoder
        """
        if sample_weight is not None:
            sample_weight = np.asarray(sample_weight, dtype=np.float64)
            kept = sample_weight > 0
            X = X.iloc[kept] if hasattr(X, "iloc") else np.asarray(X)[kept]
            sample_weight = sample_weight[kept]
        numeric, few, many = self._column_groups(X)
        labels = FunctionTransformer(_as_labels, feature_names_out="one-to-one")
        parts = [
            ("numeric", self._numeric_pipeline(), numeric),
            ("one_hot", make_pipeline(labels, self._one_hot()), few),
            ("codes", make_pipeline(labels, _Codes()), many),
        ]
        transformer = ColumnTransformer(
            [part for part in parts if len(part[2])], sparse_threshold=0.0
        )
        self.column_transformer_ = transformer.fit(X)
        if len(numeric) and sample_weight is not None:  # the weighted quantiles
            columns = X.iloc[:, numeric] if hasattr(X, "iloc") else X[:, numeric]
            scaler = transformer.named_transformers_["numeric"][1]
            scaler.fit(_as_float(columns), sample_weight=sample_weight)
        self.cardinalities_ = (
            transformer.named_transformers_["codes"][-1].cardinalities_
            if len(many)
            else []
        )
        self.n_numeric_ = len(numeric)
        n_out = len(transformer.get_feature_names_out())
        self.n_dense_ = n_out - len(self.cardinalities_)
        return self

    @staticmethod
    def _numeric_pipeline():
        return make_pipeline(
            FunctionTransformer(_as_float, feature_names_out="one-to-one"),
            _RobustScale(),
            FunctionTransformer(smooth_clip, feature_names_out="one-to-one"),
            SimpleImputer(strategy="constant", fill_value=0.0, add_indicator=True),
        )

    @staticmethod
    def _one_hot():
        return OneHotEncoder(
            handle_unknown="ignore", sparse_output=False, dtype=np.float64
        )

    def transform(self, X):
        """Encode ``X``: the dense columns, then one code per embedded column.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_columns)
            The table, with the columns seen in fit.

        Returns
        -------
        ndarray of shape (n_samples, n_dense_ + len(cardinalities_))
        """
        check_is_fitted(self)
        return np.asarray(self.column_transformer_.transform(X), dtype=np.float64)

    def get_feature_names_out(self, input_features=None):
        """Names of the output columns.

        Parameters
        ----------
        input_features : None
            Unused; the names seen in fit are used.

        Returns
        -------
        ndarray of str
        """
        check_is_fitted(self)
        return self.column_transformer_.get_feature_names_out()
