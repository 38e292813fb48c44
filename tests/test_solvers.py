"""Solvers, penalties and schedules inside the estimators."""

import pickle
import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import ElasticNet as SkElasticNet
from sklearn.linear_model import Lasso, Ridge
from sklearn.model_selection import GridSearchCV
from sklearn.preprocessing import StandardScaler

from skdeep import MLPClassifier, MLPRegressor
from skdeep.nn import Dense, Sequential, losses
from skdeep.nn.schedules import scheduled_learning_rate
from skdeep.nn.training import TrainingConfig, TrainingState, fit_newton_cg
from skdeep.optimizers import SGD, Adagrad, Adam, AdamW, RMSProp
from skdeep.penalties import L1, ElasticNet

STOCHASTIC = ["sgd", "adam", "adagrad", "rmsprop", "adamw"]


@pytest.fixture(autouse=True)
def _quiet_convergence():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


def sparse_problem(n=60, p=8, seed=0):
    rng = np.random.RandomState(seed)
    X = StandardScaler().fit_transform(rng.normal(size=(n, p)))
    coef = np.array([2.0, -1.5, 0, 0, 1.0, 0, 0, 0.3])[:p]
    y = X @ coef + 0.5 + 0.3 * rng.normal(size=n)
    return X, y


def proximal_gradient_regressor(penalty, alpha, **kw):
    """No hidden layer, full batch, plain SGD: proximal gradient descent."""
    params = dict(
        hidden_layer_sizes=(),
        solver="sgd",
        momentum=0.0,
        batch_size=60,  # the whole data set
        shuffle=False,
        learning_rate_init=0.2,
        max_iter=4000,
        tol=0.0,
        n_iter_no_change=np.inf,
        penalty=penalty,
        alpha=alpha,
        random_state=0,
    )
    return MLPRegressor(**{**params, **kw})


def test_l1_full_batch_sgd_equals_lasso_with_exact_zeros():
    X, y = sparse_problem()
    alpha = 12.0
    net = proximal_gradient_regressor("l1", alpha).fit(X, y)
    lasso = Lasso(alpha=alpha / len(X), tol=1e-12, max_iter=100000).fit(X, y)
    coef = net.coefs_[0].ravel()
    np.testing.assert_allclose(coef, lasso.coef_, atol=1e-8)
    np.testing.assert_allclose(net.intercepts_[0], lasso.intercept_, atol=1e-8)
    np.testing.assert_array_equal(coef == 0, lasso.coef_ == 0)
    assert (coef == 0).sum() >= 3  # the alpha is strong enough to select


@pytest.mark.parametrize(
    "solver, lr",
    [
        (SGD(momentum=0.9, nesterov=False), 0.02),
        (SGD(momentum=0.9, nesterov=True), 0.02),
        (Adam(), 0.01),
        (AdamW(weight_decay=0.0), 0.01),
        (RMSProp(), 0.01),
        (Adagrad(), 0.5),
    ],
    ids=["momentum", "nesterov", "adam", "adamw", "rmsprop", "adagrad"],
)
def test_l1_with_every_optimizer_converges_to_lasso(solver, lr):
    # the proximal step uses each optimizer's effective step, so the fixed
    # point is the Lasso solution whatever the optimizer
    X, y = sparse_problem()
    alpha = 12.0
    net = proximal_gradient_regressor(
        "l1", alpha, solver=solver, learning_rate_init=lr
    ).fit(X, y)
    lasso = Lasso(alpha=alpha / len(X), tol=1e-12, max_iter=100000).fit(X, y)
    coef = net.coefs_[0].ravel()
    np.testing.assert_allclose(coef, lasso.coef_, atol=1e-8)
    np.testing.assert_array_equal(coef == 0, lasso.coef_ == 0)


def test_default_solver_with_l1_gives_exact_zeros():
    X, y = sparse_problem(n=200)
    est = MLPRegressor(
        hidden_layer_sizes=(), penalty="l1", alpha=30.0, learning_rate_init=0.01,
        max_iter=1500, tol=0, n_iter_no_change=np.inf, random_state=0,
    ).fit(X, y)  # fmt: skip
    lasso = Lasso(alpha=30.0 / 200).fit(X, y)
    coef = est.coefs_[0].ravel()
    np.testing.assert_array_equal(coef == 0, lasso.coef_ == 0)
    np.testing.assert_allclose(coef, lasso.coef_, atol=1e-3)


