"""A fitted model, or an ensemble of them, as a function of the process
settings: predictions, their spread over the members, and input gradients
when every member has them."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.ensemble import BaggingRegressor
from sklearn.utils.validation import check_is_fitted

from ._label_columns import LabelColumns
from .inverse import array_regressor, has_input_jacobian, input_jacobian
from .tabular._ensemble import MemberEnsemble


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
        members, features = _members(model)
        self.columns = list(columns)
        self.members = members
        #: per member: the columns it reads, in its order, and their names
        #: when it takes a DataFrame
        self.reads = [self._reads(m, f) for m, f in zip(members, features, strict=True)]
        self._all = np.arange(len(self.columns))
        self.is_ensemble = len(members) > 1
        self.differentiable = all(has_input_jacobian(m) for m in members)
        #: per member: its network as a function of arrays, or None
        self.arrays = [array_regressor(m) for m in members]
        self.labels = LabelColumns(self.columns)

    def read_labels_of(self, labels: LabelColumns) -> None:
        """Give the members the values of the label columns, not their
        codes (through their own ``predict``, without gradients in them)."""
        self.labels = labels
        for k, (index, _) in enumerate(self.reads):
            if labels.among(index):
                self.arrays[k] = None
                self.differentiable = False

    def _reads(self, member, features):
        names = getattr(member, "feature_names_in_", None)
        if names is None:
            index = np.arange(len(self.columns)) if features is None else features
            return index, None
        position = {name: i for i, name in enumerate(self.columns)}
        missing = [name for name in names if name not in position]
        if missing:
            raise ValueError(f"The model reads columns that X lacks: {missing}.")
        return np.array([position[name] for name in names]), list(names)

    def _inputs(self, Z, index, names):
        """What a member takes: its columns of ``Z``, as a frame if it wants
        one, label columns as their values."""
        data = Z[:, index]
        if not self.labels.among(index):
            return data if names is None else pd.DataFrame(data, columns=names)
        frame = self.labels.decode(pd.DataFrame(data, columns=names), index)
        return frame if names is not None else frame.to_numpy(dtype=object)

    def predict(self, Z: np.ndarray, *, exact: bool = False) -> np.ndarray:
        """Predictions of every member, shape (n_members, n_settings,
        n_outputs); ``exact``: through each member's own ``predict`` (with
        its validation) even where a faster route gives the same values."""
        out = []
        for member, array, (index, names) in self._each():
            if array is not None and not exact:
                prediction = array.predict(Z[:, index])
            else:
                prediction = member.predict(self._inputs(Z, index, names))
            out.append(np.asarray(prediction, dtype=float).reshape(len(Z), -1))
        return np.stack(out)

    def predict_and_jacobian(
        self, Z: np.ndarray, outputs: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Predictions and input gradients of every member, shapes
        (n_members, n_settings, n_outputs) and (n_members, n_settings,
        n_outputs, n_inputs); ``outputs``: the ones that need gradients (the
        others' may be left 0)."""
        predictions, jacobians = [], []
        for member, array, (index, names) in self._each():
            if array is not None:
                P, J = array.predict_and_jacobian(Z[:, index], outputs)
            else:
                data = self._inputs(Z, index, names)
                P, J = member.predict(data), input_jacobian(member, data)
            predictions.append(np.asarray(P, dtype=float).reshape(len(Z), -1))
            if J.shape[2] == Z.shape[1] and np.array_equal(index, self._all):
                jacobians.append(J)
                continue
            full = np.zeros((*J.shape[:2], Z.shape[1]))
            full[:, :, index] = J
            jacobians.append(full)
        return np.stack(predictions), np.stack(jacobians)

    def _each(self):
        return zip(self.members, self.arrays, self.reads, strict=True)


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
    members = model.__dict__.get("estimators_")
    if isinstance(model, MemberEnsemble) and members:
        return list(members), [None] * len(members)
    return [model], [None]
