"""Ensembles of a few networks trained alike from different seeds.

With ``n_members > 1``, ``fit`` trains that many copies of the estimator
(``n_members=1``, seeds drawn from ``random_state``) and keeps them in
``estimators_``; predictions average the members' outputs (probabilities
for classifiers), and a regressor's ``predict(X, return_std=True)`` gives
the members' spread as well. The estimator's own fitted attributes
(``history_``, ``n_iter_``, the encoder, ...) are the first member's.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator

import numpy as np
from sklearn.base import clone
from sklearn.utils import check_random_state

__all__ = ["MemberEnsemble"]


class MemberEnsemble:
    """Mixin of the tabular estimators: ``n_members`` networks, averaged."""

    def fit(self, X, y, sample_weight=None, X_val=None, y_val=None, **fit_params):
        """Fit the network (or each of the ``n_members`` networks).

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            Training table.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights.
        X_val, y_val : default=None
            Validation data, as the drop-in estimators take it.
        **fit_params : dict
            ``sample_weight_val``.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        if self.n_members == 1:
            super().fit(X, y, sample_weight, X_val, y_val, **fit_params)
            self.__dict__.pop("estimators_", None)
            return self
        self._validate_params()
        members = []
        for number, member in enumerate(self._members_to_fit(), start=1):
            if self.verbose:
                print(f"Member {number} of {self.n_members}")
            members.append(member.fit(X, y, sample_weight, X_val, y_val, **fit_params))
        self._adopt(members)
        return self

    def _members_to_fit(self) -> Iterator:
        """Fresh members with their own seeds, or (``warm_start``) copies of
        the fitted ones, so that a failing fit leaves ``self`` unchanged.
        Made one at a time, as they are fitted: a huge ``n_members`` is a
        long fit, not a full memory before it starts."""
        fitted = self.__dict__.get("estimators_")
        if self.warm_start and fitted is not None and len(fitted) == self.n_members:
            params = self.get_params(deep=False)
            params.pop("random_state"), params.pop("n_members")
            for member in fitted:
                yield copy.deepcopy(member).set_params(**params, n_members=1)
            return
        rng = check_random_state(self.random_state)
        for _ in range(self.n_members):
            seed = int(rng.randint(np.iinfo(np.int32).max))
            yield clone(self).set_params(
                n_members=1, random_state=seed, warm_start=False
            )

    def _adopt(self, members) -> None:
        """Take the first member's fitted state, and keep every member."""
        params = set(self.get_params(deep=False))
        state = {k: v for k, v in members[0].__dict__.items() if k not in params}
        for name in [k for k in self.__dict__ if k not in params]:
            del self.__dict__[name]
        self.__dict__.update(state)
        self.estimators_ = members

    def _member_outputs(self, X) -> np.ndarray:
        """Each member's link-transformed output on encoded ``X``,
        ``(n_members, n_samples, n_outputs)``."""
        members = self.__dict__.get("estimators_") or [self]
        return np.stack([super(MemberEnsemble, m)._forward(X) for m in members])

    def _forward(self, X) -> np.ndarray:
        return self._member_outputs(X).mean(axis=0)
