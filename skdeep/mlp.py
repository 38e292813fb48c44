"""Multi-layer perceptrons: drop-in replacements for ``sklearn.neural_network``."""

from __future__ import annotations

import textwrap

import numpy as np
from sklearn.base import ClassifierMixin, RegressorMixin, _fit_context
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import (
    check_classification_targets,
    type_of_target,
    unique_labels,
)
from sklearn.utils.validation import check_is_fitted, column_or_1d

from . import _metrics
from ._base import BaseMultilayerPerceptron
from ._callbacks import with_callbacks
from ._checks import check_class_weight, short_labels
from .nn import losses as _losses
from .nn import optimizers as _optimizers
from .nn.training import FULL_BATCH_SOLVERS

__all__ = ["MLPRegressor", "MLPClassifier"]

_SHARED_PARAMETERS = """
    hidden_layer_sizes : array-like of shape (n_layers - 2,), default=(100,)
        The ith element is the number of neurons in the ith hidden layer. An
        empty tuple gives a network with no hidden layer (a linear model).

    activation : str, default='relu'
        Activation of the hidden layers: scikit-learn's 'identity', 'logistic',
        'tanh', 'relu', and also 'sigmoid' (alias of 'logistic'), 'leaky_relu'
        (slope 0.01), 'elu', 'softplus' and 'gelu' (exact, erf form).

    solver : str or Optimizer, default='adam'
        %(solver)s

    alpha : float, default=0.0001
        Strength of the penalty on the weights (not the biases), added to the
        loss as ``alpha * P(W) / n``, scikit-learn's scaling: ``n`` is the
        number of samples in the mini-batch for the stochastic solvers and in
        the whole data for 'lbfgs' and 'newton-cg' (the sum of the sample
        weights when they are given). With the default L2 penalty this is
        ``alpha * 0.5 * ||W||^2 / n``; small batches therefore penalize more
        per sample than the whole data does.

    batch_size : int or 'auto', default='auto'
        Mini-batch size of the stochastic solvers; 'auto' is
        ``min(200, n_samples)``. Unused by 'lbfgs'.

    learning_rate : {'constant', 'invscaling', 'adaptive', 'cosine'}, \
default='constant'
        Learning-rate schedule of every stochastic solver: 'constant' keeps
        ``learning_rate_init``; 'invscaling' sets it to
        ``learning_rate_init / (t + 1) ** power_t`` after each epoch, ``t``
        counting samples; 'adaptive' divides it by 5 each time the loss (or
        validation score) stalls for ``n_iter_no_change`` epochs, stopping once
        it falls below 1e-6; 'cosine' anneals it to 0 over ``max_iter``
        epochs. scikit-learn applies schedules to 'sgd' only.

    learning_rate_init : float, default=0.001
        Initial learning rate of the stochastic solvers.

    power_t : float, default=0.5
        Exponent of the 'invscaling' schedule.

    max_iter : int, default=200
        Maximum number of epochs (stochastic solvers) or of iterations
        ('lbfgs').

    shuffle : bool, default=True
        Whether to shuffle the samples at each epoch.

    random_state : int, RandomState instance or None, default=None
        Seeds the weight initialization, the validation split and the
        shuffling. The same seed gives scikit-learn's initial weights.

    tol : float, default=1e-4
        Improvement of the loss (or validation score) below which an epoch
        counts as no improvement; for 'lbfgs', the gradient tolerance.

    verbose : bool, default=False
        Print one line per epoch (``Epoch 3/200 - loss: 0.742400 - 0.01s``).

    warm_start : bool, default=False
        Reuse the previous solution, *and the optimizer state* (momentum,
        Adam's moments), as the starting point of the next ``fit``.

    momentum : float, default=0.9
        Momentum of 'sgd', in [0, 1].

    nesterovs_momentum : bool, default=True
        Whether 'sgd' uses Nesterov's momentum.

    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the training data (stratified for
        classifiers, except multilabel) and stop when its score stops
        improving; the best-scoring weights are restored.

    validation_fraction : float, default=0.1
        Fraction of the training data held out for early stopping.

    beta_1 : float, default=0.9
        Adam's first-moment decay rate, in [0, 1).

    beta_2 : float, default=0.999
        Adam's second-moment decay rate, in [0, 1).

    epsilon : float, default=1e-8
        Adam's numerical-stability term.

    n_iter_no_change : int, default=10
        Number of epochs without improvement by ``tol`` before stopping.

    max_fun : int, default=15000
        Maximum number of loss evaluations of 'lbfgs'.

    penalty : {'l2', 'l1', 'elasticnet'}, Penalty or None, default='l2'
        Penalty on the weights: 'l2' is ``0.5 * ||W||^2`` (scikit-learn's),
        'l1' is ``||W||_1``, 'elasticnet' is
        ``l1_ratio * ||W||_1 + (1 - l1_ratio) / 2 * ||W||^2``, or an object from
        :mod:`skdeep.penalties`. The L1 part is applied after each stochastic
        update as a proximal (soft-thresholding) step, which gives exact zeros;
        'lbfgs' and 'newton-cg' accept smooth penalties only.

    l1_ratio : float, default=0.15
        L1 share of the 'elasticnet' penalty, in [0, 1].

    clip_grad_norm : float or None, default=None
        If set, each mini-batch gradient is rescaled to this global L2 norm at
        most before the update (stochastic solvers).
"""

