"""Stochastic optimizers acting in place on the flat parameter vector.

Contract (optax-like): ``state = opt.init(n_params, dtype, n_penalized)`` and
``opt.step(params, grads, state, lr)``, which updates ``params`` in place. The
learning rate is passed in by the training loop, which owns the schedule; an
optimizer holds only its own hyperparameters, and its state is a plain dict of
arrays and counters (picklable, and kept across ``warm_start`` and
``partial_fit``). Optimizers are also public, cloneable objects
(``get_params``/``set_params``), so ``solver=RMSProp(rho=0.95)`` works and
``GridSearchCV`` can tune ``solver__rho``.

The update rules are torch.optim's (``SGD`` in scikit-learn's form, which is
torch's at a constant rate; ``RMSProp`` is torch's ``RMSprop`` with
``alpha=rho``). ``Adam``/``AdamW`` add ``epsilon`` to ``sqrt(v)`` before the
bias correction, as scikit-learn does (torch adds it after); the two differ only
where ``sqrt(v)`` is comparable to ``epsilon``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import ClassVar

import numpy as np

from ._params import Configurable, _check_range
from ._registry import lookup

__all__ = [
    "Optimizer",
    "SGD",
    "Adagrad",
    "RMSProp",
    "Adam",
    "AdamW",
    "OPTIMIZERS",
    "get",
    "from_estimator",
]


def _rms_step(params, grads, squares, lr, epsilon, scratch):
    """``params -= lr * grads / (sqrt(squares) + epsilon)``, in place."""
    np.sqrt(squares, out=scratch)
    scratch += epsilon
    np.divide(grads, scratch, out=scratch)
    scratch *= lr
    params -= scratch


class Optimizer(Configurable):
    """Base class for stochastic optimizers.

    A subclass registered in :data:`OPTIMIZERS` becomes a ``solver`` name of
    every estimator. It declares in ``estimator_parameters`` which estimator
    parameters it reads, mapped to its own constructor arguments (``{"momentum":
    "momentum", "nesterovs_momentum": "nesterov"}`` for :class:`SGD`), and
    describes itself in one phrase in ``summary`` for the estimators' docs.
    """

    #: estimator parameter -> constructor argument, read for a string solver
    estimator_parameters: ClassVar[dict[str, str]] = {}
    #: one phrase for the estimators' ``solver`` documentation
    summary: ClassVar[str] = ""

    @classmethod
    def from_estimator_params(cls, params: Mapping) -> Optimizer:
        """An instance configured from an estimator's parameters.

        Examples
        --------
        >>> SGD.from_estimator_params({"momentum": 0.5, "nesterovs_momentum": False})
        SGD(momentum=0.5, nesterov=False)
        """
        return cls(
            **{arg: params[name] for name, arg in cls.estimator_parameters.items()}
        )

    def validate(self) -> None:
        """Raise a ValueError naming any hyperparameter out of its range."""

    def init(self, n_params: int, dtype, n_penalized: int = 0) -> dict:
        """Return a fresh optimizer state for ``n_params`` parameters.

        ``n_penalized`` is the length of the leading slice of kernels (used by
        optimizers with decoupled weight decay).
        """
        self.validate()
        return {"scratch": np.zeros(n_params, dtype=dtype), "n_penalized": n_penalized}

    def step(self, params: np.ndarray, grads: np.ndarray, state: dict, lr: float):
        """Apply one update to ``params`` in place."""
        raise NotImplementedError

    def effective_step(self, state: dict, lr: float, n: int):
        """Step size the last update applied to a gradient, for the first ``n``
        parameters: a scalar, or one value per parameter for adaptive methods.

        A proximal step (the L1 part of a penalty) must use the same step as
        the gradient step it follows, so that its fixed points are the
        minimizers of the penalized objective (exact zeros included).
        """
        return lr

    @staticmethod
    def _per_coordinate(state, n, second_moment, scale, epsilon):
        steps = state.setdefault("prox_steps", np.empty(n, dtype=second_moment.dtype))
        np.sqrt(second_moment[:n], out=steps)
        steps += epsilon
        np.divide(scale, steps, out=steps)
        return steps


class SGD(Optimizer):
    """Stochastic gradient descent with optional (Nesterov) momentum.

    scikit-learn's form, with velocity ``v`` and learning rate ``lr``::

        v = momentum * v - lr * g
        params += momentum * v - lr * g   (nesterov)
        params += v                       (otherwise)

    Parameters
    ----------
    momentum : float, default=0.9
        Momentum in ``[0, 1]``; 0 gives plain gradient descent.
    nesterov : bool, default=True
        Whether to use Nesterov's momentum.

    Examples
    --------
    >>> import numpy as np
    >>> opt = SGD(momentum=0.0)
    >>> p, g = np.array([1.0, 2.0]), np.array([0.5, -1.0])
    >>> opt.step(p, g, opt.init(2, p.dtype), lr=0.1)
    >>> p
    array([0.95, 2.1 ])
    """

    estimator_parameters = {"momentum": "momentum", "nesterovs_momentum": "nesterov"}
    summary = "gradient descent with (Nesterov) momentum"

    def __init__(self, momentum: float = 0.9, nesterov: bool = True) -> None:
        self.momentum = momentum
        self.nesterov = nesterov

    def validate(self):
        _check_range(self, "momentum", self.momentum, 0, 1)

    def init(self, n_params, dtype, n_penalized=0):
        state = super().init(n_params, dtype, n_penalized)
        state["velocity"] = np.zeros(n_params, dtype=dtype)
        return state

    def step(self, params, grads, state, lr):
        scaled = np.multiply(grads, lr, out=state["scratch"])
        if self.momentum == 0:
            params -= scaled
            return
        velocity = state["velocity"]
        velocity *= self.momentum
        velocity -= scaled
        if self.nesterov:
            params -= scaled
            params += np.multiply(velocity, self.momentum, out=scaled)
        else:
            params += velocity

    def effective_step(self, state, lr, n):
        # at a steady state the velocity is -lr * g / (1 - momentum): a gradient
        # moves the parameters by lr / (1 - momentum), Nesterov or not
        if 0 < self.momentum < 1:
            return lr / (1.0 - self.momentum)
        return lr


class Adagrad(Optimizer):
    """Adagrad (Duchi et al., 2011), in torch's form.

    With the running sum of squared gradients ``s``::

        s += g**2
        params -= lr * g / (sqrt(s) + epsilon)

    Parameters
    ----------
    epsilon : float, default=1e-10
        Added to the denominator for numerical stability.

    Examples
    --------
    >>> import numpy as np
    >>> opt = Adagrad()
    >>> p, g = np.array([1.0]), np.array([4.0])
    >>> opt.step(p, g, opt.init(1, p.dtype), lr=0.1)  # first step moves by ~lr
    >>> p.round(6)
    array([0.9])
    """

    estimator_parameters = {"epsilon": "epsilon"}
    summary = "Adagrad"

    def __init__(self, epsilon: float = 1e-10) -> None:
        self.epsilon = epsilon

    def validate(self):
        _check_range(self, "epsilon", self.epsilon, 0, None, low_open=True)

    def init(self, n_params, dtype, n_penalized=0):
        state = super().init(n_params, dtype, n_penalized)
        state["sum_squares"] = np.zeros(n_params, dtype=dtype)
        return state

    def step(self, params, grads, state, lr):
        s = state["sum_squares"]
        s += np.square(grads, out=state["scratch"])
        _rms_step(params, grads, s, lr, self.epsilon, state["scratch"])

    def effective_step(self, state, lr, n):
        return self._per_coordinate(state, n, state["sum_squares"], lr, self.epsilon)


class RMSProp(Optimizer):
    """RMSProp (Tieleman and Hinton, 2012), torch's ``RMSprop`` with ``alpha=rho``.

    With the running mean of squared gradients ``v``::

        v = rho * v + (1 - rho) * g**2
        params -= lr * g / (sqrt(v) + epsilon)

    Parameters
    ----------
    rho : float, default=0.9
        Decay rate of the running mean of squared gradients, in ``[0, 1)``.
    epsilon : float, default=1e-8
        Added to the denominator for numerical stability.

    Examples
    --------
    >>> RMSProp(rho=0.95).get_params()
    {'rho': 0.95, 'epsilon': 1e-08}
    """

    estimator_parameters = {"epsilon": "epsilon"}
    summary = "RMSProp"

    def __init__(self, rho: float = 0.9, epsilon: float = 1e-8) -> None:
        self.rho = rho
        self.epsilon = epsilon

    def validate(self):
        _check_range(self, "rho", self.rho, 0, 1, high_open=True)
        _check_range(self, "epsilon", self.epsilon, 0, None, low_open=True)

    def init(self, n_params, dtype, n_penalized=0):
        state = super().init(n_params, dtype, n_penalized)
        state["mean_square"] = np.zeros(n_params, dtype=dtype)
        return state

    def step(self, params, grads, state, lr):
        v, scratch = state["mean_square"], state["scratch"]
        v *= self.rho
        np.square(grads, out=scratch)
        scratch *= 1.0 - self.rho
        v += scratch
        _rms_step(params, grads, v, lr, self.epsilon, scratch)

    def effective_step(self, state, lr, n):
        return self._per_coordinate(state, n, state["mean_square"], lr, self.epsilon)


class Adam(Optimizer):
    """Adam (Kingma and Ba, 2014), in scikit-learn's form.

    With step count ``t`` (starting at 1)::

        m = beta_1 * m + (1 - beta_1) * g
        v = beta_2 * v + (1 - beta_2) * g**2
        lr_t = lr * sqrt(1 - beta_2**t) / (1 - beta_1**t)
        params -= lr_t * m / (sqrt(v) + epsilon)

    The state keeps the moments divided by ``1 - beta``, under ``"m_sum"``
    (``m / (1 - beta_1)``) and ``"v_sum"`` (``v / (1 - beta_2)``), which saves
    two passes over the parameters per step; the steps are the same.

    Parameters
    ----------
    beta_1 : float, default=0.9
        Decay rate of the first-moment estimate, in ``[0, 1)``.
    beta_2 : float, default=0.999
        Decay rate of the second-moment estimate, in ``[0, 1)``.
    epsilon : float, default=1e-8
        Added to the denominator for numerical stability.

    Examples
    --------
    >>> import numpy as np
    >>> opt = Adam()
    >>> p, g = np.array([1.0]), np.array([4.0])
    >>> opt.step(p, g, opt.init(1, p.dtype), lr=0.1)  # first step moves by ~lr
    >>> p.round(6)
    array([0.9])
    """

    estimator_parameters = {
        "beta_1": "beta_1",
        "beta_2": "beta_2",
        "epsilon": "epsilon",
    }
    summary = "Adam"

    def __init__(
        self, beta_1: float = 0.9, beta_2: float = 0.999, epsilon: float = 1e-8
    ) -> None:
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def validate(self):
        _check_range(self, "beta_1", self.beta_1, 0, 1, high_open=True)
        _check_range(self, "beta_2", self.beta_2, 0, 1, high_open=True)
        _check_range(self, "epsilon", self.epsilon, 0, None, low_open=True)

    def init(self, n_params, dtype, n_penalized=0):
        state = super().init(n_params, dtype, n_penalized)
        # the moments are kept divided by (1 - beta), as plain exponential sums
        # m_sum = beta_1 * m_sum + g and v_sum = beta_2 * v_sum + g**2: two
        # passes over the parameters fewer per step than the textbook form
        state["m_sum"] = np.zeros(n_params, dtype=dtype)
        state["v_sum"] = np.zeros(n_params, dtype=dtype)
        state["t"] = 0
        return state

    def _root_one_minus_beta_2(self):
        """``sqrt(1 - beta_2)``: the denominator ``sqrt(v) + epsilon`` is
        ``root * (sqrt(v_sum) + epsilon / root)``."""
        return math.sqrt(1.0 - self.beta_2)

    def step(self, params, grads, state, lr):
        m, v, scratch = state["m_sum"], state["v_sum"], state["scratch"]
        state["t"] += 1
        t = state["t"]
        b1, b2 = self.beta_1, self.beta_2
        m *= b1
        m += grads
        v *= b2
        v += np.square(grads, out=scratch)
        lr_t = lr * math.sqrt(1.0 - b2**t) / (1.0 - b1**t)
        state["lr_t"] = lr_t
        # lr_t * m / (sqrt(v) + eps), written with the sums
        root = self._root_one_minus_beta_2()
        np.sqrt(v, out=scratch)
        scratch += self.epsilon / root
        np.divide(m, scratch, out=scratch)
        scratch *= lr_t * (1.0 - b1) / root
        params -= scratch

    def effective_step(self, state, lr, n):
        root = self._root_one_minus_beta_2()
        return self._per_coordinate(
            state, n, state["v_sum"], state["lr_t"] / root, self.epsilon / root
        )


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov and Hutter, 2019).

    Before each Adam step the kernels (never the biases) decay as
    ``kernels *= 1 - lr * weight_decay``, as in torch's ``AdamW``.

    Parameters
    ----------
    beta_1 : float, default=0.9
        Decay rate of the first-moment estimate, in ``[0, 1)``.
    beta_2 : float, default=0.999
        Decay rate of the second-moment estimate, in ``[0, 1)``.
    epsilon : float, default=1e-8
        Added to the denominator for numerical stability.
    weight_decay : float, default=0.01
        Decoupled decay rate of the kernels, ``>= 0``.

    Examples
    --------
    >>> AdamW(weight_decay=0.1)
    AdamW(beta_1=0.9, beta_2=0.999, epsilon=1e-08, weight_decay=0.1)
    """

    summary = "Adam with decoupled weight decay"

    def __init__(
        self,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-8,
        weight_decay: float = 0.01,
    ) -> None:
        super().__init__(beta_1=beta_1, beta_2=beta_2, epsilon=epsilon)
        self.weight_decay = weight_decay

    def validate(self):
        super().validate()
        _check_range(self, "weight_decay", self.weight_decay, 0, None)

    def step(self, params, grads, state, lr):
        if self.weight_decay:
            params[: state["n_penalized"]] *= 1.0 - lr * self.weight_decay
        super().step(params, grads, state, lr)