def test_elasticnet_full_batch_sgd_equals_sklearn_elasticnet():
    X, y = sparse_problem()
    alpha, ratio = 20.0, 0.6
    net = proximal_gradient_regressor("elasticnet", alpha, l1_ratio=ratio).fit(X, y)
    ref = SkElasticNet(alpha=alpha / len(X), l1_ratio=ratio, tol=1e-12, max_iter=10**5)
    ref.fit(X, y)
    coef = net.coefs_[0].ravel()
    np.testing.assert_allclose(coef, ref.coef_, atol=1e-8)
    np.testing.assert_array_equal(coef == 0, ref.coef_ == 0)
    assert (coef == 0).sum() >= 2


def test_penalty_object_equals_string():
    X, y = sparse_problem()
    a = proximal_gradient_regressor(ElasticNet(l1_ratio=0.6), 20.0, max_iter=50)
    b = proximal_gradient_regressor("elasticnet", 20.0, l1_ratio=0.6, max_iter=50)
    np.testing.assert_array_equal(a.fit(X, y).coefs_[0], b.fit(X, y).coefs_[0])


def test_no_penalty():
    X, y = sparse_problem()
    a = MLPRegressor(hidden_layer_sizes=(4,), penalty=None, alpha=100.0, max_iter=5)
    b = MLPRegressor(hidden_layer_sizes=(4,), alpha=0.0, max_iter=5)
    a.set_params(random_state=0).fit(X, y)
    b.set_params(random_state=0).fit(X, y)
    np.testing.assert_array_equal(a.predict(X), b.predict(X))


@pytest.mark.parametrize("solver", ["lbfgs", "newton-cg"])
@pytest.mark.parametrize("penalty", ["l1", "elasticnet", L1()])
def test_full_batch_solvers_reject_non_smooth_penalties(solver, penalty):
    X, y = sparse_problem()
    with pytest.raises(ValueError, match="L1 part.*'sgd'.*penalty='l2'"):
        MLPRegressor(solver=solver, penalty=penalty).fit(X, y)


def test_newton_cg_equals_ridge_in_fewer_iterations_than_lbfgs():
    X, y = make_regression(n_samples=100, n_features=6, noise=1.0, random_state=0)
    y = y / y.std()
    kw = dict(hidden_layer_sizes=(), alpha=5.0, tol=1e-8, max_iter=1000, random_state=0)
    newton = MLPRegressor(solver="newton-cg", **kw).fit(X, y)
    lbfgs = MLPRegressor(solver="lbfgs", **kw).fit(X, y)
    ridge = Ridge(alpha=5.0).fit(X, y)
    np.testing.assert_allclose(newton.coefs_[0].ravel(), ridge.coef_, atol=1e-6)
    assert newton.n_iter_ < lbfgs.n_iter_, (newton.n_iter_, lbfgs.n_iter_)


def test_newton_cg_beats_lbfgs_on_a_small_smooth_network():
    X, y = make_classification(n_samples=120, n_features=4, random_state=0)
    kw = dict(
        hidden_layer_sizes=(5,),
        activation="tanh",
        alpha=1.0,
        tol=1e-6,
        max_iter=2000,
        random_state=0,
    )
    newton = MLPClassifier(solver="newton-cg", **kw).fit(X, y)
    lbfgs = MLPClassifier(solver="lbfgs", **kw).fit(X, y)
    assert newton.n_iter_ < lbfgs.n_iter_, (newton.n_iter_, lbfgs.n_iter_)
    assert newton.loss_ <= lbfgs.loss_ + 1e-4


def test_newton_hessian_vector_products_on_a_quadratic():
    # squared error of a linear model: H = [X 1]^T [X 1] / n exactly
    rng = np.random.RandomState(0)
    X, Y = rng.normal(size=(30, 3)), rng.normal(size=(30, 1))
    net = Sequential([Dense(1)]).build(3, rng)
    state = fit_newton_cg(
        net,
        losses.SquaredError(),
        X,
        Y,
        None,
        TrainingState(learning_rate=0.0),
        TrainingConfig(max_iter=200, tol=1e-10),
    )
    Xb = np.c_[X, np.ones(30)]
    exact = np.linalg.lstsq(Xb, Y[:, 0], rcond=None)[0]
    np.testing.assert_allclose(net.params, exact, atol=1e-8)
    # Newton's step solves a quadratic at once; the trust region (initial
    # radius 1) only walks there in a few growing steps
    assert state.n_iter <= 10
    assert len(state.history["loss"]) == len(state.loss_curve) == state.n_iter


@pytest.mark.parametrize("solver", STOCHASTIC)
def test_every_stochastic_solver_learns(solver):
    X, y = sparse_problem(n=200)
    est = MLPRegressor(
        hidden_layer_sizes=(16,),
        solver=solver,
        learning_rate_init=0.1 if solver == "adagrad" else 0.01,
        max_iter=30,
        random_state=0,
    ).fit(X, y)
    assert est.loss_curve_[-1] < 0.5 * est.loss_curve_[0]
    assert est.score(X, y) > 0.8


