"""Estimator features of the training loop: layers, class weights, validation
data, history, divergence, verbose output, callbacks."""

import pickle
import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdeep import MLPClassifier, MLPRegressor
from skdeep.losses import Huber
from skdeep.nn import losses, objective, penalties


@pytest.fixture(autouse=True)
def _quiet_convergence():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


def regression(n=160, seed=0):
    X, y = make_regression(n_samples=n, n_features=6, noise=5.0, random_state=seed)
    return StandardScaler().fit_transform(X), y / y.std()


# ------------------------------------------------------------- layers
@pytest.mark.parametrize("normalization", [None, "batch", "layer"])
@pytest.mark.parametrize("dropout", [0.0, 0.3, (0.2, 0.0)])
def test_layers_train_and_are_reproducible(normalization, dropout):
    X, y = regression()
    kw = dict(
        hidden_layer_sizes=(16, 8),
        normalization=normalization,
        dropout=dropout,
        max_iter=30,
        learning_rate_init=0.01,
        random_state=0,
    )
    a, b = MLPRegressor(**kw).fit(X, y), MLPRegressor(**kw).fit(X, y)
    np.testing.assert_array_equal(a.predict(X), b.predict(X))
    assert a.loss_curve_[-1] < a.loss_curve_[0]
    assert a.score(X, y) > 0.5
    assert len(a.coefs_) == 3 and a.n_layers_ == 4


def test_dropout_changes_training_and_not_prediction():
    X, y = regression()
    kw = dict(hidden_layer_sizes=(32,), max_iter=5, random_state=0)
    plain = MLPRegressor(**kw).fit(X, y)
    dropped = MLPRegressor(dropout=0.5, **kw).fit(X, y)
    assert not np.allclose(plain.coefs_[0], dropped.coefs_[0])
    np.testing.assert_array_equal(dropped.predict(X), dropped.predict(X))


def test_batch_normalization_predictions_are_batch_independent():
    X, y = regression()
    est = MLPRegressor(
        hidden_layer_sizes=(8,), normalization="batch", max_iter=20, random_state=0
    ).fit(X, y)
    whole = est.predict(X[:10])
    rows = np.array([est.predict(X[i : i + 1])[0] for i in range(10)])
    np.testing.assert_allclose(whole, rows, rtol=1e-12)


@pytest.mark.parametrize(
    "dropout, match", [((0.1, 0.2, 0.3), "one rate per hidden layer"), (1.0, "dropout")]
)
def test_dropout_validation(dropout, match):
    X, y = regression()
    with pytest.raises(ValueError, match=match):
        MLPRegressor(hidden_layer_sizes=(4, 4), dropout=dropout).fit(X, y)


@pytest.mark.parametrize("init", ["he_normal", "orthogonal", "glorot_normal"])
def test_weight_init(init):
    X, y = regression()
    est = MLPRegressor(hidden_layer_sizes=(8,), weight_init=init, max_iter=1)
    est.fit(X, y)
    assert est.coefs_[0].shape == (6, 8)


# ------------------------------------------------------------- losses
@pytest.mark.parametrize("loss", ["absolute_error", "huber", Huber(delta=0.5)])
def test_robust_losses_resist_outliers(loss):
    X, y = regression(n=300)
    y_dirty = y.copy()
    y_dirty[::10] += 30.0  # 10% gross outliers
    kw = dict(hidden_layer_sizes=(), solver="sgd", max_iter=200, random_state=0)
    robust = MLPRegressor(loss=loss, learning_rate_init=0.01, **kw).fit(X, y_dirty)
    squared = MLPRegressor(learning_rate_init=0.01, **kw).fit(X, y_dirty)
    assert robust.score(X, y) > squared.score(X, y)


def test_invalid_huber_delta():
    X, y = regression()
    with pytest.raises(ValueError, match="delta"):
        MLPRegressor(loss=Huber(delta=0)).fit(X, y)


