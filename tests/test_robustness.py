"""Bad input gets a clear ValueError/TypeError, a failed call changes nothing,
and the numerics stay finite."""

import copy
import pickle
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning

from skdeep import MLPClassifier, MLPRegressor, SimpleRNN, SimpleRNNClassifier

rng = np.random.RandomState(0)
X2 = rng.normal(size=(40, 6))
X3 = rng.normal(size=(40, 6, 2))
Y_REG = rng.normal(size=40)
Y_CLS = np.arange(40) % 3

ESTIMATORS = {
    "MLPRegressor": (MLPRegressor, X2, Y_REG),
    "MLPClassifier": (MLPClassifier, X2, Y_CLS),
    "SimpleRNN": (SimpleRNN, X3, Y_REG),
    "SimpleRNNClassifier": (SimpleRNNClassifier, X3, Y_CLS),
}
FORBIDDEN = (
    IndexError,
    ZeroDivisionError,
    AttributeError,
    FloatingPointError,
    KeyError,
)


@pytest.fixture(autouse=True)
def _quiet_convergence():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


def fitted(name, **params):
    cls, X, y = ESTIMATORS[name]
    est = cls(hidden_layer_sizes=(4,), max_iter=2, random_state=0, **params)
    return est.fit(X, y), X, y


def expect_clear_error(call, match):
    try:
        call()
    except FORBIDDEN as exc:  # pragma: no cover - the failure we test against
        pytest.fail(f"{type(exc).__name__} instead of a clear error: {exc}")
    except (ValueError, TypeError) as exc:
        assert match.lower() in str(exc).lower() or __import__("re").search(
            match, str(exc), __import__("re").I
        ), f"message {str(exc)!r} does not mention {match!r}"
    else:
        pytest.fail("no error raised")


def with_nan(a):
    a = np.array(a, dtype=float)
    a.flat[3] = np.nan
    return a


def with_inf(a):
    a = np.array(a, dtype=float)
    a.flat[3] = np.inf
    return a


BAD_FIT_INPUTS = {
    "nan in X": (lambda X, y: (with_nan(X), y), "NaN"),
    "inf in X": (lambda X, y: (with_inf(X), y), "infinity"),
    "empty X": (lambda X, y: (X[:0], y[:0]), "0 sample"),
    "1-D X": (
        lambda X, y: (X.reshape(len(X), -1)[:, 0], y),
        "2D array|1D|shape \\(n_samples, n_timesteps, n_features\\)",
    ),
    "string X": (
        lambda X, y: (np.full(X.shape, "a", dtype=object), y),
        "convert|numeric|string",
    ),
    "length mismatch": (lambda X, y: (X, y[:-1]), "inconsistent numbers of samples"),
    "sparse X": (lambda X, y: (sp.csr_matrix(X.reshape(len(X), -1)), y), "sparse"),
}


# the MLPs accept sparse input (tested in test_mlp), the recurrent ones do not
BAD_FIT_CASES = [
    (name, case)
    for name in sorted(ESTIMATORS)
    for case in sorted(BAD_FIT_INPUTS)
    if not (case == "sparse X" and name.startswith("MLP"))
]


@pytest.mark.parametrize("name, case", BAD_FIT_CASES)
@pytest.mark.parametrize("method", ["fit", "partial_fit"])
def test_bad_fit_input(name, case, method):
    cls, X, y = ESTIMATORS[name]
    make, match = BAD_FIT_INPUTS[case]
    Xb, yb = make(X, y)
    est = cls(hidden_layer_sizes=(4,), max_iter=2)
    kwargs = (
        {"classes": [0, 1, 2]} if method == "partial_fit" and "Class" in name else {}
    )
    expect_clear_error(lambda: getattr(est, method)(Xb, yb, **kwargs), match)


