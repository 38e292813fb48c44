"""Converters and shape calculators of skdeep's network estimators.

A network estimator converts in three parts, each reusable by a new
estimator of the same engine (a tabular network adds its preprocessing in
front and reuses the rest):

1. :func:`network_input`: the input variable as the first layer reads it
   (cast to the graph's float type; 2-D input of a recurrent network
   reshaped to ``(n, n_timesteps, n_features_per_step)``);
2. :func:`~skdeep.onnx._layers.emit_network` then
   :func:`~skdeep.onnx._links.emit_link`: the predictions (
   :func:`network_prediction` does 1 and 2);
3. the task's outputs: :func:`convert_regressor` writes the predictions,
   :func:`classifier_outputs` the labels and probabilities.

The graph computes in the input's float type (float32 or float64; the
model's own dtype for other inputs), as skl2onnx's converters do.
Regressors output ``(n, n_outputs)``, or ``(n, n_timesteps, n_outputs)``
with ``return_sequences``; classifiers output skl2onnx's ``label`` ``(n,)``
(int64, or strings for text labels; ``(n, n_labels)`` 0/1 indicators for
multilabel targets) and ``probabilities`` ``(n, n_classes)``.
"""

from __future__ import annotations

import numpy as np

from ..nn.recurrent import RNN
from ._graph import Graph, tensor_type
from ._layers import emit_network
from ._links import emit_link

__all__ = [
    "float_dtype",
    "float_tensor_type",
    "as_float",
    "network_input",
    "network_prediction",
    "check_inputs",
    "input_dtype",
    "joined_input",
    "convert_regressor",
    "calculate_regressor_shape",
    "convert_classifier",
    "calculate_classifier_shapes",
    "probability_dtype",
    "classifier_outputs",
    "label_values",
]


def _types():
    """skl2onnx's data types (imported when a model converts)."""
    from skl2onnx.common import data_types

    return data_types


def _label_classes(scope, estimator) -> np.ndarray:
    """The labels skl2onnx gives the classes (its option ``nocl``: indices)."""
    from skl2onnx.common.utils_classifier import get_label_classes

    return label_values(get_label_classes(scope, estimator))


def float_dtype(variable, model_dtype) -> np.dtype:
    """The float type a graph computes in for the input ``variable``."""
    if isinstance(variable.type, _types().DoubleTensorType):
        return np.dtype(np.float64)
    if isinstance(variable.type, _types().FloatTensorType):
        return np.dtype(np.float32)
    return np.dtype(model_dtype)


def float_tensor_type(dtype, shape):
    """skl2onnx's tensor type of ``dtype`` with ``shape``."""
    types = _types()
    double = np.dtype(dtype) == np.float64
    return (types.DoubleTensorType if double else types.FloatTensorType)(shape)


def as_float(graph: Graph, variable) -> str:
    """The input ``variable`` in the graph's float type (cast from another)."""
    types = _types()
    double = graph.dtype == np.float64
    kind = types.DoubleTensorType if double else types.FloatTensorType
    if isinstance(variable.type, kind):
        return variable.full_name
    return graph.node("Cast", [variable.full_name], to=tensor_type(graph.dtype))


def _reads_sequences(estimator) -> bool:
    return type(estimator._network.layers[0]) is RNN


def network_input(graph: Graph, estimator, variable) -> str:
    """The input ``variable`` as ``estimator``'s first layer reads it.

    Raises
    ------
    ValueError
        If a recurrent network gets an input of another rank than 2 or 3.
    """
    x = as_float(graph, variable)
    if not _reads_sequences(estimator):
        return x
    rank = len(variable.type.shape)
    if rank == 2:
        shape = [-1, estimator.n_timesteps_in_, estimator.n_features_per_step_]
        return graph.node("Reshape", [x, graph.constant(shape, "shape", np.int64)])
    if rank != 3:
        raise ValueError(
            f"{type(estimator).__name__} converts for inputs of shape (n_samples, "
            "n_timesteps, n_features) or (n_samples, n_timesteps * n_features); "
            f"got an input of rank {rank}."
        )
    return x


