"""The converter of :class:`skdeep.SequenceScaler`.

The scaler keeps its input's shape: ``(n, T, F)`` sequences are scaled per
feature (the last axis); a 2-D input ``(n, T * F)`` with each feature's mean
and scale repeated for every step, as the scaler reads 2-D input.
"""

from __future__ import annotations

import numpy as np

from ._estimators import as_float, check_inputs, float_dtype, float_tensor_type
from ._graph import Graph

__all__ = ["calculate_sequence_scaler_shape", "convert_sequence_scaler"]


def _dtype(variable) -> np.dtype:
    # float32 stays float32; anything else is scaled in float64, as fit does
    return float_dtype(variable, np.float64)


def calculate_sequence_scaler_shape(operator) -> None:
    """skl2onnx's shape calculator: the input's shape, in its float type."""
    variable = operator.inputs[0]
    check_inputs(operator.raw_operator, operator.inputs, joinable=False)
    shape = list(variable.type.shape)
    operator.outputs[0].type = float_tensor_type(_dtype(variable), shape)


def convert_sequence_scaler(scope, operator, container) -> None:
    """skl2onnx's converter: ``(x - mean_) / scale_``, per feature."""
    scaler, variable = operator.raw_operator, operator.inputs[0]
    graph = Graph(scope, container, _dtype(variable))
    x = as_float(graph, variable)
    mean, scale = scaler.mean_, scaler.scale_
    if len(variable.type.shape) == 2:  # the features of every step side by side
        n_steps = scaler.n_features_in_ // scaler.n_features_per_step_
        mean, scale = np.tile(mean, n_steps), np.tile(scale, n_steps)
    centred = graph.node("Sub", [x, graph.constant(mean, "mean")])
    output = operator.outputs[0].full_name
    graph.node("Div", [centred, graph.constant(scale, "scale")], outputs=[output])