@pytest.mark.parametrize("name", sorted(ESTIMATORS))
def test_nan_or_inf_in_y(name):
    cls, X, y = ESTIMATORS[name]
    est = cls(max_iter=2)
    expect_clear_error(lambda: est.fit(X, with_nan(y)), "NaN")
    if "Class" not in name:
        expect_clear_error(lambda: est.fit(X, with_inf(y)), "infinity")


@pytest.mark.parametrize("name", sorted(ESTIMATORS))
@pytest.mark.parametrize(
    "weights, match",
    [
        (lambda n: np.ones(n - 1), "sample_weight|samples"),
        (lambda n: -np.ones(n), "non-negative"),
        (lambda n: np.zeros(n), "non-zero|all zero"),
        (lambda n: np.full(n, np.nan), "NaN"),
    ],
)
def test_bad_sample_weight(name, weights, match):
    cls, X, y = ESTIMATORS[name]
    expect_clear_error(
        lambda: cls(max_iter=2).fit(X, y, sample_weight=weights(len(y))), match
    )


@pytest.mark.parametrize("name", sorted(ESTIMATORS))
@pytest.mark.parametrize("method", ["predict", "predict_proba", "score"])
def test_bad_predict_input(name, method):
    est, X, y = fitted(name)
    if not hasattr(est, method):
        return
    call = getattr(est, method)
    args = (lambda Xb: (Xb, y)) if method == "score" else (lambda Xb: (Xb,))
    expect_clear_error(lambda: call(*args(with_nan(X))), "NaN")
    expect_clear_error(lambda: call(*args(X[:0])), "0 sample")
    wrong = X[..., :-1] if X.ndim == 3 else X[:, :-1]
    expect_clear_error(lambda: call(*args(wrong)), "features")
    expect_clear_error(
        lambda: call(*args(np.full(X.shape, "a", dtype=object))),
        "convert|string|numeric",
    )


def test_unfitted_estimators_say_so():
    from sklearn.exceptions import NotFittedError

    for cls, X, _ in ESTIMATORS.values():
        with pytest.raises(NotFittedError):
            cls().predict(X)


@pytest.mark.parametrize("name", sorted(ESTIMATORS))
@pytest.mark.parametrize(
    "params, match",
    [
        ({"hidden_layer_sizes": (0,)}, "hidden_layer_sizes"),
        ({"hidden_layer_sizes": (4, -2)}, "hidden_layer_sizes"),
        ({"learning_rate_init": -0.1}, "learning_rate_init"),
        ({"solver": "newton"}, "'solver' parameter.*'adam'"),
        ({"activation": "swish"}, "'activation' parameter.*'relu'"),
        ({"penalty": "l3"}, "'penalty' parameter.*'l1'"),
        ({"alpha": -1.0}, "alpha"),
        ({"batch_size": 0}, "batch_size"),
        ({"max_iter": 0}, "max_iter"),
    ],
)
def test_invalid_hyperparameters_are_named(name, params, match):
    cls, X, y = ESTIMATORS[name]
    expect_clear_error(lambda: cls(**params).fit(X, y), match)


@pytest.mark.parametrize(
    "cls, params, match",
    [
        (MLPRegressor, {"dropout": 1.0}, "dropout"),
        (MLPRegressor, {"dropout": -0.1}, "dropout"),
        (MLPRegressor, {"loss": "hinge"}, "'loss' parameter.*'huber'"),
        (MLPRegressor, {"normalization": "group"}, "normalization"),
        (SimpleRNN, {"loss": "hinge"}, "'loss' parameter"),
    ],
)
def test_invalid_layer_and_loss_parameters(cls, params, match):
    X = X3 if cls is SimpleRNN else X2
    expect_clear_error(lambda: cls(**params).fit(X, Y_REG), match)


