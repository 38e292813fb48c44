"""What a network's task decides: its targets, loss, predictions and score.

:class:`RegressorTask` and :class:`ClassifierTask` are mixins over
:class:`~skdeep._base.BaseNeuralNetwork`: the dense and the recurrent
estimators share them (and share nothing else with each other but the base),
so a change to how a regressor reads its targets changes every regressor alike.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import ClassifierMixin, RegressorMixin, _fit_context
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import (
    check_classification_targets,
    type_of_target,
    unique_labels,
)
from sklearn.utils.validation import check_is_fitted, column_or_1d

from . import _metrics
from ._callbacks import with_callbacks
from ._checks import check_class_weight, short_labels
from ._docs import with_validation_doc
from .nn import losses as _losses

__all__ = ["RegressorTask", "ClassifierTask"]


def _check_target_range(loss, Y) -> None:
    """Raise a ValueError for targets outside the loss's domain."""
    if isinstance(loss, _losses.Poisson) and np.any(Y < 0):
        raise ValueError("loss='poisson' requires non-negative y.")


def _has_stochastic_solver(estimator) -> bool:
    if not estimator._is_stochastic():
        raise AttributeError(
            "partial_fit is only available for stochastic optimizers. "
            f"{estimator.solver!r} is not stochastic."
        )
    return True


