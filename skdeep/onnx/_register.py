"""Which estimator converts how: the table skl2onnx is given.

:data:`CONVERTERS` maps each convertible estimator class to its shape
calculator, its converter and its options; :func:`register_converters` hands
the table to ``skl2onnx.update_registered_converter``. Classifiers declare
skl2onnx's ``zipmap``, ``output_class_labels`` and ``nocl`` options, so skl2onnx's
own classifier parser gives them its ``label`` and ``probabilities`` outputs
(and the ``ZipMap`` after them), as for scikit-learn's classifiers.

A new estimator of the engine converts with one more row: a network
regressor or classifier reuses :data:`REGRESSOR` or :data:`CLASSIFIER` as
they are when its ``_network`` reads its input directly; one with
preprocessing of its own writes a converter that emits it and then the
network (:func:`~skdeep.onnx._layers.emit_network`), its link and
:func:`~skdeep.onnx._estimators.classifier_outputs` (or its regressor's
output), as the tabular networks do (:mod:`skdeep.onnx._tabular`). An
estimator without an ONNX form yet is registered as :data:`REFUSED`.

The table names each function as ``"module:function"`` of this package, and
the functions registered with skl2onnx import their module on their first
call: registering imports neither the converters nor skl2onnx's own modules,
so it can run while skl2onnx is being imported by one of them (as the import
hook of :mod:`skdeep.onnx._hook` does) without a circular import.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from ..baselines import PolynomialRegression
from ..mlp import MLPClassifier, MLPRegressor
from ..preprocessing import SequenceScaler
from ..rnn import RNNClassifier, RNNRegressor, SimpleRNN, SimpleRNNClassifier
from ..tabular import TabularMLPClassifier, TabularMLPRegressor
from ..tabular._encoder import TabularEncoder

__all__ = ["CONVERTERS", "REGRESSOR", "CLASSIFIER", "register_converters"]

#: the options of every classifier, skl2onnx's names and values
CLASSIFIER_OPTIONS = {
    "zipmap": [True, False, "columns"],
    "output_class_labels": [False, True],
    "nocl": [True, False],
}
#: shape calculator, converter and options of the network regressors
REGRESSOR = (
    "_estimators:calculate_regressor_shape",
    "_estimators:convert_regressor",
    None,
)
#: ... and of the network classifiers
CLASSIFIER = (
    "_estimators:calculate_classifier_shapes",
    "_estimators:convert_classifier",
    CLASSIFIER_OPTIONS,
)

#: shape calculator and converter of an estimator without an ONNX form yet
REFUSED = ("_unsupported:refuse_conversion", "_unsupported:never_called", None)

#: every convertible class (exactly: a subclass needs its own row)
CONVERTERS = {
    MLPRegressor: REGRESSOR,
    MLPClassifier: CLASSIFIER,
    RNNRegressor: REGRESSOR,
    RNNClassifier: CLASSIFIER,
    SimpleRNN: REGRESSOR,
    SimpleRNNClassifier: CLASSIFIER,
    SequenceScaler: (
        "_preprocessing:calculate_sequence_scaler_shape",
        "_preprocessing:convert_sequence_scaler",
        None,
    ),
    PolynomialRegression: (
        "_baselines:calculate_polynomial_shape",
        "_baselines:convert_polynomial",
        None,
    ),
    TabularMLPRegressor: (
        "_tabular:calculate_tabular_regressor_shape",
        "_tabular:convert_tabular_regressor",
        None,
    ),
    TabularMLPClassifier: (
        "_tabular:calculate_tabular_classifier_shapes",
        "_tabular:convert_tabular_classifier",
        CLASSIFIER_OPTIONS,
    ),
    # the tabular networks' encoder alone (not public: for checking its graph)
    TabularEncoder: (
        "_tabular:calculate_encoder_shape",
        "_tabular:convert_encoder",
        None,
    ),
}


def resolve(name: str) -> Callable:
    """The function ``"module:function"`` of this package."""
    module, function = name.split(":")
    return getattr(importlib.import_module(f".{module}", __package__), function)


def _shape_calculator(name: str) -> Callable:
    def calculate(operator):  # skl2onnx checks the parameter names
        return resolve(name)(operator)

    calculate.__name__ = calculate.__qualname__ = name.split(":")[1]
    return calculate


def _converter(name: str) -> Callable:
    def convert(scope, operator, container):  # skl2onnx checks the names
        return resolve(name)(scope, operator, container)

    convert.__name__ = convert.__qualname__ = name.split(":")[1]
    return convert


def register_converters() -> None:
    """Register every converter of :data:`CONVERTERS` with skl2onnx, under
    the alias ``'Skdeep' + class name`` (again: registering twice is
    harmless)."""
    from skl2onnx import update_registered_converter

    for cls, (shape_calculator, converter, options) in CONVERTERS.items():
        update_registered_converter(
            cls,
            f"Skdeep{cls.__name__}",
            _shape_calculator(shape_calculator),
            _converter(converter),
            options=options,
        )