def check_inputs(model, inputs, joinable: bool) -> None:
    """Raise unless ``inputs`` hold numbers, in one input (or, if
    ``joinable``, in several 2-D inputs: a DataFrame's columns).

    Raises
    ------
    ValueError
        For a string input (its name), or several inputs the model cannot
        join; the message says what to do.
    """
    name = type(model).__name__
    strings = [
        v.raw_name for v in inputs if isinstance(v.type, _types().StringTensorType)
    ]
    if strings:
        raise ValueError(
            f"{name} reads numbers, but the inputs {strings} hold strings: encode "
            "them first (scikit-learn's OneHotEncoder in a ColumnTransformer), or "
            "use TabularMLPRegressor/TabularMLPClassifier, which read text columns."
        )
    if len(inputs) > 1 and not (
        joinable and all(len(v.type.shape) == 2 for v in inputs)
    ):
        raise ValueError(
            f"{name} converts for one input; got {len(inputs)} "
            f"({', '.join(v.raw_name for v in inputs)}). Declare one, e.g. "
            "initial_types=[('X', FloatTensorType([None, n_features]))], and feed "
            "it the array."
        )


def input_dtype(inputs, model_dtype) -> np.dtype:
    """The float type a graph computes in: its inputs' float type when they
    share one, else the model's ``model_dtype``."""
    dtypes = {float_dtype(variable, model_dtype) for variable in inputs}
    return dtypes.pop() if len(dtypes) == 1 else np.dtype(model_dtype)


def joined_input(graph: Graph, estimator, inputs) -> str:
    """The inputs as the network's first layer reads them: one input
    (:func:`network_input`), or several 2-D inputs (a DataFrame's columns,
    one input each) side by side, in the graph's float type."""
    check_inputs(estimator, inputs, joinable=not _reads_sequences(estimator))
    if len(inputs) == 1:
        return network_input(graph, estimator, inputs[0])
    return graph.node("Concat", [as_float(graph, v) for v in inputs], axis=1)


def network_prediction(graph: Graph, estimator, inputs) -> str:
    """The link-transformed network output for the input variables."""
    x = joined_input(graph, estimator, inputs)
    return emit_link(graph, estimator._loss, emit_network(graph, estimator._network, x))


def _graph(scope, operator, container) -> Graph:
    estimator = operator.raw_operator
    dtype = input_dtype(operator.inputs, estimator._network.dtype)
    return Graph(scope, container, dtype)


def _output_axes(estimator, variable) -> list:
    """The axes of the predictions after the samples'."""
    if not getattr(estimator, "return_sequences", False):
        return [estimator._network.n_out]
    shape = variable.type.shape
    steps = shape[1] if len(shape) == 3 else estimator.n_timesteps_in_
    return [steps, estimator._network.n_out]


def calculate_regressor_shape(operator) -> None:
    """skl2onnx's shape calculator of a network regressor."""
    estimator, variable = operator.raw_operator, operator.inputs[0]
    check_inputs(estimator, operator.inputs, not _reads_sequences(estimator))
    shape = [variable.get_first_dimension(), *_output_axes(estimator, variable)]
    dtype = input_dtype(operator.inputs, estimator._network.dtype)
    operator.outputs[0].type = float_tensor_type(dtype, shape)


def convert_regressor(scope, operator, container) -> None:
    """skl2onnx's converter of a network regressor: its predictions."""
    graph = _graph(scope, operator, container)
    prediction = network_prediction(graph, operator.raw_operator, operator.inputs)
    graph.node("Identity", [prediction], outputs=[operator.outputs[0].full_name])


def label_values(classes: np.ndarray) -> np.ndarray:
    """The class labels as ONNX holds them: int64 (integers, booleans and
    integral floats) or strings, skl2onnx's convention (the labels its
    ``ZipMap`` gives).

    Raises
    ------
    ValueError
        For labels of another kind (floats with a fraction, mixed objects).
    """
    classes = np.asarray(classes)
    if classes.dtype.kind in "biu":
        return classes.astype(np.int64)
    if classes.dtype.kind == "f" and np.array_equal(classes, np.round(classes)):
        return classes.astype(np.int64)
    if classes.dtype.kind in "US" or (
        classes.dtype.kind == "O" and all(isinstance(c, str) for c in classes)
    ):
        return classes.astype(str).astype(object)
    raise ValueError(
        "Cannot convert a classifier with the class labels "
        f"{classes.tolist()[:5]} to ONNX: labels must be integers or strings, "
        "as for skl2onnx's classifiers."
    )


