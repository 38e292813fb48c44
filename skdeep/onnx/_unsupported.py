"""Estimators registered only to refuse conversion with a clear message.

An estimator of skdeep without an ONNX form yet gets the row
:data:`~skdeep.onnx._register.REFUSED`: converting it raises a ValueError
that says so, rather than skl2onnx's generic "unable to find a shape
calculator". (Every public estimator converts today.)
"""

from __future__ import annotations

__all__ = ["refuse_conversion"]


def refuse_conversion(operator) -> None:
    """Shape calculator that raises: the estimator has no ONNX form yet."""
    name = type(operator.raw_operator).__name__
    raise ValueError(
        f"{name} cannot be converted to ONNX yet: it has no ONNX form in "
        "skdeep.onnx. Save it with skdeep.io.save (skops) instead."
    )


def never_called(scope, operator, container) -> None:  # pragma: no cover
    """Converter of a refused estimator (its shape calculator raises first)."""
    refuse_conversion(operator)