# ------------------------------------------------------- class weights
def test_class_weight_equals_sample_weight():
    X, y = make_classification(n_samples=120, weights=[0.8, 0.2], random_state=0)
    kw = dict(hidden_layer_sizes=(6,), solver="lbfgs", max_iter=50, random_state=0)
    weights = {0: 1.0, 1: 3.0}
    by_class = MLPClassifier(class_weight=weights, **kw).fit(X, y)
    by_sample = MLPClassifier(**kw).fit(X, y, sample_weight=np.where(y == 1, 3.0, 1.0))
    np.testing.assert_allclose(by_class.predict_proba(X), by_sample.predict_proba(X))
    balanced = MLPClassifier(class_weight="balanced", **kw).fit(X, y)
    counts = np.bincount(y)
    sw = (len(y) / (2 * counts))[y]
    ref = MLPClassifier(**kw).fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(balanced.predict_proba(X), ref.predict_proba(X))
    # multiplied with sample_weight
    extra = np.linspace(0.5, 2, len(y))
    both = MLPClassifier(class_weight=weights, **kw).fit(X, y, sample_weight=extra)
    ref = MLPClassifier(**kw).fit(
        X, y, sample_weight=extra * np.where(y == 1, 3.0, 1.0)
    )
    np.testing.assert_allclose(both.predict_proba(X), ref.predict_proba(X))


def test_balanced_class_weight_not_in_partial_fit():
    X, y = make_classification(n_samples=50, random_state=0)
    with pytest.raises(ValueError, match="partial_fit"):
        MLPClassifier(class_weight="balanced").partial_fit(X, y, classes=[0, 1])


# ------------------------------------------------------- validation data
def test_x_val_replaces_the_split_and_restores_the_best_model():
    X, y = regression(n=300)
    X_tr, y_tr, X_val, y_val = X[:200], y[:200], X[200:], y[200:]
    est = MLPRegressor(
        hidden_layer_sizes=(64,),
        early_stopping=True,
        n_iter_no_change=4,
        learning_rate_init=0.05,
        max_iter=300,
        random_state=0,
    ).fit(X_tr, y_tr, X_val=X_val, y_val=y_val)
    assert est.t_ == est.n_iter_ * 200  # all of X_tr trained: no split taken
    assert est.best_validation_score_ == max(est.validation_scores_)
    assert est.score(X_val, y_val) == pytest.approx(est.best_validation_score_)
    assert est.n_iter_ < 300


def test_x_val_without_early_stopping_is_monitored():
    X, y = make_classification(n_samples=200, random_state=0)
    est = MLPClassifier(hidden_layer_sizes=(8,), max_iter=7, random_state=0)
    est.fit(X[:150], y[:150], X_val=X[150:], y_val=y[150:])
    assert est.n_iter_ == 7 and est.best_validation_score_ is None
    assert len(est.validation_scores_) == 7
    assert est.validation_scores_[-1] == pytest.approx(est.score(X[150:], y[150:]))
    proba = np.clip(est.predict_proba(X[150:]), 1e-300, 1)
    expected_loss = -np.log(proba[np.arange(50), y[150:]]).mean()
    assert est.history_["val_loss"][-1] == pytest.approx(expected_loss, rel=1e-8)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(X_val=np.zeros((3, 6))), "together"),
        (dict(sample_weight_val=np.ones(3)), "needs X_val"),
        (dict(X_val=np.zeros((3, 5)), y_val=np.zeros(3)), "features"),
    ],
)
def test_x_val_errors(kwargs, match):
    X, y = regression()
    with pytest.raises(ValueError, match=match):
        MLPRegressor(max_iter=2).fit(X, y, **kwargs)


def test_x_val_needs_a_stochastic_solver():
    X, y = regression()
    with pytest.raises(ValueError, match="stochastic"):
        MLPRegressor(solver="lbfgs").fit(X, y, X_val=X, y_val=y)


def test_y_val_with_unknown_class():
    X, y = make_classification(n_samples=60, random_state=0)
    with pytest.raises(ValueError, match="not in the training classes"):
        MLPClassifier().fit(X, y, X_val=X[:5], y_val=np.array([0, 1, 2, 0, 1]))


