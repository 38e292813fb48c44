"""The NumPy engine: layers, losses, optimizers and the training loop.

Nothing in this package imports scikit-learn.
"""

from . import activations, initializers, losses, optimizers, penalties
from .layers import Dense, Layer
from .network import Sequential
from .training import TrainingState, fit_lbfgs, fit_stochastic, objective

__all__ = [
    "activations",
    "initializers",
    "losses",
    "optimizers",
    "penalties",
    "Dense",
    "Layer",
    "Sequential",
    "TrainingState",
    "fit_lbfgs",
    "fit_stochastic",
    "objective",
]
