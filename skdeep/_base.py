"""Shared estimator machinery: validation, fit/partial_fit, prediction."""

from __future__ import annotations

import copy
import functools
import warnings
from abc import ABCMeta, abstractmethod
from contextlib import contextmanager
from dataclasses import dataclass
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
from threadpoolctl import ThreadpoolController

from ._callbacks import CallbackSupportMixin, FitCallbacks
from .nn import activations as _activations
from .nn import initializers as _initializers
from .nn import optimizers as _optimizers
from .nn import penalties as _penalties
from .nn.layers import (
    Activation,
    BatchNormalization,
    Dense,
    Dropout,
    LayerNormalization,
)
from .nn.network import Sequential
from .nn.threads import BlasThreadTuner, same_products_across_threads
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
PREDICT_CHUNK_ELEMENTS = 1 << 22
#: mini-batch training whose largest matrix product (rows x weights) is at
#: least this large times one BLAS thread against all of them while it runs
#: (see skdeep.nn.threads.BlasThreadTuner); smaller products use one thread
TUNE_MIN_WORK = 1 << 18
#: products smaller than this that are not tuned (full-batch L-BFGS and
#: Newton-CG, and products whose results depend on the thread count) run with
#: one BLAS thread: a second thread gains little on them when the machine is
#: idle and loses 10x and more when another process holds a core; larger ones
#: use the caller's thread count
SINGLE_THREAD_MAX_WORK = 1 << 24
#: a recurrent network's products over whole sequences (batch x time steps
#: rows) are checked for thread invariance at up to this many elements per
#: operand (rows x widest layer), so the check stays small next to training
SEQUENCE_CHECK_ELEMENTS = 1 << 20


@functools.cache
def _blas_controller():
    """threadpoolctl's controller of the BLAS libraries (built once: ~3 ms)."""
    return ThreadpoolController().select(user_api="blas")


@functools.lru_cache(maxsize=64)
def _tunable(kernel_shapes, rows, dtype, max_threads) -> bool:
    """Whether the BLAS gives the same products at any thread count for these
    shapes at each row count in ``rows`` (checked once per process and set)."""
    return same_products_across_threads(
        kernel_shapes, rows, dtype, _set_blas_threads, max_threads
    )


def _set_blas_threads(n: int) -> None:
    for library in _blas_controller().lib_controllers:
        library.set_num_threads(n)