def _is_multilabel(estimator) -> bool:
    return estimator._label_binarizer.y_type_ == "multilabel-indicator"


def probability_dtype(operator, dtype) -> np.dtype:
    """The float type of a classifier's ``probabilities``: ``dtype``, or
    float32 when skl2onnx's ``ZipMap`` follows them (ONNX's ``ZipMap``
    takes float32 only)."""
    options = operator.scope_inst.get_options(
        operator.raw_operator, dict(zipmap=True), fail=False
    )
    return np.dtype(np.float32 if options.get("zipmap") is True else dtype)


def calculate_classifier_shapes(operator, dtype=None) -> None:
    """skl2onnx's shape calculator of a network classifier: ``label`` and
    ``probabilities`` (in ``dtype``, by default the graph's float type)."""
    estimator, variable = operator.raw_operator, operator.inputs[0]
    n = variable.get_first_dimension()
    n_classes, types = len(estimator.classes_), _types()
    if dtype is None:  # a network's own inputs (a tabular one checks its own)
        check_inputs(estimator, operator.inputs, not _reads_sequences(estimator))
        dtype = input_dtype(operator.inputs, estimator._network.dtype)
    if _is_multilabel(estimator):
        operator.outputs[0].type = types.Int64TensorType([n, n_classes])
    elif _label_classes(operator.scope_inst, estimator).dtype == object:
        operator.outputs[0].type = types.StringTensorType([n])
    else:
        operator.outputs[0].type = types.Int64TensorType([n])
    dtype = probability_dtype(operator, dtype)
    operator.outputs[1].type = float_tensor_type(dtype, [n, n_classes])


def classifier_outputs(graph: Graph, estimator, prediction: str, label, proba) -> None:
    """Write the labels and probabilities from the link's ``prediction``:
    the indicators ``prediction > 0.5`` of a multilabel classifier; else the
    class of the largest probability, the probabilities ``[1 - p, p]`` of a
    binary one (the same labels as ``p > 0.5``: ties go to the first class).
    ``proba`` is the output variable: the probabilities are cast to its
    declared type (see :func:`probability_dtype`).

    Raises
    ------
    ValueError
        For a classifier fitted on a single class.
    """
    if _is_multilabel(estimator):
        above = graph.node("Greater", [prediction, graph.constant(0.5, "threshold")])
        graph.node("Cast", [above], outputs=[label], to=tensor_type(np.int64))
        _write_as(graph, prediction, proba)
        return
    classes = _label_classes(graph.scope, estimator)
    if len(classes) < 2:
        raise ValueError(
            f"Cannot convert a {type(estimator).__name__} fitted on a single class "
            "to ONNX."
        )
    probabilities = prediction
    if len(classes) == 2 and estimator.n_outputs_ == 1:
        negative = graph.node("Sub", [graph.constant(1.0, "one"), prediction])
        probabilities = graph.node("Concat", [negative, prediction], axis=1)
    index = graph.node("ArgMax", [probabilities], axis=1, keepdims=0)
    table = graph.constant(classes, "classes", dtype=classes.dtype)
    graph.node("Gather", [table, index], outputs=[label], axis=0)
    _write_as(graph, probabilities, proba)


def _write_as(graph: Graph, x: str, variable) -> None:
    """``x`` (in the graph's float type) into the output ``variable``, cast
    to its declared float type."""
    dtype = float_dtype(variable, graph.dtype)
    if dtype == graph.dtype:
        graph.node("Identity", [x], outputs=[variable.full_name])
    else:
        graph.node("Cast", [x], outputs=[variable.full_name], to=tensor_type(dtype))


def convert_classifier(scope, operator, container) -> None:
    """skl2onnx's converter of a network classifier."""
    graph = _graph(scope, operator, container)
    estimator = operator.raw_operator
    prediction = network_prediction(graph, estimator, operator.inputs)
    label, proba = operator.outputs[0].full_name, operator.outputs[1]
    classifier_outputs(graph, estimator, prediction, label, proba)
