"""Property-based tests: invariants over random shapes, dtypes, weights and
hyperparameters."""

import warnings

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.exceptions import ConvergenceWarning

from skdeep import MLPClassifier, MLPRegressor, SimpleRNN, SimpleRNNClassifier

SETTINGS = settings(max_examples=60, deadline=None, derandomize=True)


@st.composite
def problems(draw, sequences=False):
    n = draw(st.integers(6, 40))
    n_features = draw(st.integers(1, 5))
    n_steps = draw(st.integers(1, 6)) if sequences else None
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    seed = draw(st.integers(0, 2**16))
    rng = np.random.RandomState(seed)
    shape = (n, n_steps, n_features) if sequences else (n, n_features)
    X = rng.normal(size=shape).astype(dtype)
    weighted = draw(st.booleans())
    sw = rng.randint(0, 4, size=n).astype(float) if weighted else None
    if sw is not None and sw.sum() == 0:
        sw[0] = 1.0
    return X, sw, rng


hyperparameters = st.fixed_dictionaries(
    {
        "hidden_layer_sizes": st.lists(st.integers(1, 8), min_size=1, max_size=2).map(
            tuple
        ),
        "activation": st.sampled_from(["relu", "tanh", "logistic", "elu", "gelu"]),
        "solver": st.sampled_from(["adam", "sgd", "rmsprop", "lbfgs"]),
        "alpha": st.sampled_from([0.0, 1e-4, 1.0]),
        "batch_size": st.sampled_from(["auto", 4]),
    }
)


def fit_quietly(est, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", UserWarning)  # batch_size clipped
        return est.fit(*args, **kwargs)


@SETTINGS
@given(problems(), hyperparameters, st.integers(1, 3))
def test_regressor_prediction_shape_dtype_and_determinism(problem, params, n_outputs):
    X, sw, rng = problem
    y = (
        rng.normal(size=(len(X), n_outputs))
        if n_outputs > 1
        else rng.normal(size=len(X))
    )
    a = fit_quietly(
        MLPRegressor(max_iter=5, random_state=0, **params), X, y, sample_weight=sw
    )
    b = fit_quietly(
        MLPRegressor(max_iter=5, random_state=0, **params), X, y, sample_weight=sw
    )
    pred = a.predict(X)
    assert pred.shape == y.shape and pred.dtype == X.dtype
    assert np.isfinite(pred).all()
    np.testing.assert_array_equal(pred, b.predict(X))


@SETTINGS
@given(problems(), hyperparameters, st.integers(2, 4))
def test_classifier_probabilities(problem, params, n_classes):
    X, sw, rng = problem
    y = np.arange(len(X)) % n_classes
    rng.shuffle(y)
    clf = fit_quietly(
        MLPClassifier(max_iter=5, random_state=0, **params), X, y, sample_weight=sw
    )
    proba = clf.predict_proba(X)
    assert proba.shape == (len(X), n_classes) and proba.dtype == X.dtype
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)
    assert ((proba >= 0) & (proba <= 1)).all()
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[proba.argmax(axis=1)])


@SETTINGS
@given(problems(sequences=True), st.integers(1, 6), st.booleans())
def test_recurrent_invariants(problem, units, classify):
    X, sw, rng = problem
    if classify:
        y = np.arange(len(X)) % 2
        est = SimpleRNNClassifier(
            hidden_layer_sizes=(units,), max_iter=3, random_state=0
        )
    else:
        y = rng.normal(size=len(X))
        est = SimpleRNN(hidden_layer_sizes=(units,), max_iter=3, random_state=0)
    fit_quietly(est, X, y, sample_weight=sw)
    out = est.predict_proba(X) if classify else est.predict(X)
    assert out.dtype == X.dtype and len(out) == len(X) and np.isfinite(out).all()
    if classify:
        np.testing.assert_allclose(out.sum(axis=1), 1, rtol=1e-5)


@settings(max_examples=15, deadline=None, derandomize=True)
@given(st.integers(0, 2**16), st.integers(5, 25), st.integers(1, 4))
def test_integer_weights_equal_repeated_rows_full_batch(seed, n, n_features):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, n_features))
    y = rng.normal(size=n)
    w = rng.randint(0, 4, size=n)
    w[0] = max(w[0], 1)
    kw = dict(hidden_layer_sizes=(3,), solver="lbfgs", max_iter=30, random_state=0)
    weighted = fit_quietly(MLPRegressor(**kw), X, y, sample_weight=w)
    repeated = fit_quietly(MLPRegressor(**kw), np.repeat(X, w, axis=0), np.repeat(y, w))
    np.testing.assert_allclose(
        weighted.predict(X), repeated.predict(X), rtol=1e-5, atol=1e-7
    )
