"""Warn when validation data are plainly on another scale than the training data.

Inside a :class:`~sklearn.pipeline.Pipeline`, ``fit(X, y, step__X_val=...)``
hands the network the raw ``X_val``: the earlier steps transform ``X`` but not
fit parameters. The network then trains on, say, standardized data and is
scored on raw data, silently. :func:`check_validation_scale` detects the
plain cases of that mistake and names the metadata-routing idiom that fixes it.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.utils.sparsefuncs import mean_variance_axis

from .nn._warnings import warn

__all__ = ["check_validation_scale"]


def _column_moments(X) -> tuple[np.ndarray, np.ndarray, int]:
    """Return the float64 mean and variance of each feature, and the row count.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features) or (n_samples, n_steps, \
n_features), or sparse matrix of shape (n_samples, n_features)
        Data. For sequences the last axis holds the features; samples and time
        steps are pooled, padded steps (NaN) left out. Sparse input is not
        densified.

    Returns
    -------
    mean : ndarray of shape (n_features,)
        Mean of each feature.
    var : ndarray of shape (n_features,)
        Variance (ddof=0) of each feature.
    n_rows : int
        Number of rows pooled into each feature's moments.
    """
    if sp.issparse(X):
        if X.format not in ("csr", "csc"):
            X = X.tocsr()
        if X.dtype not in (np.float32, np.float64):
            X = X.astype(np.float64)
        mean, var = mean_variance_axis(X, axis=0)
        return np.asarray(mean, np.float64), np.asarray(var, np.float64), X.shape[0]
    X = np.asarray(X)
    X = X.reshape(-1, X.shape[-1])
    if X.dtype.kind == "f" and X.shape[1] and np.isnan(X[:, 0]).any():
        X = X[~np.isnan(X[:, 0])]  # the padded steps of sequences
    mean = X.mean(axis=0, dtype=np.float64)
    var = X.var(axis=0, dtype=np.float64)
    return mean, var, X.shape[0]


def _is_constant(var: np.ndarray, mean: np.ndarray, n_rows: int) -> np.ndarray:
    """Return which features are constant up to floating-point rounding.

    Parameters
    ----------
    var : ndarray of shape (n_features,)
        Variance of each feature.
    mean : ndarray of shape (n_features,)
        Mean of each feature.
    n_rows : int
        Number of rows the moments were computed from.

    Returns
    -------
    constant : ndarray of bool, shape (n_features,)
        True where the variance is no larger than its rounding error (the bound
        :class:`~sklearn.preprocessing.StandardScaler` uses).
    """
    eps = np.finfo(np.float64).eps
    bound = n_rows * eps * var + (n_rows * mean * eps) ** 2
    return var <= bound


def _shifted_features(X, X_val, threshold: float) -> tuple[int, int]:
    """Count the features whose validation mean is far from the training mean.

    Parameters
    ----------
    X : ndarray or sparse matrix
        Training data.
    X_val : ndarray or sparse matrix
        Validation data, with the same number of features.
    threshold : float
        Distance, in training standard deviations, beyond which a validation
        mean counts as shifted.

    Returns
    -------
    n_shifted : int
        Number of non-constant features whose validation mean is shifted.
    n_varying : int
        Number of features whose training standard deviation is positive.
    """
    mean, var, n_rows = _column_moments(X)
    mean_val, _, n_val = _column_moments(X_val)
    if n_rows == 0 or n_val == 0 or mean.shape != mean_val.shape:
        return 0, 0
    varying = ~_is_constant(var, mean, n_rows)
    distance = np.abs(mean_val[varying] - mean[varying])
    n_shifted = int(np.count_nonzero(distance > threshold * np.sqrt(var[varying])))
    return n_shifted, int(np.count_nonzero(varying))


def check_validation_scale(
    X, X_val, *, estimator_name: str, threshold: float = 10.0
) -> None:
    """Warn when ``X_val`` is plainly on another scale than the training ``X``.

    A :class:`UserWarning` is emitted when more than half of the features that
    vary in ``X`` have a mean over ``X_val`` lying more than ``threshold``
    training standard deviations from their mean over ``X``: the typical sign
    of a ``Pipeline`` handing the network raw validation data while it trains
    on transformed data. Constant training features are ignored. The check
    costs one pass of means and variances over each array.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features) or (n_samples, n_steps, \
n_features), or sparse matrix of shape (n_samples, n_features)
        Validated training data. For sequences the last axis holds the
        features, and samples and time steps are pooled.
    X_val : ndarray or sparse matrix, shaped as ``X`` but for the samples
        Validated validation data.
    estimator_name : str
        Name of the estimator class, used in the message (``"MLPRegressor"``).
    threshold : float, default=10.0
        Distance from the training mean, in training standard deviations,
        beyond which the validation mean of a feature counts as shifted.

    Warns
    -----
    UserWarning
        If most varying features of ``X_val`` are shifted.
    """
    if np.ndim(X) < 2 or np.ndim(X_val) < 2 or np.shape(X)[-1] == 0:
        return
    n_shifted, n_varying = _shifted_features(X, X_val, threshold)
    if n_varying == 0 or 2 * n_shifted <= n_varying:
        return
    warn(
        f"{estimator_name}: X_val looks like it is on another scale than the "
        f"training data X: for {n_shifted} of {n_varying} non-constant "
        f"features, the mean of X_val lies more than {threshold:g} training "
        "standard deviations from the training mean. A Pipeline step does not "
        "transform fit parameters such as X_val: to have the earlier steps "
        "transform it, use sklearn.set_config(enable_metadata_routing=True), "
        f"{estimator_name}(...).set_fit_request(X_val=True, y_val=True) and "
        'Pipeline(..., transform_input=["X_val"]), and pass X_val=..., '
        "y_val=... to the pipeline's fit.",
        UserWarning,
    )
