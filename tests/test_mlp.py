"""MLPRegressor / MLPClassifier: drop-in behaviour, closed-form references,
dtypes, sparse input, warm start, early stopping, persistence."""

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn import neural_network as sknn
from sklearn.datasets import (
    load_diabetes,
    load_digits,
    load_iris,
    make_classification,
    make_multilabel_classification,
    make_regression,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression, PoissonRegressor, Ridge
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdeep import MLPClassifier, MLPRegressor

SOLVERS = ["adam", "sgd", "lbfgs"]


@pytest.fixture(autouse=True)
def _quiet_convergence():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


def regression_data(n=120, n_features=5, n_targets=1, seed=0):
    X, y = make_regression(
        n_samples=n,
        n_features=n_features,
        n_targets=n_targets,
        noise=0.5,
        random_state=seed,
    )
    return X, y / np.std(y)


# --------------------------------------------------------------------- drop-in
# Multi-output L-BFGS is left out on purpose: scikit-learn's squared-error value
# is the mean over outputs while its gradient is that of the sum, so its line
# search follows another objective. Ours is consistent; see the Ridge test.
@pytest.mark.parametrize(
    "solver, n_targets",
    [("adam", 1), ("sgd", 1), ("lbfgs", 1), ("adam", 2), ("sgd", 2)],
)
def test_regressor_equals_sklearn(solver, n_targets):
    X, y = regression_data(n_targets=n_targets)
    kw = dict(
        hidden_layer_sizes=(12, 7),
        solver=solver,
        max_iter=15,
        random_state=3,
        learning_rate_init=0.01,
        batch_size=32,
        alpha=1e-3,
    )
    ours, ref = MLPRegressor(**kw).fit(X, y), sknn.MLPRegressor(**kw).fit(X, y)
    np.testing.assert_allclose(ours.predict(X), ref.predict(X), rtol=1e-7, atol=1e-9)
    pairs = zip(
        ours.coefs_ + ours.intercepts_, ref.coefs_ + ref.intercepts_, strict=True
    )
    for a, b in pairs:
        np.testing.assert_allclose(a, b, rtol=1e-7, atol=1e-9)
    assert ours.n_iter_ == ref.n_iter_ and ours.t_ == ref.t_
    if solver != "lbfgs" and n_targets == 1:
        np.testing.assert_allclose(ours.loss_curve_, ref.loss_curve_, rtol=1e-9)


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("kind", ["binary", "multiclass", "multilabel"])
def test_classifier_equals_sklearn(solver, kind):
    if kind == "multilabel":
        X, y = make_multilabel_classification(n_samples=80, n_classes=3, random_state=0)
    else:
        X, y = make_classification(
            n_samples=90,
            n_features=6,
            n_informative=4,
            n_classes=2 if kind == "binary" else 3,
            random_state=0,
        )
    kw = dict(
        hidden_layer_sizes=(9,),
        solver=solver,
        max_iter=12,
        random_state=1,
        learning_rate_init=0.02,
        batch_size=25,
        activation="tanh",
    )
    ours, ref = MLPClassifier(**kw).fit(X, y), sknn.MLPClassifier(**kw).fit(X, y)
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-9)
    np.testing.assert_array_equal(ours.predict(X), ref.predict(X))
    np.testing.assert_array_equal(ours.classes_, ref.classes_)
    assert ours.out_activation_ == ref.out_activation_
    assert ours.n_outputs_ == ref.n_outputs_ and ours.n_layers_ == ref.n_layers_
    if solver != "lbfgs":
        np.testing.assert_allclose(ours.loss_curve_, ref.loss_curve_, rtol=1e-9)


