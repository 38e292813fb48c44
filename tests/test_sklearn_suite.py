"""scikit-learn's own MLP tests, run against skdeep with the import swapped.

The installed scikit-learn ships ``sklearn/neural_network/tests/test_mlp.py``.
This module reads it, replaces its one import of ``MLPClassifier`` and
``MLPRegressor`` by skdeep's, and runs every test in it but those listed in
:data:`DESELECTED`, each with its reason: they read scikit-learn's private
attributes or its exact verbose wording, neither of which is part of the
estimators' contract. The module is skipped only when that file is missing
from the installed scikit-learn (some distributions strip tests).
"""

from pathlib import Path

import pytest
import sklearn

SUITE = Path(sklearn.__file__).parent / "neural_network" / "tests" / "test_mlp.py"
SKLEARN_IMPORT = "from sklearn.neural_network import MLPClassifier, MLPRegressor"
SKDEEP_IMPORT = "from skdeep import MLPClassifier, MLPRegressor"

DESELECTED = {
    "test_fit": "builds a model by hand from private attributes "
    "(_coef_grads, _no_improvement_count, _coef_velocity, ...)",
    "test_gradient": "calls the private _loss_grad_lbfgs and _unpack",
    "test_learning_rate_warmstart": "reads the private _optimizer.learning_rate "
    "(skdeep records the rate in history_['learning_rate'])",
    "test_adaptive_learning_rate": "reads the private _optimizer.learning_rate",
    "test_n_iter_no_change": "reads the private _no_improvement_count",
    "test_n_iter_no_change_inf": "reads the private _no_improvement_count",
    "test_verbose_sgd": "expects scikit-learn's verbose wording ('Iteration 1, "
    "loss = ...'); skdeep prints 'Epoch 1/2 - loss: ...'",
}

if not SUITE.exists():  # pragma: no cover - depends on the installation
    pytest.skip(f"{SUITE} is not installed", allow_module_level=True)

_source = SUITE.read_text()
assert _source.count(SKLEARN_IMPORT) == 1, f"{SUITE} no longer imports the MLPs"
exec(compile(_source.replace(SKLEARN_IMPORT, SKDEEP_IMPORT), str(SUITE), "exec"))

for _name in DESELECTED:
    assert _name in globals(), f"{_name} is no longer in {SUITE}: update DESELECTED"
    del globals()[_name]


@pytest.fixture
def global_random_seed():
    """scikit-learn's conftest fixture, at its default seed."""
    return 42


def test_the_suite_runs_skdeep():
    assert MLPClassifier.__module__.startswith("skdeep")  # noqa: F821
    assert MLPRegressor.__module__.startswith("skdeep")  # noqa: F821
