"""The parameter and attribute documentation the estimators share, and the
decorator that fills it into their docstrings."""

from __future__ import annotations

import textwrap

from .nn import optimizers as _optimizers
from .nn.training import FULL_BATCH_SOLVERS

_SHARED_PARAMETERS = """
    hidden_layer_sizes : array-like of shape (n_layers - 2,), default=(100,)
        The ith element is the number of neurons in the ith hidden layer. An
        empty tuple gives a network with no hidden layer (a linear model).

    activation : str, default='relu'
        Activation of the hidden layers: scikit-learn's 'identity', 'logistic',
        'tanh', 'relu', and also 'sigmoid' (alias of 'logistic'), 'leaky_relu'
        (slope 0.01), 'elu', 'softplus', 'gelu' (exact, erf form), 'selu' and
        'mish'.

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

    learning_rate : {'constant', 'invscaling', 'adaptive', 'cosine', \
'coslog4'}, default='constant'
        Learning-rate schedule of every stochastic solver: 'constant' keeps
        ``learning_rate_init``; 'invscaling' sets it to
        ``learning_rate_init / (t + 1) ** power_t`` after each epoch, ``t``
        counting samples; 'adaptive' divides it by 5 each time the loss (or
        validation score) stalls for ``n_iter_no_change`` epochs, stopping once
        it falls below 1e-6; 'cosine' anneals it to 0 over ``max_iter``
        epochs; 'coslog4' runs four cosine cycles, each twice as long as the
        one before, from 0 up to ``learning_rate_init`` and back over
        ``max_iter`` epochs (RealMLP's schedule; the first epoch runs at
        ``learning_rate_init``). scikit-learn applies schedules to 'sgd' only.

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
        return cls

    return fill


def with_validation_doc(method):
    """Method decorator replacing ``%(validation)s`` in a ``fit`` docstring with
    the documentation of ``X_val``, ``y_val`` and ``sample_weight_val``."""
    validation = _VALIDATION_PARAMETERS.strip("\n")
    method.__doc__ = method.__doc__.replace("        %(validation)s", validation)
    return method


_fill_doc = _doc_filler(_SHARED_PARAMETERS + _LAYER_PARAMETERS, _SHARED_ATTRIBUTES)