@pytest.mark.parametrize("estimator", [MLPRegressor, MLPClassifier])
def test_early_stopping_equals_sklearn(estimator):
    if estimator is MLPRegressor:
        X, y = regression_data(n=150)
    else:
        X, y = make_classification(n_samples=150, random_state=0)  # binary
    kw = dict(
        hidden_layer_sizes=(10,),
        early_stopping=True,
        max_iter=40,
        random_state=0,
        learning_rate_init=0.01,
        n_iter_no_change=3,
    )
    ours = estimator(**kw).fit(X, y)
    ref = getattr(sknn, estimator.__name__)(**kw).fit(X, y)
    np.testing.assert_allclose(
        ours.validation_scores_, ref.validation_scores_, rtol=1e-9
    )
    assert ours.best_validation_score_ == pytest.approx(ref.best_validation_score_)
    assert ours.best_loss_ is None and ref.best_loss_ is None
    np.testing.assert_allclose(ours.coefs_[0], ref.coefs_[0], rtol=1e-8, atol=1e-12)


EXTRA_PARAMETERS = {
    "penalty": "l2",
    "l1_ratio": 0.15,
    "clip_grad_norm": None,
    "dropout": 0.0,
    "normalization": None,
    "weight_init": "glorot_uniform",
}


def test_same_parameters_and_defaults_as_sklearn():
    pairs = [
        (MLPRegressor(), sknn.MLPRegressor(), {}),
        (MLPClassifier(), sknn.MLPClassifier(), {"class_weight": None}),
    ]
    for ours, ref, own in pairs:
        assert ours.get_params() == {**ref.get_params(), **EXTRA_PARAMETERS, **own}


def test_sklearn_constructor_positional_order():
    reg = MLPRegressor("poisson", (7,), "tanh")
    assert (reg.loss, reg.hidden_layer_sizes, reg.activation) == (
        "poisson",
        (7,),
        "tanh",
    )
    clf = MLPClassifier((7,), "tanh")
    assert (clf.hidden_layer_sizes, clf.activation) == ((7,), "tanh")


# ---------------------------------------------------- closed-form references
def test_no_hidden_layer_l2_lbfgs_equals_ridge():
    # L-BFGS-B also stops on relative objective decrease (SciPy's ftol), so the
    # match is to ~1e-6; a 1% error in the alpha scaling moves coefs by ~2e-3.
    X, y = regression_data(n=80, n_features=4, n_targets=2)
    alpha = 30.0
    net = MLPRegressor(
        hidden_layer_sizes=(),
        solver="lbfgs",
        alpha=alpha,
        tol=1e-12,
        max_iter=5000,
        random_state=0,
    ).fit(X, y)
    ridge = Ridge(alpha=alpha).fit(X, y)
    np.testing.assert_allclose(net.coefs_[0], ridge.coef_.T, atol=1e-5)
    np.testing.assert_allclose(net.intercepts_[0], ridge.intercept_, atol=1e-5)


def test_no_hidden_layer_binary_log_loss_equals_logistic_regression():
    X, y = make_classification(n_samples=120, n_features=5, random_state=2)
    alpha = 20.0  # a 1% error in the alpha scaling moves coefs by ~5e-3
    net = MLPClassifier(
        hidden_layer_sizes=(),
        solver="lbfgs",
        alpha=alpha,
        tol=1e-12,
        max_iter=5000,
        random_state=0,
    ).fit(X, y)
    logreg = LogisticRegression(C=1 / alpha, tol=1e-12, max_iter=10000).fit(X, y)
    np.testing.assert_allclose(net.coefs_[0].ravel(), logreg.coef_.ravel(), atol=5e-5)
    np.testing.assert_allclose(net.intercepts_[0], logreg.intercept_, atol=5e-5)


def test_no_hidden_layer_poisson_equals_poisson_regressor():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(200, 3))
    y = rng.poisson(np.exp(X @ [0.3, -0.2, 0.1] + 0.5))
    alpha = 4.0
    net = MLPRegressor(
        loss="poisson",
        hidden_layer_sizes=(),
        solver="lbfgs",
        alpha=alpha,
        tol=1e-12,
        max_iter=5000,
    ).fit(X, y)
    ref = PoissonRegressor(alpha=alpha / len(X), tol=1e-12, max_iter=10000).fit(X, y)
    np.testing.assert_allclose(net.coefs_[0].ravel(), ref.coef_, rtol=1e-4)
    assert net.out_activation_ == "exp"


# ------------------------------------------------------- scores vs sklearn
SCORE_TOLERANCE = 0.02


