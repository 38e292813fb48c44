"""The hidden-layer activations of :mod:`skdeep.nn.activations` in ONNX.

:data:`ONNX_ACTIVATIONS` maps each name of the engine's registry to a
function ``form(graph, x) -> y`` that writes the activation with ONNX
operators; :func:`emit_activation` looks an activation up there and raises a
ValueError naming it when it has no ONNX form, so a new activation of the
engine cannot convert to a silently different graph. ONNX Runtime has no
float64 kernel for ``LeakyRelu``, ``Elu``, ``Softplus`` or ``Erf``: those activations are
written with elementary operators that it runs in both float types.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from ..nn import activations as _activations
from ._graph import Graph

__all__ = ["ONNX_ACTIVATIONS", "emit_activation", "erf"]

#: terms of the series of :func:`erf` in float64 (error below 1e-14)
ERF_TERMS = 96
#: beyond this |x|, erf(x) is +-1 to float64's precision
ERF_CLIP = 6.0


def _unary(op: str) -> Callable[[Graph, str], str]:
    """The form of an activation that is one ONNX operator."""

    def form(graph: Graph, x: str) -> str:
        return graph.node(op, [x])

    form.__doc__ = f"``{op}(x)``."
    return form


def _identity(graph: Graph, x: str) -> str:
    """``x`` itself: no node."""
    return x


def _leaky_relu(graph: Graph, x: str) -> str:
    """``max(x, slope * x)`` with the engine's slope (ONNX Runtime has no
    float64 ``LeakyRelu`` from opset 16 on)."""
    slope = graph.constant(_activations.LEAKY_RELU_SLOPE, "slope")
    return graph.node("Max", [x, graph.node("Mul", [x, slope])])


def _elu(graph: Graph, x: str, alpha: float = _activations.ELU_ALPHA) -> str:
    """``relu(x) + alpha * (exp(min(x, 0)) - 1)``, as the engine computes it."""
    negative = graph.node("Min", [x, graph.constant(0.0, "zero")])
    expm1 = graph.node(
        "Sub", [graph.node("Exp", [negative]), graph.constant(1.0, "one")]
    )
    scaled = graph.node("Mul", [expm1, graph.constant(alpha, "alpha")])
    return graph.node("Add", [graph.node("Relu", [x]), scaled])


def _selu(graph: Graph, x: str) -> str:
    """``scale * elu(x, alpha)`` with selu's constants (ONNX Runtime's
    ``Selu`` has no float64 kernel)."""
    elu = _elu(graph, x, _activations.SELU_ALPHA)
    return graph.node("Mul", [elu, graph.constant(_activations.SELU_SCALE, "scale")])


def _softplus(graph: Graph, x: str) -> str:
    """``relu(x) + log(1 + exp(-|x|))``: ``log(1 + exp(x))`` without overflow."""
    tail = graph.node("Exp", [graph.node("Neg", [graph.node("Abs", [x])])])
    log = graph.node("Log", [graph.node("Add", [tail, graph.constant(1.0, "one")])])
    return graph.node("Add", [graph.node("Relu", [x]), log])


def _mish(graph: Graph, x: str) -> str:
    """``x * tanh(softplus(x))``, softplus as :func:`_softplus` writes it."""
    return graph.node("Mul", [x, graph.node("Tanh", [_softplus(graph, x)])])


def erf(graph: Graph, x: str) -> str:
    """The error function of ``x``: the ``Erf`` operator in float32; in
    float64, for which ONNX Runtime has no ``Erf`` kernel, the series
    ``erf(x) = 2 / sqrt(pi) * exp(-x**2) * sum_k 2**k x**(2k+1) / (2k+1)!!``
    (positive terms: no cancellation) on ``x`` clipped to ``[-6, 6]``, by
    Horner's rule in ``v = (x / 6)**2``: its coefficients stay within
    ``[0.06, 5e13]`` (ONNX Runtime's optimizer takes an ``Add`` of a constant
    below float32's range for an ``Add`` of zero and drops it)."""
    if graph.dtype == np.float32:
        return graph.node("Erf", [x])
    limit = graph.constant(ERF_CLIP, "erf_clip")
    x = graph.node("Min", [graph.node("Max", [x, graph.node("Neg", [limit])]), limit])
    unit = graph.node("Mul", [x, graph.constant(1.0 / ERF_CLIP, "inv_erf_clip")])
    v = graph.node("Mul", [unit, unit])
    # coefficient k of the polynomial in v: (2 * 6**2)**k / (3 * 5 * ... * (2k + 1))
    steps = [2.0 * ERF_CLIP**2 / (2 * k + 1) for k in range(1, ERF_TERMS)]
    coefficients = np.cumprod([1.0] + steps)
    total = graph.constant(coefficients[-1], "erf_coef")
    for a in coefficients[-2::-1]:
        total = graph.node("Add", [graph.node("Mul", [total, v]), graph.constant(a)])
    scale = graph.constant(2.0 / math.sqrt(math.pi), "two_over_sqrt_pi")
    gauss = graph.node("Exp", [graph.node("Neg", [graph.node("Mul", [x, x])])])
    gauss = graph.node("Mul", [gauss, scale])
    return graph.node("Mul", [gauss, graph.node("Mul", [x, total])])


def _gelu(graph: Graph, x: str) -> str:
    """The exact gelu, ``x * Phi(x) = x * 0.5 * (1 + erf(x / sqrt(2)))``."""
    scaled = graph.node("Mul", [x, graph.constant(1.0 / math.sqrt(2.0), "inv_sqrt2")])
    phi = graph.node("Add", [erf(graph, scaled), graph.constant(1.0, "one")])
    phi = graph.node("Mul", [phi, graph.constant(0.5, "half")])
    return graph.node("Mul", [x, phi])


#: the ONNX form of every activation of :data:`skdeep.nn.activations.ACTIVATIONS`,
#: by the name the engine gives it (``'sigmoid'`` is ``'logistic'``)
ONNX_ACTIVATIONS: dict[str, Callable[[Graph, str], str]] = {
    "identity": _identity,
    "logistic": _unary("Sigmoid"),
    "tanh": _unary("Tanh"),
    "relu": _unary("Relu"),
    "leaky_relu": _leaky_relu,
    "elu": _elu,
    "softplus": _softplus,
    "gelu": _gelu,
    "selu": _selu,
    "mish": _mish,
}


def emit_activation(graph: Graph, activation: _activations.Activation, x: str) -> str:
    """Write ``activation`` applied to ``x``; return the output's name.

    Parameters
    ----------
    graph : Graph
        Where to write.
    activation : skdeep.nn.activations.Activation
        An activation of the engine's registry.
    x : str
        Name of the input.

    Returns
    -------
    str

    Raises
    ------
    ValueError
        If the activation has no ONNX form, or is not the one the engine's
        registry holds under its name.
    """
    form = ONNX_ACTIVATIONS.get(activation.name)
    registered = _activations.ACTIVATIONS.get(activation.name)
    if form is None or registered is not activation:
        known = ", ".join(sorted(ONNX_ACTIVATIONS))
        raise ValueError(
            f"Cannot convert the activation {activation.name!r} to ONNX: it has no "
            f"ONNX form in skdeep.onnx (activations with one: {known})."
        )
    return form(graph, x)
