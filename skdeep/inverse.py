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

from dataclasses import dataclass, field, replace

import numpy as np
from sklearn.base import is_regressor
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


@dataclass(frozen=True)
class _Affine:
    """``inputs -> inputs * in_slope + in_offset`` (per feature) in front of
    an estimator, and ``outputs -> outputs * out_slope + out_offset`` (per
    output) after it."""

    in_slope: np.ndarray = field(default_factory=lambda: np.asarray(1.0))
    in_offset: np.ndarray = field(default_factory=lambda: np.asarray(0.0))
    out_slope: np.ndarray = field(default_factory=lambda: np.asarray(1.0))
    out_offset: np.ndarray = field(default_factory=lambda: np.asarray(0.0))

    def then_inputs(self, slope, offset) -> _Affine:
        """This map with ``x -> x * slope + offset`` applied to the inputs
        after it (a later pipeline step)."""
        return replace(
            self,
            in_slope=self.in_slope * slope,
            in_offset=self.in_offset * slope + offset,
        )

    def inner(self, other: _Affine) -> _Affine:
        """This map around ``other`` (an estimator nested inside)."""
        outer = self.then_inputs(other.in_slope, other.in_offset)
        return replace(
            outer,
            out_slope=other.out_slope * self.out_slope,
            out_offset=other.out_offset * self.out_slope + self.out_offset,
        )


def _scaler_affine(scaler) -> tuple[np.ndarray, np.ndarray]:
    """``(slope, offset)`` per feature of a fitted affine scaler:
    ``transform(x) = x * slope + offset``."""
    if isinstance(scaler, StandardScaler):
        return _divide_and_shift(
            scaler.scale_, scaler.mean_ if scaler.with_mean else None
        )
    if isinstance(scaler, MinMaxScaler):
        if scaler.clip:
            raise TypeError(
                "MinMaxScaler(clip=True) is not affine (it clips outside the "
                "fitted range): input gradients need clip=False."
            )
        return np.asarray(scaler.scale_), np.asarray(scaler.min_)
    if isinstance(scaler, MaxAbsScaler):
        return _divide_and_shift(scaler.scale_, None)
    if isinstance(scaler, RobustScaler):
        return _divide_and_shift(
            scaler.scale_, scaler.center_ if scaler.with_centering else None
        )
    raise TypeError(
        f"{type(scaler).__name__} is not one of the affine scalers input "
        "gradients can pass through (StandardScaler, MinMaxScaler, MaxAbsScaler, "
        "RobustScaler)."
    )


def _divide_and_shift(scale, center):
    """``(x - center) / scale`` as ``(slope, offset)``; None: no scaling or
    no centering."""
    slope = np.asarray(1.0) if scale is None else 1.0 / np.asarray(scale)
    offset = np.asarray(0.0) if center is None else -np.asarray(center) * slope
    return slope, offset


def _resolve(model, path: str = "model"):
    """``(final estimator, _Affine)`` of ``model``: the estimator with
    ``input_jacobian`` and the affine maps of the steps around it."""
    if isinstance(model, TransformedTargetRegressor):
        check_is_fitted(model)
        if model.func is not None or model.transformer_ is None:
            raise TypeError(
                f"{path}: a TransformedTargetRegressor with func/inverse_func is "
                "not known to be affine; use transformer=StandardScaler() (or "
                "another affine scaler)."
            )
        try:
            slope, offset = _scaler_affine(model.transformer_)
        except TypeError as exc:
            raise TypeError(f"{path}.transformer: {exc}") from None
        final, inner = _resolve(model.regressor_, f"{path}.regressor")
        # predictions: inverse_transform(t) = (t - offset) / slope
        return final, _Affine(out_slope=1.0 / slope, out_offset=-offset / slope).inner(
            inner
        )
    if isinstance(model, Pipeline):
        check_is_fitted(model)
        affine = _Affine()
        for name, step in model.steps[:-1]:
            if step is None or step == "passthrough":
                continue
            try:
                affine = affine.then_inputs(*_scaler_affine(step))
            except TypeError as exc:
                raise TypeError(f"{path} step {name!r}: {exc}") from None
        final, inner = _resolve(model.steps[-1][1], f"{path}[-1]")
        return final, affine.inner(inner)
    if not hasattr(model, "input_jacobian"):
        raise TypeError(
            f"{path}: {type(model).__name__} has no input gradients (only "
            "skdeep's networks do, alone or behind affine scalers)."
        )
    return model, _Affine()


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
    final, affine = _resolve(model)
    transformed = _transform_inputs(model, X)
    jacobian = final.input_jacobian(transformed)
    return _scale_jacobian(jacobian, affine)


def _scale_jacobian(jacobian: np.ndarray, affine: _Affine) -> np.ndarray:
    """The final estimator's Jacobian, times the slopes of the maps around it."""
    slope = np.asarray(affine.in_slope, dtype=jacobian.dtype)
    jacobian = jacobian * slope.reshape((1, 1) + slope.shape)
    out = np.asarray(affine.out_slope, dtype=jacobian.dtype).reshape(-1)
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


class _ArrayRegressor:
    """A fitted skdeep regressor behind affine maps, evaluated on finite float
    arrays of the raw inputs without validation (an optimizer's inner loop).

    Parameters
    ----------
    final : skdeep regressor
        The fitted network at the end of the chain.
    affine : _Affine
        The maps of the scalers in front and the target transformer around.
    """

    def __init__(self, final, affine: _Affine) -> None:
        self.final, self.affine = final, affine

    def _network_input(self, X: np.ndarray) -> np.ndarray:
        a = self.affine
        return self.final._as_network_input(X * a.in_slope + a.in_offset)

    def _outputs(self, out: np.ndarray) -> np.ndarray:
        out = out.reshape(len(out), -1)
        return out * self.affine.out_slope + self.affine.out_offset

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Predictions, shape (n_samples, n_outputs)."""
        return self._outputs(self.final._forward(self._network_input(X)))

    def predict_and_jacobian(
        self, X: np.ndarray, outputs: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Predictions and their input Jacobian, shape (n_samples, n_outputs,
        n_features), from one pass through the network; ``outputs``: the
        only ones differentiated (the other rows of the Jacobian are 0)."""
        final, a = self.final, self.affine
        out, J = final._outputs_and_input_jacobian(self._network_input(X), outputs)
        out = self._outputs(out)
        J = J.reshape(*J.shape[:2], -1)
        if outputs is None:
            return out, _scale_jacobian(J, a)
        slope = np.broadcast_to(np.asarray(a.out_slope).reshape(-1), out.shape[1:])
        full = np.zeros((*out.shape, J.shape[2]), dtype=J.dtype)
        full[:, outputs] = _scale_jacobian(J, replace(a, out_slope=slope[outputs]))
        return out, full


def array_regressor(model) -> _ArrayRegressor | None:
    """``model`` as an :class:`_ArrayRegressor`, or None when it is not a
    skdeep regressor, alone or behind affine steps."""
    try:
        final, affine = _resolve(model)
    except TypeError:
        return None
    if not is_regressor(final) or not hasattr(final, "_as_network_input"):
        return None
    return _ArrayRegressor(final, affine)
