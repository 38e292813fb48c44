"""Loss objects for the regressor's ``loss`` parameter: ``loss=Huber(delta=2.0)``.

Examples
--------
>>> from skdeep import MLPRegressor
>>> from skdeep.losses import Huber
>>> MLPRegressor(loss=Huber(delta=2.0))
MLPRegressor(loss=Huber(delta=2.0))
"""

from .nn.losses import AbsoluteError, Huber, Loss, Poisson, SquaredError

__all__ = ["Loss", "SquaredError", "AbsoluteError", "Huber", "Poisson"]
