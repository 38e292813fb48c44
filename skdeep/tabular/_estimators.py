"""Tabular networks: a raw table in, strong results with the defaults.

:class:`TabularMLPRegressor` and :class:`TabularMLPClassifier` read a
DataFrame (or an array with ``categorical_features``) through
:class:`~skdeep.tabular._encoder.TabularEncoder` and train a network in the
style of RealMLP-TD (Holzmüller et al., "Better by Default", NeurIPS 2024):
learned embeddings of many-valued categories, a learned scale per feature,
dense layers in the neural-tangent parametrization, Adam with ``beta_2 =
0.95`` on the 'coslog4' schedule, dropout, label smoothing, and the epoch of
the best validation score on an internal split.
"""

from __future__ import annotations

import math
from dataclasses import replace
from numbers import Integral, Real

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import r2_score
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    check_X_y,
    validate_data,
)

from .._base import BaseNeuralNetwork
from .._checks import reject_time_values
from .._tasks import ClassifierTask, RegressorTask
from ..nn.embedding import CategoricalEmbedding
from ..nn.layers import Dropout
from ..nn.network import Sequential
from ..nn.ntk import NTKDense, initialize_from_rows
from ..nn.optimizers import Adam, AdamW
from ..nn.parametric import ParametricActivation
from ..nn.periodic import PeriodicEmbedding
from ..nn.scaling import FeatureScale
from ..nn.training import TrainingConfig
from ._encoder import TabularEncoder
from ._ensemble import MemberEnsemble

__all__ = ["TabularMLPRegressor", "TabularMLPClassifier"]


def _never(estimator) -> bool:
    return False


def _reject_infinity(X) -> None:
    """Raise a ValueError naming the first column holding infinity."""
    frame = X if hasattr(X, "iloc") else pd.DataFrame(X)
    numbers = frame.select_dtypes(include=["number"])
    if frame.dtypes.eq(object).any():
        numbers = frame.apply(pd.to_numeric, errors="coerce")
    infinite = np.isinf(numbers.to_numpy(dtype=np.float64, na_value=np.nan))
    if infinite.any():
        column = numbers.columns[np.nonzero(infinite.any(axis=0))[0][0]]
        raise ValueError(f"Input X contains infinity (column {column!r}).")