OPTIMIZERS: dict[str, type[Optimizer]] = {
    "sgd": SGD,
    "adagrad": Adagrad,
    "rmsprop": RMSProp,
    "adam": Adam,
    "adamw": AdamW,
}


def get(name: str | Optimizer) -> Optimizer:
    """Return an optimizer instance from a registry name or an instance.

    Raises
    ------
    ValueError
        If ``name`` is unknown; the message lists the valid names.
    """
    if isinstance(name, Optimizer):
        return name
    return lookup(OPTIMIZERS, name, "optimizer")()


def from_estimator(solver: str | Optimizer, params: Mapping) -> Optimizer:
    """The optimizer an estimator's ``solver`` names.

    An :class:`Optimizer` object is returned as is; a registry name gives an
    instance of its class configured from the estimator parameters ``params``
    that the class declares it reads (``estimator_parameters``).

    Raises
    ------
    ValueError
        If ``solver`` is not a registered name; the message lists them.

    Examples
    --------
    >>> from_estimator("adam", {"beta_1": 0.8, "beta_2": 0.99, "epsilon": 1e-7})
    Adam(beta_1=0.8, beta_2=0.99, epsilon=1e-07)
    """
    if isinstance(solver, Optimizer):
        return solver
    cls = lookup(OPTIMIZERS, solver, "optimizer")
    return cls.from_estimator_params(params)