@pytest.mark.parametrize(
    "name, estimator, loader, kw",
    [
        (
            "iris",
            MLPClassifier,
            load_iris,
            dict(hidden_layer_sizes=(20,), max_iter=300),
        ),
        (
            "digits",
            MLPClassifier,
            load_digits,
            dict(hidden_layer_sizes=(50,), max_iter=50),
        ),
        (
            "diabetes",
            MLPRegressor,
            load_diabetes,
            dict(hidden_layer_sizes=(30,), max_iter=300, learning_rate_init=0.01),
        ),
    ],
)
def test_scores_at_least_sklearns(name, estimator, loader, kw):
    X, y = loader(return_X_y=True)
    ours = make_pipeline(StandardScaler(), estimator(random_state=0, **kw))
    ref = make_pipeline(
        StandardScaler(), getattr(sknn, estimator.__name__)(random_state=0, **kw)
    )
    ours_score = cross_val_score(ours, X, y, cv=3).mean()
    ref_score = cross_val_score(ref, X, y, cv=3).mean()
    assert ours_score >= ref_score - SCORE_TOLERANCE, (name, ours_score, ref_score)


# ------------------------------------------------------------------- dtypes
@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("estimator", [MLPRegressor, MLPClassifier])
def test_float32_in_float32_out(solver, estimator):
    X, y = regression_data()
    if estimator is MLPClassifier:
        y = (y > 0).astype(int)
    X32 = X.astype(np.float32)
    est = estimator(hidden_layer_sizes=(8,), solver=solver, max_iter=5, random_state=0)
    est.fit(X32, y)
    assert all(c.dtype == np.float32 for c in est.coefs_ + est.intercepts_)
    out = est.predict_proba(X32) if estimator is MLPClassifier else est.predict(X32)
    assert out.dtype == np.float32
    est64 = estimator(
        hidden_layer_sizes=(8,), solver=solver, max_iter=5, random_state=0
    )
    out64 = est64.fit(X, y)
    assert out64.coefs_[0].dtype == np.float64
    np.testing.assert_allclose(est.coefs_[0], out64.coefs_[0], rtol=0.05, atol=0.02)


@pytest.mark.parametrize("fmt", [sp.csr_matrix, sp.csc_matrix, sp.csr_array])
def test_sparse_input_equals_dense(fmt):
    X, y = regression_data()
    X[np.abs(X) < 0.7] = 0
    kw = dict(hidden_layer_sizes=(6,), max_iter=5, random_state=0)
    dense = MLPRegressor(**kw).fit(X, y)
    sparse = MLPRegressor(**kw).fit(fmt(X), y)
    np.testing.assert_allclose(sparse.predict(fmt(X)), dense.predict(X), rtol=1e-10)


def test_dataframe_keeps_feature_names():
    X, y = regression_data()
    df = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    est = MLPRegressor(hidden_layer_sizes=(4,), max_iter=3).fit(df, y)
    np.testing.assert_array_equal(est.feature_names_in_, df.columns)
    with pytest.warns(UserWarning, match="feature names"):
        est.predict(X)


# ------------------------------------------------- warm start, partial_fit
def test_warm_start_keeps_adam_state():
    X, y = regression_data()
    kw = dict(
        hidden_layer_sizes=(8,),
        random_state=0,
        shuffle=False,
        batch_size=len(X),
        learning_rate_init=0.05,
        tol=0,
        n_iter_no_change=10**6,
    )
    once = MLPRegressor(max_iter=10, **kw).fit(X, y)
    twice = MLPRegressor(max_iter=5, warm_start=True, **kw).fit(X, y).fit(X, y)
    np.testing.assert_allclose(twice.predict(X), once.predict(X), rtol=1e-12)
    np.testing.assert_allclose(twice.loss_curve_, once.loss_curve_, rtol=1e-12)
    # scikit-learn restarts Adam on a warm fit, which gives another model
    ref = sknn.MLPRegressor(max_iter=5, warm_start=True, **kw).fit(X, y).fit(X, y)
    assert not np.allclose(ref.predict(X), once.predict(X), rtol=1e-6)


