"""Text columns of a table of runs, for models that read only numbers.

A CSV file of plant runs names some settings as text (the gas, a powder
lot). The tabular networks read such columns as they are; every other model
of the command line gets them one-hot encoded first, by scikit-learn's
``OneHotEncoder``, so that the same table reaches every model.
"""

from __future__ import annotations

import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.compose import make_column_transformer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder
from sklearn.utils import get_tags

from .tabular._columns import categorical_columns

__all__ = ["reading_text", "text_columns"]


def text_columns(X: pd.DataFrame) -> list[str]:
    """The columns of ``X`` that hold text or pandas categories: those the
    tabular networks read as categories by default (``"from_dtype"``).

    Parameters
    ----------
    X : DataFrame
        The table.

    Returns
    -------
    list of str

    Examples
    --------
    >>> X = pd.DataFrame({"t": [1.0, 2.0], "gas": ["argon", "nitrogen"]})
    >>> text_columns(X)
    ['gas']
    """
    return [str(name) for name in X.columns[categorical_columns(X, "from_dtype")]]


def reading_text(estimator: BaseEstimator, text: list[str]) -> BaseEstimator:
    """``estimator`` behind a one-hot encoding of the ``text`` columns,
    unless it reads text itself (its ``input_tags.string``) or there are none.

    Parameters
    ----------
    estimator : estimator
        A model of the runs.
    text : list of str
        Names of the text columns (:func:`text_columns`).

    Returns
    -------
    estimator
        ``estimator`` itself, or a pipeline of the encoding and it. A category
        unseen in fitting encodes as all zeros.

    Examples
    --------
    >>> from sklearn.linear_model import Ridge
    >>> reading_text(Ridge(), ["gas"])[0].transformers[0][2]
    ['gas']
    """
    if not text or get_tags(estimator).input_tags.string:
        return estimator
    encode = make_column_transformer(
        (OneHotEncoder(handle_unknown="ignore", sparse_output=False), text),
        remainder="passthrough",
        verbose_feature_names_out=False,
    )
    return make_pipeline(encode, estimator)
