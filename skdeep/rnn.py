"""Recurrent networks for sequences: :class:`RNNRegressor` and
:class:`RNNClassifier` (LSTM, GRU or simple cells), and :class:`SimpleRNN` and
:class:`SimpleRNNClassifier` (simple cells)."""

from __future__ import annotations

from numbers import Integral

import numpy as np
import scipy.sparse as sp
from sklearn.base import is_classifier
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import (
    check_array,
    check_is_fitted,
    check_X_y,
    validate_data,
)

from ._base import BaseNeuralNetwork
from ._checks import reject_time_values
from ._docs import _SHARED_ATTRIBUTES, _SHARED_PARAMETERS, _doc_filler
from ._sequence_methods import SequenceClassification, SequenceRegression, pooled_r2
from ._sequences import VariableLengthSequences, variable_length
from ._tasks import ClassifierTask, RegressorTask, _check_target_range
from .nn import losses as _losses
from .nn.cells import CELLS
from .nn.layers import Dense
from .nn.network import Sequential
from .nn.padding import mark_padding, padded_steps
from .nn.recurrent import RNN

__all__ = ["RNNRegressor", "RNNClassifier", "SimpleRNN", "SimpleRNNClassifier"]

_SIZES_PARAMETER = """
    hidden_layer_sizes : array-like of shape (n_recurrent_layers,), default=(32,)
        Units of each stacked recurrent layer; every layer but the last passes
        its whole sequence of states to the next. A dense output layer follows.
"""

_CELL_PARAMETERS = """
    activation : str, default='tanh'
        Activation of the cells: of the state of the simple cell, of the
        candidate of LSTM (its cell input and output) and GRU (its new gate);
        the gates are logistic. 'tanh' (PyTorch's and Keras' choice), 'relu'
        or any of the MLP's activations.

    cell : {'lstm', 'gru', 'simple'}, default='lstm'
        The recurrent cell (:mod:`skdeep.nn.cells`): long short-term memory
        and gated recurrent units keep information over long sequences (the
        formulas and gate order of ``torch.nn.LSTM`` and ``torch.nn.GRU``);
        the simple (Elman) cell forgets early steps. LSTM's forget gate starts
        with bias 1 (Keras' default), GRU's update gate with the chrono
        initialization over the fitted sequence length (see
        :class:`~skdeep.nn.cells.GRUCell`).
"""

_SIMPLE_CELL_PARAMETERS = """
    activation : str, default='tanh'
        Activation of the recurrent cells, ``h_t = act(x_t @ kernel +
        h_{t-1} @ recurrent_kernel + bias)``: 'tanh' (Keras' default), 'relu'
        or any of the MLP's activations.
"""

_SEQUENCE_PARAMETERS = """
    return_sequences : bool, default=False
        Many-to-many: predict at every time step (``y`` of shape ``(n, T)`` or
        ``(n, T, n_outputs)``) instead of once per sequence.

    n_features_per_step : int or None, default=None
        How to read 2-D input ``(n_samples, n_columns)``: ``n_columns /
        n_features_per_step`` time steps of ``n_features_per_step`` features
        each (consecutive columns belong to the same step). None reads 2-D
        input as univariate sequences. 3-D input ``(n_samples, n_timesteps,
        n_features)`` is used as is.
"""

_RNN_ATTRIBUTES = """
    recurrent_coefs_ : list of tuple of ndarray
        Per recurrent layer, ``(kernel (n_in, G * units), recurrent_kernel
        (units, G * units), bias (G * units,))``, and GRU's
        ``recurrent_bias (G * units,)``, for the ``G`` gate blocks of the cell
        (1 simple, 4 LSTM, 3 GRU, in PyTorch's order): views into the
        parameter vector, which may be overwritten in place to load weights.

    n_timesteps_in_ : int
        Sequence length seen during fit (the longest, for sequences of
        different lengths); sequences of different lengths (a list, or
        ``lengths``/``mask``) may have any length, 3-D arrays need this one
        unless the model was fitted on sequences of different lengths.

    n_features_per_step_ : int
        Features per time step seen during fit.
"""


