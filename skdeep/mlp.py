"""Multi-layer perceptrons: drop-in replacements for ``sklearn.neural_network``."""

from __future__ import annotations

from sklearn.utils._param_validation import StrOptions

from ._base import BaseMultilayerPerceptron
from ._docs import _fill_doc
from ._tasks import ClassifierTask, RegressorTask
from .nn import losses as _losses

__all__ = ["MLPRegressor", "MLPClassifier"]


@_fill_doc
class MLPRegressor(RegressorTask, BaseMultilayerPerceptron):
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


@_fill_doc
class MLPClassifier(ClassifierTask, BaseMultilayerPerceptron):
    """Multi-layer perceptron classifier.

    A drop-in replacement for :class:`sklearn.neural_network.MLPClassifier`
    (same parameters, defaults and fitted attributes) on a vectorized NumPy
    engine. Binary and multilabel targets use logistic outputs with the binary
    log-loss; multiclass targets use a softmax output with the cross-entropy.

    Parameters
    ----------
    %(parameters)s

    class_weight : dict, 'balanced' or None, default=None
        Weights of the classes, ``{label: weight}``, multiplied with
        ``sample_weight``; 'balanced' weighs each class by ``n_samples /
        (n_classes * count)``, as scikit-learn's ``compute_sample_weight``
        does (not for multilabel targets). Not in scikit-learn's
        ``MLPClassifier``; None (the default)
        gives its results.

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