class BaseTabularNetwork(BaseNeuralNetwork):
    """Base class of the tabular networks; use the estimators.

    The recipe's fixed choices are class attributes, read where the shared
    base reads the drop-in estimators' parameters.
    """

    # the recipe: Adam with beta_2 = 0.95 on four cosine cycles, all epochs,
    # weights of the best validation score
    solver, penalty, l1_ratio = "adam", "l2", 0.0
    #: the recipe's training settings, beside the estimator's parameters
    _recipe = {
        "schedule": "coslog4",
        "tol": 0.0,
        "n_iter_no_change": np.inf,
        "fixed_epochs": True,
    }
    _adam = {"beta_1": 0.9, "beta_2": 0.95, "epsilon": 1e-8}
    #: learning-rate factor of the per-feature scales (RealMLP's)
    scale_lr_factor = 6.0

    _parameter_constraints: dict = {
        **BaseNeuralNetwork._parameter_constraints,
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither"), None],
        "n_members": [Interval(Integral, 1, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "categorical_features": [StrOptions({"from_dtype"}), "array-like", None],
        "max_one_hot": [Interval(Integral, 0, None, closed="left")],
        "embedding_dim": [Interval(Integral, 1, None, closed="left")],
        "dtype": [StrOptions({"auto", "float32", "float64"})],
    }
    _architecture_parameters = ("embedding_dim",)

    #: decoupled weight decay of the kernels (AdamW) when above 0
    weight_decay = 0.02

    def _make_optimizer(self):
        if self.weight_decay:
            return AdamW(**self._adam, weight_decay=self.weight_decay)
        return Adam(**self._adam)

    def _batch_size(self, n_samples: int) -> int:
        """``min(batch_size, n_samples)``, with no warning: the default is
        meant for every table."""
        return max(1, min(int(self.batch_size), n_samples))

    #: with max_iter='auto': optimizer steps aimed at, within the epoch range
    auto_steps, auto_epochs = 2048, (64, 256)

    def _max_epochs(self, n_samples: int) -> int:
        """``max_iter``, or with 'auto' enough epochs for about
        :attr:`auto_steps` mini-batch steps, within :attr:`auto_epochs`.

        The count follows the rows given to ``fit`` (the internal
        validation split included), so that it is one number for the whole
        fit.
        """
        if self.max_iter != "auto":
            return self.max_iter
        n_rows = self.__dict__.get("_n_training_rows", n_samples)
        batches = math.ceil(n_rows / self._batch_size(n_rows))
        low, high = self.auto_epochs
        return int(np.clip(round(self.auto_steps / batches), low, high))

    def _training_config(self, n_samples, *, incremental):
        return TrainingConfig(
            max_iter=self._max_epochs(n_samples),
            batch_size=self._batch_size(n_samples),
            penalty=self._make_penalty(),
            alpha=self.alpha,
            learning_rate_init=self.learning_rate_init,
            early_stopping=self.early_stopping,
            incremental=incremental,
            verbose=bool(self.verbose),
            warning_category=ConvergenceWarning,
            **self._recipe,
        )

    #: validation rows needed for the internal split to pick an epoch
    min_validation_rows = 10

    @property
    def early_stopping(self) -> bool:
        """Whether an internal validation split picks the best epoch: with
        ``validation_fraction`` set and enough rows for it."""
        if self.validation_fraction is None:
            return False
        n_rows = self.__dict__.get("_n_training_rows", 0)
        return n_rows * self.validation_fraction >= self.min_validation_rows

    # ------------------------------------------------------------ input
    def _encoded(self, X, *, reset: bool) -> np.ndarray:
        if sp.issparse(X):
            raise TypeError(
                f"{type(self).__name__} reads tables (a DataFrame or a dense array), "
                "not sparse matrices."
            )
        reject_time_values(X)
        if not hasattr(X, "iloc"):
            X = np.asarray(X)
            if X.ndim != 2:
                raise ValueError(
                    f"Expected a 2-D table (n_samples, n_columns); got an array of "
                    f"shape {X.shape}. Reshape your data either using "
                    "array.reshape(-1, 1) if it has a single column or "
                    "array.reshape(1, -1) if it is a single row."
                )
        validate_data(self, X, skip_check_array=True, reset=reset)
        _reject_infinity(X)
        if reset:
            encoder = TabularEncoder(self.categorical_features, self.max_one_hot)
            weights = self.__dict__.get("_fit_weights")
            if weights is not None:
                weights = _check_sample_weight(weights, X, dtype=np.float64)
            self._encoder = encoder.fit(X, sample_weight=weights)
        Z = self._encoder.transform(X)
        if not np.isfinite(Z).all():
            raise ValueError("Input X contains infinity or a value too large.")
        return Z

    def _prepare_fit(self, X, y, sample_weight, *args):
        # the encoder is fitted with the sample weights (a weight of k as k
        # repeated rows), read while X is validated
        self._fit_weights = sample_weight
        try:
            return super()._prepare_fit(X, y, sample_weight, *args)
        finally:
            self.__dict__.pop("_fit_weights", None)

    def _validate_training_data(self, X, y, *, reset, dtype=None):
        Z = self._encoded(X, reset=reset)
        if reset:
            self._n_training_rows = len(Z)
            Z = Z.astype(self._compute_dtype(len(Z)))
        return check_X_y(
            Z, y, multi_output=True, dtype=None, y_numeric=not self._is_classifier()
        )

    #: rows from which dtype='auto' computes in float32
    float32_rows = 1000

    def _compute_dtype(self, n_rows: int):
        if self.dtype == "auto":
            return np.float32 if n_rows >= self.float32_rows else np.float64
        return np.dtype(self.dtype).type

    def _is_classifier(self) -> bool:
        return isinstance(self, ClassifierTask)

    def _validate_predict_input(self, X):
        check_is_fitted(self)
        return self._encoded(X, reset=False).astype(self._network.dtype)

    @available_if(_never)
    def input_jacobian(self, X):  # pragma: no cover - never available
        """Not available: the inputs pass through the table's encoding."""

    @available_if(_never)
    def _as_network_input(self, X):  # pragma: no cover - never available
        """Not available: the inputs pass through the table's encoding."""

    # ---------------------------------------------------------- network
    def _validate_architecture(self):
        self._hidden_layer_sizes()

    #: whether the numeric columns get periodic embeddings (PBLD)
    periodic_embedding = True
    #: whether the hidden activations are parametric, ``z + alpha (f(z) - z)``
    parametric_activation = False

    def _input_layers(self, n_features):
        """Embeddings of the numeric columns and of the categorical codes,
        then the per-feature scale."""
        cardinalities = self._encoder.cardinalities_
        layers = []
        if self.periodic_embedding and self._encoder.n_numeric_:
            layers.append(PeriodicEmbedding(n_columns=self._encoder.n_numeric_))
        if cardinalities:
            layers.append(CategoricalEmbedding(cardinalities, self.embedding_dim))
        layers.append(FeatureScale(lr_factor=self.scale_lr_factor))
        return layers

    def _hidden_layer(self, units):
        if self.parametric_activation:
            return [NTKDense(units), ParametricActivation(self.activation)]
        return [NTKDense(units, self.activation)]

    #: whether the dense layers start from the training rows (RealMLP's
    #: "std" weights and "he+5" biases)
    data_init = False

    def _build_network(self, n_features, n_outputs, rng, dtype):
        layers = self._input_layers(n_features)
        for units in self._hidden_layer_sizes():
            layers.extend(self._hidden_layer(units))
            if self.dropout:
                layers.append(Dropout(self.dropout))
        layers.append(NTKDense(n_outputs))
        network = self._built(Sequential(layers), n_features, rng, dtype)
        rows = self.__dict__.get("_init_rows")
        if self.data_init and rows is not None:
            initialize_from_rows(network, rows, rng)
        return network

    def _run_solver(self, data, *, incremental):
        """Train, with the rows at hand when a new network is built."""
        self._init_rows = data.X
        try:
            return super()._run_solver(data, incremental=incremental)
        finally:
            self.__dict__.pop("_init_rows", None)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.sparse = False
        tags.input_tags.categorical = True
        tags.input_tags.string = True
        return tags


_PARAMETERS = """
    hidden_layer_sizes : array-like of shape (n_layers,), default=(256, 256, 256)
        Units of each hidden layer.

    activation : str, default='relu'
        Activation of the hidden layers (any of the MLPs' activations).

    alpha : float, default=0.0
        Strength of the L2 penalty on the weights (scikit-learn's scaling,
        as for the MLPs).

    batch_size : int, default=256
        Mini-batch size (the whole training data when it has fewer rows).

    learning_rate_init : float, default=0.04
        Peak learning rate of the 'coslog4' schedule (four cosine cycles
        over ``max_iter`` epochs, each twice as long as the one before). In the neural-tangent
        parametrization rates are about 40 times those of a standard MLP.

    max_iter : int or 'auto', default='auto'
        Epochs; every one runs (no early stop), and the weights of the epoch
        with the best validation score are kept. 'auto' runs enough epochs
        for about 2048 mini-batch steps, from 64 (above about 8000 training
        rows) to 256 (below about 2000).

    dropout : float, default=0.0
        Dropout rate after each hidden layer.

    validation_fraction : float or None, default=0.2
        Fraction of the training data held out to pick the best epoch (by the
        score: R^2 or accuracy). None trains on everything and keeps the last
        epoch. Ignored when ``X_val`` and ``y_val`` are given.

    n_members : int, default=1
        Networks trained alike from different seeds (drawn from
        ``random_state``) and averaged: each one costs a fit. With two or
        more, ``estimators_`` holds them, and a regressor's
        ``predict(X, return_std=True)`` also returns their spread.

    categorical_features : "from_dtype", None or array-like, default="from_dtype"
        Categorical columns: "from_dtype" takes a DataFrame's ``category``,
        string and object columns (and an object array's non-numeric ones);
        or column names, indices or a boolean mask, as
        ``HistGradientBoosting*`` take them.

    max_one_hot : int, default=8
        Categorical columns with at most this many categories are one-hot
        encoded; those with more get a learned embedding.

    embedding_dim : int, default=8
        Length of the learned embedding of each category.

    dtype : {'auto', 'float32', 'float64'}, default='auto'
        Precision of the computation: 'auto' computes in float32 (about twice
        as fast) from 1000 training rows on, in float64 below, where speed is
        no concern.

    random_state : int, RandomState instance or None, default=None
        Seeds the initialization, the validation split, shuffling and dropout.

    verbose : bool, default=False
        Print one line per epoch.

    warm_start : bool, default=False
        Continue from the fitted network (and its encoding of the table).
"""

_ATTRIBUTES = """
    n_features_in_ : int
        Columns of the table seen in fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names of a DataFrame seen in fit.

    n_iter_ : int
        Epochs run.

    loss_curve_ : list of float
        Training loss of each epoch.

    validation_scores_ : list of float or None
        Validation score of each epoch.

    best_validation_score_ : float or None
        The best of them, whose weights the model keeps.

    history_ : dict of str to list
        Per-epoch records (loss, validation loss and score, learning rate,
        times), as for the MLPs.

    estimators_ : list of estimators
        With ``n_members`` of 2 or more: the fitted members (each with
        ``n_members=1``). The attributes above are then the first member's.
"""


def _fill(doc_parameters: str):
    def decorate(cls):
        cls.__doc__ = cls.__doc__.replace(
            "    %(parameters)s\n", doc_parameters.strip("\n") + "\n"
        ).replace("    %(attributes)s\n", _ATTRIBUTES.strip("\n") + "\n")
        return cls

    return decorate


@_fill(_PARAMETERS)
class TabularMLPRegressor(MemberEnsemble, RegressorTask, BaseTabularNetwork):
    """Network for regression on raw tables, strong with its defaults.

    Reads a DataFrame of numeric, boolean and categorical columns with
    missing values as it is (see :class:`TabularMLPClassifier` for the
    recipe). The targets are standardized inside and the predictions mapped
    back, within the range of the training targets.

    Parameters
    ----------
    %(parameters)s

    Attributes
    ----------
    %(attributes)s

    See Also
    --------
    TabularMLPClassifier : The classifier.
    MLPRegressor : The drop-in replacement of scikit-learn's MLP.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from skdeep import TabularMLPRegressor
    >>> rng = np.random.RandomState(0)
    >>> X = pd.DataFrame({"temp": rng.normal(800, 50, 300),
    ...                   "alloy": rng.choice(["Ti64", "In718", None], 300)})
    >>> y = 0.01 * X["temp"] + (X["alloy"] == "Ti64")
    >>> model = TabularMLPRegressor(max_iter=20, random_state=0).fit(X, y)
    >>> model.predict(X.iloc[:2]).shape
    (2,)
    """

    loss = "squared_error"

    def __init__(
        self,
        hidden_layer_sizes=(256, 256, 256),
        activation="relu",
        *,
        alpha=0.0,
        batch_size=256,
        learning_rate_init=0.04,
        max_iter="auto",
        dropout=0.0,
        validation_fraction=0.2,
        n_members=1,
        categorical_features="from_dtype",
        max_one_hot=8,
        embedding_dim=8,
        dtype="auto",
        random_state=None,
        verbose=False,
        warm_start=False,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate_init = learning_rate_init
        self.max_iter = max_iter
        self.dropout = dropout
        self.validation_fraction = validation_fraction
        self.n_members = n_members
        self.categorical_features = categorical_features
        self.max_one_hot = max_one_hot
        self.embedding_dim = embedding_dim
        self.dtype = dtype
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start

    def _run_solver(self, data, *, incremental):
        """Train on standardized targets: the mean and standard deviation
        (weighted by ``sample_weight``) of the first fit's targets."""
        commit = dict(data.commit)
        if data.first_pass:
            Y, weights = data.Y.astype(np.float64), data.sample_weight
            mean = np.average(Y, axis=0, weights=weights)
            variance = np.average((Y - mean) ** 2, axis=0, weights=weights)
            scale = np.sqrt(variance)
            scale[~(scale > 0)] = 1.0
            seen = Y if weights is None else Y[weights > 0]
            commit.update(_y_mean=mean, _y_scale=scale)
            commit.update(_y_min=seen.min(axis=0), _y_max=seen.max(axis=0))
        mean = commit.get("_y_mean", getattr(self, "_y_mean", None))
        scale = commit.get("_y_scale", getattr(self, "_y_scale", None))

        def standardized(Y):
            return None if Y is None else ((Y - mean) / scale).astype(Y.dtype)

        data = replace(
            data, Y=standardized(data.Y), Y_val=standardized(data.Y_val), commit=commit
        )
        return super()._run_solver(data, incremental=incremental)

    def _split_validation(self, X, y, Y, sw, rng):
        split = super()._split_validation(X, y, Y, sw, rng)
        X_train, Y_train, sw_train, X_val, _, Y_val, sw_val = split
        y_val = Y_val * self._y_scale + self._y_mean
        y_val = y_val if y_val.shape[1] > 1 else y_val.ravel()
        return X_train, Y_train, sw_train, X_val, y_val, Y_val, sw_val

    def _unscaled(self, output):
        """Predictions on the targets' scale (float64), within the range of
        the training targets (RealMLP's clamp)."""
        prediction = output * self._y_scale + self._y_mean
        return np.clip(prediction, self._y_min, self._y_max)

    def _score_output(self, output, y, sample_weight):
        if not np.isfinite(output).all():
            return np.nan
        prediction = self._unscaled(output)
        y = np.asarray(y).reshape(len(prediction), -1)
        return float(r2_score(y, prediction, sample_weight=sample_weight))

    def _predict(self, X):
        y_pred = self._unscaled(self._forward(X))
        return y_pred.ravel() if y_pred.shape[1] == 1 else y_pred

    def predict(self, X, return_std: bool = False):
        """Predict, and with ``return_std`` the members' spread.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            Table with the columns seen in fit.
        return_std : bool, default=False
            Also return the standard deviation of the members' predictions
            (needs ``n_members`` of 2 or more).

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            The members' mean prediction.
        std : ndarray of the same shape
            Only with ``return_std``: the members' standard deviation.
        """
        check_is_fitted(self)
        if return_std and not self.__dict__.get("estimators_"):
            raise ValueError(
                "return_std=True needs an ensemble: fit with n_members=2 or more "
                f"(this model has n_members={self.n_members} when fitted)."
            )
        X = self._validate_predict_input(X)
        if not return_std:
            return self._predict(X)
        outputs = self._member_outputs(X)
        spread = np.stack([self._unscaled(o) for o in outputs]).std(axis=0)
        mean = self._predict(X)
        return mean, (spread.ravel() if spread.shape[1] == 1 else spread)

    @available_if(_never)
    def partial_fit(self, X, y, sample_weight=None):  # pragma: no cover
        """Not available: the table's encoding is fitted once, in fit."""


@_fill(
    _PARAMETERS
    + """
    label_smoothing : float, default=0.1
        Mix each one-hot target with the uniform distribution over the
        classes by this fraction (for a binary or multilabel output, over its
        two values), which keeps the network from over-confident outputs.

    class_weight : dict, 'balanced' or None, default=None
        Weights of the classes, multiplied with ``sample_weight``.
"""
)
class TabularMLPClassifier(MemberEnsemble, ClassifierTask, BaseTabularNetwork):
    """Network for classification on raw tables, strong with its defaults.

    Reads a DataFrame (or an array with ``categorical_features``) as it is:
    numeric and boolean columns are robust-scaled, smoothly clipped and
    imputed with indicators; categorical ones are one-hot encoded (few
    categories) or embedded (many), unknown and missing categories included.
    The network follows RealMLP-TD (Holzmüller et al., 2024): periodic
    embeddings of the numeric columns, a learned scale per feature, dense
    layers in the neural-tangent parametrization, Adam with
    ``beta_2 = 0.95`` and decoupled weight decay on four cosine cycles
    (each twice as long as the one before), label smoothing and the weights of the best validation epoch.
    Computes in float32 from 1000 training rows on (``dtype``).

    Parameters
    ----------
    %(parameters)s

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.

    %(attributes)s

    See Also
    --------
    TabularMLPRegressor : The regressor.
    MLPClassifier : The drop-in replacement of scikit-learn's MLP.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from skdeep import TabularMLPClassifier
    >>> rng = np.random.RandomState(0)
    >>> X = pd.DataFrame({"temp": rng.normal(800, 50, 300),
    ...                   "alloy": rng.choice(["Ti64", "In718", None], 300)})
    >>> y = np.where(X["temp"] > 800, "pass", "fail")
    >>> model = TabularMLPClassifier(max_iter=20, random_state=0).fit(X, y)
    >>> model.predict_proba(X.iloc[:2]).shape
    (2, 2)
    """

    _parameter_constraints: dict = {
        **BaseTabularNetwork._parameter_constraints,
        "label_smoothing": [Interval(Real, 0, 1, closed="left")],
        "class_weight": [StrOptions({"balanced"}), dict, None],
    }

    def __init__(
        self,
        hidden_layer_sizes=(256, 256, 256),
        activation="relu",
        *,
        alpha=0.0,
        batch_size=256,
        learning_rate_init=0.04,
        max_iter="auto",
        dropout=0.0,
        validation_fraction=0.2,
        n_members=1,
        categorical_features="from_dtype",
        max_one_hot=8,
        embedding_dim=8,
        label_smoothing=0.1,
        class_weight=None,
        dtype="auto",
        random_state=None,
        verbose=False,
        warm_start=False,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate_init = learning_rate_init
        self.max_iter = max_iter
        self.dropout = dropout
        self.validation_fraction = validation_fraction
        self.n_members = n_members
        self.categorical_features = categorical_features
        self.max_one_hot = max_one_hot
        self.embedding_dim = embedding_dim
        self.label_smoothing = label_smoothing
        self.class_weight = class_weight
        self.dtype = dtype
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start

    def _validate_targets(self, y, dtype, *, first_pass, incremental):
        Y, commit = super()._validate_targets(
            y, dtype, first_pass=first_pass, incremental=incremental
        )
        binarizer = commit.get("_label_binarizer") or self._label_binarizer
        values = Y.shape[1] if binarizer.y_type_ == "multiclass" else 2
        smoothing = self.label_smoothing
        return (Y * (1.0 - smoothing) + smoothing / values).astype(dtype), commit

    def _stratify_on(self, y, Y):
        """Stratified on the labels where every class has two rows or more."""
        labels = Y[:, 0] > 0.5 if Y.shape[1] == 1 else y
        if np.ndim(labels) != 1 or np.unique(labels, return_counts=True)[1].min() < 2:
            return None
        return labels

    @available_if(_never)
    def partial_fit(self, X, y, sample_weight=None, classes=None):  # pragma: no cover
        """Not available: the table's encoding is fitted once, in fit."""