def _rnn_parameters(cell_parameters: str, *, many_to_many: bool) -> str:
    """The shared parameter docs with the recurrent head instead of the MLP's."""
    shared = _SHARED_PARAMETERS
    tail = shared[shared.index("    solver :") :]
    sequences = _SEQUENCE_PARAMETERS
    if not many_to_many:
        sequences = sequences[sequences.index("    n_features_per_step") :]
    blocks = (_SIZES_PARAMETER, cell_parameters, sequences)
    return "\n".join(block.strip("\n") + "\n" for block in blocks) + "\n" + tail


_AUTO_BATCH = """    batch_size : int or 'auto', default='auto'
        Mini-batch size of the stochastic solvers; 'auto' is
        ``min(200, n_samples)``. Unused by 'lbfgs'.
"""
_KERAS_BATCH = """    batch_size : int or 'auto', default=32
        Mini-batch size of the stochastic solvers (32, Keras' default: gated
        cells learn from many small steps); 'auto' is ``min(200, n_samples)``
        as for the MLPs. Unused by 'lbfgs'.
"""


def _filler(cell_parameters: str, *, many_to_many: bool):
    parameters = _rnn_parameters(cell_parameters, many_to_many=many_to_many)
    if cell_parameters is _CELL_PARAMETERS:
        parameters = parameters.replace(_AUTO_BATCH, _KERAS_BATCH)
    return _doc_filler(parameters, _SHARED_ATTRIBUTES + _RNN_ATTRIBUTES)


