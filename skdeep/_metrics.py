"""R^2 and accuracy on validated arrays, without scikit-learn's input checks.

Used for the per-epoch validation score, where the inputs are already checked
and the checks would cost more than the score. They agree with
``sklearn.metrics.r2_score`` (uniform average over outputs, ``force_finite``)
and ``accuracy_score``.
"""

from __future__ import annotations

import numpy as np


def r2(y_true: np.ndarray, y_pred: np.ndarray, sample_weight=None) -> float:
    """Coefficient of determination, averaged uniformly over outputs."""
    y = np.asarray(y_true, dtype=np.float64).reshape(len(y_true), -1)
    p = np.asarray(y_pred, dtype=np.float64).reshape(len(y_pred), -1)
    w = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    if w is not None and not w.sum() > 0:
        return float("nan")  # no sample counts: there is nothing to score
    residual = (y - p) ** 2
    centered = (y - np.average(y, axis=0, weights=w)) ** 2
    if w is None:
        numerator, denominator = residual.sum(axis=0), centered.sum(axis=0)
    else:
        numerator, denominator = w @ residual, w @ centered
    scores = np.ones(y.shape[1])
    nonzero = denominator != 0
    scores[nonzero] = 1.0 - numerator[nonzero] / denominator[nonzero]
    scores[~nonzero & (numerator != 0)] = 0.0
    return float(scores.mean())


def accuracy(y_true: np.ndarray, y_pred: np.ndarray, sample_weight=None) -> float:
    """Fraction (or weighted fraction) of exactly right labels (rows, if 2-D)."""
    right = np.asarray(y_true) == np.asarray(y_pred)
    if right.ndim == 2:
        right = right.all(axis=1)
    if sample_weight is not None and not np.sum(sample_weight) > 0:
        return float("nan")  # no sample counts: there is nothing to score
    return float(np.average(right, weights=sample_weight))