@pytest.mark.parametrize("name", ["MLPClassifier", "SimpleRNNClassifier"])
def test_classifier_label_errors(name):
    cls, X, y = ESTIMATORS[name]
    expect_clear_error(lambda: cls().fit(X, Y_REG), "Unknown label type|continuous")
    est = cls(max_iter=2).partial_fit(X, y, classes=[0, 1, 2])
    expect_clear_error(lambda: est.partial_fit(X, y + 1), "classes not in")
    # labels outside `classes` in the very first call, too
    expect_clear_error(
        lambda: cls().partial_fit(X, y + 1, classes=[0, 1, 2]), "classes not in"
    )
    expect_clear_error(lambda: cls().partial_fit(X, y), "classes must be passed")


# ----------------------------------------------------------------- atomicity
def snapshot(est):
    return pickle.dumps(
        (
            [c.copy() for c in est.coefs_],
            copy.deepcopy(est._state.optimizer_state),
            est.n_iter_,
            getattr(est, "classes_", None),
            copy.deepcopy(est.history_),
            list(est.loss_curve_),
            est.t_,
        )
    )


@pytest.mark.parametrize("name", sorted(ESTIMATORS))
def test_failed_calls_leave_the_model_unchanged(name):
    est, X, y = fitted(name, warm_start=True)
    before, pred = snapshot(est), est.predict(X)
    wrong = X[..., :-1] if X.ndim == 3 else X[:, :-1]
    failing = [
        lambda: est.fit(wrong, y),
        lambda: est.partial_fit(with_nan(X), y),
        lambda: est.partial_fit(X, y, sample_weight=-np.ones(len(y))),
        lambda: est.fit(X, y, X_val=wrong, y_val=y),
        lambda: est.set_params(learning_rate_init=-1).fit(X, y),
    ]
    if "Class" in name:
        failing.append(lambda: est.partial_fit(X, y + 5))
    for call in failing:
        with pytest.raises((ValueError, TypeError)):
            call()
        est.set_params(learning_rate_init=0.001)
        assert snapshot(est) == before
        np.testing.assert_array_equal(est.predict(X), pred)


def test_a_solver_failing_half_way_changes_nothing(monkeypatch):
    from skdeep.nn.training import FULL_BATCH_SOLVERS

    def scribble_then_fail(network, *args, **kwargs):
        network.params[:] = 123.0  # training had started to change the weights
        raise MemoryError("out of memory half-way")

    est, X, y = fitted("MLPRegressor", solver="lbfgs", warm_start=True)
    before, pred = snapshot(est), est.predict(X)
    monkeypatch.setitem(FULL_BATCH_SOLVERS, "lbfgs", scribble_then_fail)
    with pytest.raises(MemoryError):
        est.fit(X, y)
    assert snapshot(est) == before
    np.testing.assert_array_equal(est.predict(X), pred)


def test_a_raising_callback_changes_nothing():
    callback = pytest.importorskip("sklearn.callback")

    class Boom:
        def setup(self, estimator, context):
            pass

        def teardown(self, estimator, context):
            pass

        def on_fit_task_begin(self, estimator, context):
            pass

        def on_fit_task_end(self, estimator, context, **kwargs):
            if context.task_name == "epoch":
                raise RuntimeError("boom")

    assert isinstance(Boom(), callback.FitCallback)
    est, X, y = fitted("MLPRegressor", warm_start=True)
    before = snapshot(est)
    with pytest.raises(RuntimeError, match="boom"):
        est.set_callbacks(Boom()).fit(X, y)
    assert snapshot(est) == before


# ------------------------------------------------------------------ numerics
NORMAL_FITS = [
    (MLPRegressor, dict(activation=a, solver=s))
    for a in ("relu", "logistic", "tanh", "softplus", "gelu", "elu")
    for s in ("adam", "sgd", "lbfgs")
] + [
    (MLPRegressor, dict(loss="poisson")),
    (MLPRegressor, dict(loss="huber", normalization="batch", dropout=0.2)),
    (MLPClassifier, dict(activation="logistic")),
    (MLPClassifier, dict(solver="lbfgs", normalization="layer")),
    (SimpleRNN, dict()),
    (SimpleRNNClassifier, dict(solver="newton-cg")),
]


