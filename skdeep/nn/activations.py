"""Hidden-layer activation functions, applied in place, with their derivatives.

Each :class:`Activation` pairs a forward rule with its backward rule. The forward
rule overwrites the pre-activation ``z`` with the output ``a``. The backward rule
multiplies an upstream gradient ``delta`` in place by ``f'(z)``; most rules need
only the output ``a`` (relu, tanh, logistic, ...), so the pre-activation is kept
only for the activations that declare ``needs_input=True`` (gelu).

In training, a layer may call :meth:`Activation.forward_train` instead, which can
leave in a cache buffer whatever makes the backward rule cheapest: relu writes
its 0/1 slope there, so its backward rule is one multiplication, with no
comparison and no boolean temporary.

Output links (identity, exp, logistic, softmax) are not here: they belong to the
losses, so that the output gradient is always ``link(raw) - y``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.special import expit, ndtr

from ._registry import lookup

__all__ = ["Activation", "ACTIVATIONS", "get"]

_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
LEAKY_RELU_SLOPE = 0.01
ELU_ALPHA = 1.0
#: selu's constants (Klambauer et al., 2017), as torch.nn.SELU's
SELU_ALPHA = 1.6732632423543772
SELU_SCALE = 1.0507009873554805


@dataclass(frozen=True)
class Activation:
    """An element-wise activation function and its derivative.

    Parameters
    ----------
    name : str
        Registry name.
    forward : callable
        ``forward(z)`` overwrites ``z`` with ``f(z)``.
    derivative : callable
        ``derivative(a, z, delta)`` multiplies ``delta`` in place by ``f'(z)``,
        where ``a = f(z)``; ``z`` is ``None`` unless ``needs_input`` is true.
    needs_input : bool
        Whether ``derivative`` needs the pre-activation ``z``.
    cached_forward : callable, default=None
        ``cached_forward(z, cache)`` overwrites ``z`` with ``f(z)`` and fills
        ``cache`` (same shape) with what ``derivative`` then receives as its
        ``z`` argument; for relu, the slope ``f'(z)`` itself.
    """

    name: str
    forward: Callable[[np.ndarray], None]
    derivative: Callable[[np.ndarray, np.ndarray | None, np.ndarray], None]
    needs_input: bool = False
    cached_forward: Callable[[np.ndarray, np.ndarray], None] | None = None

    @property
    def uses_cache(self) -> bool:
        """Whether training keeps a buffer the shape of the output for backward."""
        return self.needs_input or self.cached_forward is not None

    def forward_train(self, z: np.ndarray, cache: np.ndarray | None) -> None:
        """Training-mode forward rule: overwrite ``z`` with ``f(z)`` and, when
        :attr:`uses_cache`, fill ``cache`` for ``derivative``."""
        if self.cached_forward is not None:
            self.cached_forward(z, cache)
            return
        if self.needs_input:
            np.copyto(cache, z)
        self.forward(z)

    def __call__(self, z: np.ndarray) -> np.ndarray:
        """Return ``f(z)`` as a new array (``z`` is left untouched)."""
        a = np.array(z, copy=True)
        self.forward(a)
        return a

    def gradient(self, z: np.ndarray) -> np.ndarray:
        """Return ``f'(z)`` as a new array."""
        a = self(z)
        delta = np.ones_like(a)
        self.derivative(a, z if self.needs_input else None, delta)
        return delta


# identity ------------------------------------------------------------------
def _identity(z):
    pass


def _identity_derivative(a, z, delta):
    pass


# logistic --------------------------------------------------------------------
def _logistic(z):
    expit(z, out=z)


def _logistic_derivative(a, z, delta):
    delta *= a
    delta *= 1.0 - a


# tanh ------------------------------------------------------------------------
def _tanh(z):
    np.tanh(z, out=z)


def _tanh_derivative(a, z, delta):
    delta *= 1.0 - a * a


# relu ------------------------------------------------------------------------
def _relu(z):
    np.maximum(z, 0.0, out=z)


def _relu_cached(z, slope):
    # slope = 1.0 where z > 0 else 0.0; then z * slope is relu(z) (-0.0 for
    # negative z, which compares and computes as 0.0)
    np.greater(z, 0, out=slope)
    z *= slope


def _relu_derivative(a, slope, delta):
    if slope is None:
        np.multiply(delta, a > 0, out=delta)
    else:
        delta *= slope


