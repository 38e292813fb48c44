"""Preprocessing for sequences (3-D arrays)."""

from __future__ import annotations

from numbers import Integral

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_is_fitted, validate_data

from ._checks import reject_time_values
from ._doc_links import DocLinked
from ._sequences import variable_length

__all__ = ["SequenceScaler"]


class SequenceScaler(DocLinked, OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Standardize each feature of sequences over samples and time steps.

    scikit-learn's scalers reject 3-D arrays; this one takes
    ``(n_samples, n_timesteps, n_features)`` and returns the same shape, so
    ``make_pipeline(SequenceScaler(), SimpleRNN())`` works. Every time step
    of a feature is shifted and scaled alike, which keeps the shape of the
    sequences. 2-D input is read as :class:`~skdeep.SimpleRNN` reads it:
    univariate sequences, or ``n_features_per_step`` features per step. A
    list of sequences of different lengths is scaled over all their steps and
    returned as a list of ``(n_timesteps_i, n_features)`` arrays.

    Parameters
    ----------
    with_mean : bool, default=True
        Subtract each feature's mean.
    with_std : bool, default=True
        Divide by each feature's standard deviation (constant features are
        left unscaled).
    n_features_per_step : int or None, default=None
        Features per time step of 2-D input (None: 1).

    Attributes
    ----------
    mean_ : ndarray of shape (`n_features_per_step_`,)
        Per-feature mean over samples and time.
    scale_ : ndarray of shape (`n_features_per_step_`,)
        Per-feature standard deviation (1 where it is 0).
    n_features_per_step_ : int
        Features per time step.
    n_features_in_ : int
        Columns of the 2-D view (``n_timesteps * n_features``).

    Examples
    --------
    >>> import numpy as np
    >>> X = np.arange(12, dtype=float).reshape(2, 3, 2)
    >>> Xt = SequenceScaler().fit_transform(X)
    >>> Xt.shape
    (2, 3, 2)
    >>> np.allclose(Xt.mean(axis=(0, 1)), 0), np.allclose(Xt.std(axis=(0, 1)), 1)
    (True, True)
    """

    _parameter_constraints: dict = {
        "with_mean": ["boolean"],
        "with_std": ["boolean"],
        "n_features_per_step": [Interval(Integral, 1, None, closed="left"), None],
    }

    def __init__(self, *, with_mean=True, with_std=True, n_features_per_step=None):
        self.with_mean = with_mean
        self.with_std = with_std
        self.n_features_per_step = n_features_per_step

    def _split(self, X, *, reset):
        """Return the 2-D view, the 3-D view and whether the input was 3-D."""
        if sp.issparse(X):
            raise TypeError(
                "SequenceScaler does not accept sparse input; pass a dense array."
            )
        reject_time_values(X)
        arr = X if hasattr(X, "iloc") else np.asarray(X)
        is_3d = getattr(arr, "ndim", 2) == 3
        if is_3d:
            n_features = arr.shape[2]
            arr = arr.reshape(len(arr), -1)
        else:
            n_features = self.n_features_per_step or 1
        if not reset and n_features != self.n_features_per_step_:
            raise ValueError(
                f"X has {n_features} features per time step, but SequenceScaler "
                f"is expecting {self.n_features_per_step_}."
            )
        X2 = validate_data(
            self, arr, dtype=(np.float64, np.float32), reset=reset, copy=False
        )
        if X2.shape[1] % n_features:
            raise ValueError(
                f"X has {X2.shape[1]} columns, which is not a multiple of "
                f"{n_features} features per time step."
            )
        if reset:
            self.n_features_per_step_ = n_features
        return X2, X2.reshape(len(X2), -1, n_features), is_3d

    def fit(self, X, y=None):
        """Compute the per-feature mean and standard deviation.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or 2-D
            Sequences.
        y : None
            Ignored.

        Returns
        -------
        self : SequenceScaler
        """
        self._validate_params()
        sequences = variable_length(X)
        if sequences is not None:
            values = sequences.values[sequences.real_steps()]
            self.__dict__.pop("feature_names_in_", None)
            n, n_steps, self.n_features_per_step_ = sequences.shape
            self.n_features_in_ = n_steps * self.n_features_per_step_
        else:
            _, X3, _ = self._split(X, reset=True)
            values = X3.reshape(-1, X3.shape[2])
        n_features = values.shape[1]
        self.mean_ = values.mean(axis=0) if self.with_mean else np.zeros(n_features)
        if self.with_std:
            scale = values.std(axis=0)
            scale[scale < 10 * np.finfo(scale.dtype).eps] = 1.0
        else:
            scale = np.ones(n_features)
        self.scale_ = scale
        return self

    def transform(self, X):
        """Standardize sequences; the output has the input's shape.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or 2-D
            Sequences.

        Returns
        -------
        ndarray of the shape of ``X``
        """
        check_is_fitted(self)
        sequences = self._sequences_of_different_lengths(X)
        if sequences is not None:
            dtype = sequences.values.dtype
            scale, mean = self.scale_.astype(dtype), self.mean_.astype(dtype)
            return sequences.restore((sequences.values - mean) / scale)
        X2, X3, is_3d = self._split(X, reset=False)
        out = (X3 - self.mean_.astype(X3.dtype)) / self.scale_.astype(X3.dtype)
        return out if is_3d else out.reshape(X2.shape)

    def _sequences_of_different_lengths(self, X):
        sequences = variable_length(X)
        if sequences is not None and sequences.shape[2] != self.n_features_per_step_:
            raise ValueError(
                f"X has {sequences.shape[2]} features per time step, but "
                f"SequenceScaler is expecting {self.n_features_per_step_}."
            )
        return sequences

    def inverse_transform(self, X):
        """Undo :meth:`transform`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or 2-D
            Standardized sequences.

        Returns
        -------
        ndarray of the shape of ``X``
        """
        check_is_fitted(self)
        sequences = self._sequences_of_different_lengths(X)
        if sequences is not None:
            dtype = sequences.values.dtype
            scale, mean = self.scale_.astype(dtype), self.mean_.astype(dtype)
            return sequences.restore(sequences.values * scale + mean)
        X2, X3, is_3d = self._split(X, reset=False)
        out = X3 * self.scale_.astype(X3.dtype) + self.mean_.astype(X3.dtype)
        return out if is_3d else out.reshape(X2.shape)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
