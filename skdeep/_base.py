"""Shared estimator machinery: parameters -> engine objects -> one call into
:mod:`skdeep.nn.training`, and the fitted attributes that call leaves.

The estimator only picks objects: it validates the data, builds the network,
the loss, the optimizer (from the optimizer registry) and one frozen
:class:`~skdeep.nn.training.TrainingConfig`, and makes one solver call under
the BLAS thread policy of :mod:`skdeep.nn.threads`. A failing call leaves the
estimator as it was (:func:`restored_on_failure`).
"""

from __future__ import annotations

import copy
import warnings
from abc import ABCMeta, abstractmethod
from collections.abc import Iterator, Mapping
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

from ._callbacks import CallbackSupportMixin, FitCallbacks
from ._checks import (
    check_fits_dtype,
    check_weight_sum,
    named_as,
    reject_text_values,
    reject_time_values,
)
from ._doc_links import DocLinked
from ._scale_check import check_validation_scale
from .nn import activations as _activations
from .nn import initializers as _initializers
from .nn import optimizers as _optimizers
from .nn import penalties as _penalties
from .nn import schedules as _schedules
from .nn.layers import (
    Activation,
    BatchNormalization,
    Dense,
    Dropout,
    LayerNormalization,
)
from .nn.network import Sequential
from .nn.threads import blas_threads
from .nn.training import (
    FULL_BATCH_SOLVERS,
    EpochHooks,
    TrainingConfig,
    TrainingState,
    fit_stochastic,
    mean_loss,
)


class RegistryOptions(StrOptions):
    """The names of one or more registries as a constraint, read when it is
    checked: a name registered after import is valid, and the error message
    lists the names registered at that moment."""

    def __init__(self, *registries: Mapping) -> None:
        self._registries = registries
        super().__init__(set())

    @property
    def options(self) -> set:
        return set().union(*(set(registry) for registry in self._registries))

    @options.setter
    def options(self, value) -> None:
        """The options come from the registries; assignments are ignored."""


class _Snapshot:
    """What a failing fit must give back: the estimator's attributes, and
    copies of the network and training state it trains in place."""

    def __init__(self, estimator) -> None:
        self.attributes = dict(estimator.__dict__)
        self.trained = None

    def keep_trained(self, estimator) -> None:
        """Copy the network and state before training changes them in place."""
        self.trained = copy.deepcopy((estimator._network, estimator._state))

    def restore(self, estimator) -> None:
        estimator.__dict__.clear()
        estimator.__dict__.update(self.attributes)
        if self.trained is not None:
            estimator._network, estimator._state = self.trained
            estimator._publish_state()


@contextmanager
def restored_on_failure(estimator) -> Iterator[_Snapshot]:
    """Leave ``estimator`` exactly as it was if the body raises (anything,
    KeyboardInterrupt included). The body calls
    :meth:`_Snapshot.keep_trained` before it trains an existing network."""
    snapshot = _Snapshot(estimator)
    try:
        yield snapshot
    except BaseException:
        snapshot.restore(estimator)
        raise


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


def _check_solver_parameter(solver, name: str) -> None:
    """Raise a ValueError for ``solver__<name>`` that cannot be set, saying
    which estimator parameter it is."""
    if name in ("learning_rate", "lr", "learning_rate_init"):
        raise ValueError(
            f"solver__{name}: the solvers have no learning rate of their own; the "
            "initial rate is the estimator's learning_rate_init (set_params("
            "learning_rate_init=0.01), or {'learning_rate_init': [...]} in a grid), "
            "its schedule the estimator's learning_rate."
        )
    if not isinstance(solver, str):
        return  # an optimizer instance: scikit-learn sets its own parameters
    options = getattr(_optimizers.OPTIMIZERS.get(solver), "estimator_parameters", {})
    hint = f" ({', '.join(options)})" if options else ""
    raise ValueError(
        f"solver__{name}: solver={solver!r} is a name, whose parameters are the "
        f"estimator's own{hint}; set them directly, or pass an optimizer instance "
        f"such as skdeep.nn.optimizers.Adam(beta_2=0.95) as solver to tune its "
        "parameters as solver__<name>."
    )


