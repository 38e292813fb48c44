"""RNNRegressor and RNNClassifier: the cell parameter, stacked layers, the
training features they share, and a recurrent base of their own."""

import pickle
import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV

from skdeep import (
    MLPClassifier,
    MLPRegressor,
    RNNClassifier,
    RNNRegressor,
    SimpleRNN,
    SimpleRNNClassifier,
)
from skdeep.nn.recurrent import RNN

rng = np.random.RandomState(0)
X = rng.normal(size=(120, 6, 2))
y = X[:, -1, 0] + 0.5 * X[:, 0, 1]
labels = (X[:, 0, 0] > 0).astype(int)


@pytest.fixture(autouse=True)
def _quiet_convergence():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


def test_the_recurrent_estimators_do_not_inherit_the_mlps():
    for est in (SimpleRNN(), RNNRegressor()):
        assert not isinstance(est, MLPRegressor)
    for est in (SimpleRNNClassifier(), RNNClassifier()):
        assert not isinstance(est, MLPClassifier)
    assert "cell" not in SimpleRNN().get_params()
    assert "dropout" not in RNNRegressor().get_params()
    assert RNNRegressor().get_params()["cell"] == "lstm"


def test_simple_rnn_is_the_generic_estimator_with_the_simple_cell():
    params = SimpleRNN(hidden_layer_sizes=(5,), max_iter=5, random_state=0).get_params()
    simple = SimpleRNN(**params).fit(X, y)
    generic = RNNRegressor(cell="simple", **params).fit(X, y)
    np.testing.assert_array_equal(simple._network.params, generic._network.params)


@pytest.mark.parametrize("cell, gates", [("simple", 1), ("lstm", 4), ("gru", 3)])
def test_stacked_layers_of_the_chosen_cell(cell, gates):
    rnn = RNNRegressor(hidden_layer_sizes=(5, 3), cell=cell, max_iter=3,
                       random_state=0).fit(X, y)  # fmt: skip
    layers = [layer for layer in rnn._network.layers if isinstance(layer, RNN)]
    assert [layer.cell.name for layer in layers] == [cell, cell]
    first, second = rnn.recurrent_coefs_
    assert first[0].shape == (2, 5 * gates) and first[1].shape == (5, 5 * gates)
    assert second[0].shape == (5, 3 * gates)
    assert len(first) == (4 if cell == "gru" else 3)  # GRU's recurrent bias
    assert rnn.predict(X).shape == (120,)


def test_the_cell_is_tuned_by_grid_search():
    search = GridSearchCV(
        RNNRegressor(hidden_layer_sizes=(6,), max_iter=20, random_state=0),
        {"cell": ["simple", "lstm", "gru"]}, cv=2,
    ).fit(X, y)  # fmt: skip
    assert set(search.cv_results_["param_cell"]) == {"simple", "lstm", "gru"}


def test_an_unknown_cell_is_named():
    with pytest.raises(ValueError, match="cell"):
        RNNRegressor(cell="lstn").fit(X, y)


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_gated_cells_share_the_training_features(cell):
    kw = dict(hidden_layer_sizes=(6,), cell=cell, batch_size=32, max_iter=4,
              learning_rate="cosine", clip_grad_norm=1.0, random_state=0)  # fmt: skip
    rnn = RNNRegressor(**kw).fit(X[:100], y[:100], X_val=X[100:], y_val=y[100:])
    assert len(rnn.history_["val_loss"]) == 4
    rnn.partial_fit(X, y)
    restored = pickle.loads(pickle.dumps(rnn))
    rnn.partial_fit(X, y)
    restored.partial_fit(X, y)
    np.testing.assert_allclose(restored.predict(X), rnn.predict(X), rtol=1e-12)
    with pytest.raises(ValueError, match="cell='lstm' -> 'gru'|cell='gru' -> 'lstm'"):
        other = "gru" if cell == "lstm" else "lstm"
        rnn.set_params(warm_start=True, cell=other).fit(X, y)
    lbfgs = RNNRegressor(hidden_layer_sizes=(6,), cell=cell, solver="lbfgs",
                         max_iter=200, random_state=0).fit(X, y)  # fmt: skip
    assert lbfgs.score(X, y) > 0.9
    early = clone(rnn).set_params(warm_start=False, early_stopping=True, max_iter=30)
    early.fit(X, y)
    assert early.best_validation_score_ == max(early.validation_scores_)


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_many_to_many_and_classification(cell):
    targets = X[:, :, ::-1].cumsum(axis=1)
    rnn = RNNRegressor(hidden_layer_sizes=(8,), cell=cell, return_sequences=True,
                       solver="lbfgs", max_iter=150, random_state=0)  # fmt: skip
    assert rnn.fit(X, targets).predict(X).shape == targets.shape
    assert rnn.score(X, targets) > 0.9
    clf = RNNClassifier(hidden_layer_sizes=(8,), cell=cell, solver="lbfgs",
                        max_iter=150, random_state=0).fit(X, labels)  # fmt: skip
    assert clf.predict_proba(X).shape == (120, 2)
    assert clf.score(X, labels) > 0.9


def test_the_documented_defaults_are_the_real_ones():
    import inspect

    for cls in (RNNRegressor, RNNClassifier, SimpleRNN, SimpleRNNClassifier):
        default = inspect.signature(cls).parameters["batch_size"].default
        shown = default if isinstance(default, int) else repr(default)
        assert f"batch_size : int or 'auto', default={shown}\n" in cls.__doc__
    assert "cell : {'lstm', 'gru', 'simple'}, default='lstm'" in RNNRegressor.__doc__
    assert "cell :" not in SimpleRNN.__doc__
    assert "return_sequences :" not in RNNClassifier.__doc__
