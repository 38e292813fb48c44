"""Input gradients of fitted models, through the scalers in front of them.

:func:`input_jacobian` differentiates the predictions of a fitted skdeep
estimator, or of a :class:`~sklearn.pipeline.Pipeline` or
:class:`~sklearn.compose.TransformedTargetRegressor` around one, with respect
to the raw inputs the user passes. The estimator's own backward pass gives the
Jacobian on the inputs it sees; every step in front of it must be an affine,
per-feature scaler, whose derivative is a constant factor per feature, and a
target transformer must be affine too. Anything else raises a TypeError naming
the step, so a gradient is never silently wrong.
"""

from __future__ import annotations

import numpy as np
from sklearn.compose import TransformedTargetRegressor
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import (
    MaxAbsScaler,
    MinMaxScaler,
    RobustScaler,
    StandardScaler,
)
from sklearn.utils.validation import check_is_fitted

__all__ = ["input_jacobian", "has_input_jacobian"]


def _scaler_slope(scaler) -> np.ndarray | float:
    """``d transform(x) / d x`` per feature of a fitted affine scaler."""
    if isinstance(scaler, StandardScaler):
        return 1.0 if scaler.scale_ is None else 1.0 / scaler.scale_
    if isinstance(scaler, MinMaxScaler):
        if scaler.clip:
            raise TypeError(
                "MinMaxScaler(clip=True) is not affine (it clips outside the "
                "fitted range): input gradients need clip=False."
            )
        return scaler.scale_
    if isinstance(scaler, MaxAbsScaler | RobustScaler):
        scale = scaler.scale_
        return 1.0 if scale is None else 1.0 / scale
    raise TypeError(
        f"{type(scaler).__name__} is not one of the affine scalers input "
        "gradients can pass through (StandardScaler, MinMaxScaler, MaxAbsScaler, "
        "RobustScaler)."
    )


def _resolve(model, path: str = "model"):
    """``(final estimator, input slope, output slope)`` of ``model``: the
    estimator with ``input_jacobian`` and the factors the steps around it
    multiply its Jacobian by (per input feature, and per output)."""
    if isinstance(model, TransformedTargetRegressor):
        check_is_fitted(model)
        if model.func is not None or model.transformer_ is None:
            raise TypeError(
                f"{path}: a TransformedTargetRegressor with func/inverse_func is "
                "not known to be affine; use transformer=StandardScaler() (or "
                "another affine scaler)."
            )
        try:
            target_slope = 1.0 / np.asarray(_scaler_slope(model.transformer_))
        except TypeError as exc:
            raise TypeError(f"{path}.transformer: {exc}") from None
        final, inputs, outputs = _resolve(model.regressor_, f"{path}.regressor")
        return final, inputs, outputs * target_slope
    if isinstance(model, Pipeline):
        check_is_fitted(model)
        slope: np.ndarray | float = 1.0
        for name, step in model.steps[:-1]:
            if step is None or step == "passthrough":
                continue
            try:
                slope = slope * np.asarray(_scaler_slope(step))
            except TypeError as exc:
                raise TypeError(f"{path} step {name!r}: {exc}") from None
        final, inputs, outputs = _resolve(model.steps[-1][1], f"{path}[-1]")
        return final, slope * inputs, outputs
    if not hasattr(model, "input_jacobian"):
        raise TypeError(
            f"{path}: {type(model).__name__} has no input gradients (only "
            "skdeep's networks do, alone or behind affine scalers)."
        )
    return model, np.asarray(1.0), np.asarray(1.0)


def has_input_jacobian(model) -> bool:
    """Whether :func:`input_jacobian` can differentiate ``model``.

    Parameters
    ----------
    model : estimator
        A fitted estimator, pipeline or target transformer.

    Returns
    -------
    bool

    Examples
    --------
    >>> from sklearn.linear_model import Ridge
    >>> has_input_jacobian(Ridge())
    False
    """
    try:
        _resolve(model)
    except TypeError:
        return False
    return True


def input_jacobian(model, X) -> np.ndarray:
    """Jacobian of a fitted model's predictions with respect to its raw inputs.

    Parameters
    ----------
    model : estimator
        A fitted skdeep estimator, or a ``Pipeline`` of affine scalers
        (``StandardScaler``, ``MinMaxScaler``, ``MaxAbsScaler``,
        ``RobustScaler``, ``"passthrough"``) ending in one, or a
        ``TransformedTargetRegressor`` with an affine ``transformer`` around
        either.
    X : array-like of shape (n_samples, n_features)
        Inputs, as ``model.predict`` takes them.

    Returns
    -------
    ndarray of shape (n_samples, n_outputs, n_features)
        ``J[i, k, j]``: derivative of output ``k`` (a predicted value, or a
        class probability) of sample ``i`` with respect to input ``j``.

    Raises
    ------
    TypeError
        If a step is not affine or the final estimator has no input
        gradients; the message names the step.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.compose import TransformedTargetRegressor
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skdeep import MLPRegressor
    >>> X = np.random.RandomState(0).uniform(0, 100, size=(80, 2))
    >>> model = TransformedTargetRegressor(
    ...     make_pipeline(StandardScaler(), MLPRegressor(
    ...         hidden_layer_sizes=(8,), solver="lbfgs", random_state=0)),
    ...     transformer=StandardScaler()).fit(X, X @ [3.0, -1.0])
    >>> input_jacobian(model, X[:2]).round(1).shape
    (2, 1, 2)
    """
    final, input_slope, output_slope = _resolve(model)
    transformed = _transform_inputs(model, X)
    jacobian = final.input_jacobian(transformed)
    slope = np.asarray(input_slope, dtype=jacobian.dtype)
    jacobian = jacobian * slope.reshape((1, 1) + slope.shape)
    out = np.asarray(output_slope, dtype=jacobian.dtype).reshape(-1)
    return jacobian * out.reshape(1, -1, *([1] * (jacobian.ndim - 2)))


def _transform_inputs(model, X):
    """``X`` as the final estimator sees it (through the pipelines' steps)."""
    if isinstance(model, TransformedTargetRegressor):
        return _transform_inputs(model.regressor_, X)
    if isinstance(model, Pipeline):
        for _, step in model.steps[:-1]:
            if step is not None and step != "passthrough":
                X = step.transform(X)
        return _transform_inputs(model.steps[-1][1], X)
    return X
