"""Networks for raw tables: numeric, boolean and categorical columns with
missing values, strong by default."""

from ._estimators import TabularMLPClassifier, TabularMLPRegressor

__all__ = ["TabularMLPRegressor", "TabularMLPClassifier"]
