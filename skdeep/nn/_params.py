"""``get_params``/``set_params`` for the engine's small configuration objects.

Optimizers and penalties are passed to estimators as parameters
(``solver=RMSProp(rho=0.95)``), so scikit-learn must be able to clone them and
tune their hyperparameters (``GridSearchCV(est, {"solver__rho": [...]})``). This
mixin gives them the two methods that requires, read from the ``__init__``
signature, without importing scikit-learn.
"""

from __future__ import annotations

import inspect
import math
from numbers import Real


class Configurable:
    """Mixin: hyperparameters are the ``__init__`` arguments, stored as attributes."""

    @classmethod
    def _param_names(cls) -> list[str]:
        signature = inspect.signature(cls.__init__)
        return [
            name
            for name, p in signature.parameters.items()
            if name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        ]

    def get_params(self, deep: bool = True) -> dict:
        """Hyperparameters as a dict (``deep`` is accepted for compatibility)."""
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params):
        """Set hyperparameters; unknown names raise a ValueError listing valid ones."""
        valid = self._param_names()
        for name, value in params.items():
            if name not in valid:
                raise ValueError(
                    f"Invalid parameter {name!r} for {type(self).__name__}; valid "
                    f"parameters are: {', '.join(valid)}."
                )
            setattr(self, name, value)
        return self

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"

    def __eq__(self, other) -> bool:
        return type(self) is type(other) and self.get_params() == other.get_params()

    __hash__ = None


def _check_range(owner, name, value, low, high, *, low_open=False, high_open=False):
    """Raise a TypeError/ValueError naming ``name`` unless ``value`` lies in the
    interval from ``low`` to ``high`` (None: no upper bound)."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(
            f"{type(owner).__name__}: {name} must be a real number, got {value!r}."
        )
    too_low = value <= low if low_open else value < low
    too_high = high is not None and (value >= high if high_open else value > high)
    if too_low or too_high or not math.isfinite(value):
        left = "(" if low_open else "["
        right = "inf)" if high is None else (f"{high})" if high_open else f"{high}]")
        raise ValueError(
            f"{type(owner).__name__}: {name} must be in {left}{low}, {right}, "
            f"got {value!r}."
        )