_LAYER_PARAMETERS = """
    dropout : float or sequence of float, default=0.0
        Inverted-dropout rate after each hidden layer (one value for all, or
        one per hidden layer), in [0, 1). Active in training only.

    normalization : {None, 'batch', 'layer'}, default=None
        Normalization in each hidden block, placed between the affine map and
        the activation: ``Dense -> normalization -> activation -> dropout``.
        'batch' uses batch statistics in training and moving averages
        (momentum 0.99) at prediction, so a prediction does not depend on the
        rest of the batch (up to floating-point rounding); 'layer' normalizes
        each sample over its units.
        The learned gains and offsets are never penalized.

    weight_init : str, default='glorot_uniform'
        Kernel initializer: 'glorot_uniform' (scikit-learn's, biases drawn
        too), 'glorot_normal', 'he_uniform', 'he_normal', 'normal' (standard
        deviation 0.05) or 'orthogonal' (these five with zero biases).
"""

_SHARED_ATTRIBUTES = """
    loss_ : float
        The objective (loss plus penalty) at the end of fitting.

    best_loss_ : float or None
        The lowest loss reached; None with early stopping.

    loss_curve_ : list of float
        The loss after each epoch (each iteration for 'lbfgs').

    validation_scores_ : list of float or None
        Validation score after each epoch, with early stopping.

    best_validation_score_ : float or None
        Best validation score, with early stopping.

    t_ : int
        Number of training samples seen by the stochastic solvers.

    coefs_ : list of ndarray
        Weight matrix of each layer, shaped ``(n_in, n_out)``: views into one
        flat parameter vector.

    intercepts_ : list of ndarray
        Bias vector of each layer: views into the same vector.

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features seen during fit, when they are all strings.

    n_iter_ : int
        Number of epochs (iterations for 'lbfgs') run by the last call.

    n_layers_ : int
        Number of layers, input and output included.

    n_outputs_ : int
        Number of outputs of the network.

    out_activation_ : str
        Name of the output link.

    history_ : dict of list
        Per-epoch training record, continued across ``partial_fit`` and
        ``warm_start``: ``loss``, ``learning_rate``, ``time`` (seconds),
        ``grad_norm`` (for each layer with a kernel, input to output: the L2
        norm of the epoch's mean gradient of its weights and bias, i.e. the
        objective's gradient, penalty included, averaged over the mini-batches
        before any clipping; for an MLP these are the layers of ``coefs_``),
        and with
        validation data ``val_loss`` (the loss without the penalty) and
        ``val_score``. The full-batch solvers record ``loss`` and ``time`` per
        iteration.
"""


