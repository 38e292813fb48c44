"""The recurrent layer of :mod:`skdeep.nn.recurrent` in ONNX: one ``Scan``.

The layer reads ``(n, T, F)`` and returns ``(n, units)`` (the last state) or
``(n, T, units)`` (every state), as :class:`~skdeep.nn.recurrent.RNN` does.
Its graph is the engine's: the input projections ``x_t @ kernel + bias`` of
every step in one ``MatMul`` before the loop, then a ``Scan`` over time whose
body is one step of the cell, written from the cell's public (PyTorch)
weight layout with the same formulas.

ONNX's own ``RNN``, ``LSTM`` and ``GRU`` operators are not used: ONNX Runtime
runs them in float32 only (float64 models would lose precision) and with a
fixed list of activations (no gelu). The loop runs both float types and every
activation of :mod:`skdeep.onnx._activations`.

:data:`CELL_STEPS` maps each cell class to ``step(body, cell, params,
states, projected) -> new states``, where the first state is ``h``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..nn.cells import Cell, GRUCell, LSTMCell, SimpleRNNCell
from ..nn.recurrent import RNN
from ._activations import emit_activation
from ._graph import Body, Graph, affine, tensor_type

__all__ = ["CELL_STEPS", "convert_rnn"]


def _simple_step(body: Body, cell, params, states, projected):
    """``h_t = act(x_t @ kernel + bias + h_{t-1} @ recurrent_kernel)``."""
    (h,) = states
    recurrent = body.node("MatMul", [h, body.constant(params["recurrent_kernel"])])
    return [
        emit_activation(body, cell.activation, body.node("Add", [projected, recurrent]))
    ]


def _split(body: Body, x: str, n_gates: int, units: int) -> list[str]:
    """The ``n_gates`` blocks of ``units`` columns of ``x``."""
    sizes = body.constant([units] * n_gates, "split", dtype=np.int64)
    return body.node("Split", [x, sizes], outputs=n_gates, axis=-1)


def _lstm_step(body: Body, cell, params, states, projected):
    """PyTorch's LSTM step, gates i, f, g, o in the public order::

    i, f, g, o = sigmoid, sigmoid, act, sigmoid of
                 (x_t @ kernel + bias + h_{t-1} @ recurrent_kernel)
    c_t = i * g + f * c_{t-1}
    h_t = o * act(c_t)
    """
    h, c = states
    recurrent = body.node("MatMul", [h, body.constant(params["recurrent_kernel"])])
    gates = body.node("Add", [projected, recurrent])
    i, f, g, o = _split(body, gates, 4, cell.units)
    i, f, o = (body.node("Sigmoid", [gate]) for gate in (i, f, o))
    g = emit_activation(body, cell.activation, g)
    c = body.node("Add", [body.node("Mul", [i, g]), body.node("Mul", [f, c])])
    h = body.node("Mul", [o, emit_activation(body, cell.activation, c)])
    return [h, c]


def _gru_step(body: Body, cell, params, states, projected):
    """PyTorch's GRU step (reset after the recurrent product), gates r, z, n::

    r, z = sigmoid(x_t @ kernel + bias + h @ recurrent_kernel + recurrent_bias)
    n = act(x_t @ kernel_n + bias_n
            + r * (h @ recurrent_kernel_n + recurrent_bias_n))
    h_t = (h_{t-1} - n) * z + n
    """
    (h,) = states
    recurrent = affine(
        body, h, params["recurrent_kernel"], params["recurrent_bias"], "gru"
    )
    xr, xz, xn = _split(body, projected, 3, cell.units)
    hr, hz, hn = _split(body, recurrent, 3, cell.units)
    r = body.node("Sigmoid", [body.node("Add", [xr, hr])])
    z = body.node("Sigmoid", [body.node("Add", [xz, hz])])
    n = emit_activation(
        body, cell.activation, body.node("Add", [body.node("Mul", [r, hn]), xn])
    )
    return [body.node("Add", [body.node("Mul", [body.node("Sub", [h, n]), z]), n])]


#: one step of each cell class, by exact class; its number of states
CELL_STEPS: dict[type[Cell], tuple[Callable, int]] = {
    SimpleRNNCell: (_simple_step, 1),
    LSTMCell: (_lstm_step, 2),
    GRUCell: (_gru_step, 1),
}


def _zero_state(graph: Graph, xt: str, units: int) -> str:
    """Zeros of shape ``(n, units)`` for time-major inputs ``xt`` ``(T, n, F)``."""
    from onnx import helper

    shape = graph.node("Shape", [xt])
    n = graph.node("Gather", [shape, graph.constant([1], "batch_axis", dtype=np.int64)])
    size = graph.node(
        "Concat", [n, graph.constant([units], "units", dtype=np.int64)], axis=0
    )
    zero = helper.make_tensor("value", tensor_type(graph.dtype), [1], [0.0])
    return graph.node("ConstantOfShape", [size], value=zero)


def _body(graph: Graph, layer: RNN, step, n_states: int):
    """The ``Scan`` body of one step: ``(states, projection) -> (states, h)``."""
    body = graph.body()
    states = [body.fresh("state") for _ in range(n_states)]
    projected = body.fresh("projected")
    new = step(body, layer.cell, layer.params, states, projected)
    h_out = body.node("Identity", [new[0]])
    return body.proto(states + [projected], new + [h_out])


def convert_rnn(graph: Graph, layer: RNN, x: str) -> str:
    """Write the recurrent layer on ``x`` ``(n, T, F)``.

    Parameters
    ----------
    graph : Graph
        Where to write.
    layer : skdeep.nn.recurrent.RNN
        A built layer.
    x : str
        Name of the input, batch-major ``(n, T, F)``.

    Returns
    -------
    str
        Name of the output: ``(n, units)``, or ``(n, T, units)`` with
        ``return_sequences``.

    Raises
    ------
    ValueError
        If the layer's cell, or its activation, has no ONNX form.
    """
    entry = CELL_STEPS.get(type(layer.cell))
    if entry is None:
        known = ", ".join(sorted(cls.__name__ for cls in CELL_STEPS))
        raise ValueError(
            f"Cannot convert the recurrent cell {type(layer.cell).__name__} to "
            f"ONNX: skdeep.onnx has no converter for it (cells with one: {known})."
        )
    step, n_states = entry
    xt = graph.node("Transpose", [x], perm=[1, 0, 2])
    projected = affine(graph, xt, layer.kernel, layer.bias, "rnn")
    initial = [_zero_state(graph, xt, layer.units) for _ in range(n_states)]
    body = _body(graph, layer, step, n_states)
    outputs = graph.node(
        "Scan",
        initial + [projected],
        outputs=n_states + 1,
        body=body,
        num_scan_inputs=1,
    )
    if not layer.return_sequences:
        return outputs[0]
    return graph.node("Transpose", [outputs[-1]], perm=[1, 0, 2])