def test_partial_fit_matches_fit_epochs_and_counts():
    X, y = regression_data()
    kw = dict(hidden_layer_sizes=(8,), random_state=0, shuffle=False, batch_size=40)
    fitted = MLPRegressor(max_iter=3, tol=0, n_iter_no_change=99, **kw).fit(X, y)
    partial = MLPRegressor(**kw)
    for _ in range(3):
        partial.partial_fit(X, y)
    np.testing.assert_allclose(partial.predict(X), fitted.predict(X), rtol=1e-12)
    assert partial.n_iter_ == 1 and partial.t_ == 3 * len(X)


def test_classifier_partial_fit_classes():
    X, y = make_classification(n_samples=60, random_state=0)
    clf = MLPClassifier(hidden_layer_sizes=(5,), random_state=0)
    with pytest.raises(ValueError, match="classes must be passed"):
        clf.partial_fit(X, y)
    clf.partial_fit(X[y == 0], y[y == 0], classes=[0, 1])  # one class per batch is fine
    np.testing.assert_array_equal(clf.classes_, [0, 1])
    before = [c.copy() for c in clf.coefs_]
    with pytest.raises(ValueError, match="classes not in"):
        clf.partial_fit(X, np.where(y == 1, 2, y))
    for a, b in zip(clf.coefs_, before, strict=True):
        np.testing.assert_array_equal(a, b)
    assert clf.n_iter_ == 1


def test_partial_fit_unavailable_for_lbfgs():
    assert not hasattr(MLPRegressor(solver="lbfgs"), "partial_fit")
    assert not hasattr(MLPClassifier(solver="lbfgs"), "partial_fit")
    assert hasattr(MLPRegressor(solver="sgd"), "partial_fit")


# ---------------------------------------------------------- early stopping
def test_early_stopping_restores_best_weights():
    X, y = regression_data(n=200)
    est = MLPRegressor(
        hidden_layer_sizes=(32,),
        early_stopping=True,
        random_state=0,
        learning_rate_init=0.05,
        n_iter_no_change=5,
        max_iter=200,
    ).fit(X, y)
    assert est.best_validation_score_ == max(est.validation_scores_)
    assert (
        len(est.validation_scores_)
        == est.n_iter_
        > est.validation_scores_.index(est.best_validation_score_) + 1
    )
    # re-score the restored model on the same held-out split
    from sklearn.model_selection import train_test_split

    rng = np.random.RandomState(0)
    MLPRegressor(hidden_layer_sizes=(32,))._build_network(5, 1, rng, np.float64)
    _, X_val, _, y_val = train_test_split(X, y, random_state=rng, test_size=0.1)
    assert est.score(X_val, y_val) == pytest.approx(est.best_validation_score_)


def test_early_stopping_not_in_partial_fit():
    X, y = regression_data()
    with pytest.raises(ValueError, match="early_stopping"):
        MLPRegressor(early_stopping=True).partial_fit(X, y)


# --------------------------------------------------------------- persistence
def test_pickle_round_trip_keeps_views_and_optimizer_state():
    X, y = regression_data()
    kw = dict(hidden_layer_sizes=(8,), random_state=0, max_iter=3, shuffle=False)
    est = MLPRegressor(**kw).fit(X, y)
    restored = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(restored.predict(X), est.predict(X))
    assert np.shares_memory(restored.coefs_[0], restored._network.params)
    est.partial_fit(X, y)
    restored.partial_fit(X, y)
    np.testing.assert_allclose(restored.predict(X), est.predict(X), rtol=1e-12)


def test_coefs_are_views_and_assignable():
    X, y = regression_data()
    est = MLPRegressor(hidden_layer_sizes=(4,), max_iter=3, random_state=0).fit(X, y)
    est.coefs_[1][...] = 0.0
    np.testing.assert_allclose(est.predict(X), est.intercepts_[1][0])
    est.coefs_ = [np.ones((5, 4)), np.ones((4, 1))]
    assert est.coefs_[0].sum() == 20
    with pytest.raises(ValueError, match="shape"):
        est.coefs_ = [np.ones((4, 4)), np.ones((4, 1))]


