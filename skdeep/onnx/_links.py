"""The output links of :mod:`skdeep.nn.losses` in ONNX.

:data:`LINKS` maps each link name (``Loss.link_name``) to ``form(graph, raw)
-> prediction``. :func:`emit_link` accepts a loss only when its ``link``
method is the one of a loss of the engine's registry with that link name, so
a custom loss that names a known link but computes another cannot convert to
a silently different graph.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..nn import losses as _losses
from ._graph import Graph

__all__ = ["LINKS", "emit_link"]


def _identity(graph: Graph, raw: str) -> str:
    """The raw output itself."""
    return raw


def _exp(graph: Graph, raw: str) -> str:
    """``exp(min(raw, log(max float)))``: predictions never overflow, as the
    Poisson loss's link."""
    limit = graph.constant(np.log(np.finfo(graph.dtype).max), "log_max")
    return graph.node("Exp", [graph.node("Min", [raw, limit])])


def _logistic(graph: Graph, raw: str) -> str:
    """The logistic sigmoid of each output (binary and multilabel)."""
    return graph.node("Sigmoid", [raw])


def _softmax(graph: Graph, raw: str) -> str:
    """The softmax over the last axis (multiclass)."""
    return graph.node("Softmax", [raw], axis=-1)


#: the ONNX form of each output link, by ``Loss.link_name``
LINKS: dict[str, Callable[[Graph, str], str]] = {
    "identity": _identity,
    "exp": _exp,
    "logistic": _logistic,
    "softmax": _softmax,
}


def _registered_links() -> dict[str, set]:
    """The ``link`` methods of the engine's losses, by link name."""
    methods: dict[str, set] = {}
    for cls in _losses.LOSSES.values():
        methods.setdefault(cls.link_name, set()).add(cls.link)
    return methods


def emit_link(graph: Graph, loss: _losses.Loss, raw: str) -> str:
    """Write the link of ``loss`` on the raw network output ``raw``.

    Parameters
    ----------
    graph : Graph
        Where to write.
    loss : skdeep.nn.losses.Loss
        The fitted estimator's loss (``_loss``).
    raw : str
        Name of the raw output.

    Returns
    -------
    str

    Raises
    ------
    ValueError
        If the loss's link has no ONNX form.
    """
    form = LINKS.get(loss.link_name)
    if form is None or type(loss).link not in _registered_links().get(
        loss.link_name, ()
    ):
        known = ", ".join(sorted(LINKS))
        raise ValueError(
            f"Cannot convert the output link of the loss {type(loss).__name__} "
            f"(link_name={loss.link_name!r}) to ONNX: skdeep.onnx writes the links "
            f"of skdeep's own losses only ({known})."
        )
    return form(graph, raw)
