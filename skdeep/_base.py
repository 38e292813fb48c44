"""Shared estimator machinery: validation, fit/partial_fit, prediction."""

from __future__ import annotations

import warnings
from abc import ABCMeta, abstractmethod
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, is_classifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    validate_data,
)

from .nn import activations as _activations
from .nn import optimizers as _optimizers
from .nn import penalties as _penalties
from .nn.layers import Dense
from .nn.network import Sequential
from .nn.training import (
    SCHEDULES,
    TrainingState,
    fit_lbfgs,
    fit_newton_cg,
    fit_stochastic,
)

STOCHASTIC_SOLVERS = ("sgd", "adam", "adagrad", "rmsprop", "adamw")
FULL_BATCH_SOLVERS = ("lbfgs", "newton-cg")
#: elements per prediction chunk (rows x widest layer): bounds predict memory
PREDICT_CHUNK_ELEMENTS = 1 << 21


class BaseMultilayerPerceptron(BaseEstimator, metaclass=ABCMeta):
    """Base class of the multi-layer perceptrons; use the subclasses.

    Holds everything the regressor and the classifier share: parameter
    validation, the network build, the calls into the training loop, chunked
    prediction and the ``coefs_``/``intercepts_`` views.
    """

    _parameter_constraints: dict = {
        "hidden_layer_sizes": [
            "array-like",
            Interval(Integral, 1, None, closed="left"),
        ],
        "activation": [StrOptions(set(_activations.ACTIVATIONS))],
        "solver": [
            StrOptions(set(STOCHASTIC_SOLVERS + FULL_BATCH_SOLVERS)),
            _optimizers.Optimizer,
        ],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "batch_size": [
            StrOptions({"auto"}),
            Interval(Integral, 1, None, closed="left"),
        ],
        "learning_rate": [StrOptions(set(SCHEDULES))],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "power_t": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "tol": [Interval(Real, 0, None, closed="left")],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "momentum": [Interval(Real, 0, 1, closed="both")],
        "nesterovs_momentum": ["boolean"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="left")],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "n_iter_no_change": [
            Interval(Integral, 1, None, closed="left"),
            Options(Real, {np.inf}),
        ],
        "max_fun": [Interval(Integral, 1, None, closed="left")],
        "penalty": [StrOptions(set(_penalties.PENALTIES)), _penalties.Penalty, None],
        "l1_ratio": [Interval(Real, 0, 1, closed="both")],
        "clip_grad_norm": [Interval(Real, 0, None, closed="neither"), None],
    }

    # ------------------------------------------------------------------ hooks
    @abstractmethod
    def _make_loss(self, n_outputs: int):
        """Return the loss (with its link) for the validated targets."""

    @abstractmethod
    def _validate_targets(self, y, dtype, *, first_pass: bool, incremental: bool):
        """Return ``(Y, commit)``: the 2-D float targets and a dict of attributes
        to set on the estimator once validation has passed."""

    @abstractmethod
    def _score_validation(self, X, y, sample_weight) -> float:
        """Score used for early stopping (accuracy or R^2)."""

    @abstractmethod
    def _validation_targets(self, y_original, Y):
        """Targets in the form :meth:`_score_validation` expects."""

    # ------------------------------------------------------------ parameters
    def _hidden_layer_sizes(self) -> list[int]:
        sizes = self.hidden_layer_sizes
        if not hasattr(sizes, "__iter__"):
            sizes = [sizes]
        sizes = list(sizes)
        if any(
            not isinstance(s, Integral | np.integer) or isinstance(s, bool)
            for s in sizes
        ):
            raise ValueError(
                f"hidden_layer_sizes must be positive integers, got {sizes}."
            )
        if any(s <= 0 for s in sizes):
            raise ValueError(f"hidden_layer_sizes must be > 0, got {sizes}.")
        return [int(s) for s in sizes]

    def _is_stochastic(self) -> bool:
        return self.solver not in FULL_BATCH_SOLVERS

    def _make_optimizer(self) -> _optimizers.Optimizer:
        """The optimizer object; string solvers read the estimator's parameters."""
        solver = self.solver
        if isinstance(solver, _optimizers.Optimizer):
            return solver
        if solver == "sgd":
            return _optimizers.SGD(
                momentum=self.momentum, nesterov=self.nesterovs_momentum
            )
        if solver == "adagrad":
            return _optimizers.Adagrad(epsilon=self.epsilon)
        if solver == "rmsprop":
            return _optimizers.RMSProp(epsilon=self.epsilon)
        cls = _optimizers.AdamW if solver == "adamw" else _optimizers.Adam
        return cls(beta_1=self.beta_1, beta_2=self.beta_2, epsilon=self.epsilon)

    def _make_penalty(self) -> _penalties.Penalty | None:
        if self.alpha == 0:
            return None
        return _penalties.get(self.penalty, l1_ratio=self.l1_ratio)

    def _build_network(self, n_features, n_outputs, rng, dtype) -> Sequential:
        hidden = self._hidden_layer_sizes()
        layers = [Dense(units, self.activation) for units in hidden]
        layers.append(Dense(n_outputs, "identity", init_activation=self.activation))
        return Sequential(layers).build(n_features, rng, dtype)

    # ------------------------------------------------------------------- fit
    def _fit(self, X, y, sample_weight=None, incremental=False):
        saved = dict(self.__dict__)
        try:
            prepared = self._prepare_fit(X, y, sample_weight, incremental)
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(saved)
            raise
        return self._run_solver(*prepared, incremental=incremental)

    def _prepare_fit(self, X, y, sample_weight, incremental):
        """Validate everything; change no fitted state but ``n_features_in_``."""
        if incremental and self.early_stopping:
            raise ValueError("partial_fit does not support early_stopping=True")
        self._hidden_layer_sizes()
        penalty = self._make_penalty()
        if penalty is not None:
            penalty.validate()
            if not self._is_stochastic() and not penalty.smooth:
                raise ValueError(
                    f"penalty={self.penalty!r} has an L1 part, which solver="
                    f"{self.solver!r} cannot handle. Use one of the stochastic "
                    f"solvers {', '.join(map(repr, STOCHASTIC_SOLVERS))} (they apply "
                    "it as a proximal step giving exact zeros), or penalty='l2'."
                )
        if self._is_stochastic():
            self._make_optimizer().validate()
        fitted = hasattr(self, "_network")
        first_pass = not fitted or (not self.warm_start and not incremental)
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse=["csr", "csc"],
            multi_output=True,
            dtype=(np.float64, np.float32),
            y_numeric=not is_classifier(self),
            reset=first_pass,
        )
        dtype = X.dtype if first_pass else self._network.dtype
        X = X.astype(dtype, copy=False)
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X, dtype=dtype)
            if np.any(sample_weight < 0):
                raise ValueError("sample_weight must be non-negative.")
            if not sample_weight.sum() > 0:
                raise ValueError("sample_weight must not be all zero.")
        Y, commit = self._validate_targets(
            y, dtype, first_pass=first_pass, incremental=incremental
        )
        if not first_pass and Y.shape[1] != self._network.n_out:
            raise ValueError(
                f"y has {Y.shape[1]} outputs, but {type(self).__name__} was fitted "
                f"with {self._network.n_out}; use warm_start=False to refit."
            )
        return X, y, Y, sample_weight, commit, first_pass, dtype

    def _run_solver(
        self, X, y, Y, sample_weight, commit, first_pass, dtype, *, incremental
    ):
        for name, value in commit.items():
            setattr(self, name, value)
        rng = check_random_state(self.random_state)
        loss = self._make_loss(Y.shape[1])
        if first_pass:
            network = self._build_network(X.shape[1], Y.shape[1], rng, dtype)
            state = TrainingState(learning_rate=float(self.learning_rate_init))
        else:
            network, state = self._network, self._state
            if not incremental:
                state.learning_rate = float(self.learning_rate_init)
        penalty = self._make_penalty()

        if not self._is_stochastic():
            options = dict(
                penalty=penalty,
                alpha=self.alpha,
                max_iter=self.max_iter,
                tol=self.tol,
                verbose=bool(self.verbose),
            )
            if self.solver == "lbfgs":
                result, curve = fit_lbfgs(
                    network, loss, X, Y, sample_weight, max_fun=self.max_fun, **options
                )
            else:
                result, curve = fit_newton_cg(
                    network, loss, X, Y, sample_weight, **options
                )
            if not np.isfinite(network.params).all():
                raise ValueError(
                    "Solver produced non-finite parameter weights. The input data "
                    "may contain large values and need to be preprocessed."
                )
            state.n_iter = min(int(result.nit), self.max_iter)
            state.loss = float(result.fun)
            state.loss_curve.extend(curve)
            state.best_loss = min([state.best_loss, *curve])
            if result.status != 0:
                warnings.warn(
                    f"{self.solver} failed to converge after {state.n_iter} iteration(s) "
                    f"(status={result.status}): {result.message}. Increase the "
                    f"number of iterations (max_iter={self.max_iter}) or scale the "
                    "data.",
                    ConvergenceWarning,
                    stacklevel=3,
                )
        else:
            self._train_stochastic(
                network, loss, penalty, X, y, Y, sample_weight, state, rng, incremental
            )

        self._network, self._state, self._loss = network, state, loss
        self.n_layers_ = len(network.layers) + 1
        self.n_outputs_ = Y.shape[1]
        self.out_activation_ = loss.link_name
        self.n_iter_ = state.n_iter
        self.t_ = state.t
        self.loss_ = state.loss
        self.loss_curve_ = state.loss_curve
        self.best_loss_ = state.best_loss
        self.validation_scores_ = state.validation_scores
        self.best_validation_score_ = state.best_validation_score
        return self

    def _train_stochastic(
        self, network, loss, penalty, X, y, Y, sw, state, rng, incremental
    ):
        optimizer = self._make_optimizer()
        if type(optimizer) is not type(getattr(self, "_optimizer", None)):
            state.optimizer_state = None
        self._optimizer = optimizer

        validation_score = None
        if self.early_stopping:
            X, Y, sw, validation_score = self._split_validation(X, y, Y, sw, rng)
            if state.validation_scores is None:
                state.validation_scores = []
                state.best_validation_score = -np.inf
                state.best_loss = None
                state.best_params = network.params.copy()
        elif state.best_loss is None:
            state.best_loss = np.inf

        n_samples = X.shape[0]
        if self.batch_size == "auto":
            batch_size = min(200, n_samples)
        else:
            if self.batch_size > n_samples:
                warnings.warn(
                    "Got `batch_size` less than 1 or larger than sample size. It is "
                    "going to be clipped",
                    stacklevel=4,
                )
            batch_size = int(np.clip(self.batch_size, 1, n_samples))

        # The network is scored on validation data while it trains.
        self._network, self._loss = network, loss
        fit_stochastic(
            network,
            loss,
            optimizer,
            X,
            Y,
            sw,
            state,
            rng=rng,
            batch_size=batch_size,
            max_iter=self.max_iter,
            shuffle=self.shuffle,
            penalty=penalty,
            alpha=self.alpha,
            schedule=self.learning_rate,
            learning_rate_init=self.learning_rate_init,
            power_t=self.power_t,
            tol=self.tol,
            n_iter_no_change=self.n_iter_no_change,
            validation_score=validation_score,
            incremental=incremental,
            verbose=bool(self.verbose),
            clip_grad_norm=self.clip_grad_norm,
            warning_category=ConvergenceWarning,
        )

    def _split_validation(self, X, y, Y, sw, rng):
        # stratify on the labels, except in the multilabel case
        stratify = y if is_classifier(self) and np.ndim(y) == 1 else None
        arrays = [X, y, Y] + ([] if sw is None else [sw])
        split = train_test_split(
            *arrays,
            random_state=rng,
            test_size=self.validation_fraction,
            stratify=stratify,
        )
        X_train, X_val, _, y_val, Y_train, Y_val = split[:6]
        sw_train, sw_val = (None, None) if sw is None else split[6:8]
        if X_val.shape[0] < 2:
            raise ValueError(
                "The validation set is too small. Increase 'validation_fraction' "
                "or the size of your dataset."
            )
        y_val = self._validation_targets(y_val, Y_val)

        def validation_score():
            return self._score_validation(X_val, y_val, sw_val)

        return X_train, Y_train, sw_train, validation_score

    # ------------------------------------------------------------- predict
    def _forward(self, X) -> np.ndarray:
        """Link-transformed network output for validated ``X``, in chunks."""
        network, loss = self._network, self._loss
        n = X.shape[0]
        width = max([network.n_in] + [layer.units for layer in network.layers])
        chunk = max(1, PREDICT_CHUNK_ELEMENTS // width)
        if n <= chunk:
            return loss.link(network.forward(X))
        out = np.empty((n, network.n_out), dtype=network.dtype)
        for start in range(0, n, chunk):
            stop = min(start + chunk, n)
            out[start:stop] = loss.link(network.forward(X[start:stop]))
        return out

    def _validate_predict_input(self, X):
        check_is_fitted(self)
        return validate_data(
            self,
            X,
            accept_sparse=["csr", "csc"],
            dtype=self._network.dtype,
            reset=False,
        )

    def _score_predictions(self, y_pred, y, sample_weight, score_function):
        if (
            np.issubdtype(np.asarray(y_pred).dtype, np.floating)
            and not np.isfinite(y_pred).all()
        ):
            return np.nan
        return score_function(y, y_pred, sample_weight=sample_weight)

    # ------------------------------------------------------------ weights
    def _dense_layers(self):
        if not hasattr(self, "_network"):
            raise AttributeError(
                f"This {type(self).__name__} instance is not fitted yet."
            )
        return [layer for layer in self._network.layers if isinstance(layer, Dense)]

    @property
    def coefs_(self) -> list[np.ndarray]:
        """Weight matrices, one per layer, as views into the parameter vector.

        Writing into them (``est.coefs_[0][...] = W``) changes the model.
        """
        return [layer.kernel for layer in self._dense_layers()]

    @coefs_.setter
    def coefs_(self, values):
        self._assign("kernel", values)

    @property
    def intercepts_(self) -> list[np.ndarray]:
        """Bias vectors, one per layer, as views into the parameter vector."""
        return [layer.bias for layer in self._dense_layers()]

    @intercepts_.setter
    def intercepts_(self, values):
        self._assign("bias", values)

    def _assign(self, name, values):
        layers = self._dense_layers()
        values = list(values)
        if len(values) != len(layers):
            raise ValueError(f"Expected {len(layers)} arrays, got {len(values)}.")
        arrays = []
        for layer, value in zip(layers, values, strict=True):
            value = np.asarray(value)
            target = layer.params[name]
            if value.shape != target.shape:
                raise ValueError(
                    f"Expected an array of shape {target.shape}, got {value.shape}."
                )
            arrays.append(value)
        for layer, value in zip(layers, arrays, strict=True):
            layer.params[name][...] = value

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags
