"""Losses with their canonical output links.

Every loss owns the link that turns the raw network output into a prediction
(identity, exp, logistic, softmax). Because each link is the canonical one for
its loss, the gradient with respect to the raw output is simply
``link(raw) - y``, written once here and never in the network.

All values are *means over samples* (weighted by ``sample_weight`` and divided by
its sum, as scikit-learn does) and *sums over outputs*, so the value and the
gradient are always consistent.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit, xlogy

from ._params import Configurable, _check_range
from ._registry import lookup

__all__ = [
    "Loss",
    "SquaredError",
    "AbsoluteError",
    "Huber",
    "Poisson",
    "BinaryLogLoss",
    "MulticlassLogLoss",
    "LOSSES",
    "REGRESSION_LOSSES",
    "get",
]


def _row_dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row-wise dot products of two 2-D arrays."""
    return np.einsum("ij,ij->i", a, b)


class Loss(Configurable):
    """Base class: a pointwise loss with its canonical inverse link.

    Subclasses implement :meth:`link` and ``_pointwise``.

    Attributes
    ----------
    name : str
        Registry name.
    link_name : str
        Name of the output link (``out_activation_`` in scikit-learn's terms).
    """

    name: str = ""
    link_name: str = "identity"

    def link(self, raw: np.ndarray) -> np.ndarray:
        """Map raw outputs to predictions, in place when possible.

        Parameters
        ----------
        raw : ndarray of shape (n_samples, n_outputs)

        Returns
        -------
        ndarray of shape (n_samples, n_outputs)
        """
        raise NotImplementedError

    def link_slope(self, prediction: np.ndarray) -> np.ndarray:
        """Derivative of an element-wise link, from its output ``prediction``.

        Returns
        -------
        ndarray of the shape of ``prediction``
        """
        return np.ones_like(prediction)  # the identity

    def link_jacobian(self, raw: np.ndarray) -> np.ndarray:
        """Derivatives of the predictions with respect to the raw outputs.

        Parameters
        ----------
        raw : ndarray of shape (n_samples, n_outputs)
            Left untouched.

        Returns
        -------
        ndarray of shape (n_samples, n_outputs, n_outputs)
            ``J[i, k, j] = d link(raw)[i, k] / d raw[i, j]``; diagonal for the
            element-wise links.

        Examples
        --------
        >>> import numpy as np
        >>> Poisson().link_jacobian(np.array([[0.0, np.log(2.0)]]))
        array([[[1., 0.],
                [0., 2.]]])
        """
        prediction = self.link(np.array(raw, copy=True))
        n, k = prediction.shape
        jacobian = np.zeros((n, k, k), dtype=prediction.dtype)
        diagonal = np.arange(k)
        jacobian[:, diagonal, diagonal] = self.link_slope(prediction)
        return jacobian

    def _pointwise(self, y: np.ndarray, raw: np.ndarray, out: np.ndarray) -> np.ndarray:
        """Write ``d loss_i / d raw_i`` (unweighted) into ``out``.

        Returns the per-sample loss, summed over outputs. ``out`` may be ``raw``.
        """
        raise NotImplementedError

    def loss_gradient(
        self,
        y: np.ndarray,
        raw: np.ndarray,
        sample_weight: np.ndarray | None = None,
        sw_sum: float | None = None,
        out: np.ndarray | None = None,
    ) -> tuple[float, np.ndarray]:
        """Mean loss and its gradient with respect to ``raw``.

        Parameters
        ----------
        y : ndarray of shape (n_samples, n_outputs)
            Targets (one-hot or indicator matrix for classification).
        raw : ndarray of shape (n_samples, n_outputs)
            Raw network outputs (before the link).
        sample_weight : ndarray of shape (n_samples,), default=None
        sw_sum : float, default=None
            The normalizer; defaults to ``n_samples`` or the weights' sum.
        out : ndarray, default=None
            Where to write the gradient; may be ``raw`` itself.

        Returns
        -------
        value : float
        gradient : ndarray of shape (n_samples, n_outputs)
        """
        if out is None:
            out = np.empty_like(raw)
        per_sample = self._pointwise(y, raw, out)
        if sample_weight is None:
            if sw_sum is None:
                sw_sum = raw.shape[0]
            value = float(per_sample.sum()) / sw_sum
            out *= 1.0 / sw_sum
        else:
            if sw_sum is None:
                sw_sum = float(sample_weight.sum())
            value = float(per_sample @ sample_weight) / sw_sum
            out *= (sample_weight * (1.0 / sw_sum))[:, None].astype(out.dtype)
        return value, out

    def __call__(
        self,
        y: np.ndarray,
        raw: np.ndarray,
        sample_weight: np.ndarray | None = None,
    ) -> float:
        """Mean loss of raw outputs ``raw`` against ``y`` (inputs untouched)."""
        return self.loss_gradient(y, raw, sample_weight)[0]

    def validate(self) -> None:
        """Raise a ValueError naming any hyperparameter out of its range."""


class SquaredError(Loss):
    """Half squared error, identity link: ``0.5 * sum_k (raw_k - y_k)**2``.

    Examples
    --------
    >>> import numpy as np
    >>> SquaredError()(np.array([[1.0]]), np.array([[3.0]]))
    2.0
    """

    name = "squared_error"
    link_name = "identity"

    def link(self, raw):
        return raw

    def _pointwise(self, y, raw, out):
        np.subtract(raw, y, out=out)
        return 0.5 * _row_dot(out, out)


