"""Estimators registered only to refuse conversion with a clear message.

The tabular networks encode their table (robust scaling, one-hot codes,
learned embeddings of string categories) before the network: until that
encoding has an ONNX form, converting them raises a ValueError that says
so, rather than skl2onnx's generic "unable to find a shape calculator".
"""

from __future__ import annotations

__all__ = ["refuse_conversion"]


def refuse_conversion(operator) -> None:
    """Shape calculator that raises: the estimator has no ONNX form yet."""
    name = type(operator.raw_operator).__name__
    raise ValueError(
        f"{name} cannot be converted to ONNX yet: its table encoding (robust "
        "scaling, one-hot codes and embeddings of string categories) has no ONNX "
        "form in skdeep.onnx. Save it with skdeep.io.save (skops) instead, or "
        "deploy MLPRegressor/MLPClassifier in a scikit-learn encoding pipeline, "
        "which converts."
    )


def never_called(scope, operator, container) -> None:  # pragma: no cover
    """Converter of a refused estimator (its shape calculator raises first)."""
    refuse_conversion(operator)
