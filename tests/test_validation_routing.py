"""Validation data inside pipelines and searches: metadata routing with
``transform_input`` scales ``X_val`` as ``X``, and ``check_validation_scale``
warns when it plainly was not."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
import sklearn
from sklearn.datasets import load_diabetes, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, KFold, cross_validate
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from skdeep import MLPClassifier, MLPRegressor
from skdeep._scale_check import check_validation_scale

SCALE_MESSAGE = "X_val looks like it is on another scale"
HISTORY_KEYS = ("loss", "val_loss", "val_score")
NET = dict(
    hidden_layer_sizes=(16,),
    solver="adam",
    learning_rate_init=0.01,
    max_iter=20,
    random_state=0,
)


@pytest.fixture(autouse=True)
def _quiet_convergence():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


def diabetes():
    """Raw (unscaled) diabetes data split into 300 training, 142 validation rows.

    The sizes differ on purpose: a search slices per fold every fit parameter
    with as many rows as ``X``, so ``X_val`` must not have that many.
    """
    X, y = load_diabetes(return_X_y=True, scaled=False)
    y = (y - y.mean()) / y.std()
    return X[:300], y[:300], X[300:], y[300:]


def routed_pipeline(estimator):
    estimator.set_fit_request(X_val=True, y_val=True)
    return Pipeline(
        [("scale", StandardScaler()), ("mlp", estimator)], transform_input=["X_val"]
    )


def prescaled_fit(estimator, X, y, X_val, y_val):
    """Fit on data scaled by a StandardScaler fitted on the training ``X``."""
    scaler = StandardScaler().fit(X)
    return estimator.fit(
        scaler.transform(X), y, X_val=scaler.transform(X_val), y_val=y_val
    )


def assert_same_history(fitted, expected, keys=HISTORY_KEYS):
    for key in keys:
        assert len(fitted.history_[key]) == len(expected.history_[key]) > 0
        np.testing.assert_allclose(
            fitted.history_[key], expected.history_[key], rtol=1e-12, err_msg=key
        )


def scale_warnings(record):
    return [w for w in record if SCALE_MESSAGE in str(w.message)]


# --------------------------------------------- metadata routing (a, b, c)
def test_routing_is_off_and_left_off():
    assert not sklearn.get_config()["enable_metadata_routing"]


def test_pipeline_routes_and_transforms_X_val():
    X, y, X_val, y_val = diabetes()
    with sklearn.config_context(enable_metadata_routing=True):
        pipe = routed_pipeline(MLPRegressor(**NET))
        with warnings.catch_warnings(record=True) as record:
            warnings.simplefilter("always")
            # routed parameters are plain keyword arguments, not mlp__X_val
            pipe.fit(X, y, X_val=X_val, y_val=y_val)
        with pytest.raises(TypeError, match="not routed"):
            routed_pipeline(MLPRegressor(**NET)).fit(
                X, y, mlp__X_val=X_val, mlp__y_val=y_val
            )
    assert not sklearn.get_config()["enable_metadata_routing"]
    assert not scale_warnings(record)
    expected = prescaled_fit(MLPRegressor(**NET), X, y, X_val, y_val)
    assert_same_history(pipe[-1], expected)
    for got, want in zip(pipe[-1].coefs_, expected.coefs_, strict=True):
        np.testing.assert_array_equal(got, want)
    # the score of the last epoch is the one of the scaled validation data
    scaler = StandardScaler().fit(X)
    assert pipe[-1].history_["val_score"][-1] == pytest.approx(
        expected.score(scaler.transform(X_val), y_val), rel=1e-12
    )


def test_pipeline_routes_X_val_to_a_classifier():
    X, y = make_classification(n_samples=260, n_features=8, random_state=0)
    X = 50.0 + 20.0 * X  # far from standardized
    X, y, X_val, y_val = X[:200], y[:200], X[200:], y[200:]
    with sklearn.config_context(enable_metadata_routing=True):
        pipe = routed_pipeline(MLPClassifier(**NET))
        pipe.fit(X, y, X_val=X_val, y_val=y_val)
    expected = prescaled_fit(MLPClassifier(**NET), X, y, X_val, y_val)
    assert_same_history(pipe[-1], expected)


def test_grid_search_routes_and_transforms_X_val():
    X, y, X_val, y_val = diabetes()
    assert len(X_val) != len(X)  # else the search would slice X_val per fold
    with sklearn.config_context(enable_metadata_routing=True):
        search = GridSearchCV(
            routed_pipeline(MLPRegressor(**NET)),
            {"mlp__alpha": [1e-4, 10.0]},
            cv=2,
        )
        search.fit(X, y, X_val=X_val, y_val=y_val)
    assert not sklearn.get_config()["enable_metadata_routing"]
    best = MLPRegressor(**NET, alpha=search.best_params_["mlp__alpha"])
    # the refit is on the whole X, so its scaler is fitted on the whole X
    expected = prescaled_fit(best, X, y, X_val, y_val)
    assert_same_history(search.best_estimator_[-1], expected)


def test_cross_validation_scales_X_val_with_each_fold_scaler():
    X, y, X_val, y_val = diabetes()
    cv = KFold(2)
    with sklearn.config_context(enable_metadata_routing=True):
        result = cross_validate(
            routed_pipeline(MLPRegressor(**NET)),
            X,
            y,
            cv=cv,
            params={"X_val": X_val, "y_val": y_val},
            return_estimator=True,
        )
    for (train, _), pipe in zip(cv.split(X), result["estimator"], strict=True):
        expected = prescaled_fit(MLPRegressor(**NET), X[train], y[train], X_val, y_val)
        assert_same_history(pipe[-1], expected)


def test_early_stopping_uses_the_routed_transformed_X_val():
    X, y, X_val, y_val = diabetes()
    net = dict(NET, max_iter=200, early_stopping=True, n_iter_no_change=5)
    with sklearn.config_context(enable_metadata_routing=True):
        pipe = routed_pipeline(MLPRegressor(**net))
        pipe.fit(X, y, X_val=X_val, y_val=y_val)
    got = pipe[-1]
    expected = prescaled_fit(MLPRegressor(**net), X, y, X_val, y_val)
    assert got.n_iter_ == expected.n_iter_ < net["max_iter"]
    np.testing.assert_allclose(
        got.validation_scores_, expected.validation_scores_, rtol=1e-12
    )
    assert got.best_validation_score_ == pytest.approx(
        expected.best_validation_score_, rel=1e-12
    )
    assert_same_history(got, expected)


# ------------------------------------------------ check_validation_scale (d)
def standardized(n=300, n_features=10, seed=0):
    """Standardized training data and raw data of the same distribution."""
    rng = np.random.default_rng(seed)
    raw = rng.normal(100.0, 5.0, size=(n, n_features))
    scaled = (raw - raw.mean(axis=0)) / raw.std(axis=0)
    return scaled, raw


def check(X, X_val, **kwargs):
    """Run the check; return the messages of the warnings it emitted."""
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        check_validation_scale(X, X_val, estimator_name="MLPRegressor", **kwargs)
    return [str(w.message) for w in record]


def test_check_warns_for_raw_X_val_of_standardized_X():
    X, raw = standardized()
    with pytest.warns(UserWarning, match=SCALE_MESSAGE) as record:
        check_validation_scale(X, raw[:40], estimator_name="MLPRegressor")
    assert len(record) == 1
    assert record[0].category is UserWarning
    message = str(record[0].message)
    assert "10 of 10" in message
    assert "more than 10 training standard deviations" in message
    assert "enable_metadata_routing=True" in message
    assert "MLPRegressor(...).set_fit_request(X_val=True, y_val=True)" in message
    assert 'transform_input=["X_val"]' in message


def test_check_warns_for_the_raw_diabetes_data():
    X, _, X_val, _ = diabetes()
    scaler = StandardScaler().fit(X)
    (message,) = check(scaler.transform(X), X_val)
    assert "7 of 10" in message  # the raw means of sex, s4 and s5 are below 10
    assert check(scaler.transform(X), scaler.transform(X_val)) == []


def test_check_is_silent_for_the_same_distribution():
    X, _ = standardized(seed=0)
    X_val, _ = standardized(n=50, seed=1)
    assert check(X, X_val) == []
    assert check(X, X[:1]) == []
    assert check(X.astype(np.float32), X_val.astype(np.float32)) == []


def test_check_is_silent_for_a_shift_in_one_feature_of_ten():
    X, _ = standardized()
    X_val = X[:50].copy()
    X_val[:, 3] += 1000.0
    assert check(X, X_val) == []


def test_check_needs_more_than_half_of_the_features_shifted():
    X, _ = standardized()
    X_val = X[:50].copy()
    X_val[:, :5] += 100.0
    assert check(X, X_val) == []
    X_val[:, 5] += 100.0
    (message,) = check(X, X_val)
    assert "6 of 10" in message


def test_check_threshold():
    X, _ = standardized()
    X_val = X[:50] + 5.0
    assert check(X, X_val) == []
    (message,) = check(X, X_val, threshold=3.0)
    assert "more than 3 training" in message


def test_check_ignores_constant_features():
    X, _ = standardized(n_features=2)
    constant = np.full((len(X), 3), 0.1)
    X = np.hstack([X, constant])
    X_val = X[:50].copy()
    X_val[:, 2:] = 7.0  # constant features moved far away: ignored
    assert check(X, X_val) == []
    X_val[:, :2] += 100.0
    (message,) = check(X, X_val)
    assert "2 of 2" in message
    # only constant features, one feature, a single training row
    assert check(constant, constant[:5] + 1e6) == []
    assert check(np.zeros((4, 1)), np.ones((2, 1))) == []
    assert check(X[:1], X_val) == []


def test_check_with_one_feature():
    X, raw = standardized(n_features=1)
    assert check(X, X[:20]) == []
    (message,) = check(X, raw[:20])
    assert "1 of 1" in message


def test_check_pools_time_steps_of_sequences():
    X, raw = standardized(n=400, n_features=3)
    X3, raw3 = X.reshape(40, 10, 3), raw.reshape(40, 10, 3)
    assert check(X3, X3[:8]) == []
    (message,) = check(X3, raw3[:8])
    assert "3 of 3" in message  # the features are the last axis


def test_check_sparse_input_without_densifying(monkeypatch):
    X = sp.random(300, 10, density=0.3, format="csr", random_state=0)
    X_val = sp.random(60, 10, density=0.3, format="csr", random_state=1)
    dense_val = np.random.default_rng(0).normal(1000.0, 1.0, size=(20, 10))

    def refuse(*args, **kwargs):
        raise AssertionError("densified")

    for cls in (sp.csr_matrix, sp.csc_matrix, sp.coo_matrix, sp.csr_array):
        monkeypatch.setattr(cls, "toarray", refuse)
        monkeypatch.setattr(cls, "todense", refuse)
    assert check(X, X_val) == []
    assert check(X.tocsc(), X_val.tocoo()) == []
    assert check(sp.csr_array(X), sp.csr_array(X_val)) == []
    (message,) = check(X, X_val * 1000.0)
    assert "10 of 10" in message
    assert len(check(X, dense_val)) == 1


# ------------------------------------------- the check wired into fit (e)
def test_fit_warns_when_X_val_is_on_another_scale():
    X, y, X_val, y_val = diabetes()
    scaler = StandardScaler().fit(X)
    with pytest.warns(UserWarning, match="set_fit_request") as record:
        MLPRegressor(**NET).fit(scaler.transform(X), y, X_val=X_val, y_val=y_val)
    assert len(scale_warnings(record)) == 1
    assert "transform_input" in str(scale_warnings(record)[0].message)
    # the silent mistake this catches: a pipeline does not scale X_val
    pipe = Pipeline([("scale", StandardScaler()), ("mlp", MLPRegressor(**NET))])
    with pytest.warns(UserWarning, match=SCALE_MESSAGE):
        pipe.fit(X, y, mlp__X_val=X_val, mlp__y_val=y_val)
    # and nothing when X_val is scaled as X
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        MLPRegressor(**NET).fit(
            scaler.transform(X), y, X_val=scaler.transform(X_val), y_val=y_val
        )
    assert not scale_warnings(record)