class AbsoluteError(Loss):
    """Absolute error, identity link: ``sum_k |raw_k - y_k|``.

    Its gradient is ``sign(raw - y)`` (0 at a perfect prediction).

    Examples
    --------
    >>> import numpy as np
    >>> AbsoluteError()(np.array([[1.0]]), np.array([[3.0]]))
    2.0
    """

    name = "absolute_error"
    link_name = "identity"

    def link(self, raw):
        return raw

    def _pointwise(self, y, raw, out):
        np.subtract(raw, y, out=out)
        per_sample = np.abs(out).sum(axis=1)
        np.sign(out, out=out)
        return per_sample


class Huber(Loss):
    """Huber loss, identity link: quadratic within ``delta``, linear beyond.

    ``0.5 * r**2`` if ``|r| <= delta`` else ``delta * (|r| - 0.5 * delta)``,
    with ``r = raw - y``, summed over outputs; the gradient is
    ``clip(r, -delta, delta)``.

    Parameters
    ----------
    delta : float, default=1.0
        Where the loss turns from quadratic to linear, ``> 0``.

    Examples
    --------
    >>> import numpy as np
    >>> Huber(delta=1.0)(np.array([[0.0], [0.0]]), np.array([[0.5], [3.0]]))
    1.3125
    """

    name = "huber"
    link_name = "identity"

    def __init__(self, delta: float = 1.0) -> None:
        self.delta = delta

    def validate(self) -> None:
        _check_range(self, "delta", self.delta, 0, None, low_open=True)

    def link(self, raw):
        return raw

    def _pointwise(self, y, raw, out):
        d = self.delta
        np.subtract(raw, y, out=out)
        a = np.abs(out)
        per_sample = np.where(a <= d, 0.5 * out * out, d * (a - 0.5 * d)).sum(axis=1)
        np.clip(out, -d, d, out=out)
        return per_sample


class Poisson(Loss):
    """Half Poisson deviance with the exp link.

    ``pred - y*raw + y*log(y) - y`` with ``pred = exp(raw)``: zero at a perfect
    prediction, as scikit-learn's ``poisson`` loss. Requires ``y >= 0``.
    """

    name = "poisson"
    link_name = "exp"

    def link(self, raw):
        # the largest finite exponent of the dtype: predictions never overflow
        np.minimum(raw, np.log(np.finfo(raw.dtype).max), out=raw)
        return np.exp(raw, out=raw)

    def link_slope(self, prediction):
        return prediction.copy()  # exp' = exp

    def _pointwise(self, y, raw, out):
        per_sample = (xlogy(y, y) - y).sum(axis=1) - _row_dot(y, raw)
        np.exp(raw, out=out)
        per_sample += out.sum(axis=1)
        out -= y
        return per_sample


class BinaryLogLoss(Loss):
    """Binary (and multilabel) log-loss with the logistic link.

    Computed from raw outputs as ``log(1 + exp(raw)) - y * raw``, which never
    takes the log of a rounded probability.
    """

    name = "binary_log_loss"
    link_name = "logistic"

    def link(self, raw):
        return expit(raw, out=raw)

    def link_slope(self, prediction):
        return prediction * (1.0 - prediction)

    def _pointwise(self, y, raw, out):
        per_sample = np.logaddexp(0.0, raw).sum(axis=1) - _row_dot(y, raw)
        expit(raw, out=out)
        out -= y
        return per_sample


class MulticlassLogLoss(Loss):
    """Multiclass log-loss (cross-entropy) with the softmax link.

    Uses the log-sum-exp form ``logsumexp(raw) - sum_k y_k raw_k`` for the value.
    """

    name = "log_loss"
    link_name = "softmax"

    def link(self, raw):
        raw -= raw.max(axis=-1, keepdims=True)
        np.exp(raw, out=raw)
        raw /= raw.sum(axis=-1, keepdims=True)
        return raw

    def link_jacobian(self, raw):
        # d p_k / d raw_j = p_k (1[k == j] - p_j)
        p = self.link(np.array(raw, copy=True))
        jacobian = -p[:, :, None] * p[:, None, :]
        diagonal = np.arange(p.shape[1])
        jacobian[:, diagonal, diagonal] += p
        return jacobian

    def _pointwise(self, y, raw, out):
        shifted_max = raw.max(axis=1, keepdims=True)
        np.subtract(raw, shifted_max, out=out)
        y_dot_shifted = _row_dot(y, out)
        np.exp(out, out=out)
        sum_exp = out.sum(axis=1, keepdims=True)
        out /= sum_exp
        out -= y
        return np.log(sum_exp[:, 0]) * y.sum(axis=1) - y_dot_shifted


LOSSES: dict[str, type[Loss]] = {
    cls.name: cls
    for cls in (
        SquaredError,
        AbsoluteError,
        Huber,
        Poisson,
        BinaryLogLoss,
        MulticlassLogLoss,
    )
}
#: the losses a regressor's ``loss`` parameter accepts
REGRESSION_LOSSES = ("squared_error", "absolute_error", "huber", "poisson")


def get(name: str | Loss) -> Loss:
    """Return a loss instance from a registry name or a :class:`Loss`.

    Raises
    ------
    ValueError
        If ``name`` is unknown; the message lists the valid names.
    """
    if isinstance(name, Loss):
        return name
    return lookup(LOSSES, name, "loss", plural="losses")()