@pytest.mark.parametrize(
    "solver, obj",
    [
        ("sgd", SGD(momentum=0.9, nesterov=True)),
        ("adam", Adam()),
        ("adamw", AdamW()),
        ("rmsprop", RMSProp(epsilon=1e-8)),
        ("adagrad", Adagrad(epsilon=1e-8)),
    ],
)
def test_string_solvers_equal_their_objects(solver, obj):
    X, y = sparse_problem()
    kw = dict(hidden_layer_sizes=(5,), max_iter=5, random_state=0)
    a = MLPRegressor(solver=solver, **kw).fit(X, y)
    b = MLPRegressor(solver=obj, **kw).fit(X, y)
    np.testing.assert_array_equal(a.predict(X), b.predict(X))


def test_invalid_optimizer_object_fails_before_any_change():
    X, y = sparse_problem()
    est = MLPRegressor(hidden_layer_sizes=(3,), max_iter=2, random_state=0).fit(X, y)
    before = est.predict(X)
    with pytest.raises(ValueError, match="rho"):
        est.set_params(solver=RMSProp(rho=1.5), warm_start=True).fit(X, y)
    np.testing.assert_array_equal(est.predict(X), before)


def test_clone_and_grid_search_over_optimizer_objects():
    X, y = sparse_problem()
    est = MLPRegressor(
        hidden_layer_sizes=(4,), solver=RMSProp(rho=0.5), max_iter=3, random_state=0
    )
    copy = clone(est)
    assert copy.solver is not est.solver and copy.solver == est.solver
    search = GridSearchCV(est, {"solver__rho": [0.8, 0.95]}, cv=2).fit(X, y)
    assert search.best_params_["solver__rho"] in (0.8, 0.95)
    assert search.best_estimator_.solver.rho == search.best_params_["solver__rho"]
    assert est.solver.rho == 0.5  # the original is untouched
    search = GridSearchCV(est, {"solver": [Adam(), RMSProp()]}, cv=2).fit(X, y)
    assert type(search.best_estimator_.solver) in (Adam, RMSProp)
    search = GridSearchCV(
        est.set_params(solver="sgd"), {"penalty": [L1(), ElasticNet(0.5)]}, cv=2
    ).fit(X, y)
    assert search.best_estimator_.penalty in (L1(), ElasticNet(0.5))


@pytest.mark.parametrize("solver", [RMSProp(), AdamW(), SGD()])
def test_pickling_mid_training_continues_exactly(solver):
    X, y = sparse_problem()
    est = MLPRegressor(hidden_layer_sizes=(6,), solver=solver, random_state=0)
    for _ in range(3):
        est.partial_fit(X, y)
    restored = pickle.loads(pickle.dumps(est))
    for _ in range(3):
        est.partial_fit(X, y)
        restored.partial_fit(X, y)
    np.testing.assert_allclose(restored.predict(X), est.predict(X), rtol=1e-12)
    np.testing.assert_allclose(restored.loss_curve_, est.loss_curve_, rtol=1e-12)


def test_cosine_schedule():
    assert scheduled_learning_rate("cosine", 1.0, 1.0, t=0, epoch=0, max_iter=4) == 1
    values = [
        scheduled_learning_rate("cosine", 0.0, 1.0, t=0, epoch=e, max_iter=4)
        for e in range(6)
    ]
    np.testing.assert_allclose(
        values, 0.5 * (1 + np.cos(np.pi * np.minimum(range(6), 4) / 4))
    )
    X, y = sparse_problem()
    est = MLPRegressor(
        hidden_layer_sizes=(4,), learning_rate="cosine", max_iter=10, tol=0
    ).fit(X, y)
    assert est._state.learning_rate == pytest.approx(0.0, abs=1e-18)


def test_clip_grad_norm_bounds_each_step():
    # one full-batch plain-SGD epoch moves the parameters by exactly lr * clip
    X, y = sparse_problem()
    y = 100 * y  # large gradient
    kw = dict(
        hidden_layer_sizes=(3,),
        solver="sgd",
        momentum=0.0,
        batch_size=60,  # the whole data set
        max_iter=1,
        alpha=0.0,
        random_state=0,
        learning_rate_init=0.1,
    )
    start = MLPRegressor(**{**kw, "learning_rate_init": 1e-300}).fit(X, y)
    clipped = MLPRegressor(clip_grad_norm=0.5, **kw).fit(X, y)
    step = np.linalg.norm(clipped._network.params - start._network.params)
    assert step == pytest.approx(0.1 * 0.5, rel=1e-5)