class BaseRecurrentNetwork(BaseNeuralNetwork):
    """Base class of the recurrent networks; use the estimators.

    What a recurrent estimator adds to the shared base: its input (sequences),
    its network (stacked recurrent layers of one cell, then a dense output
    layer) and its fitted attributes. The cell is the ``cell`` parameter, or
    the class's own for :class:`SimpleRNN` and :class:`SimpleRNNClassifier`.
    """

    _parameter_constraints: dict = {
        **BaseNeuralNetwork._parameter_constraints,
        "cell": [StrOptions(set(CELLS))],
        "n_features_per_step": [Interval(Integral, 1, None, closed="left"), None],
    }
    _architecture_parameters: tuple[str, ...] = ("cell",)

    def _returns_sequences(self) -> bool:
        return bool(getattr(self, "return_sequences", False))

    # ------------------------------------------------------------- network
    def _validate_architecture(self):
        if not self._hidden_layer_sizes():
            raise ValueError(
                f"{type(self).__name__} needs at least one recurrent layer: "
                "hidden_layer_sizes must not be empty."
            )

    def _build_network(self, n_features, n_outputs, rng, dtype):
        hidden = self._hidden_layer_sizes()
        layers = [
            RNN(
                units,
                self.activation,
                return_sequences=i < len(hidden) - 1 or self._returns_sequences(),
                cell=self.cell,
                timescale=self.n_timesteps_in_,
            )
            for i, units in enumerate(hidden)
        ]
        layers.append(Dense(n_outputs, init_activation=self.activation))
        return self._built(Sequential(layers), n_features, rng, dtype)

    @property
    def recurrent_coefs_(self) -> list[tuple[np.ndarray, ...]]:
        """The weight views of each recurrent layer, in the order of
        :data:`skdeep.nn.cells.Cell.param_shapes`."""
        self._dense_layers()  # raises AttributeError when not fitted
        return [
            tuple(layer.params[name] for name in layer.param_shapes)
            for layer in self._network.layers
            if isinstance(layer, RNN)
        ]

    # --------------------------------------------------------------- input
    def _as_sequences(self, X, *, fitting: bool):
        """Return ``(X_2d, n_timesteps, n_features)`` for ``validate_data``.

        3-D input is flattened to ``(n, T * F)``; 2-D input is read with
        ``n_features_per_step``. Anything else is left for ``validate_data``
        to reject with its own message.
        """
        if sp.issparse(X):
            raise TypeError(
                f"{type(self).__name__} does not accept sparse input; pass a dense "
                "array of shape (n_samples, n_timesteps, n_features)."
            )
        reject_time_values(X)
        if not hasattr(X, "iloc"):
            arr = np.asarray(X)
            if arr.ndim == 3:
                n, n_steps, n_features = arr.shape
                if not fitting:
                    self._check_step_shape(n_steps, n_features)
                return arr.reshape(n, n_steps * n_features), n_steps, n_features
            shape = arr.shape
        else:
            shape = X.shape
        if len(shape) != 2:
            hint = ""
            if len(shape) == 1:
                hint = (
                    " Reshape your data with array.reshape(1, -1) if it is a "
                    "single univariate sequence."
                )
            raise ValueError(
                f"{type(self).__name__} expects sequences of shape (n_samples, "
                "n_timesteps, n_features), or a 2-D array (n_samples, n_timesteps) "
                f"of univariate sequences; got an array of shape {shape}.{hint}"
            )
        n_columns = shape[1]
        n_features = self.n_features_per_step or 1
        if fitting and n_columns % n_features:
            raise ValueError(
                f"X has {n_columns} columns, which is not a multiple of "
                f"n_features_per_step={n_features}."
            )
        if not fitting and n_features != self.n_features_per_step_:
            self._check_step_shape(None, n_features)
        return X, n_columns // n_features, n_features

    def _check_step_shape(self, n_steps, n_features):
        name = type(self).__name__
        if n_features != self.n_features_per_step_:
            raise ValueError(
                f"X has {n_features} features per time step, but {name} is "
                f"expecting {self.n_features_per_step_}."
            )
        if n_steps is not None and n_steps != self.n_timesteps_in_:
            raise ValueError(
                f"X has sequences of {n_steps} time steps, but {name} was fitted on "
                f"{self.n_timesteps_in_}; pad, crop or window them to that length, "
                "or pass them as a list of sequences (or padded, with lengths=)."
            )

    def _sequence_targets(self, y, n_steps):
        """Flatten many-to-many targets to 2-D for validation."""
        y = np.asarray(y)
        if y.ndim not in (2, 3) or y.shape[1] != n_steps:
            raise ValueError(
                "With return_sequences=True, y must have shape (n_samples, "
                f"n_timesteps) or (n_samples, n_timesteps, n_outputs) with "
                f"n_timesteps={n_steps}; got {y.shape}."
            )
        n_outputs = 1 if y.ndim == 2 else y.shape[2]
        return y.reshape(len(y), -1), n_outputs

    def _validate_variable_length(
        self, sequences: VariableLengthSequences, y, *, reset, dtype
    ):
        """:meth:`_validate_training_data` of sequences of different lengths:
        right-padded, NaN past each end (:mod:`skdeep.nn.padding`)."""
        n, n_steps, n_features = sequences.shape
        if not reset:
            self._check_step_shape(None, n_features)
        n_outputs = None
        if self._returns_sequences():
            y, n_outputs = self._sequence_targets(sequences.targets(y), n_steps)
        X = sequences.values.reshape(n, n_steps * n_features)
        checks = {"multi_output": True, "dtype": dtype}
        checks["y_numeric"] = not is_classifier(self)
        if reset:
            X, y = validate_data(self, X, y, reset=True, **checks)
            self.n_timesteps_in_, self.n_features_per_step_ = n_steps, n_features
            self._fitted_on_variable_lengths = True
        else:
            X, y = check_X_y(X, y, **checks)
        X = X.reshape(n, n_steps, n_features).copy()
        mark_padding(X, sequences.lengths)
        if n_outputs is not None:
            y = y.reshape(n, n_steps, n_outputs).astype(np.float64, copy=True)
            mark_padding(y, sequences.lengths)
        return X, y

    def _variable_length(self, X, *, reset: bool) -> VariableLengthSequences | None:
        """``X`` as sequences of different lengths, or None. A model fitted
        on sequences of different lengths also reads so 3-D arrays and lists
        of sequences of one length, whatever that length."""
        any_length = not reset and self.__dict__.get(
            "_fitted_on_variable_lengths", False
        )
        sequences = variable_length(X, any_list=any_length)
        if sequences is None and any_length and getattr(X, "ndim", None) == 3:
            n, n_steps = X.shape[:2]
            sequences = variable_length(X, lengths=np.full(n, n_steps))
        return sequences

    def _validate_training_data(self, X, y, *, reset, dtype=(np.float64, np.float32)):
        sequences = self._variable_length(X, reset=reset)
        if sequences is not None:
            return self._validate_variable_length(
                sequences, y, reset=reset, dtype=dtype
            )
        X, n_steps, n_features = self._as_sequences(X, fitting=reset)
        if reset:
            self._fitted_on_variable_lengths = False
        n_outputs = None
        if self._returns_sequences():
            y, n_outputs = self._sequence_targets(y, n_steps)
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse=False,
            multi_output=True,
            dtype=dtype,
            y_numeric=not is_classifier(self),
            reset=reset,
        )
        if reset:
            self.n_timesteps_in_, self.n_features_per_step_ = n_steps, n_features
        X = X.reshape(len(X), self.n_timesteps_in_, self.n_features_per_step_)
        if n_outputs is not None:
            y = y.reshape(len(y), self.n_timesteps_in_, n_outputs)
        return X, y

    def _validate_predict_input(self, X):
        check_is_fitted(self)
        sequences = self._variable_length(X, reset=False)
        if sequences is not None:
            n, n_steps, n_features = sequences.shape
            self._check_step_shape(None, n_features)
            X = sequences.values.reshape(n, n_steps * n_features)
            X = check_array(X, dtype=self._network.dtype).reshape(sequences.shape)
            return mark_padding(X.copy(), sequences.lengths)
        X, _, _ = self._as_sequences(X, fitting=False)
        X = validate_data(
            self, X, accept_sparse=False, dtype=self._network.dtype, reset=False
        )
        return X.reshape(len(X), self.n_timesteps_in_, self.n_features_per_step_)

    def _as_network_input(self, X):
        X = X.astype(self._network.dtype, copy=False)
        return X.reshape(len(X), self.n_timesteps_in_, self.n_features_per_step_)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        tags.input_tags.three_d_array = True
        return tags


