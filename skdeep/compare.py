"""Cross-validated comparison of estimators, side by side."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.model_selection import cross_validate
from sklearn.pipeline import Pipeline

__all__ = ["compare", "count_parameters"]


def _final_estimator(estimator):
    """Unwrap pipelines, target transformers and searches to the fitted model."""
    while True:
        if isinstance(estimator, Pipeline):
            estimator = estimator[-1]
        elif hasattr(estimator, "regressor_"):
            estimator = estimator.regressor_
        elif hasattr(estimator, "best_estimator_"):
            estimator = estimator.best_estimator_
        else:
            return estimator


def count_parameters(estimator) -> int:
    """Number of fitted parameters (weights and biases, or coefficients).

    Parameters
    ----------
    estimator : estimator
        A fitted estimator, pipeline or ``TransformedTargetRegressor``.

    Returns
    -------
    int
        Size of ``coefs_`` + ``intercepts_`` for networks, of ``coef_`` +
        ``intercept_`` for linear models, 0 when neither exists.

    Examples
    --------
    >>> from sklearn.linear_model import Ridge
    >>> count_parameters(Ridge().fit([[0, 1], [1, 0], [1, 1]], [0, 1, 2]))
    3
    """
    model = _final_estimator(estimator)
    if hasattr(model, "coefs_"):
        arrays = list(model.coefs_) + list(model.intercepts_)
    elif hasattr(model, "coef_"):
        arrays = [model.coef_, getattr(model, "intercept_", 0.0)]
    else:
        return 0
    return int(sum(np.size(a) for a in arrays))


def compare(
    estimators: Mapping[str, Any] | Iterable[tuple[str, Any]],
    X,
    y,
    *,
    cv=5,
    scoring=None,
    n_jobs: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> pd.DataFrame:
    """Cross-validate several estimators on the same folds and tabulate.

    Built on :func:`sklearn.model_selection.cross_validate`; every estimator
    sees the same splits.

    Parameters
    ----------
    estimators : dict or iterable of (name, estimator)
        The estimators to compare (cloned, never modified).
    X : array-like of shape (n_samples, n_features)
        Input data.
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Targets; multi-output targets are supported.
    cv : int or cross-validation generator, default=5
        As in ``cross_validate``.
    scoring : str, callable, list or dict, default=None
        As in ``cross_validate``; None uses each estimator's ``score``.
    n_jobs : int, default=None
        Parallel jobs of ``cross_validate``.
    progress : callable, default=None
        Called with one line of text after each estimator.

    Returns
    -------
    pandas.DataFrame
        One row per estimator (index: name), sorted by the first score,
        best first: ``mean_<score>`` and ``std_<score>`` for each score,
        ``fit_seconds`` and ``predict_seconds`` (means over folds) and
        ``n_parameters`` (of the first fold's model).

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from sklearn.linear_model import Ridge
    >>> from sklearn.dummy import DummyRegressor
    >>> X, y = load_diabetes(return_X_y=True)
    >>> table = compare({"ridge": Ridge(), "mean": DummyRegressor()}, X, y, cv=3)
    >>> list(table.index)
    ['ridge', 'mean']
    """
    items = list(estimators.items() if isinstance(estimators, Mapping) else estimators)
    if not items:
        raise ValueError("compare needs at least one estimator.")
    rows, score_names = [], None
    for name, estimator in items:
        start = time.perf_counter()
        result = cross_validate(
            clone(estimator),
            X,
            y,
            cv=cv,
            scoring=scoring,
            n_jobs=n_jobs,
            return_estimator=True,
            error_score="raise",
        )
        score_keys = [k for k in result if k.startswith("test_")]
        score_names = score_names or [k[len("test_") :] for k in score_keys]
        row = {"estimator": name}
        for key in score_keys:
            row[f"mean_{key[5:]}"] = float(np.mean(result[key]))
            row[f"std_{key[5:]}"] = float(np.std(result[key]))
        row["fit_seconds"] = float(np.mean(result["fit_time"]))
        row["predict_seconds"] = float(np.mean(result["score_time"]))
        row["n_parameters"] = count_parameters(result["estimator"][0])
        rows.append(row)
        if progress is not None:
            first = score_names[0]
            progress(
                f"{name}: {first} = {row[f'mean_{first}']:.4f} "
                f"(+/- {row[f'std_{first}']:.4f}) in {time.perf_counter() - start:.1f}s"
            )
    table = pd.DataFrame(rows).set_index("estimator")
    return table.sort_values(f"mean_{score_names[0]}", ascending=False)
