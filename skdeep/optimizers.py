"""Optimizers for the ``solver`` parameter: ``solver=RMSProp(rho=0.95)``.

Each is a small cloneable object (``get_params``/``set_params``) holding only its
own hyperparameters; the learning rate and its schedule stay on the estimator.

Examples
--------
>>> from sklearn.model_selection import GridSearchCV
>>> from skdeep import MLPRegressor
>>> from skdeep.optimizers import RMSProp
>>> search = GridSearchCV(
...     MLPRegressor(solver=RMSProp()), {"solver__rho": [0.9, 0.99]}, cv=3
... )
"""

from .nn.optimizers import SGD, Adagrad, Adam, AdamW, Optimizer, RMSProp

__all__ = ["Optimizer", "SGD", "Adagrad", "RMSProp", "Adam", "AdamW"]
