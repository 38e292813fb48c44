"""The optimizer registry is the one source of solver names.

A new optimizer needs its class and one registry line, nothing else: the
estimators accept its name, read the estimator parameters the class declares,
train and partially fit with it, and list it in their errors. An unknown
name is an error, never a silent fallback.
"""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_regression

from skdeep import MLPClassifier, MLPRegressor, SimpleRNN
from skdeep.nn import optimizers
from skdeep.nn.training import FULL_BATCH_SOLVERS


class SignSGD(optimizers.Optimizer):
    """A test-only optimizer: ``params -= lr * sign(grads)``, scaled by
    ``gain`` (read from the estimator's ``momentum``, to show the mapping)."""

    estimator_parameters = {"momentum": "gain"}
    summary = "sign gradient descent"

    def __init__(self, gain: float = 1.0) -> None:
        self.gain = gain

    def step(self, params, grads, state, lr):
        state["steps"] = state.get("steps", 0) + 1
        params -= (lr * self.gain) * np.sign(grads)


@pytest.fixture
def registered(monkeypatch):
    monkeypatch.setitem(optimizers.OPTIMIZERS, "signsgd", SignSGD)


def data():
    X, y = make_regression(n_samples=80, n_features=4, noise=1.0, random_state=0)
    return X, y / np.std(y)


def test_a_registered_optimizer_trains_end_to_end(registered):
    X, y = data()
    est = MLPRegressor(
        hidden_layer_sizes=(8,),
        solver="signsgd",
        momentum=0.5,
        learning_rate_init=0.01,
        max_iter=40,
        tol=0,
        random_state=0,
    )
    est.fit(X, y)
    assert type(est._optimizer) is SignSGD
    assert est._optimizer.gain == 0.5  # read from the declared parameter
    # one sign step per mini-batch: 40 epochs of one batch of 80 rows
    assert est._state.optimizer_state["steps"] == 40
    assert est.loss_curve_[-1] < 0.5 * est.loss_curve_[0]
    # by hand: the first epoch moved every weight by lr * gain, or not at all
    start = clone(est).set_params(max_iter=1, learning_rate_init=1e-300).fit(X, y)
    one = clone(est).set_params(max_iter=1).fit(X, y)
    moved = np.abs(one._network.params - start._network.params)
    np.testing.assert_allclose(moved[moved > 0], 0.01 * 0.5, rtol=1e-9)
    est.partial_fit(X, y)
    assert est._state.optimizer_state["steps"] == 41


def test_a_registered_optimizer_serves_every_estimator(registered):
    X, y = data()
    MLPClassifier(solver="signsgd", max_iter=2).fit(X, y > 0)
    SimpleRNN(solver="signsgd", max_iter=2).fit(X, y)


def test_unknown_solver_is_an_error_listing_the_registry(registered):
    X, y = data()
    with pytest.raises(ValueError, match="'solver' parameter") as info:
        MLPRegressor(solver="nadam").fit(X, y)
    for name in [*optimizers.OPTIMIZERS, *FULL_BATCH_SOLVERS]:
        assert repr(name) in str(info.value)


def test_unregistered_names_never_fall_back_to_adam():
    X, y = data()
    with pytest.raises(ValueError, match="signsgd"):
        MLPRegressor(solver="signsgd").fit(X, y)
    with pytest.raises(ValueError, match="Unknown optimizer 'nadam'"):
        optimizers.from_estimator("nadam", {})


@pytest.mark.parametrize("name", sorted(optimizers.OPTIMIZERS))
def test_each_solver_name_reads_its_declared_parameters(name):
    cls = optimizers.OPTIMIZERS[name]
    est = MLPRegressor(solver=name, momentum=0.3, beta_1=0.7, beta_2=0.9, epsilon=1e-5)
    optimizer = est._make_optimizer()
    assert type(optimizer) is cls
    params = est.get_params()
    for estimator_name, argument in cls.estimator_parameters.items():
        assert getattr(optimizer, argument) == params[estimator_name]
    assert set(cls.estimator_parameters) <= set(params)


def test_the_solver_docs_list_every_registered_name():
    for cls in (MLPRegressor, MLPClassifier, SimpleRNN):
        doc = cls.__doc__
        for name in [*optimizers.OPTIMIZERS, *FULL_BATCH_SOLVERS]:
            assert f"'{name}'" in doc, (cls.__name__, name)