@_filler(_CELL_PARAMETERS, many_to_many=True)
class RNNRegressor(SequenceRegression, RegressorTask, BaseRecurrentNetwork):
    """Recurrent network for sequence regression, with LSTM, GRU or simple cells.

    Reads sequences ``(n_samples, n_timesteps, n_features)`` (or 2-D arrays of
    univariate sequences) through stacked recurrent layers trained by
    back-propagation through time, followed by a dense output layer:
    many-to-one by default, many-to-many with ``return_sequences=True``. It
    shares the MLP's loss, solvers, penalties, schedules, early stopping,
    validation data, ``warm_start``, ``partial_fit`` and ``history_``.

    Parameters
    ----------
    loss : str or Loss, default='squared_error'
        As for :class:`MLPRegressor`; with ``return_sequences=True`` it is
        averaged over time steps.

    %(parameters)s

    Attributes
    ----------
    %(attributes)s

    See Also
    --------
    RNNClassifier : Recurrent network for sequence classification.
    SimpleRNN : The same with the simple (Elman) cell only.
    skdeep.preprocessing.SequenceScaler : Standardize sequences (3-D in, 3-D out).
    skdeep.datasets.make_windows : Cut a series into ``(X, y)`` windows.

    Notes
    -----
    Every sequence must have the length seen during fit (``n_timesteps_in_``);
    a 2-D array has one column per time step (times ``n_features_per_step``),
    as scikit-learn's feature-count checks expect.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeep import RNNRegressor
    >>> from skdeep.datasets import make_windows
    >>> X, y = make_windows(np.sin(np.arange(400) * 0.1), lookback=20)
    >>> rnn = RNNRegressor(hidden_layer_sizes=(16,), cell="gru",
    ...                    learning_rate_init=0.01, max_iter=30,
    ...                    random_state=0).fit(X, y)
    >>> rnn.score(X, y) > 0.95
    True
    """

    _parameter_constraints: dict = {
        **BaseRecurrentNetwork._parameter_constraints,
        "loss": [StrOptions(set(_losses.REGRESSION_LOSSES)), _losses.Loss],
        "return_sequences": ["boolean"],
    }
    _architecture_parameters = ("cell", "return_sequences")

    def __init__(
        self,
        loss="squared_error",
        hidden_layer_sizes=(32,),
        activation="tanh",
        *,
        cell="lstm",
        return_sequences=False,
        n_features_per_step=None,
        solver="adam",
        alpha=0.0001,
        batch_size=32,
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
    ):
        self.loss = loss
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.cell = cell
        self.return_sequences = return_sequences
        self.n_features_per_step = n_features_per_step
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

    def _validate_targets(self, y, dtype, *, first_pass, incremental):
        if y.ndim == 3:
            loss = self._make_loss(None)
            loss.validate()
            Y = np.asarray(y, dtype=dtype)
            _check_target_range(loss, Y)
            return Y, {}
        return super()._validate_targets(
            y, dtype, first_pass=first_pass, incremental=incremental
        )

    def _encode_validation_targets(self, y_val, dtype, commit):
        Y_val, _ = self._validate_targets(
            y_val, dtype, first_pass=False, incremental=False
        )
        return self._flat_targets(Y_val), Y_val

    def _n_predictions(self) -> int:
        per_step = super()._n_predictions()
        return per_step * self.n_timesteps_in_ if self.return_sequences else per_step

    @staticmethod
    def _flat_targets(Y):
        Y = Y.reshape(len(Y), -1)
        return Y.ravel() if Y.shape[1] == 1 else Y

    def _score_output(self, output, y, sample_weight):
        y = np.asarray(y)
        if output.ndim == 3 and np.isnan(y).any():  # sequences of different lengths
            Y = y.reshape(output.shape)
            real = padded_steps(Y)
            return pooled_r2(Y, output, ~real, sample_weight)
        return super()._score_output(output.reshape(len(output), -1), y, sample_weight)

    def _predict(self, X):
        y_pred = self._forward(X)
        if y_pred.shape[-1] == 1:
            return y_pred[..., 0]
        return y_pred

    def _split_validation(self, X, y, Y, sw, rng):
        split = super()._split_validation(X, y, Y, sw, rng)
        X_train, Y_train, sw_train, X_val, _, Y_val, sw_val = split
        return (
            X_train,
            Y_train,
            sw_train,
            X_val,
            self._flat_targets(Y_val),
            Y_val,
            sw_val,
        )

    def _score_sequences(self, X, y, sample_weight):
        """:meth:`score` of sequences of one length, or of one prediction per
        sequence."""
        from sklearn.metrics import r2_score

        y_pred = self.predict(X)
        y = np.asarray(y)
        return float(
            r2_score(
                y.reshape(len(y), -1),
                y_pred.reshape(len(y_pred), -1),
                sample_weight=sample_weight,
            )
        )


