"""Utilities: estimator discovery and the numerical gradient-check harness."""

from .discovery import all_estimators
from .gradient_check import check_gradient, check_input_jacobian, numerical_gradient

__all__ = [
    "all_estimators",
    "check_gradient",
    "check_input_jacobian",
    "numerical_gradient",
]