# leaky relu: a > 0 exactly where z > 0, so the output form suffices ------------
def _leaky_relu(z):
    np.maximum(z, LEAKY_RELU_SLOPE * z, out=z)


def _leaky_relu_derivative(a, z, delta):
    delta *= np.where(a > 0, 1.0, LEAKY_RELU_SLOPE).astype(delta.dtype, copy=False)


# elu: for z < 0, a = alpha*(exp(z)-1) so f'(z) = a + alpha ---------------------
def _elu(z):
    _elu_with(z, ELU_ALPHA)


def _elu_derivative(a, z, delta):
    delta *= np.where(a > 0, 1.0, a + ELU_ALPHA).astype(delta.dtype, copy=False)


# softplus: a = log(1+exp(z)) so f'(z) = sigmoid(z) = 1 - exp(-a) --------------
def _softplus(z):
    np.logaddexp(0.0, z, out=z)


def _softplus_derivative(a, z, delta):
    delta *= -np.expm1(-a)


# gelu (exact, erf form): f(z) = z * Phi(z), f'(z) = Phi(z) + z * phi(z) --------
def _gelu(z):
    z *= ndtr(z)


def _gelu_derivative(a, z, delta):
    pdf = np.exp(-0.5 * z * z)
    pdf *= _INV_SQRT_2PI
    pdf *= z
    pdf += ndtr(z)
    delta *= pdf


# selu: scale * (z if z > 0 else alpha * (exp(z) - 1)); below 0, f' = a + scale*alpha
def _selu(z):
    _elu_with(z, SELU_ALPHA)
    z *= SELU_SCALE


def _elu_with(z, alpha):
    negative = np.minimum(z, 0.0)
    np.expm1(negative, out=negative)
    negative *= alpha
    np.maximum(z, 0.0, out=z)
    z += negative


def _selu_derivative(a, z, delta):
    slope = np.where(a > 0, SELU_SCALE, a + SELU_SCALE * SELU_ALPHA)
    delta *= slope.astype(delta.dtype, copy=False)


# mish (Misra, 2019): f(z) = z * tanh(softplus(z)). With n = exp(z),
# tanh(softplus(z)) = w / (w + 2), w = n * (n + 2): one exp, no log; z is
# capped at 20, where it is 1 to float64's precision.
# f'(z) = t + z * sigmoid(z) * (1 - t**2), t = tanh(softplus(z))
MISH_CAP = 20.0


def _mish_parts(z):
    """``t = tanh(softplus(z))`` and ``n = exp(min(z, cap))``."""
    n = np.minimum(z, MISH_CAP)
    np.exp(n, out=n)
    w = n + 2.0
    w *= n
    t = w / (w + 2.0)
    return t, n


def _mish(z):
    z *= _mish_parts(z)[0]


def _mish_derivative(a, z, delta):
    t, n = _mish_parts(z)
    sigmoid = n / (n + 1.0)
    slope = 1.0 - t * t
    slope *= z
    slope *= sigmoid
    slope += t
    delta *= slope


ACTIVATIONS: dict[str, Activation] = {
    "identity": Activation("identity", _identity, _identity_derivative),
    "logistic": Activation("logistic", _logistic, _logistic_derivative),
    "tanh": Activation("tanh", _tanh, _tanh_derivative),
    "relu": Activation("relu", _relu, _relu_derivative, cached_forward=_relu_cached),
    "leaky_relu": Activation("leaky_relu", _leaky_relu, _leaky_relu_derivative),
    "elu": Activation("elu", _elu, _elu_derivative),
    "softplus": Activation("softplus", _softplus, _softplus_derivative),
    "gelu": Activation("gelu", _gelu, _gelu_derivative, needs_input=True),
    "selu": Activation("selu", _selu, _selu_derivative),
    "mish": Activation("mish", _mish, _mish_derivative, needs_input=True),
}
ACTIVATIONS["sigmoid"] = ACTIVATIONS["logistic"]


def get(name: str | Activation) -> Activation:
    """Return the activation registered under ``name``.

    Parameters
    ----------
    name : str or Activation
        A registry name (see ``ACTIVATIONS``) or an :class:`Activation`.

    Returns
    -------
    Activation

    Raises
    ------
    ValueError
        If ``name`` is unknown; the message lists the valid names.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeep.nn import activations
    >>> activations.get("relu")(np.array([-1.0, 2.0]))
    array([0., 2.])
    """
    if isinstance(name, Activation):
        return name
    return lookup(ACTIVATIONS, name, "activation")