# ------------------------------------------------------------- history
def test_history_records_every_epoch_and_continues():
    X, y = regression()
    est = MLPRegressor(hidden_layer_sizes=(5, 4), max_iter=4, random_state=0)
    est.fit(X, y, X_val=X[:20], y_val=y[:20])
    h = est.history_
    assert set(h) == {
        "loss",
        "val_loss",
        "val_score",
        "learning_rate",
        "time",
        "grad_norm",
    }
    assert all(len(v) == 4 for v in h.values())
    assert h["loss"] == est.loss_curve_
    assert h["grad_norm"][0].shape == (3,)  # one per layer of coefs_
    assert all(t > 0 for t in h["time"])
    est.partial_fit(X, y)
    assert len(est.history_["loss"]) == 5
    est.set_params(warm_start=True).fit(X, y)
    assert len(est.history_["loss"]) == 9


def test_history_grad_norm_is_the_epoch_mean_gradient():
    # one full-batch epoch: the mean gradient is the gradient at the start
    X, y = regression()
    kw = dict(
        hidden_layer_sizes=(5,), batch_size=len(X), shuffle=False, random_state=0,
        alpha=0.1,
    )  # fmt: skip
    est = MLPRegressor(max_iter=1, **kw).fit(X, y)
    start = MLPRegressor(max_iter=1, learning_rate_init=1e-300, **kw).fit(X, y)
    net = start._network
    net.allocate(len(X))
    objective(
        net, losses.SquaredError(), X, y[:, None], penalty=penalties.L2(), alpha=0.1
    )
    kernel0 = net.layers[0].grads["kernel"].ravel()
    bias0 = net.layers[0].grads["bias"]
    expected = np.sqrt(kernel0 @ kernel0 + bias0 @ bias0)
    assert est.history_["grad_norm"][0][0] == pytest.approx(expected, rel=1e-10)


def test_history_for_full_batch_solvers():
    X, y = regression()
    est = MLPRegressor(hidden_layer_sizes=(4,), solver="lbfgs", max_iter=5).fit(X, y)
    assert est.history_["loss"] == est.loss_curve_ and len(est.history_["time"]) == 5


# ------------------------------------------------------------- divergence
def test_divergence_with_early_stopping_ends_in_nan():
    X, y = regression()
    est = MLPRegressor(
        hidden_layer_sizes=(16,),
        solver="sgd",
        learning_rate_init=10.0,
        early_stopping=True,
        max_iter=50,
        random_state=0,
    )
    with pytest.warns(ConvergenceWarning, match=r"learning rate \(10\)"):
        with np.errstate(all="ignore"):
            est.fit(X * 100, y * 100)
    assert np.isnan(est.validation_scores_[-1])
    assert np.isfinite(est.predict(X)).all()


def test_verbose_with_validation(capsys):
    X, y = regression()
    MLPRegressor(hidden_layer_sizes=(4,), max_iter=2, verbose=True).fit(
        X, y, X_val=X[:10], y_val=y[:10]
    )
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith("Epoch 1/2 - loss: ") and " - val_loss: " in first
    assert " - val_score: " in first and first.endswith("s")


# ------------------------------------------------------------- persistence
def test_pickle_with_batchnorm_and_dropout_keeps_moving_statistics():
    X, y = regression()
    est = MLPRegressor(
        hidden_layer_sizes=(8,), normalization="batch", dropout=0.2, max_iter=3,
        random_state=0,
    ).fit(X, y)  # fmt: skip
    restored = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(restored.predict(X), est.predict(X))
    est.partial_fit(X, y)
    restored.partial_fit(X, y)
    np.testing.assert_allclose(restored.predict(X), est.predict(X), rtol=1e-12)


# ------------------------------------------------------------- pipelines
def test_in_a_pipeline_with_x_val_routed():
    X, y = regression()
    pipe = make_pipeline(StandardScaler(), MLPRegressor(max_iter=3, random_state=0))
    pipe.fit(X, y, mlpregressor__X_val=X[:10], mlpregressor__y_val=y[:10])
    assert len(pipe[-1].validation_scores_) == 3
