"""A fitted model, or an ensemble of them, as a function of the process
settings: predictions, their spread over the members, and input gradients
when every member has them."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.ensemble import BaggingRegressor
from sklearn.utils.validation import check_is_fitted

from .inverse import has_input_jacobian, input_jacobian


class Response:
    """Predictions of one model or the members of an ensemble, on settings
    given as a float array in the columns' order.

    Parameters
    ----------
    model : estimator, list of estimators or BaggingRegressor
        Fitted regressors; a list or a ``BaggingRegressor`` is an ensemble,
        whose members' spread measures the uncertainty.
    columns : list of str
        The inputs' names, in the order of the arrays passed; a member fitted
        on a DataFrame (it has ``feature_names_in_``) gets one.
    """

    def __init__(self, model, columns: Sequence[str]) -> None:
        self.members, self.features = _members(model)
        self.columns = list(columns)
        self.is_ensemble = len(self.members) > 1
        self.differentiable = all(has_input_jacobian(m) for m in self.members)

    def _inputs(self, member, Z, features):
        """What ``member`` takes, and which of the columns it reads, in order."""
        index = np.arange(Z.shape[1]) if features is None else features
        names = getattr(member, "feature_names_in_", None)
        if names is None:
            return Z[:, index], index
        position = {name: i for i, name in enumerate(self.columns)}
        missing = [name for name in names if name not in position]
        if missing:
            raise ValueError(f"The model reads columns that X lacks: {missing}.")
        index = np.array([position[name] for name in names])
        return pd.DataFrame(Z[:, index], columns=list(names)), index

    def predict(self, Z: np.ndarray) -> np.ndarray:
        """Predictions of every member, shape (n_members, n_settings, n_outputs)."""
        out = []
        for member, features in zip(self.members, self.features, strict=True):
            data, _ = self._inputs(member, Z, features)
            prediction = np.asarray(member.predict(data), dtype=float)
            out.append(prediction.reshape(len(Z), -1))
        return np.stack(out)

    def jacobian(self, Z: np.ndarray) -> np.ndarray:
        """Input gradients of every member, shape (n_members, n_settings,
        n_outputs, n_inputs)."""
        out = []
        for member, features in zip(self.members, self.features, strict=True):
            data, index = self._inputs(member, Z, features)
            J = np.asarray(input_jacobian(member, data), dtype=float)
            full = np.zeros((*J.shape[:2], Z.shape[1]))
            full[:, :, index] = J
            out.append(full)
        return np.stack(out)


def _members(model):
    """The fitted members of ``model`` and the input columns each one reads
    (None: all of them)."""
    if isinstance(model, BaggingRegressor):
        check_is_fitted(model)
        features = [
            None if len(f) == model.n_features_in_ else np.asarray(f)
            for f in model.estimators_features_
        ]
        if any(f is not None and np.unique(f).size != f.size for f in features):
            raise ValueError(
                "A BaggingRegressor drawing features with replacement cannot be "
                "optimized: use bootstrap_features=False."
            )
        return list(model.estimators_), features
    if isinstance(model, list | tuple):
        if not model:
            raise ValueError("model is an empty list: pass fitted models.")
        for member in model:
            check_is_fitted(member)
        return list(model), [None] * len(model)
    check_is_fitted(model)
    return [model], [None]