class BaseNeuralNetwork(
    DocLinked, CallbackSupportMixin, BaseEstimator, metaclass=ABCMeta
):
    """Base class of skdeep's networks; use the estimators.

    Holds everything every network estimator shares: parameter validation,
    the calls into the training loop, chunked prediction, input gradients and
    the ``coefs_``/``intercepts_`` views of the dense layers. A family (dense,
    recurrent) builds its network (:meth:`_build_network`); a task mixin
    (:mod:`skdeep._tasks`) reads its targets and scores it.
    """

    _parameter_constraints: dict = {
        "hidden_layer_sizes": [
            "array-like",
            Interval(Integral, 1, None, closed="left"),
        ],
        "activation": [StrOptions(set(_activations.ACTIVATIONS))],
        "solver": [
            RegistryOptions(_optimizers.OPTIMIZERS, FULL_BATCH_SOLVERS),
            _optimizers.Optimizer,
        ],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "batch_size": [
            StrOptions({"auto"}),
            Interval(Integral, 1, None, closed="left"),
        ],
        "learning_rate": [RegistryOptions(_schedules.SCHEDULES)],
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

    def _validate_architecture(self) -> None:
        """Raise a clear error for a network that cannot be built."""

    def _validate_training_data(self, X, y, *, reset, dtype=(np.float64, np.float32)):
        """Validate ``X`` and ``y`` of fit (or the validation data)."""
        reject_time_values(X, "X")
        reject_time_values(y, "y")
        reject_text_values(X, type(self).__name__)
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
        return not (isinstance(self.solver, str) and self.solver in FULL_BATCH_SOLVERS)

    def set_params(self, **params):
        """Set the parameters of this estimator.

        As scikit-learn's, with a clear error for parameters of a solver
        given by name (``solver__learning_rate``): they are the estimator's.

        Parameters
        ----------
        **params : dict
            Estimator parameters.

        Returns
        -------
        self : estimator instance
        """
        solver = params.get("solver", self.solver)
        for key in params:
            name, _, sub = key.partition("__")
            if name == "solver" and sub:
                _check_solver_parameter(solver, sub)
        return super().set_params(**params)

    def _make_optimizer(self) -> _optimizers.Optimizer:
        """The optimizer object: an object as given, a registry name built from
        the estimator parameters its class declares it reads."""
        return _optimizers.from_estimator(self.solver, self.get_params(deep=False))

    def _make_penalty(self) -> _penalties.Penalty | None:
        if self.alpha == 0:
            return None
        return _penalties.get(self.penalty, l1_ratio=self.l1_ratio)

    @abstractmethod
    def _build_network(self, n_features, n_outputs, rng, dtype) -> Sequential:
        """The untrained network for the data (built by :meth:`_built`)."""

    def _built(self, network: Sequential, n_features, rng, dtype) -> Sequential:
        """``network`` built; a size that cannot fit names the parameter."""
        try:
            return network.build(n_features, rng, dtype)
        except ValueError as error:
            raise ValueError(
                f"hidden_layer_sizes={self.hidden_layer_sizes!r} on {n_features} "
                f"features: {error} Lower hidden_layer_sizes."
            ) from None

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
        classes=None,
    ):
        """The one body of ``fit`` and ``partial_fit``: validate, then train."""
        with restored_on_failure(self) as snapshot:
            if incremental:
                self._prepare_incremental(y, classes)
            data = self._prepare_fit(
                X, y, sample_weight, X_val, y_val, sample_weight_val, incremental
            )
            if not data.first_pass:
                # training updates the network and its state in place
                snapshot.keep_trained(self)
            return self._run_solver(data, incremental=incremental)

    def _prepare_incremental(self, y, classes) -> None:
        """Set up what a first ``partial_fit`` needs beyond ``fit``'s (classes)."""

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
                    f"solvers {', '.join(map(repr, _optimizers.OPTIMIZERS))} (they apply "
                    "it as a proximal step giving exact zeros), or penalty='l2'."
                )
        if self._is_stochastic():
            self._make_optimizer().validate()

    def _check_weights(self, sample_weight, X, dtype, name="sample_weight"):
        if sample_weight is None:
            return None
        with named_as({"sample_weight": name}):
            sample_weight = _check_sample_weight(sample_weight, X, dtype=dtype)
        if np.any(sample_weight < 0):
            raise ValueError(f"{name} must be non-negative.")
        if not sample_weight.sum() > 0:
            raise ValueError(f"{name} must not be all zero.")
        check_weight_sum(sample_weight, name)
        return sample_weight

    def _architecture(self) -> dict:
        """The parameters that shape the network, normalized: a warm start
        must find them as the network was built."""
        hidden = tuple(self._hidden_layer_sizes())
        values = {"hidden_layer_sizes": hidden, "activation": self.activation}
        for name in self._architecture_parameters:
            values[name] = getattr(self, name)
        if "dropout" in values:
            values["dropout"] = tuple(self._dropout_rates(len(hidden)))
        return values

    #: parameters besides the layer sizes and activation that shape the network
    _architecture_parameters: tuple[str, ...] = ()

    def _check_same_architecture(self) -> None:
        built = self.__dict__.get("_built_with")
        if built is None:  # a model stored before this check existed
            return
        now = self._architecture()
        changed = [name for name in now if now[name] != built.get(name)]
        if changed:
            what = ", ".join(f"{n}={built.get(n)!r} -> {now[n]!r}" for n in changed)
            raise ValueError(
                f"warm_start and partial_fit continue the fitted network, but "
                f"{what} changed since it was built. Set warm_start=False (or "
                "refit) to build a new network, or restore the parameter."
            )

    def _prepare_fit(
        self, X, y, sample_weight, X_val, y_val, sample_weight_val, incremental
    ) -> _FitData:
        """Validate everything; change no fitted state but ``n_features_in_``."""
        self._validate_fit_parameters(incremental)
        fitted = hasattr(self, "_network")
        first_pass = not fitted or (not self.warm_start and not incremental)
        if not first_pass:
            self._check_same_architecture()
        X, y = self._validate_training_data(X, y, reset=first_pass)
        dtype = X.dtype if first_pass else self._network.dtype
        check_fits_dtype(X, dtype)
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
        validation = self._prepare_validation(
            X, Y, X_val, y_val, sample_weight_val, dtype, commit, incremental
        )
        return _FitData(X, y, Y, sample_weight, *validation, commit, first_pass, dtype)

    def _prepare_validation(
        self, X, Y, X_val, y_val, sample_weight_val, dtype, commit, incremental
    ):
        """Validate ``X_val``, ``y_val`` and ``sample_weight_val``; errors name
        them. Returns ``(X_val, y_val, Y_val, sample_weight_val)``."""
        if (X_val is None) != (y_val is None):
            raise ValueError("X_val and y_val must be given together.")
        if X_val is None:
            if sample_weight_val is not None:
                raise ValueError("sample_weight_val needs X_val and y_val.")
            return None, None, None, None
        if not self._is_stochastic():
            raise ValueError(
                f"X_val/y_val need a stochastic solver; solver={self.solver!r} "
                "trains on the whole data at once."
            )
        with named_as({"X": "X_val", "y": "y_val"}):
            X_val, y_val = self._validate_training_data(
                X_val, y_val, reset=False, dtype=dtype
            )
            y_val, Y_val = self._encode_validation_targets(y_val, dtype, commit)
        check_validation_scale(X, X_val, estimator_name=type(self).__name__)
        # sequences of different lengths may differ in length, not in outputs
        if Y_val.ndim != Y.ndim or Y_val.shape[-1] != Y.shape[-1]:
            raise ValueError(
                f"y_val has shape {Y_val.shape[1:]} per sample but y has {Y.shape[1:]}."
            )
        sample_weight_val = self._check_weights(
            sample_weight_val, X_val, dtype, "sample_weight_val"
        )
        with named_as({"sample_weight": "sample_weight_val"}):
            sample_weight_val = self._finalize_sample_weight(
                sample_weight_val, y_val, incremental
            )
        return X_val, y_val, Y_val, sample_weight_val

    def _run_solver(self, data: _FitData, *, incremental: bool):
        for name, value in data.commit.items():
            setattr(self, name, value)
        rng = check_random_state(self.random_state)
        loss = self._make_loss(data.Y.shape[-1])
        if data.first_pass:
            network = self._build_network(
                data.X.shape[-1], data.Y.shape[-1], rng, data.dtype
            )
            self._built_with = self._architecture()
            state = TrainingState(learning_rate=float(self.learning_rate_init))
        else:
            network, state = self._network, self._state
            if not incremental:
                state.learning_rate = float(self.learning_rate_init)
        # The network is scored on validation data while it trains.
        self._network, self._loss = network, loss
        stochastic = self._is_stochastic()
        callbacks = FitCallbacks(
            self,
            data.X,
            data.y,
            data.sample_weight,
            task_name="partial_fit" if incremental else "fit",
            max_subtasks=(
                self._max_epochs(data.X.shape[0])
                if stochastic and not incremental
                else 0
            ),
        )
        steps = data.X.shape[1] if data.X.ndim == 3 else 1
        with blas_threads(network, self._batch_rows(data), stochastic, steps) as tuner:
            if stochastic:
                self._train_stochastic(
                    network, loss, data, state, rng, incremental, callbacks, tuner
                )
            else:
                solve = FULL_BATCH_SOLVERS[self.solver]
                config = self._training_config(data.X.shape[0], incremental=False)
                solve(network, loss, data.X, data.Y, data.sample_weight, state, config)
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

    def _batch_size(self, n_samples: int) -> int:
        """Mini-batch size for ``n_samples`` training rows (stochastic solvers)."""
        if not self._is_stochastic():
            return n_samples
        if self.batch_size == "auto":
            return min(200, n_samples)
        if self.batch_size > n_samples:
            warnings.warn(
                "Got `batch_size` less than 1 or larger than sample size. It is "
                "going to be clipped",
                stacklevel=6,
            )
        return int(np.clip(self.batch_size, 1, n_samples))

    def _max_epochs(self, n_samples: int) -> int:
        """Epochs (or iterations) at most, for ``n_samples`` training rows."""
        return self.max_iter

    def _training_config(self, n_samples: int, *, incremental: bool) -> TrainingConfig:
        """The one place the estimator's parameters become training settings."""
        return TrainingConfig(
            max_iter=self._max_epochs(n_samples),
            batch_size=self._batch_size(n_samples),
            shuffle=self.shuffle,
            penalty=self._make_penalty(),
            alpha=self.alpha,
            schedule=self.learning_rate,
            learning_rate_init=self.learning_rate_init,
            power_t=self.power_t,
            tol=self.tol,
            n_iter_no_change=self.n_iter_no_change,
            early_stopping=self.early_stopping,
            incremental=incremental,
            verbose=bool(self.verbose),
            clip_grad_norm=self.clip_grad_norm,
            max_fun=self.max_fun,
            warning_category=ConvergenceWarning,
        )

    def _train_stochastic(
        self, network, loss, data, state, rng, incremental, callbacks, tuner=None
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
            validation = self._validation_scorer(
                network, loss, X_val, y_val, Y_val, sw_val
            )
        hooks = None
        if not incremental and callbacks.context is not None:
            hooks = EpochHooks(callbacks.on_epoch_begin, callbacks.on_epoch_end)
        config = self._training_config(X.shape[0], incremental=incremental)
        fit_stochastic(
            network, loss, optimizer, X, Y, sw, state, config,
            rng=rng, validation=validation, hooks=hooks, thread_tuner=tuner,
        )  # fmt: skip

    def _validation_scorer(self, network, loss, X_val, y_val, Y_val, sw_val):
        """``() -> (val_loss, val_score)`` of the network as it trains."""

        def validation():
            raw = network.forward(X_val)
            val_loss = mean_loss(loss, Y_val, raw, sw_val)
            return val_loss, self._score_output(loss.link(raw), y_val, sw_val)

        return validation

    def _split_validation(self, X, y, Y, sw, rng):
        stratify = self._stratify_on(y, Y)
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

    def _stratify_on(self, y, Y):
        """What the early-stopping split is stratified on (None: not at all)."""
        return None

    # ------------------------------------------------------------- predict
    def _forward(self, X) -> np.ndarray:
        """Link-transformed network output for validated ``X``, in chunks."""
        network, loss = self._network, self._loss
        n = X.shape[0]
        chunk = network.chunk_rows(X.shape[1:])
        if n <= chunk:
            return loss.link(network.forward(X))
        first = loss.link(network.forward(X[:chunk]))
        out = np.empty((n, *first.shape[1:]), dtype=network.dtype)
        out[:chunk] = first
        for start in range(chunk, n, chunk):
            stop = min(start + chunk, n)
            out[start:stop] = loss.link(network.forward(X[start:stop]))
        return out

    def input_jacobian(self, X) -> np.ndarray:
        """Jacobian of the predictions with respect to the inputs.

        Computed by the network's backward pass to its inputs (inference
        mode: dropout off, batch normalization with its moving statistics), for
        all samples at once, in the model's dtype. Regressors differentiate
        :meth:`predict`, classifiers ``predict_proba``. To differentiate
        through the scalers of a pipeline, use
        :func:`skdeep.inverse.input_jacobian`.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data (for the recurrent estimators, sequences of shape
            ``(n_samples, n_timesteps, n_features)``).

        Returns
        -------
        ndarray of shape (n_samples, n_outputs, n_features)
            ``J[i, k, j]``: derivative of output ``k`` (of predicted value
            ``k``, or of the probability of class ``classes_[k]``) for sample
            ``i`` with respect to its feature ``j``. For sequences the last
            axes are ``(n_timesteps, n_features)``: one derivative per time
            step; with ``return_sequences=True`` the outputs are the time
            steps' outputs, flattened.

        Examples
        --------
        >>> import numpy as np
        >>> from skdeep import MLPRegressor
        >>> X = np.random.RandomState(0).uniform(size=(50, 2))
        >>> est = MLPRegressor(hidden_layer_sizes=(8,), solver="lbfgs",
        ...                    random_state=0).fit(X, X @ [2.0, -1.0])
        >>> est.input_jacobian(X[:3]).shape
        (3, 1, 2)
        """
        X = self._validate_predict_input(X)
        rows = max(1, self._network.chunk_rows(X.shape[1:]) // self._n_predictions())
        parts = [
            self._outputs_and_input_jacobian(X[start : start + rows])[1]
            for start in range(0, X.shape[0], rows)
        ]
        return parts[0] if len(parts) == 1 else np.concatenate(parts)

    def _as_network_input(self, X: np.ndarray) -> np.ndarray:
        """A finite float array of shape (n_samples, n_features_in_), trusted
        (no validation), as the network takes it: the optimizers' inner loop."""
        return X.astype(self._network.dtype, copy=False)

    def _outputs_and_input_jacobian(
        self, X, outputs: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Link-transformed outputs (as :meth:`_forward`) and the input
        Jacobian of validated ``X``, from one pass through the network;
        ``outputs``: the indices of the predictions to differentiate (all by
        default), the Jacobian's rows in that order."""
        if outputs is None:
            seeds, n_predictions = self._output_jacobian, self._n_predictions()
        else:
            seeds = lambda raw: self._output_jacobian(raw)[:, outputs]  # noqa: E731
            n_predictions = len(outputs)
        raw, jacobian = self._network.raw_and_input_jacobian(X, seeds, n_predictions)
        return self._loss.link(raw), jacobian

    def _n_predictions(self) -> int:
        """Outputs :meth:`input_jacobian` differentiates, per sample."""
        return self.n_outputs_

    def _output_jacobian(self, raw: np.ndarray) -> np.ndarray:
        """``d prediction / d raw`` per sample: the loss's link."""
        return self._loss.link_jacobian(raw)

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
        reject_time_values(X)
        reject_text_values(X, type(self).__name__)
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


class BaseMultilayerPerceptron(BaseNeuralNetwork):
    """Base class of the multi-layer perceptrons (dense stacks); use
    :class:`~skdeep.MLPRegressor` or :class:`~skdeep.MLPClassifier`."""

    _parameter_constraints: dict = {
        **BaseNeuralNetwork._parameter_constraints,
        "dropout": [Interval(Real, 0, 1, closed="left"), "array-like"],
        "normalization": [StrOptions({"batch", "layer"}), None],
        "weight_init": [StrOptions(set(_initializers.INITIALIZERS))],
    }
    _architecture_parameters = ("dropout", "normalization")

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
        return self._built(Sequential(layers), n_features, rng, dtype)
