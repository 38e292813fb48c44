"""The public methods of the recurrent estimators: the task's methods, taking
sequences of different lengths besides 3-D arrays.

:class:`SequenceRegression` and :class:`SequenceClassification` come first in
the recurrent estimators' bases: each method turns ``X`` with its ``lengths``
or ``mask`` into :class:`~skdeep._sequences.VariableLengthSequences` and calls
the task's method (:mod:`skdeep._tasks`), whose validation reads them.
"""

from __future__ import annotations

import numpy as np
from sklearn.metrics import r2_score
from sklearn.utils.metaestimators import available_if

from ._docs import with_validation_doc
from ._sequences import LENGTHS_PARAMETERS, variable_length
from ._tasks import _has_stochastic_solver

__all__ = ["SequenceRegression", "SequenceClassification", "pooled_r2"]

_X = """X : array-like of shape (n_samples, n_timesteps, n_features), or list
            Sequences: a 3-D array, a 2-D array read with
            ``n_features_per_step``, or a list of ``(n_timesteps_i,
            n_features)`` arrays or DataFrames (or ``(n_timesteps_i,)``
            univariate sequences) of different lengths."""


def _documented(method):
    """Fill ``%(X)s`` and ``%(lengths)s`` of a method's docstring."""
    method.__doc__ = method.__doc__ % {"X": _X, "lengths": LENGTHS_PARAMETERS}
    return method


def _as_input(X, lengths, mask):
    sequences = variable_length(X, lengths, mask)
    return X if sequences is None else sequences


def pooled_r2(Y, Y_pred, real, sample_weight=None) -> float:
    """R^2 over the real steps of many-to-many targets ``(n, T, k)``, every
    real step a row (each weighted by its sequence's weight)."""
    weights = None
    if sample_weight is not None:
        weights = np.repeat(np.asarray(sample_weight), real.sum(axis=1))
    return float(r2_score(Y[real], Y_pred[real], sample_weight=weights))


class _SequenceFitting:
    @_documented
    @with_validation_doc
    def fit(
        self,
        X,
        y,
        sample_weight=None,
        X_val=None,
        y_val=None,
        sample_weight_val=None,
        lengths=None,
        mask=None,
    ):
        """Fit the model to sequences ``X`` and target(s) ``y``.

        Parameters
        ----------
        %(X)s
            float32 input trains a float32 model.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets, one per sequence; with ``return_sequences=True`` one per
            time step: ``(n_samples, n_timesteps[, n_outputs])`` padded like
            ``X``, or a list like ``X``'s.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights.
        %(validation)s
            ``X_val`` may be a list of sequences of different lengths.
        %(lengths)s

        Returns
        -------
        self : object
            The fitted estimator.
        """
        X = _as_input(X, lengths, mask)
        return super().fit(X, y, sample_weight, X_val, y_val, sample_weight_val)

    @_documented
    def predict(self, X, lengths=None, mask=None):
        """Predict with the network.

        Parameters
        ----------
        %(X)s
        %(lengths)s

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Predictions, in the model's dtype. With ``return_sequences=True``,
            ``(n_samples, n_timesteps[, n_outputs])``, in ``X``'s layout: a
            list for a list, NaN at the padded steps of a padded array.
        """
        sequences = variable_length(X, lengths, mask)
        if sequences is None:
            return super().predict(X)
        y_pred = super().predict(sequences)
        if getattr(self, "return_sequences", False):
            return sequences.restore(y_pred)
        return y_pred


class SequenceRegression(_SequenceFitting):
    """fit, partial_fit, predict and score of recurrent regressors."""

    @available_if(_has_stochastic_solver)
    @_documented
    def partial_fit(self, X, y, sample_weight=None, lengths=None, mask=None):
        """Update the model with one epoch over the given sequences.

        Parameters
        ----------
        %(X)s
        y : array-like
            Targets, as for :meth:`fit`.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights.
        %(lengths)s

        Returns
        -------
        self : object
            The updated estimator.
        """
        return super().partial_fit(_as_input(X, lengths, mask), y, sample_weight)

    @_documented
    def score(self, X, y, sample_weight=None, lengths=None, mask=None):
        """R^2 of the predictions; with ``return_sequences``, over every time
        step (of sequences of one length: the mean of each step's R^2; of
        different lengths: one R^2 over all real steps).

        Parameters
        ----------
        %(X)s
        y : array-like
            True targets, as for :meth:`fit`.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.
        %(lengths)s

        Returns
        -------
        float
        """
        sequences = variable_length(X, lengths, mask)
        if sequences is None or not self.return_sequences:
            inputs = X if sequences is None else sequences
            return self._score_sequences(inputs, y, sample_weight)
        Y = sequences.targets(y)
        Y_pred = self._predict(self._validate_predict_input(sequences))
        return pooled_r2(
            Y, Y_pred.reshape(Y.shape), sequences.real_steps(), sample_weight
        )


class SequenceClassification(_SequenceFitting):
    """fit, partial_fit, predict, predict_proba and score of recurrent
    classifiers."""

    @available_if(_has_stochastic_solver)
    @_documented
    def partial_fit(
        self, X, y, sample_weight=None, classes=None, lengths=None, mask=None
    ):
        """Update the model with one epoch over the given sequences.

        Parameters
        ----------
        %(X)s
        y : array-like of shape (n_samples,)
            Class labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights.
        classes : array-like of shape (n_classes,), default=None
            All the classes; required on the first call, and then optional.
        %(lengths)s

        Returns
        -------
        self : object
            The updated estimator.
        """
        X = _as_input(X, lengths, mask)
        return super().partial_fit(X, y, sample_weight, classes)

    @_documented
    def predict_proba(self, X, lengths=None, mask=None):
        """Probability estimates.

        Parameters
        ----------
        %(X)s
        %(lengths)s

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Class probabilities in the order of ``classes_``.
        """
        return super().predict_proba(_as_input(X, lengths, mask))

    @_documented
    def predict_log_proba(self, X, lengths=None, mask=None):
        """Logarithm of the probability estimates.

        Parameters
        ----------
        %(X)s
        %(lengths)s

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            ``log(predict_proba(X))``.
        """
        return super().predict_log_proba(_as_input(X, lengths, mask))

    @_documented
    def score(self, X, y, sample_weight=None, lengths=None, mask=None):
        """Accuracy of the predicted labels.

        Parameters
        ----------
        %(X)s
        y : array-like of shape (n_samples,)
            True labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.
        %(lengths)s

        Returns
        -------
        float
        """
        return super().score(_as_input(X, lengths, mask), y, sample_weight)