@_filler(_CELL_PARAMETERS, many_to_many=False)
class RNNClassifier(SequenceClassification, ClassifierTask, BaseRecurrentNetwork):
    """Recurrent network for sequence classification, with LSTM, GRU or
    simple cells.

    Reads sequences ``(n_samples, n_timesteps, n_features)`` (or 2-D arrays of
    univariate sequences) through stacked recurrent layers trained by
    back-propagation through time; the last state feeds a dense output layer
    with a logistic (binary, multilabel) or softmax (multiclass) link. It
    shares the MLP's solvers, penalties, schedules, early stopping, validation
    data, class weights, ``warm_start``, ``partial_fit`` and ``history_``.

    Parameters
    ----------
    %(parameters)s

    class_weight : dict, 'balanced' or None, default=None
        As for :class:`MLPClassifier`.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.

    %(attributes)s

    See Also
    --------
    RNNRegressor : Recurrent network for sequence regression.
    SimpleRNNClassifier : The same with the simple (Elman) cell only.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeep import RNNClassifier
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(300, 10, 2))
    >>> y = (X[:, 0, 0] > 0).astype(int)  # the sign of the first step
    >>> clf = RNNClassifier(hidden_layer_sizes=(16,), cell="lstm",
    ...                     learning_rate_init=0.01, max_iter=60,
    ...                     random_state=0).fit(X, y)
    >>> clf.score(X, y) > 0.9
    True
    """

    _parameter_constraints: dict = {
        **BaseRecurrentNetwork._parameter_constraints,
        "class_weight": [StrOptions({"balanced"}), dict, None],
    }

    def __init__(
        self,
        hidden_layer_sizes=(32,),
        activation="tanh",
        *,
        cell="lstm",
        n_features_per_step=None,
        solver="adam",
        alpha=0.0001,
        batch_size=32,
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
        class_weight=None,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.cell = cell
        self.n_features_per_step = n_features_per_step
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
        self.class_weight = class_weight


@_filler(_SIMPLE_CELL_PARAMETERS, many_to_many=True)
class SimpleRNN(RNNRegressor):
    """Elman recurrent network for sequence regression.

    Reads sequences ``(n_samples, n_timesteps, n_features)`` (or 2-D arrays of
    univariate sequences) through stacked recurrent layers trained by
    back-propagation through time, followed by a dense output layer:
    many-to-one by default, many-to-many with ``return_sequences=True``. It
    shares the MLP's loss, solvers, penalties, schedules, early stopping,
    validation data, ``warm_start``, ``partial_fit`` and ``history_``.

    Parameters
    ----------
    loss : str or Loss, default='squared_error'
        As for :class:`MLPRegressor`; with ``return_sequences=True`` it is
        averaged over time steps.

    %(parameters)s

    Attributes
    ----------
    %(attributes)s

    See Also
    --------
    SimpleRNNClassifier : Recurrent network for sequence classification.
    RNNRegressor : The same with a choice of cells (LSTM, GRU).
    skdeep.preprocessing.SequenceScaler : Standardize sequences (3-D in, 3-D out).
    skdeep.datasets.make_windows : Cut a series into ``(X, y)`` windows.

    Notes
    -----
    Every sequence must have the length seen during fit (``n_timesteps_in_``);
    a 2-D array has one column per time step (times ``n_features_per_step``),
    as scikit-learn's feature-count checks expect.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeep import SimpleRNN
    >>> from skdeep.datasets import make_windows
    >>> series = np.sin(np.arange(400) * 0.1)
    >>> X, y = make_windows(series, lookback=20)
    >>> X.shape, y.shape
    ((380, 20, 1), (380,))
    >>> rnn = SimpleRNN(hidden_layer_sizes=(16,), learning_rate_init=0.01,
    ...                 max_iter=50, random_state=0).fit(X, y)
    >>> rnn.score(X, y) > 0.95
    True
    """

    _parameter_constraints: dict = {
        k: v for k, v in RNNRegressor._parameter_constraints.items() if k != "cell"
    }
    #: the cell of every recurrent layer (a class attribute, not a parameter)
    cell = "simple"

    def __init__(
        self,
        loss="squared_error",
        hidden_layer_sizes=(32,),
        activation="tanh",
        *,
        return_sequences=False,
        n_features_per_step=None,
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
    ):
        self.loss = loss
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.return_sequences = return_sequences
        self.n_features_per_step = n_features_per_step
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


@_filler(_SIMPLE_CELL_PARAMETERS, many_to_many=False)
class SimpleRNNClassifier(RNNClassifier):
    """Elman recurrent network for sequence classification.

    Reads sequences ``(n_samples, n_timesteps, n_features)`` (or 2-D arrays of
    univariate sequences) through stacked recurrent layers trained by
    back-propagation through time; the last state feeds a dense output layer
    with a logistic (binary, multilabel) or softmax (multiclass) link. It
    shares the MLP's solvers, penalties, schedules, early stopping, validation
    data, class weights, ``warm_start``, ``partial_fit`` and ``history_``.

    Parameters
    ----------
    %(parameters)s

    class_weight : dict, 'balanced' or None, default=None
        As for :class:`MLPClassifier`.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.

    %(attributes)s

    See Also
    --------
    SimpleRNN : Recurrent network for sequence regression.
    RNNClassifier : The same with a choice of cells (LSTM, GRU).

    Examples
    --------
    >>> import numpy as np
    >>> from skdeep import SimpleRNNClassifier
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(300, 10, 2))
    >>> y = (X[:, :, 0].sum(axis=1) > 0).astype(int)  # sign of a running sum
    >>> clf = SimpleRNNClassifier(hidden_layer_sizes=(16,), learning_rate_init=0.01,
    ...                           max_iter=100, random_state=0).fit(X, y)
    >>> clf.predict_proba(X[:1]).shape
    (1, 2)
    >>> clf.score(X, y) > 0.9
    True
    """

    _parameter_constraints: dict = {
        k: v for k, v in RNNClassifier._parameter_constraints.items() if k != "cell"
    }
    #: the cell of every recurrent layer (a class attribute, not a parameter)
    cell = "simple"

    def __init__(
        self,
        hidden_layer_sizes=(32,),
        activation="tanh",
        *,
        n_features_per_step=None,
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
        class_weight=None,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.n_features_per_step = n_features_per_step
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
        self.class_weight = class_weight
