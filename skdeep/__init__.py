"""skdeep: fast NumPy neural networks that drop into scikit-learn.

Examples
--------
>>> from skdeep import MLPRegressor
>>> MLPRegressor(hidden_layer_sizes=(64, 32))
MLPRegressor(hidden_layer_sizes=(64, 32))
"""

from . import optimizers, penalties
from .compare import compare, count_parameters
from .mlp import MLPClassifier, MLPRegressor

__version__ = "0.1.0"

__all__ = [
    "MLPClassifier",
    "MLPRegressor",
    "compare",
    "count_parameters",
    "optimizers",
    "penalties",
    "__version__",
]
