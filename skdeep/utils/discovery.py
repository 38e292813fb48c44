"""Discover skdeep's public estimators."""

from __future__ import annotations

import inspect

from sklearn.base import BaseEstimator

__all__ = ["all_estimators"]


def all_estimators() -> list[tuple[str, type]]:
    """Return ``(name, class)`` for every public, concrete skdeep estimator.

    Estimators are found among the names ``skdeep`` exports, so a new estimator
    is covered by the common tests as soon as it is public.

    Returns
    -------
    list of (str, type)
        Sorted by name.

    Examples
    --------
    >>> from skdeep.utils import all_estimators
    >>> [name for name, _ in all_estimators()][:2]
    ['MLPClassifier', 'MLPRegressor']
    """
    import skdeep

    found = []
    for name in skdeep.__all__:
        obj = getattr(skdeep, name)
        if (
            inspect.isclass(obj)
            and issubclass(obj, BaseEstimator)
            and not inspect.isabstract(obj)
            and not name.startswith("_")
        ):
            found.append((name, obj))
    return sorted(found)
