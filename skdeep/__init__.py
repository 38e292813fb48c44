"""skdeep: fast NumPy neural networks that drop into scikit-learn.

Examples
--------
>>> from skdeep import MLPRegressor
>>> MLPRegressor(hidden_layer_sizes=(64, 32))
MLPRegressor(hidden_layer_sizes=(64, 32))
"""

from . import datasets, inverse, losses, onnx, optimizers, penalties, preprocessing
from .baselines import PolynomialRegression, make_baselines
from .compare import compare, count_parameters
from .mlp import MLPClassifier, MLPRegressor
from .preprocessing import SequenceScaler
from .process_optimization import optimize_inputs
from .rnn import RNNClassifier, RNNRegressor, SimpleRNN, SimpleRNNClassifier
from .tabular import TabularMLPClassifier, TabularMLPRegressor

__version__ = "0.1.0"

__all__ = [
    "MLPClassifier",
    "MLPRegressor",
    "RNNRegressor",
    "TabularMLPRegressor",
    "TabularMLPClassifier",
    "RNNClassifier",
    "SimpleRNN",
    "SimpleRNNClassifier",
    "SequenceScaler",
    "PolynomialRegression",
    "make_baselines",
    "compare",
    "count_parameters",
    "optimize_inputs",
    "datasets",
    "inverse",
    "losses",
    "optimizers",
    "penalties",
    "preprocessing",
    "__version__",
    "onnx",
]