def _solver_doc() -> str:
    """The ``solver`` documentation, listing the registered solvers (and the
    estimator parameters each optimizer reads) from the registries."""
    full_batch = ", ".join(
        f"'{name}' ({_first_sentence(solve.__doc__)}; see "
        f":func:`skdeep.nn.training.{solve.__name__}`)"
        for name, solve in FULL_BATCH_SOLVERS.items()
    )
    stochastic = []
    for name, cls in _optimizers.OPTIMIZERS.items():
        reads = ", ".join(f"``{p}``" for p in cls.estimator_parameters)
        stochastic.append(
            f"'{name}' ({cls.summary}{', reading ' + reads if reads else ''})"
        )
    text = (
        f"The full-batch solvers train on the whole data at once: {full_batch}. "
        f"The stochastic solvers train on mini-batches: {', '.join(stochastic)}. "
        "Or pass an optimizer object from :mod:`skdeep.optimizers` "
        "(``RMSProp(rho=0.95)``), whose hyperparameters a grid search can tune "
        "(``solver__rho``)."
    )
    indent = " " * 8
    return textwrap.fill(
        text,
        width=80,
        initial_indent=indent,
        subsequent_indent=indent,
        break_on_hyphens=False,
    ).lstrip()


def _first_sentence(doc: str) -> str:
    """The first sentence of a docstring, on one line, without its period."""
    return " ".join(doc.strip().split(".\n")[0].split()).rstrip(".")


_SHARED_PARAMETERS = _SHARED_PARAMETERS.replace("%(solver)s", _solver_doc())


_VALIDATION_PARAMETERS = """
        X_val : {array-like, sparse matrix} of shape (n_val, n_features), \
default=None
            Validation data (with ``y_val``), monitored after every epoch in
            ``history_`` and ``validation_scores_``; with ``early_stopping`` it
            replaces the ``validation_fraction`` split. Stochastic solvers only.
            A pipeline's earlier steps do not transform fit parameters: to have
            them transform ``X_val``, enable metadata routing
            (``sklearn.set_config(enable_metadata_routing=True)``), call
            ``set_fit_request(X_val=True, y_val=True)`` on this estimator and
            build the pipeline with ``transform_input=["X_val"]``. A
            ``UserWarning`` is emitted when ``X_val`` is plainly on another
            scale than ``X``.
        y_val : array-like of shape (n_val,) or (n_val, n_outputs), default=None
            Validation targets.
        sample_weight_val : array-like of shape (n_val,), default=None
            Validation sample weights.
"""


def _doc_filler(parameters: str, attributes: str):
    """Class decorator replacing ``%(parameters)s`` and ``%(attributes)s`` in the
    docstring with shared blocks."""

    def fill(cls):
        for key, block in (("parameters", parameters), ("attributes", attributes)):
            cls.__doc__ = cls.__doc__.replace(f"    %({key})s", block.strip("\n"))
        fit = cls.__dict__.get("fit")
        if fit is not None and fit.__doc__:
            validation = _VALIDATION_PARAMETERS.strip("\n")
            fit.__doc__ = fit.__doc__.replace("        %(validation)s", validation)
        return cls

    return fill


_fill_doc = _doc_filler(_SHARED_PARAMETERS + _LAYER_PARAMETERS, _SHARED_ATTRIBUTES)


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