# ------------------------------------------------------------ bad input
@pytest.mark.parametrize(
    "params, match",
    [
        (dict(hidden_layer_sizes=(3, 0)), "hidden_layer_sizes"),
        (dict(hidden_layer_sizes=-1), "hidden_layer_sizes"),
        (dict(learning_rate_init=-0.1), "learning_rate_init"),
        (dict(activation="swish"), "activation"),
        (dict(solver="newton"), "solver"),
        (dict(alpha=-1.0), "alpha"),
        (dict(batch_size=0), "batch_size"),
    ],
)
def test_invalid_parameters_name_the_parameter(params, match):
    X, y = regression_data()
    with pytest.raises(ValueError, match=match):
        MLPRegressor(**params).fit(X, y)


def test_failed_fit_leaves_fitted_model_unchanged():
    X, y = regression_data()
    est = MLPRegressor(hidden_layer_sizes=(4,), max_iter=3, random_state=0).fit(X, y)
    before, t_before = est.predict(X), est.t_
    with pytest.raises(ValueError, match="features"):
        est.set_params(warm_start=True).fit(X[:, :3], y)
    with pytest.raises(ValueError, match="NaN"):
        est.partial_fit(np.full_like(X, np.nan), y)
    with pytest.raises(ValueError, match="non-negative"):
        est.partial_fit(X, y, sample_weight=-np.ones(len(y)))
    with pytest.raises(ValueError, match="outputs"):
        est.partial_fit(X, np.c_[y, y])
    assert est.n_features_in_ == 5 and est.t_ == t_before
    np.testing.assert_array_equal(est.predict(X), before)