@contextmanager
def _blas_threads(network, rows: int, stochastic: bool, steps: int = 1):
    """Set the BLAS thread count for training ``network`` on batches of
    ``rows`` rows (of ``steps`` time steps for sequences), restoring the
    caller's on exit; yield a :class:`~skdeep.nn.threads.BlasThreadTuner` when
    mini-batch training should choose the count as it goes, else None."""
    shapes = [
        shape
        for layer in network.layers
        for shape in layer.param_shapes.values()
        if len(shape) == 2
    ]
    work = rows * max((a * b for a, b in shapes), default=0)
    check_rows = (rows,)
    if steps > 1:  # the products over whole sequences, up to a size
        widest = max((max(shape) for shape in shapes), default=1)
        cap = max(rows, SEQUENCE_CHECK_ELEMENTS // widest)
        check_rows = (rows, min(rows * steps, cap))
    controller = _blas_controller()
    max_threads = max(
        (lib.num_threads for lib in controller.lib_controllers), default=1
    )
    with controller.limit(limits=max_threads):
        if (
            stochastic
            and work >= TUNE_MIN_WORK
            and max_threads > 1
            and _tunable(
                tuple(sorted(set(shapes))), check_rows, network.dtype.str, max_threads
            )
        ):
            yield BlasThreadTuner(max_threads, _set_blas_threads)
        elif work < SINGLE_THREAD_MAX_WORK:
            _set_blas_threads(1)
            yield None
        else:
            _set_blas_threads(max_threads)
            yield None


@dataclass
class _FitData:
    """Everything validated before training starts."""

    X: object
    y: np.ndarray
    Y: np.ndarray
    sample_weight: np.ndarray | None
    X_val: object | None
    y_val: np.ndarray | None
    Y_val: np.ndarray | None
    sample_weight_val: np.ndarray | None
    commit: dict
    first_pass: bool
    dtype: np.dtype


class BaseMultilayerPerceptron(CallbackSupportMixin, BaseEstimator, metaclass=ABCMeta):
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
        "dropout": [Interval(Real, 0, 1, closed="left"), "array-like"],
        "normalization": [StrOptions({"batch", "layer"}), None],
        "weight_init": [StrOptions(set(_initializers.INITIALIZERS))],
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
    def _encode_validation_targets(self, y_val, dtype, commit):
        """Return ``(y_val, Y_val)``: targets for scoring and for the loss."""

    @abstractmethod
    def _score_output(self, output: np.ndarray, y, sample_weight) -> float:
        """Score (R^2 or accuracy) of link-transformed network outputs."""

    def _finalize_sample_weight(self, sample_weight, y, incremental):
        """Combine ``sample_weight`` with class weights (classifier)."""
        return sample_weight

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

    def _dropout_rates(self, n_hidden: int) -> list[float]:
        rates = self.dropout
        if isinstance(rates, Real):
            rates = [float(rates)] * n_hidden
        rates = list(np.asarray(rates, dtype=float).ravel())
        if len(rates) != n_hidden:
            raise ValueError(
                f"dropout must be a float or one rate per hidden layer "
                f"({n_hidden}), got {len(rates)} rates."
            )
        if any(not 0 <= r < 1 for r in rates):
            raise ValueError(f"dropout rates must be in [0, 1), got {rates}.")
        return rates

    def _validate_architecture(self) -> None:
        """Raise a clear error for a network that cannot be built."""
        self._dropout_rates(len(self._hidden_layer_sizes()))

    def _validate_training_data(self, X, y, *, reset, dtype=(np.float64, np.float32)):
        """Validate ``X`` and ``y`` of fit (or the validation data)."""
        return validate_data(
            self,
            X,
            y,
            accept_sparse=["csr", "csc"],
            multi_output=True,
            dtype=dtype,
            y_numeric=not is_classifier(self),
            reset=reset,
        )

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
        """Hidden blocks ``Dense -> [normalization -> activation] -> [Dropout]``.

        Without normalization the activation sits in the Dense layer; with it,
        the normalization comes between the affine map and the activation (as
        in Ioffe and Szegedy, 2015). The output layer is linear: the loss
        applies the output link.
        """
        hidden = self._hidden_layer_sizes()
        rates = self._dropout_rates(len(hidden))
        init = self.weight_init
        layers = []
        for units, rate in zip(hidden, rates, strict=True):
            if self.normalization is None:
                layers.append(Dense(units, self.activation, initializer=init))
            else:
                layers.append(
                    Dense(units, initializer=init, init_activation=self.activation)
                )
                if self.normalization == "batch":
                    layers.append(BatchNormalization())
                else:
                    layers.append(LayerNormalization())
                layers.append(Activation(self.activation))
            if rate > 0:
                layers.append(Dropout(rate))
        layers.append(
            Dense(n_outputs, initializer=init, init_activation=self.activation)
        )
        return Sequential(layers).build(n_features, rng, dtype)

    # ------------------------------------------------------------------- fit
    def _fit(
        self,
        X,
        y,
        sample_weight=None,
        X_val=None,
        y_val=None,
        sample_weight_val=None,
        incremental=False,
    ):
        saved = dict(self.__dict__)
        try:
            data = self._prepare_fit(
                X, y, sample_weight, X_val, y_val, sample_weight_val, incremental
            )
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(saved)
            raise
        # training updates the network and its state in place: keep copies so
        # that a call failing half-way leaves the model as it was
        backup = None
        if not data.first_pass:
            backup = copy.deepcopy((self._network, self._state))
        try:
            return self._run_solver(data, incremental=incremental)
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(saved)
            if backup is not None:
                self._network, self._state = backup
                self._publish_state()
            raise

    def _validate_fit_parameters(self, incremental):
        if incremental and self.early_stopping:
            raise ValueError("partial_fit does not support early_stopping=True")
        self._validate_architecture()
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

    def _check_weights(self, sample_weight, X, dtype, name="sample_weight"):
        if sample_weight is None:
            return None
        sample_weight = _check_sample_weight(sample_weight, X, dtype=dtype)
        if np.any(sample_weight < 0):
            raise ValueError(f"{name} must be non-negative.")
        if not sample_weight.sum() > 0:
            raise ValueError(f"{name} must not be all zero.")
        return sample_weight

    def _prepare_fit(
        self, X, y, sample_weight, X_val, y_val, sample_weight_val, incremental
    ) -> _FitData:
        """Validate everything; change no fitted state but ``n_features_in_``."""
        self._validate_fit_parameters(incremental)
        fitted = hasattr(self, "_network")
        first_pass = not fitted or (not self.warm_start and not incremental)
        X, y = self._validate_training_data(X, y, reset=first_pass)
        dtype = X.dtype if first_pass else self._network.dtype
        X = X.astype(dtype, copy=False)
        sample_weight = self._check_weights(sample_weight, X, dtype)
        Y, commit = self._validate_targets(
            y, dtype, first_pass=first_pass, incremental=incremental
        )
        if not first_pass and Y.shape[-1] != self._network.n_out:
            raise ValueError(
                f"y has {Y.shape[-1]} outputs, but {type(self).__name__} was fitted "
                f"with {self._network.n_out}; use warm_start=False to refit."
            )
        sample_weight = self._finalize_sample_weight(sample_weight, y, incremental)

        Y_val = None
        if (X_val is None) != (y_val is None):
            raise ValueError("X_val and y_val must be given together.")
        if X_val is not None:
            if not self._is_stochastic():
                raise ValueError(
                    f"X_val/y_val need a stochastic solver; solver={self.solver!r} "
                    "trains on the whole data at once."
                )
            X_val, y_val = self._validate_training_data(
                X_val, y_val, reset=False, dtype=dtype
            )
            y_val, Y_val = self._encode_validation_targets(y_val, dtype, commit)
            if Y_val.shape[1:] != Y.shape[1:]:
                raise ValueError(
                    f"y_val has shape {Y_val.shape[1:]} per sample but y has "
                    f"{Y.shape[1:]}."
                )
            sample_weight_val = self._check_weights(
                sample_weight_val, X_val, dtype, "sample_weight_val"
            )
            sample_weight_val = self._finalize_sample_weight(
                sample_weight_val, y_val, incremental
            )
        elif sample_weight_val is not None:
            raise ValueError("sample_weight_val needs X_val and y_val.")
        return _FitData(
            X, y, Y, sample_weight, X_val, y_val, Y_val, sample_weight_val,
            commit, first_pass, dtype,
        )  # fmt: skip

    def _run_solver(self, data: _FitData, *, incremental: bool):
        for name, value in data.commit.items():
            setattr(self, name, value)
        rng = check_random_state(self.random_state)
        loss = self._make_loss(data.Y.shape[-1])
        if data.first_pass:
            network = self._build_network(
                data.X.shape[-1], data.Y.shape[-1], rng, data.dtype
            )
            state = TrainingState(learning_rate=float(self.learning_rate_init))
        else:
            network, state = self._network, self._state
            if not incremental:
                state.learning_rate = float(self.learning_rate_init)
        # The network is scored on validation data while it trains.
        self._network, self._loss = network, loss
        per_epoch = self._is_stochastic() and not incremental
        callbacks = FitCallbacks(
            self,
            data.X,
            data.y,
            data.sample_weight,
            task_name="partial_fit" if incremental else "fit",
            max_subtasks=self.max_iter if per_epoch else 0,
        )

        stochastic = self._is_stochastic()
        steps = data.X.shape[1] if data.X.ndim == 3 else 1
        with _blas_threads(network, self._batch_rows(data), stochastic, steps) as tuner:
            if stochastic:
                hooks = {}
                if per_epoch and callbacks.context is not None:
                    hooks = dict(
                        on_epoch_begin=callbacks.on_epoch_begin,
                        on_epoch_end=callbacks.on_epoch_end,
                    )
                self._train_stochastic(
                    network, loss, data, state, rng, incremental, hooks, tuner
                )
            else:
                self._train_full_batch(network, loss, data, state)

        self._state = state
        self.n_layers_ = len(self._hidden_layer_sizes()) + 2
        self.n_outputs_ = data.Y.shape[-1]
        self.out_activation_ = loss.link_name
        self._publish_state()
        callbacks.end()
        return self

    def _publish_state(self) -> None:
        """Expose the training state as scikit-learn's fitted attributes."""
        state = self._state
        self.n_iter_ = state.n_iter
        self.t_ = state.t
        self.loss_ = state.loss
        self.loss_curve_ = state.loss_curve
        self.best_loss_ = state.best_loss
        self.validation_scores_ = state.validation_scores
        self.best_validation_score_ = state.best_validation_score
        self.history_ = state.history

    def _batch_rows(self, data) -> int:
        """Rows of the matrix products in training: the mini-batch or all data."""
        n = data.X.shape[0]
        if not self._is_stochastic() or self.batch_size == "auto":
            return n if not self._is_stochastic() else min(200, n)
        return min(int(self.batch_size), n)

    def _train_full_batch(self, network, loss, data, state):
        options = dict(
            penalty=self._make_penalty(),
            alpha=self.alpha,
            max_iter=self.max_iter,
            tol=self.tol,
            verbose=bool(self.verbose),
        )
        X, Y, sw = data.X, data.Y, data.sample_weight
        if self.solver == "lbfgs":
            result, history = fit_lbfgs(
                network, loss, X, Y, sw, max_fun=self.max_fun, **options
            )
        else:
            result, history = fit_newton_cg(network, loss, X, Y, sw, **options)
        if not np.isfinite(network.params).all():
            raise ValueError(
                "Solver produced non-finite parameter weights. The input data "
                "may contain large values and need to be preprocessed."
            )
        state.n_iter = min(int(result.nit), self.max_iter)
        state.loss = float(result.fun)
        state.loss_curve.extend(history["loss"])
        state.best_loss = min([state.best_loss, *history["loss"]])
        for key, values in history.items():
            state.history.setdefault(key, []).extend(values)
        if result.status != 0:
            warnings.warn(
                f"{self.solver} failed to converge after {state.n_iter} iteration(s) "
                f"(status={result.status}): {result.message}. Increase the "
                f"number of iterations (max_iter={self.max_iter}) or scale the "
                "data.",
                ConvergenceWarning,
                stacklevel=4,
            )

    def _train_stochastic(
        self, network, loss, data, state, rng, incremental, hooks, tuner=None
    ):
        optimizer = self._make_optimizer()
        if type(optimizer) is not type(getattr(self, "_optimizer", None)):
            state.optimizer_state = None
        self._optimizer = optimizer

        X, Y, sw = data.X, data.Y, data.sample_weight
        X_val, y_val, Y_val, sw_val = data.X_val, data.y_val, data.Y_val, None
        if X_val is not None:
            sw_val = data.sample_weight_val
        elif self.early_stopping:
            X, Y, sw, X_val, y_val, Y_val, sw_val = self._split_validation(
                X, data.y, Y, sw, rng
            )
        validation = None
        if X_val is not None:
            if state.validation_scores is None:
                state.validation_scores = []
            if self.early_stopping and state.best_validation_score is None:
                state.best_validation_score = -np.inf
                state.best_loss = None
                state.best_params = network.params.copy()

            def validation():
                raw = network.forward(X_val)
                val_loss = loss(Y_val, raw, sw_val)
                return val_loss, self._score_output(loss.link(raw), y_val, sw_val)

        if not self.early_stopping and state.best_loss is None:
            state.best_loss = np.inf

        n_samples = X.shape[0]
        if self.batch_size == "auto":
            batch_size = min(200, n_samples)
        else:
            if self.batch_size > n_samples:
                warnings.warn(
                    "Got `batch_size` less than 1 or larger than sample size. It is "
                    "going to be clipped",
                    stacklevel=5,
                )
            batch_size = int(np.clip(self.batch_size, 1, n_samples))

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
            penalty=self._make_penalty(),
            alpha=self.alpha,
            schedule=self.learning_rate,
            learning_rate_init=self.learning_rate_init,
            power_t=self.power_t,
            tol=self.tol,
            n_iter_no_change=self.n_iter_no_change,
            validation=validation,
            early_stopping=self.early_stopping,
            incremental=incremental,
            verbose=bool(self.verbose),
            clip_grad_norm=self.clip_grad_norm,
            warning_category=ConvergenceWarning,
            thread_tuner=tuner,
            **hooks,
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
        if not is_classifier(self):
            y_val = Y_val if Y_val.shape[1] > 1 else Y_val.ravel()
        return X_train, Y_train, sw_train, X_val, y_val, Y_val, sw_val

    # ------------------------------------------------------------- predict
    def _forward(self, X) -> np.ndarray:
        """Link-transformed network output for validated ``X``, in chunks."""
        network, loss = self._network, self._loss
        n = X.shape[0]
        width = max([network.n_in] + [layer.units for layer in network.layers])
        row = width * int(np.prod(X.shape[1:-1]))  # time steps of sequences
        chunk = max(1, PREDICT_CHUNK_ELEMENTS // row)
        if n <= chunk:
            return loss.link(network.forward(X))
        first = loss.link(network.forward(X[:chunk]))
        out = np.empty((n, *first.shape[1:]), dtype=network.dtype)
        out[:chunk] = first
        for start in range(chunk, n, chunk):
            stop = min(start + chunk, n)
            out[start:stop] = loss.link(network.forward(X[start:stop]))
        return out

    def _validate_predict_input(self, X):
        network = self.__dict__.get("_network")
        if (
            network is not None
            and type(X) is np.ndarray
            and X.ndim == 2
            and X.dtype == network.dtype
            and X.shape[1] == self.n_features_in_
            and X.shape[0] > 0
            and "feature_names_in_" not in self.__dict__
        ):
            # a plain float array of the right shape and dtype: the one check
            # left to make is for NaN and infinity
            if not np.isfinite(X).all():
                kind = "NaN" if np.isnan(X).any() else "infinity"
                raise ValueError(f"Input X contains {kind}.")
            return X
        check_is_fitted(self)
        return validate_data(
            self,
            X,
            accept_sparse=["csr", "csc"],
            dtype=self._network.dtype,
            reset=False,
        )

    # ------------------------------------------------------------ weights
    def _dense_layers(self):
        if "_network" not in self.__dict__:
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