class RegressorTask(RegressorMixin):
    """Regression: float targets (one or several outputs), a regression loss,
    R^2 as the score."""

    def _make_loss(self, n_outputs):
        return _losses.get(self.loss)

    def _validate_targets(self, y, dtype, *, first_pass, incremental):
        loss = self._make_loss(None)
        loss.validate()
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        Y = np.asarray(y, dtype=dtype).reshape(y.shape[0], -1)
        _check_target_range(loss, Y)
        return Y, {}

    def _encode_validation_targets(self, y_val, dtype, commit):
        Y_val, _ = self._validate_targets(
            y_val, dtype, first_pass=False, incremental=False
        )
        return (Y_val if Y_val.shape[1] > 1 else Y_val.ravel()), Y_val

    def _score_output(self, output, y, sample_weight):
        if not np.isfinite(output).all():
            return np.nan
        return _metrics.r2(y, output, sample_weight)

    def _predict(self, X):
        y_pred = self._forward(X)
        return y_pred.ravel() if y_pred.shape[1] == 1 else y_pred

    @with_validation_doc
    @with_callbacks
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(
        self, X, y, sample_weight=None, X_val=None, y_val=None, sample_weight_val=None
    ):
        """Fit the model to data ``X`` and target(s) ``y``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data; float32 input trains a float32 model.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Target values.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights.
        %(validation)s

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit(X, y, sample_weight, X_val, y_val, sample_weight_val)

    @available_if(_has_stochastic_solver)
    @with_callbacks
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None):
        """Update the model with one epoch over the given data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Target values.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights.

        Returns
        -------
        self : object
            The updated estimator.
        """
        return self._fit(X, y, sample_weight=sample_weight, incremental=True)

    def predict(self, X):
        """Predict with the network.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Predicted values, in the model's dtype.
        """
        return self._predict(self._validate_predict_input(X))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.positive_only = self.loss == "poisson" or isinstance(
            self.loss, _losses.Poisson
        )
        return tags


class ClassifierTask(ClassifierMixin):
    """Classification: labels (binary, multiclass or multilabel) encoded by a
    ``LabelBinarizer``, the log-loss, ``predict_proba``, class weights and
    accuracy as the score."""

    def _make_loss(self, n_outputs):
        if self._label_binarizer.y_type_ == "multiclass":
            return _losses.MulticlassLogLoss()
        return _losses.BinaryLogLoss()

    def _validate_targets(self, y, dtype, *, first_pass, incremental):
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        commit = {}
        if first_pass and not incremental:
            # a single class trains as scikit-learn's does: to predict it
            binarizer = LabelBinarizer().fit(y)
            commit = {"_label_binarizer": binarizer, "classes_": binarizer.classes_}
        else:
            binarizer = self._label_binarizer
            if first_pass:  # first call of partial_fit: classes from `classes`
                commit = {"_label_binarizer": binarizer, "classes_": binarizer.classes_}
            classes = unique_labels(y)
            if self.warm_start and not incremental:
                if set(classes) != set(self.classes_):
                    raise ValueError(
                        "warm_start can only be used where `y` has the same classes "
                        f"as in the previous call to fit. Previously got "
                        f"{short_labels(self.classes_)}, `y` has {short_labels(classes)}"
                    )
            elif len(np.setdiff1d(classes, self.classes_, assume_unique=True)):
                raise ValueError(
                    "`y` has classes not in `self.classes_`. "
                    f"`self.classes_` has {short_labels(self.classes_)}. 'y' has "
                    f"{short_labels(classes)}."
                )
        Y = binarizer.transform(y).astype(dtype, copy=False)
        return Y, commit

    def _encode_validation_targets(self, y_val, dtype, commit):
        binarizer = commit.get("_label_binarizer") or self._label_binarizer
        if y_val.ndim == 2 and y_val.shape[1] == 1:
            y_val = column_or_1d(y_val, warn=True)
        unknown = np.setdiff1d(unique_labels(y_val), binarizer.classes_)
        if binarizer.y_type_ != "multilabel-indicator" and len(unknown):
            raise ValueError(
                f"y_val has classes {short_labels(unknown)} that are not in the "
                f"training classes {short_labels(binarizer.classes_)}."
            )
        return y_val, binarizer.transform(y_val).astype(dtype, copy=False)

    def _score_output(self, output, y, sample_weight):
        if not np.isfinite(output).all():
            return np.nan
        binarizer = self._label_binarizer
        if len(binarizer.classes_) == 1:  # the one class is always predicted
            labels = np.repeat(binarizer.classes_, len(output))
        elif binarizer.y_type_ == "multiclass":
            labels = binarizer.classes_[output.argmax(axis=1)]
        elif binarizer.y_type_ == "binary":
            labels = binarizer.classes_[(output[:, 0] > 0.5).astype(int)]
        else:  # multilabel indicator
            labels = (output > 0.5).astype(int)
        return _metrics.accuracy(y, labels, sample_weight)

    def _stratify_on(self, y, Y):
        """The early-stopping split is stratified as scikit-learn's: on the
        encoded target of a binary problem (so its errors name the values
        'True' and 'False', as scikit-learn's do), on the labels of a
        multiclass one, and not at all for multilabel targets."""
        if Y.shape[1] == 1:
            return Y.astype(bool)
        return y if np.ndim(y) == 1 else None

    def _finalize_sample_weight(self, sample_weight, y, incremental):
        if self.class_weight is None:
            return sample_weight
        if np.ndim(y) != 1:
            raise ValueError("class_weight is not supported for multilabel targets.")
        if incremental and self.class_weight == "balanced":
            raise ValueError(
                "class_weight='balanced' is not supported by partial_fit: the class "
                "frequencies of one batch are not those of the data. Pass a dict of "
                "class weights instead."
            )
        check_class_weight(self.class_weight)
        weights = compute_sample_weight(self.class_weight, y)
        if sample_weight is not None:
            weights = weights * sample_weight
        if len(weights) and not weights.sum() > 0:
            raise ValueError(
                "class_weight and sample_weight give every sample a zero weight."
            )
        dtype = sample_weight.dtype if sample_weight is not None else np.float64
        return weights.astype(dtype, copy=False)

    def _predict(self, X):
        y_pred = self._forward(X)
        if y_pred.shape[1] == 1:
            y_pred = y_pred.ravel()
        return self._label_binarizer.inverse_transform(y_pred)

    @with_validation_doc
    @with_callbacks
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(
        self, X, y, sample_weight=None, X_val=None, y_val=None, sample_weight_val=None
    ):
        """Fit the model to data ``X`` and labels ``y``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data; float32 input trains a float32 model.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Class labels, or a label-indicator matrix for multilabel problems.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights, multiplied by the class weights.
        %(validation)s

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit(X, y, sample_weight, X_val, y_val, sample_weight_val)

    @available_if(_has_stochastic_solver)
    @with_callbacks
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None, classes=None):
        """Update the model with one epoch over the given data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Class labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights.
        classes : array-like of shape (n_classes,), default=None
            All the classes; required on the first call, and then optional.

        Returns
        -------
        self : object
            The updated estimator.
        """
        return self._fit(
            X, y, sample_weight=sample_weight, incremental=True, classes=classes
        )

    def _prepare_incremental(self, y, classes):
        """The classes of a first ``partial_fit`` come from ``classes``."""
        if not hasattr(self, "classes_"):
            if classes is None:
                raise ValueError(
                    "classes must be passed on the first call to partial_fit."
                )
            if type_of_target(y).startswith("multilabel"):
                binarizer = LabelBinarizer().fit(y)
            else:
                binarizer = LabelBinarizer().fit(classes)
            self._label_binarizer = binarizer
            self.classes_ = binarizer.classes_
        elif classes is not None and not np.array_equal(
            self.classes_, unique_labels(classes)
        ):
            raise ValueError(
                f"`classes={short_labels(classes)}` is not the same as on last call "
                f"to partial_fit, was: {short_labels(self.classes_)}"
            )

    def predict(self, X):
        """Predict class labels.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_labels)
            Predicted labels.
        """
        return self._predict(self._validate_predict_input(X))

    def predict_proba(self, X):
        """Probability estimates.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Class probabilities in the order of ``classes_`` (per-label
            probabilities for multilabel problems).
        """
        check_is_fitted(self)
        y_pred = self._forward(self._validate_predict_input(X))
        if self._binary():
            p = y_pred[:, 0]
            return np.column_stack([1.0 - p, p])
        return y_pred

    def _binary(self) -> bool:
        return self.n_outputs_ == 1 and self._label_binarizer.y_type_ == "binary"

    def _n_predictions(self) -> int:
        return 2 if self._binary() else self.n_outputs_

    def _output_jacobian(self, raw):
        jacobian = self._loss.link_jacobian(raw)
        if self._binary():  # predict_proba's columns are 1 - p and p
            return np.concatenate([-jacobian, jacobian], axis=1)
        return jacobian

    def predict_log_proba(self, X):
        """Logarithm of the probability estimates.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            ``log(predict_proba(X))``.
        """
        proba = self.predict_proba(X)
        with np.errstate(divide="ignore"):
            return np.log(proba, out=proba)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags
