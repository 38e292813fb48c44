"""The converter of :class:`skdeep.PolynomialRegression`: its fitted
pipeline (``StandardScaler``, ``PolynomialFeatures``, a linear model), each
step by skl2onnx's own converter."""

from __future__ import annotations

import numpy as np

from ._estimators import check_inputs, float_dtype, float_tensor_type

__all__ = ["calculate_polynomial_shape", "convert_polynomial"]


def calculate_polynomial_shape(operator) -> None:
    """skl2onnx's shape calculator: ``(n, n_outputs)`` predictions."""
    model, variable = operator.raw_operator, operator.inputs[0]
    check_inputs(model, operator.inputs, joinable=False)
    n_outputs = 1 if np.ndim(model.coef_) == 1 else np.shape(model.coef_)[0]
    shape = [variable.get_first_dimension(), n_outputs]
    dtype = float_dtype(variable, np.float32)
    operator.outputs[0].type = float_tensor_type(dtype, shape)


def convert_polynomial(scope, operator, container) -> None:
    """skl2onnx's converter: the fitted ``pipeline_``, converted in place."""
    from skl2onnx.algebra.onnx_operator import OnnxSubEstimator

    model = operator.raw_operator
    sub = OnnxSubEstimator(
        model.pipeline_,
        operator.inputs[0],
        op_version=container.target_opset,
        output_names=operator.outputs[:1],
    )
    sub.add_to(scope, container)