@pytest.mark.parametrize("cls, params", NORMAL_FITS)
def test_normal_fits_run_clean_under_errstate_raise(cls, params):
    X = X3 if cls in (SimpleRNN, SimpleRNNClassifier) else X2
    y = Y_CLS if "Class" in cls.__name__ else Y_REG
    if params.get("loss") == "poisson":
        y = np.abs(y) * 3
    with np.errstate(all="raise"):
        est = cls(hidden_layer_sizes=(8,), max_iter=20, random_state=0, **params)
        est.fit(X, y)
        est.predict(X)
        if hasattr(est, "predict_proba"):
            est.predict_proba(X)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
@pytest.mark.parametrize("cls", [MLPRegressor, MLPClassifier])
def test_huge_inputs_fit_finite_or_fail_clearly(dtype, solver, cls):
    X = (X2 * 1e150).astype(dtype) if dtype == np.float64 else X2.astype(dtype)
    if dtype == np.float32:
        X = X * np.float32(1e30)  # near float32's limit
    y = Y_CLS if cls is MLPClassifier else Y_REG
    est = cls(hidden_layer_sizes=(8,), solver=solver, max_iter=20, random_state=0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            est.fit(X, y)
    except ValueError as exc:
        assert "non-finite" in str(exc) or "large" in str(exc)
        return
    assert np.isfinite(
        est.predict_proba(X) if cls is MLPClassifier else est.predict(X)
    ).all()


def test_poisson_link_never_overflows():
    from skdeep.nn.losses import Poisson

    raw = np.array([[1e4], [800.0], [-1e4]])
    with np.errstate(over="raise"):
        pred = Poisson().link(raw.copy())
    assert np.isfinite(pred).all() and pred[2, 0] >= 0


# ------------------------------------------------------- PolynomialRegression
POLY_BAD_FIT = [
    case for case in sorted(BAD_FIT_INPUTS) if case not in ("sparse X",)
]  # PolynomialRegression accepts sparse input through scikit-learn's pipeline


@pytest.mark.parametrize("case", POLY_BAD_FIT)
def test_polynomial_regression_bad_fit_input(case):
    from skdeep import PolynomialRegression

    make, match = BAD_FIT_INPUTS[case]
    Xb, yb = make(X2, Y_REG)
    expect_clear_error(lambda: PolynomialRegression().fit(Xb, yb), match)


def test_polynomial_regression_bad_predict_input_and_parameters():
    from skdeep import PolynomialRegression

    est = PolynomialRegression().fit(X2, Y_REG)
    expect_clear_error(lambda: est.predict(with_nan(X2)), "NaN")
    expect_clear_error(lambda: est.predict(X2[:, :-1]), "features")
    expect_clear_error(lambda: est.score(X2[:0], Y_REG[:0]), "0 sample")
    expect_clear_error(lambda: PolynomialRegression(degree=0).fit(X2, Y_REG), "degree")
    expect_clear_error(
        lambda: PolynomialRegression(penalty="l3").fit(X2, Y_REG), "'penalty' parameter"
    )
    expect_clear_error(
        lambda: PolynomialRegression().fit(X2, Y_REG, sample_weight=np.ones(3)),
        "sample_weight|samples",
    )
    before = est.predict(X2)
    with pytest.raises(ValueError):
        est.fit(X2[:, :3], Y_REG[:5])
    # fails after validate_data has reset n_features_in_
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # and without a bare RuntimeWarning
        with pytest.raises(ValueError, match="[Nn]egative"):
            est.set_params(penalty="l2").fit(
                X2[:, :3], Y_REG, sample_weight=-np.ones(40)
            )
    assert est.n_features_in_ == 6
    np.testing.assert_array_equal(est.predict(X2), before)
