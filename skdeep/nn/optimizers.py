"""Stochastic optimizers acting in place on the flat parameter vector.

Contract (optax-like): ``state = opt.init(n_params, dtype)`` and
``opt.step(params, grads, state, lr)``, which updates ``params`` in place. The
learning rate is passed in by the training loop, which owns the schedule; the
optimizer holds only its own hyperparameters, and its state is a plain dict of
arrays and counters (picklable, and kept across ``warm_start`` and
``partial_fit``).
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["Optimizer", "SGD", "Adam", "OPTIMIZERS", "get"]


class Optimizer:
    """Base class for stochastic optimizers."""

    def init(self, n_params: int, dtype) -> dict:
        """Return a fresh optimizer state for ``n_params`` parameters."""
        return {"scratch": np.zeros(n_params, dtype=dtype)}

    def step(self, params: np.ndarray, grads: np.ndarray, state: dict, lr: float):
        """Apply one update to ``params`` in place."""
        raise NotImplementedError

    def _hyperparameters(self) -> dict:
        return dict(vars(self))

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self._hyperparameters().items())
        return f"{type(self).__name__}({args})"

    def __eq__(self, other) -> bool:
        return (
            type(self) is type(other)
            and self._hyperparameters() == other._hyperparameters()
        )

    __hash__ = None


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

    def __init__(self, momentum: float = 0.9, nesterov: bool = True) -> None:
        self.momentum = momentum
        self.nesterov = nesterov

    def init(self, n_params, dtype):
        state = super().init(n_params, dtype)
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


class Adam(Optimizer):
    """Adam (Kingma and Ba, 2014), in scikit-learn's and torch's form.

    With step count ``t`` (starting at 1)::

        m = beta_1 * m + (1 - beta_1) * g
        v = beta_2 * v + (1 - beta_2) * g**2
        lr_t = lr * sqrt(1 - beta_2**t) / (1 - beta_1**t)
        params -= lr_t * m / (sqrt(v) + epsilon)

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

    def __init__(
        self, beta_1: float = 0.9, beta_2: float = 0.999, epsilon: float = 1e-8
    ) -> None:
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def init(self, n_params, dtype):
        state = super().init(n_params, dtype)
        state["m"] = np.zeros(n_params, dtype=dtype)
        state["v"] = np.zeros(n_params, dtype=dtype)
        state["t"] = 0
        return state

    def step(self, params, grads, state, lr):
        m, v, scratch = state["m"], state["v"], state["scratch"]
        state["t"] += 1
        t = state["t"]
        b1, b2 = self.beta_1, self.beta_2
        m *= b1
        m += np.multiply(grads, 1.0 - b1, out=scratch)
        v *= b2
        np.square(grads, out=scratch)
        scratch *= 1.0 - b2
        v += scratch
        lr_t = lr * math.sqrt(1.0 - b2**t) / (1.0 - b1**t)
        np.sqrt(v, out=scratch)
        scratch += self.epsilon
        np.divide(m, scratch, out=scratch)
        scratch *= lr_t
        params -= scratch


OPTIMIZERS: dict[str, type[Optimizer]] = {"sgd": SGD, "adam": Adam}


def get(name: str | Optimizer) -> Optimizer:
    """Return an optimizer instance from a registry name or an instance.

    Raises
    ------
    ValueError
        If ``name`` is unknown; the message lists the valid names.
    """
    if isinstance(name, Optimizer):
        return name
    try:
        return OPTIMIZERS[name]()
    except (KeyError, TypeError):
        valid = ", ".join(sorted(OPTIMIZERS))
        raise ValueError(
            f"Unknown optimizer {name!r}; valid optimizers are: {valid}."
        ) from None