@_fill_doc
class MLPRegressor(RegressorMixin, BaseMultilayerPerceptron):
    """Multi-layer perceptron regressor.

    A drop-in replacement for :class:`sklearn.neural_network.MLPRegressor`
    (same parameters, defaults and fitted attributes) on a vectorized NumPy
    engine: float32 inputs train and predict in float32, sparse inputs are
    accepted, ``warm_start`` keeps the optimizer state, and the loss is
    consistent with its gradient for multiple outputs.

    Parameters
    ----------
    loss : str or Loss, default='squared_error'
        'squared_error' is half the squared error, summed over outputs;
        'poisson' is half the Poisson deviance with an exp output link and
        needs ``y >= 0``; 'absolute_error' and 'huber' (``delta=1``) are robust
        to outliers; or a loss object such as ``skdeep.losses.Huber(delta=2.0)``.

    %(parameters)s

    Attributes
    ----------
    %(attributes)s

    See Also
    --------
    MLPClassifier : Multi-layer perceptron classifier.

    Notes
    -----
    With several outputs, ``loss_`` sums the per-output losses, the quantity
    whose gradient both libraries follow (scikit-learn reports their mean).

    Examples
    --------
    >>> from sklearn.datasets import make_regression
    >>> from skdeep import MLPRegressor
    >>> X, y = make_regression(n_samples=200, n_features=5, noise=1.0,
    ...                        random_state=0)
    >>> reg = MLPRegressor(hidden_layer_sizes=(32,), solver="lbfgs",
    ...                    max_iter=10000, random_state=0).fit(X, y)
    >>> reg.predict(X[:2]).shape
    (2,)
    >>> round(reg.score(X, y), 2) > 0.95
    True
    """

    _parameter_constraints: dict = {
        **BaseMultilayerPerceptron._parameter_constraints,
        "loss": [StrOptions(set(_losses.REGRESSION_LOSSES)), _losses.Loss],
    }

    def __init__(
        self,
        loss="squared_error",
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        penalty="l2",
        l1_ratio=0.15,
        clip_grad_norm=None,
        dropout=0.0,
        normalization=None,
        weight_init="glorot_uniform",
    ):
        self.loss = loss
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun
        self.penalty = penalty
        self.l1_ratio = l1_ratio
        self.clip_grad_norm = clip_grad_norm
        self.dropout = dropout
        self.normalization = normalization
        self.weight_init = weight_init

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
        self : MLPRegressor
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
        self : MLPRegressor
            The updated estimator.
        """
        return self._fit(X, y, sample_weight=sample_weight, incremental=True)

    def predict(self, X):
        """Predict using the multi-layer perceptron.

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


@_fill_doc
class MLPClassifier(ClassifierMixin, BaseMultilayerPerceptron):
    """Multi-layer perceptron classifier.

    A drop-in replacement for :class:`sklearn.neural_network.MLPClassifier`
    (same parameters, defaults and fitted attributes) on a vectorized NumPy
    engine. Binary and multilabel targets use logistic outputs with the binary
    log-loss; multiclass targets use a softmax output with the cross-entropy.

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
    MLPRegressor : Multi-layer perceptron regressor.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skdeep import MLPClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = MLPClassifier(hidden_layer_sizes=(16,), solver="lbfgs",
    ...                     max_iter=1000, random_state=0).fit(X, y)
    >>> clf.predict_proba(X[:1]).shape
    (1, 3)
    >>> clf.score(X, y) > 0.95
    True
    """

    _parameter_constraints: dict = {
        **BaseMultilayerPerceptron._parameter_constraints,
        "class_weight": [StrOptions({"balanced"}), dict, None],
    }

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        penalty="l2",
        l1_ratio=0.15,
        clip_grad_norm=None,
        dropout=0.0,
        normalization=None,
        weight_init="glorot_uniform",
        class_weight=None,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun
        self.penalty = penalty
        self.l1_ratio = l1_ratio
        self.clip_grad_norm = clip_grad_norm
        self.dropout = dropout
        self.normalization = normalization
        self.weight_init = weight_init
        self.class_weight = class_weight

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
        self : MLPClassifier
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
        self : MLPClassifier
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