def test_poisson_rejects_negative_targets():
    X, y = regression_data()
    with pytest.raises(ValueError, match="non-negative y"):
        MLPRegressor(loss="poisson").fit(X, y)


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_a_single_class_is_fitted_and_predicted_as_by_scikit_learn(solver):
    X, _ = regression_data()
    y = np.full(len(X), "only")
    params = dict(hidden_layer_sizes=(8,), solver=solver, max_iter=20, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours = MLPClassifier(**params).fit(X, y)
        theirs = sknn.MLPClassifier(**params).fit(X, y)
    np.testing.assert_array_equal(ours.classes_, theirs.classes_)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    np.testing.assert_allclose(
        ours.predict_proba(X), theirs.predict_proba(X), rtol=1e-6, atol=1e-12
    )


def test_a_single_class_partial_fit_and_early_stopping():
    X, _ = regression_data()
    y = np.full(len(X), 3)
    est = MLPClassifier(hidden_layer_sizes=(4,), random_state=0)
    est.partial_fit(X, y, classes=[3])
    np.testing.assert_array_equal(est.predict(X), y)
    est = MLPClassifier(early_stopping=True, max_iter=5, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X, y)
    assert est.validation_scores_ == [1.0] * est.n_iter_


def test_divergence_restores_finite_weights_and_warns():
    X, y = regression_data()
    est = MLPRegressor(
        hidden_layer_sizes=(16,),
        solver="sgd",
        learning_rate_init=1e3,
        momentum=0.9,
        max_iter=50,
        random_state=0,
    )
    with pytest.warns(ConvergenceWarning, match="learning rate"):
        with np.errstate(all="ignore"):
            est.fit(X * 1e3, y * 1e3)
    assert all(np.isfinite(c).all() for c in est.coefs_)
    assert np.isfinite(est.predict(X)).all()
    assert not np.isfinite(est.loss_curve_[-1])
    # loss_ describes the restored model: its objective on the training data
    from skdeep.nn.training import objective_terms

    Y = (y * 1e3).reshape(-1, 1)
    terms = objective_terms(
        est._network, est._loss, X * 1e3, Y, None, est._make_penalty(), est.alpha
    )
    assert est.loss_ == pytest.approx(sum(terms), rel=1e-12)
    assert est.loss_ <= min(v for v in est.loss_curve_ if np.isfinite(v)) * 10


def test_verbose_prints_epoch_lines(capsys):
    X, y = regression_data()
    MLPRegressor(hidden_layer_sizes=(4,), max_iter=3, verbose=True).fit(X, y)
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("Epoch 1/3 - loss: ") and len(out) == 3


def test_lbfgs_honours_max_iter_and_max_fun():
    X, y = regression_data()
    est = MLPRegressor(hidden_layer_sizes=(20,), solver="lbfgs", max_iter=7)
    with pytest.warns(ConvergenceWarning, match="lbfgs failed to converge"):
        with warnings.catch_warnings():
            warnings.simplefilter("always", ConvergenceWarning)
            est.fit(X, y)
    assert est.n_iter_ == 7 and len(est.loss_curve_) == 7
    calls = []
    est = MLPRegressor(hidden_layer_sizes=(20,), solver="lbfgs", max_fun=5)
    original = est._build_network

    def counting_build(*args):
        net = original(*args)
        forward = net.forward

        def counted(x, training=False):
            calls.append(training)
            return forward(x, training)

        net.forward = counted
        return net

    est._build_network = counting_build
    est.fit(X, y)
    assert 0 < sum(calls) <= 5 + 1  # SciPy may finish the evaluation under way


@pytest.mark.parametrize("schedule", ["invscaling", "adaptive"])
def test_sgd_learning_rate_schedules_equal_sklearn(schedule):
    X, y = regression_data()
    kw = dict(
        hidden_layer_sizes=(6,),
        solver="sgd",
        learning_rate=schedule,
        learning_rate_init=0.05,
        power_t=0.3,
        max_iter=60,
        random_state=0,
        n_iter_no_change=2,
        tol=1e-3,
    )
    ours, ref = MLPRegressor(**kw).fit(X, y), sknn.MLPRegressor(**kw).fit(X, y)
    np.testing.assert_allclose(ours.loss_curve_, ref.loss_curve_, rtol=1e-9)
    assert ours.n_iter_ == ref.n_iter_
    if schedule == "adaptive":  # the rate was divided at least once
        assert ours._state.learning_rate < kw["learning_rate_init"]


def test_adaptive_schedule_applies_to_adam():
    X, y = regression_data()
    est = MLPRegressor(
        hidden_layer_sizes=(6,),
        learning_rate="adaptive",
        learning_rate_init=0.05,
        n_iter_no_change=1,
        tol=10.0,
        max_iter=5,
        random_state=0,
    ).fit(X, y)
    # no epoch improves by tol=10: the count exceeds 1 at epochs 3 and 5, and
    # each time the rate is divided by 5 instead of stopping
    assert est.n_iter_ == 5
    assert est._state.learning_rate == pytest.approx(0.05 / 5**2)


@pytest.mark.parametrize(
    "X, y, match",
    [
        (np.zeros((0, 3)), np.zeros(0), "0 sample"),
        (np.zeros(5), np.zeros(5), "2D array"),
        (np.array([["a", "b"], ["c", "d"]]), np.zeros(2), "could not convert|numeric"),
        (np.zeros((5, 2)), np.array([0, 1, np.inf, 0, 1.0]), "infinity"),
        (np.zeros((5, 2)), np.zeros(4), "inconsistent numbers of samples"),
    ],
)
@pytest.mark.parametrize("estimator", [MLPRegressor, MLPClassifier])
def test_bad_input_clear_errors(estimator, X, y, match):
    with pytest.raises(ValueError, match=match):
        estimator(max_iter=2).fit(X, y)


def test_sample_weight_errors():
    X, y = regression_data()
    with pytest.raises(ValueError, match="non-zero"):
        MLPRegressor().fit(X, y, sample_weight=np.zeros(len(y)))
    with pytest.raises(ValueError, match="sample_weight"):
        MLPRegressor().fit(X, y, sample_weight=np.ones(len(y) - 1))


def test_integer_weights_equal_repeated_rows_lbfgs():
    X, y = regression_data(n=40)
    w = np.random.RandomState(0).randint(0, 4, size=len(y))
    kw = dict(hidden_layer_sizes=(5,), solver="lbfgs", max_iter=50, random_state=0)
    weighted = MLPRegressor(**kw).fit(X, y, sample_weight=w)
    repeated = MLPRegressor(**kw).fit(np.repeat(X, w, axis=0), np.repeat(y, w))
    np.testing.assert_allclose(weighted.predict(X), repeated.predict(X), rtol=1e-6)
