"""The layers of :mod:`skdeep.nn.layers` in ONNX, at inference.

:data:`LAYERS` maps each layer class to ``convert(graph, layer, x) -> y``,
which writes the layer's inference-mode forward rule: the same input and
output layouts as :meth:`Layer.forward`, the same formulas in the same order
of operations. :func:`emit_network` writes a whole
:class:`~skdeep.nn.network.Sequential`; a layer of a class without a
converter raises a ValueError naming it (subclasses are not taken for their
base: they may compute something else).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..nn.layers import (
    Activation,
    BatchNormalization,
    Dense,
    Dropout,
    Layer,
    LayerNormalization,
)
from ..nn.recurrent import RNN
from ._activations import emit_activation
from ._graph import Graph, affine
from ._recurrent import convert_rnn

__all__ = ["LAYERS", "emit_network"]


def _dense(graph: Graph, layer: Dense, x: str) -> str:
    """``activation(x @ kernel + bias)``."""
    z = affine(graph, x, layer.kernel, layer.bias, "dense")
    return emit_activation(graph, layer.activation, z)


def _activation(graph: Graph, layer: Activation, x: str) -> str:
    """The activation alone (after a normalization)."""
    return emit_activation(graph, layer.activation, x)


def _dropout(graph: Graph, layer: Dropout, x: str) -> str:
    """Inverted dropout is the identity at inference: no node."""
    return x


def _batch_normalization(graph: Graph, layer: BatchNormalization, x: str) -> str:
    """``(x - moving_mean) * inv_std * gamma + beta``, ``inv_std = 1 /
    sqrt(moving_variance + epsilon)`` computed as the layer does, in its
    own dtype."""
    inv_std = 1.0 / np.sqrt(layer.moving_variance + layer.epsilon)
    centred = graph.node("Sub", [x, graph.constant(layer.moving_mean, "bn_mean")])
    xhat = graph.node("Mul", [centred, graph.constant(inv_std, "bn_inv_std")])
    return _gain_and_offset(graph, layer, xhat)


def _gain_and_offset(graph, layer, xhat):
    out = graph.node("Mul", [xhat, graph.constant(layer.gamma, "gamma")])
    return graph.node("Add", [out, graph.constant(layer.beta, "beta")])


def _mean_last_axis(graph: Graph, x: str, size: int) -> str:
    """The mean of ``x`` over its last axis, kept as an axis of length 1."""
    axes = graph.constant([-1], "axes", dtype=np.int64)
    total = graph.node("ReduceSum", [x, axes], keepdims=1)
    return graph.node("Div", [total, graph.constant(float(size), "size")])


def _layer_normalization(graph: Graph, layer: LayerNormalization, x: str) -> str:
    """Each sample standardized over its features: ``(x - mean) / sqrt(var
    + epsilon) * gamma + beta`` with the two-pass variance ``mean((x -
    mean)**2)``, as NumPy's ``var``."""
    centred = graph.node("Sub", [x, _mean_last_axis(graph, x, layer.units)])
    variance = _mean_last_axis(
        graph, graph.node("Mul", [centred, centred]), layer.units
    )
    shifted = graph.node("Add", [variance, graph.constant(layer.epsilon, "epsilon")])
    inv_std = graph.node(
        "Div", [graph.constant(1.0, "one"), graph.node("Sqrt", [shifted])]
    )
    return _gain_and_offset(graph, layer, graph.node("Mul", [centred, inv_std]))


#: the converter of each layer class, by exact class
LAYERS: dict[type[Layer], Callable[[Graph, Layer, str], str]] = {
    Dense: _dense,
    Activation: _activation,
    Dropout: _dropout,
    BatchNormalization: _batch_normalization,
    LayerNormalization: _layer_normalization,
    RNN: convert_rnn,
}


def emit_network(graph: Graph, network, x: str) -> str:
    """Write every layer of ``network`` on the input ``x``; return the name
    of the raw output (before the loss's link).

    Parameters
    ----------
    graph : Graph
        Where to write.
    network : skdeep.nn.network.Sequential
        A built network.
    x : str
        Name of the input, in the graph's float type and the layout the
        first layer reads.

    Returns
    -------
    str

    Raises
    ------
    ValueError
        If a layer has no ONNX converter.
    """
    for layer in network.layers:
        convert = LAYERS.get(type(layer))
        if convert is None:
            known = ", ".join(sorted(cls.__name__ for cls in LAYERS))
            raise ValueError(
                f"Cannot convert a {type(layer).__name__} layer to ONNX: skdeep.onnx "
                f"has no converter for it (layers with one: {known})."
            )
        x = convert(graph, layer, x)
    return x
