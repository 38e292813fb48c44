"""Converters and shape calculators of the tabular networks and their encoder.

A tabular network converts as it predicts:

1. the table's encoding (:func:`~skdeep.onnx._table.emit_table`), in
   float64, from one input per column or inputs that hold the columns left
   to right;
2. the encoded table cast to the network's dtype (float64 for networks
   fitted on fewer than 1000 rows with ``dtype='auto'``, float32 above), the
   network and its loss's link (:func:`~skdeep.onnx._layers.emit_network`,
   :func:`~skdeep.onnx._links.emit_link`), the members of an ensemble
   averaged;
3. a regressor's outputs mapped back to the targets' scale and clamped to
   their training range, in float64 as the estimator does; a classifier's
   labels and probabilities (:func:`~skdeep.onnx._estimators.classifier_outputs`).

The outputs are in the network's float type (a float32 network gives
float32 predictions, computed as skdeep computes them), whatever the
inputs' types: the inputs are columns of several types, not one float type
to follow. A classifier's probabilities are float32 when skl2onnx's
``ZipMap`` follows them (ONNX's ``ZipMap`` takes float32 only).
"""

from __future__ import annotations

import numpy as np

from ._estimators import (
    calculate_classifier_shapes,
    classifier_outputs,
    float_tensor_type,
)
from ._graph import Graph, tensor_type
from ._layers import emit_network
from ._links import emit_link
from ._table import emit_table

__all__ = [
    "calculate_encoder_shape",
    "convert_encoder",
    "calculate_tabular_regressor_shape",
    "convert_tabular_regressor",
    "calculate_tabular_classifier_shapes",
    "convert_tabular_classifier",
]


def _n_rows(operator):
    return operator.inputs[0].get_first_dimension()


def calculate_encoder_shape(operator) -> None:
    """skl2onnx's shape calculator of the table encoder: float64 ``(n,
    n_dense_ + len(cardinalities_))``."""
    encoder = operator.raw_operator
    width = encoder.n_dense_ + len(encoder.cardinalities_)
    shape = [_n_rows(operator), width]
    operator.outputs[0].type = float_tensor_type(np.float64, shape)


def convert_encoder(scope, operator, container) -> None:
    """skl2onnx's converter of the table encoder: the encoded table."""
    graph = Graph(scope, container, np.float64)
    encoded = emit_table(graph, operator.raw_operator, operator.inputs)
    graph.node("Identity", [encoded], outputs=[operator.outputs[0].full_name])


def _cast(graph: Graph, x: str, source, target, output: str | None = None) -> str:
    """``x`` of dtype ``source`` as ``target`` (into ``output`` if named)."""
    outputs = [output] if output else 1
    if np.dtype(source) == np.dtype(target):
        return graph.node("Identity", [x], outputs=outputs)
    return graph.node("Cast", [x], outputs=outputs, to=tensor_type(target))


def _prediction(scope, operator, container) -> tuple[Graph, str]:
    """The link-transformed network output, averaged over the members of
    an ensemble as ``predict`` does, in the network's float type."""
    model = operator.raw_operator
    table = Graph(scope, container, np.float64)
    encoded = emit_table(table, model._encoder, operator.inputs)
    graph = Graph(scope, container, model._network.dtype)
    x = _cast(graph, encoded, np.float64, graph.dtype)
    members = model.__dict__.get("estimators_") or [model]
    outputs = [
        emit_link(graph, member._loss, emit_network(graph, member._network, x))
        for member in members
    ]
    if len(outputs) == 1:
        return graph, outputs[0]
    total = graph.node("Sum", outputs)
    count = graph.constant(float(len(outputs)), "n_members")
    return graph, graph.node("Div", [total, count])


def calculate_tabular_regressor_shape(operator) -> None:
    """skl2onnx's shape calculator of a tabular regressor: ``variable``
    ``(n, n_outputs)`` in the network's float type."""
    model = operator.raw_operator
    shape = [_n_rows(operator), model._network.n_out]
    operator.outputs[0].type = float_tensor_type(model._network.dtype, shape)


def convert_tabular_regressor(scope, operator, container) -> None:
    """skl2onnx's converter of a tabular regressor: ``output * y_scale +
    y_mean`` in float64, clamped to the training targets' range (RealMLP's
    clamp), in the network's float type."""
    model = operator.raw_operator
    graph, output = _prediction(scope, operator, container)
    scale = Graph(scope, container, np.float64)
    y = _cast(scale, output, graph.dtype, np.float64)
    y = scale.node("Mul", [y, scale.constant(model._y_scale, "y_scale")])
    y = scale.node("Add", [y, scale.constant(model._y_mean, "y_mean")])
    y = scale.node("Max", [y, scale.constant(model._y_min, "y_min")])
    y = scale.node("Min", [y, scale.constant(model._y_max, "y_max")])
    _cast(scale, y, np.float64, graph.dtype, operator.outputs[0].full_name)


def calculate_tabular_classifier_shapes(operator) -> None:
    """skl2onnx's shape calculator of a tabular classifier: ``label`` and
    ``probabilities`` in the network's float type."""
    calculate_classifier_shapes(operator, operator.raw_operator._network.dtype)


def convert_tabular_classifier(scope, operator, container) -> None:
    """skl2onnx's converter of a tabular classifier: its labels and
    probabilities, as the network classifiers'."""
    graph, prediction = _prediction(scope, operator, container)
    label, proba = operator.outputs[0].full_name, operator.outputs[1]
    classifier_outputs(graph, operator.raw_operator, prediction, label, proba)
