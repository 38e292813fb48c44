"""Cross-validated comparison of estimators, side by side."""

from __future__ import annotations

import time
import warnings
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
        Every trainable parameter of skdeep's networks (recurrent kernels,
        embeddings and normalization included); the size of ``coefs_`` +
        ``intercepts_`` of other networks, of ``coef_`` + ``intercept_`` of
        linear models; 0 when none exists.

    Examples
    --------
    >>> from sklearn.linear_model import Ridge
    >>> count_parameters(Ridge().fit([[0, 1], [1, 0], [1, 1]], [0, 1, 2]))
    3
    """
    model = _final_estimator(estimator)
    network = getattr(model, "__dict__", {}).get("_network")
    if network is not None:  # skdeep's networks: every trainable parameter
        return int(network.params.size)
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
    on_error: str = "raise",
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
        Called with one line of text as each estimator starts (``"[2/5] ridge
        ..."``) and one as it ends (``"[2/5] ridge: score = 0.4 (+/- 0.1) in
        0.2s"``, or the reason it was skipped).
    on_error : {'raise', 'skip'}, default='raise'
        What an estimator that fails on the data does: raise its error, or be
        left out of the table with a ``UserWarning`` giving the error (the
        other estimators still run; when every one fails, a ValueError is
        raised).

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
    if on_error not in ("raise", "skip"):
        raise ValueError(f"on_error must be 'raise' or 'skip', got {on_error!r}.")
    report = progress or (lambda line: None)
    rows, failures = [], []
    for number, (name, estimator) in enumerate(items, start=1):
        label = f"[{number}/{len(items)}] {name}"
        report(f"{label} ...")
        start = time.perf_counter()
        try:
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
        except Exception as exc:
            if on_error == "raise":
                raise
            reason = (
                f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
            )
            failures.append(f"{name} ({reason})")
            report(f"{label}: skipped, {reason}")
            warnings.warn(
                f"compare skipped {name}: {reason}", UserWarning, stacklevel=2
            )
            continue
        row = _summarize(name, result)
        rows.append(row)
        first = next(k for k in row if k.startswith("mean_"))
        report(
            f"{label}: {first[5:]} = {row[first]:.4f} "
            f"(+/- {row['std_' + first[5:]]:.4f}) in {time.perf_counter() - start:.1f}s"
        )
    if not rows:
        raise ValueError(f"every estimator failed: {'; '.join(failures)}")
    table = pd.DataFrame(rows).set_index("estimator")
    first = next(c for c in table.columns if c.startswith("mean_"))
    return table.sort_values(first, ascending=False)


def _summarize(name: str, result: dict) -> dict:
    """One table row from ``cross_validate``'s result."""
    row = {"estimator": name}
    for key in (k for k in result if k.startswith("test_")):
        row[f"mean_{key[5:]}"] = float(np.mean(result[key]))
        row[f"std_{key[5:]}"] = float(np.std(result[key]))
    row["fit_seconds"] = float(np.mean(result["fit_time"]))
    row["predict_seconds"] = float(np.mean(result["score_time"]))
    row["n_parameters"] = count_parameters(result["estimator"][0])
    return row
