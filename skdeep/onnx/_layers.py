"""The layers of the engine (:mod:`skdeep.nn`) in ONNX, at inference.

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

from ..nn.embedding import CategoricalEmbedding
from ..nn.layers import (
    Activation,
    BatchNormalization,
    Dense,
    Dropout,
    Layer,
    LayerNormalization,
)
from ..nn.ntk import NTKDense
from ..nn.parametric import ParametricActivation
from ..nn.periodic import _TWO_PI, PeriodicEmbedding
from ..nn.recurrent import RNN
from ..nn.scaling import FeatureScale
from ._activations import emit_activation
from ._graph import Graph, affine, tensor_type
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


def _ntk_dense(graph: Graph, layer: NTKDense, x: str) -> str:
    """``activation(x @ (kernel / sqrt(n_in)) + bias_factor * bias)``, the
    effective kernel and bias rounded to the layer's dtype as it does."""
    kernel = layer._effective_kernel(graph.dtype)
    bias = layer.params["bias"] * layer.bias_factor
    z = affine(graph, x, kernel, bias, "ntk")
    return emit_activation(graph, layer.activation, z)


def _feature_scale(graph: Graph, layer: FeatureScale, x: str) -> str:
    """``x * factors``, one learned factor per feature."""
    return graph.node("Mul", [x, graph.constant(layer.factors, "feature_scale")])


def _columns(graph: Graph, x: str, start: int, stop: int) -> str:
    """The columns ``start:stop`` of the 2-D ``x``."""
    bounds = [graph.constant([b], "bound", dtype=np.int64) for b in (start, stop)]
    axes = graph.constant([1], "axes", dtype=np.int64)
    return graph.node("Slice", [x, *bounds, axes])


def _periodic_embedding(graph: Graph, layer: PeriodicEmbedding, x: str) -> str:
    """``cos(2 pi w x + b)`` of each of the first ``c`` columns, mixed by its
    own ``(f, d)`` map plus bias (one batched ``MatMul`` over the columns, as
    the layer computes it), flattened to ``c * d`` values, then every input
    column as it is."""
    c, d = layer.n_embedded, layer.dim
    if not c:
        return x
    columns = graph.node("Unsqueeze", [_columns(graph, x, 0, c), _axes(graph, [2])])
    frequencies = _TWO_PI * layer._value("frequencies", graph.dtype)
    angles = graph.node("Mul", [columns, graph.constant(frequencies, "frequencies")])
    phases = graph.constant(layer._value("phases", graph.dtype), "phases")
    cosines = graph.node("Cos", [graph.node("Add", [angles, phases])])  # (n, c, f)
    by_column = graph.node("Transpose", [cosines], perm=[1, 0, 2])  # (c, n, f)
    weights = graph.constant(layer._value("weights", graph.dtype), "weights")
    mixed = graph.node("MatMul", [by_column, weights])  # (c, n, d)
    biases = graph.constant(layer._value("biases", graph.dtype)[:, None], "biases")
    mixed = graph.node("Add", [mixed, biases])
    by_row = graph.node("Transpose", [mixed], perm=[1, 0, 2])  # (n, c, d)
    shape = graph.constant([0, c * d], "shape", dtype=np.int64)
    embedded = graph.node("Reshape", [by_row, shape])
    return graph.node("Concat", [embedded, x], axis=1)


def _axes(graph: Graph, axes: list[int]) -> str:
    return graph.constant(axes, "axes", dtype=np.int64)


def _parametric_activation(graph: Graph, layer: ParametricActivation, x: str) -> str:
    """``z + alpha * (f(z) - z)``, one learned ``alpha`` per unit."""
    activated = emit_activation(graph, layer.activation, x)
    alpha = graph.constant(layer.alpha, "alpha")
    mixed = graph.node("Mul", [alpha, graph.node("Sub", [activated, x])])
    return graph.node("Add", [x, mixed])


def _categorical_embedding(graph: Graph, layer: CategoricalEmbedding, x: str) -> str:
    """The numeric columns as they are, then the row ``code + offset`` of the
    stacked tables for each code column, flattened to ``dim`` values per
    embedded feature (codes are exact integers in either float type). The
    engine raises on a code outside its feature's range; the graph's
    ``Gather`` fails on codes outside the stacked tables only, and the
    tabular encoders never write one."""
    codes = _columns(graph, x, layer.n_numeric, layer.n_in)
    rows = graph.node(
        "Add",
        [
            graph.node("Cast", [codes], to=tensor_type(np.int64)),
            graph.constant(layer.offsets, "offsets", dtype=np.int64),
        ],
    )
    tables = graph.constant(layer.params["tables"], "tables")
    vectors = graph.node("Gather", [tables, rows], axis=0)  # (n, n_embedded, dim)
    shape = graph.constant([0, layer.n_embedded * layer.dim], "shape", dtype=np.int64)
    embedded = graph.node("Reshape", [vectors, shape])
    if not layer.n_numeric:
        return embedded
    numeric = _columns(graph, x, 0, layer.n_numeric)
    return graph.node("Concat", [numeric, embedded], axis=1)


#: the converter of each layer class, by exact class
LAYERS: dict[type[Layer], Callable[[Graph, Layer, str], str]] = {
    Dense: _dense,
    Activation: _activation,
    Dropout: _dropout,
    BatchNormalization: _batch_normalization,
    LayerNormalization: _layer_normalization,
    RNN: convert_rnn,
    NTKDense: _ntk_dense,
    FeatureScale: _feature_scale,
    CategoricalEmbedding: _categorical_embedding,
    PeriodicEmbedding: _periodic_embedding,
    ParametricActivation: _parametric_activation,
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
