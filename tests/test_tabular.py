"""The tabular networks on raw tables: mixed columns and missing values in,
every skdeep habit kept (errors, atomic failure, validation data, weights)."""

import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import r2_score

from skdeep import TabularMLPClassifier, TabularMLPRegressor


def plant_runs(n=400, seed=0):
    rng = np.random.RandomState(seed)
    temp = rng.normal(800, 50, n)
    X = pd.DataFrame({
        "temp": temp,
        "pressure": np.where(rng.rand(n) < 0.2, np.nan, rng.uniform(1, 5, n)),
        "argon": rng.rand(n) < 0.5,
        "alloy": pd.Categorical(rng.choice(["Ti64", "In718", "316L"], n)),
        "lot": rng.choice([f"L{i:02d}" for i in range(20)], n).astype(object),
    })  # fmt: skip
    lot_effect = dict(
        zip([f"L{i:02d}" for i in range(20)], rng.normal(0, 1, 20), strict=True)
    )
    y = 0.02 * (temp - 800) + (X["alloy"] == "Ti64") + X["lot"].map(lot_effect)
    y = y + 0.5 * X["argon"] + rng.normal(0, 0.1, n)
    return X, 1000.0 * y.to_numpy() + 5000.0


def test_a_raw_table_fits_and_predicts_on_the_targets_scale():
    X, y = plant_runs()
    model = TabularMLPRegressor(max_iter=40, random_state=0).fit(X[:300], y[:300])
    prediction = model.predict(X[300:])
    assert prediction.dtype == np.float64
    assert r2_score(y[300:], prediction) > 0.8
    assert model.n_features_in_ == 5 and list(model.feature_names_in_) == list(X)
    assert model._encoder.cardinalities_ == [22]  # lot: 20 lots, missing, unknown
    assert len(model.validation_scores_) == 40
    assert model.best_validation_score_ == max(model.validation_scores_)


def test_unknown_and_missing_categories_at_predict_are_no_error():
    X, y = plant_runs()
    model = TabularMLPRegressor(max_iter=5, random_state=0).fit(X, y)
    new = X.iloc[:3].copy()
    new["lot"] = ["never seen", None, "L01"]
    new["alloy"] = pd.Categorical(["Ti64", None, "new alloy"])
    assert np.isfinite(model.predict(new)).all()


def test_arrays_with_categorical_feature_indices_fit_like_the_frame():
    X, y = plant_runs()
    frame = TabularMLPRegressor(max_iter=5, random_state=0).fit(X, y)
    array = TabularMLPRegressor(max_iter=5, random_state=0, categorical_features=[3, 4])
    array.fit(X.astype(object).to_numpy(), y)
    np.testing.assert_allclose(
        array.predict(X.astype(object).to_numpy()), frame.predict(X), rtol=1e-10
    )


def test_classifier_with_string_labels_weights_and_validation_data():
    X, y = plant_runs()
    labels = np.where(y > np.median(y), "in spec", "out of spec")
    model = TabularMLPClassifier(max_iter=30, random_state=0, class_weight="balanced")
    model.fit(X[:300], labels[:300], X_val=X[300:], y_val=labels[300:])
    assert set(model.classes_) == {"in spec", "out of spec"}
    assert model.score(X[300:], labels[300:]) > 0.8
    proba = model.predict_proba(X[300:])
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert len(model.history_["val_loss"]) == 30


def test_label_smoothing_shrinks_the_targets():
    X, y = plant_runs(100)
    labels = y > np.median(y)
    model = TabularMLPClassifier(label_smoothing=0.2)
    Y, _ = model._validate_targets(
        labels, np.float64, first_pass=True, incremental=False
    )
    np.testing.assert_allclose(np.unique(Y), [0.1, 0.9])


def test_sample_weight_of_k_equals_k_repeated_rows():
    X, y = plant_runs(60)
    weights = np.random.RandomState(0).randint(0, 3, len(X))
    params = dict(max_iter=5, random_state=0, validation_fraction=None, batch_size=500)
    weighted = TabularMLPRegressor(**params).fit(X, y, sample_weight=weights)
    repeated = TabularMLPRegressor(**params).fit(
        X.loc[X.index.repeat(weights)], np.repeat(y, weights)
    )
    np.testing.assert_allclose(weighted.predict(X), repeated.predict(X), rtol=1e-6)


def test_float32_from_a_thousand_rows_and_float64_below():
    X, y = plant_runs(1000)
    assert TabularMLPRegressor(max_iter=1).fit(X, y)._network.dtype == np.float32
    assert (
        TabularMLPRegressor(max_iter=1).fit(X[:999], y[:999])._network.dtype
        == np.float64
    )
    model = TabularMLPRegressor(max_iter=1, dtype="float32").fit(X[:50], y[:50])
    assert model._network.dtype == np.float32


def test_warm_start_continues_and_partial_fit_and_input_gradients_are_absent():
    X, y = plant_runs(200)
    model = TabularMLPRegressor(
        max_iter=3, random_state=0, warm_start=True, validation_fraction=None
    ).fit(X, y)
    first = model._network.params.copy()
    model.fit(X, y)
    assert not np.array_equal(first, model._network.params)
    for name in ("partial_fit", "input_jacobian"):
        assert not hasattr(model, name)
        assert not hasattr(TabularMLPClassifier(), name)


@pytest.mark.parametrize(
    ("make_X", "error", "match"),
    [
        (lambda X: sp.csr_matrix(np.ones((4, 3))), TypeError, "not sparse"),
        (lambda X: np.ones(4), ValueError, "Reshape your data"),
        (lambda X: X.assign(temp=np.inf), ValueError, "infinity"),
        (lambda X: X.assign(t=pd.Timestamp("2026-01-01")), TypeError, "datetime"),
        (lambda X: X.drop(columns="lot"), ValueError, "feature names"),
    ],
)
def test_bad_tables_get_clear_errors_and_leave_the_model_alone(make_X, error, match):
    X, y = plant_runs(100)
    model = TabularMLPRegressor(max_iter=2, random_state=0).fit(X, y)
    params, attributes = model._network.params.copy(), set(model.__dict__)
    bad = make_X(X)
    if match != "feature names":  # a new fit may have other columns
        with pytest.raises(error, match=match):
            model.fit(bad, y[: bad.shape[0]])
        np.testing.assert_array_equal(model._network.params, params)
        assert set(model.__dict__) == attributes
    if match != "Reshape your data":
        with pytest.raises(error, match=match):
            model.predict(bad)


def test_bad_categorical_features_are_named():
    X, y = plant_runs(50)
    with pytest.raises(ValueError, match="unknown columns"):
        TabularMLPRegressor(categorical_features=["nope"]).fit(X, y)


def test_clones_and_grid_search_like_any_estimator():
    from sklearn.model_selection import GridSearchCV

    X, y = plant_runs(120)
    grid = GridSearchCV(
        TabularMLPRegressor(max_iter=3, random_state=0), {"embedding_dim": [2, 4]}, cv=2
    )
    assert grid.fit(X, y).best_params_["embedding_dim"] in (2, 4)
    assert clone(grid.best_estimator_).get_params()["embedding_dim"] in (2, 4)


def test_regression_predictions_stay_within_the_training_range():
    X, y = plant_runs(200)
    model = TabularMLPRegressor(max_iter=5, random_state=0).fit(X, y)
    far = X.assign(temp=X["temp"] * 10)  # far outside the data
    prediction = model.predict(far)
    assert prediction.min() >= y.min() and prediction.max() <= y.max()
    middle = np.median(y)
    model._y_min, model._y_max = middle, middle + 1.0
    np.testing.assert_array_less(middle - 1e-9, model.predict(far))
    np.testing.assert_array_less(model.predict(far), middle + 1.0 + 1e-9)


def test_training_every_epoch_gives_no_convergence_warning():
    X, y = plant_runs(150)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        TabularMLPRegressor(max_iter=4, random_state=0).fit(X, y)
        TabularMLPClassifier(max_iter=4, random_state=0).fit(X, y > np.median(y))


@pytest.mark.parametrize("n_members", [2, 3])
def test_members_are_averaged_and_their_spread_returned(n_members):
    X, y = plant_runs(200)
    model = TabularMLPRegressor(
        n_members=n_members, max_iter=6, hidden_layer_sizes=(16,), random_state=0
    ).fit(X, y)
    assert len(model.estimators_) == n_members
    each = np.stack([member.predict(X) for member in model.estimators_])
    mean, std = model.predict(X, return_std=True)
    np.testing.assert_allclose(mean, each.mean(axis=0), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(std, each.std(axis=0), rtol=1e-4, atol=1e-6)
    np.testing.assert_array_equal(model.predict(X), mean)
    seeds = {member.random_state for member in model.estimators_}
    assert len(seeds) == n_members and std.mean() > 0
    assert model.n_iter_ == model.estimators_[0].n_iter_


def test_classifier_members_average_probabilities():
    X, y = plant_runs(200)
    labels = np.where(y > np.median(y), "high", "low")
    model = TabularMLPClassifier(
        n_members=2, max_iter=6, hidden_layer_sizes=(16,), random_state=0
    ).fit(X, labels)
    each = np.stack([m.predict_proba(X) for m in model.estimators_])
    np.testing.assert_allclose(model.predict_proba(X), each.mean(axis=0), rtol=1e-6)
    expected = model.classes_[model.predict_proba(X).argmax(axis=1)]
    np.testing.assert_array_equal(model.predict(X), expected)


def test_return_std_without_members_is_refused():
    X, y = plant_runs(100)
    model = TabularMLPRegressor(max_iter=2, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="return_std=True needs an ensemble"):
        model.predict(X, return_std=True)


def test_a_failing_member_leaves_the_ensemble_unchanged():
    X, y = plant_runs(120)
    model = TabularMLPRegressor(
        n_members=2, max_iter=3, hidden_layer_sizes=(8,), random_state=0
    ).fit(X, y)
    before = model.predict(X)
    members = list(model.estimators_)
    with pytest.raises(ValueError):
        model.set_params(warm_start=True).fit(X.assign(temp="hot"), y)
    assert model.estimators_ == members
    np.testing.assert_array_equal(model.predict(X), before)


def test_members_are_made_one_at_a_time(monkeypatch):
    # a huge n_members is a long fit, not every clone made before the first
    from skdeep.tabular import _ensemble

    made = []
    real_clone = _ensemble.clone
    monkeypatch.setattr(_ensemble, "clone", lambda m: made.append(1) or real_clone(m))
    X, y = plant_runs(60)
    model = TabularMLPRegressor(n_members=10**6, max_iter=2)
    y = np.where(np.arange(len(y)) == 0, np.nan, y)
    with pytest.raises(ValueError, match="NaN"):
        model.fit(X, y)  # the first member fails
    assert len(made) == 1
    assert not hasattr(model, "estimators_")


def test_ensemble_seeds_follow_random_state():
    X, y = plant_runs(60)
    params = dict(n_members=2, max_iter=2, hidden_layer_sizes=(4,))
    a = TabularMLPRegressor(random_state=3, **params).fit(X, y)
    b = TabularMLPRegressor(random_state=3, **params).fit(X, y)
    seeds = [m.random_state for m in a.estimators_]
    assert seeds == [m.random_state for m in b.estimators_]
    assert (
        seeds
        == np.random.RandomState(3).randint(np.iinfo(np.int32).max, size=2).tolist()
    )


def test_warm_start_continues_every_member():
    X, y = plant_runs(150)
    model = TabularMLPRegressor(
        n_members=2, max_iter=3, hidden_layer_sizes=(8,), random_state=0
    ).fit(X, y)
    first = [m._network.params.copy() for m in model.estimators_]
    model.set_params(warm_start=True).fit(X, y)
    for before, member in zip(first, model.estimators_, strict=True):
        assert not np.array_equal(before, member._network.params)


def test_n_members_is_validated():
    X, y = plant_runs(50)
    with pytest.raises(ValueError, match="n_members"):
        TabularMLPRegressor(n_members=0).fit(X, y)


def test_optimize_inputs_reads_the_members_spread():
    from skdeep import optimize_inputs

    rng = np.random.RandomState(0)
    X = pd.DataFrame(
        {"temp": rng.uniform(700, 900, 150), "gas": rng.uniform(1, 5, 150)}
    )
    y = -(((X["temp"] - 820) / 50) ** 2) + 0.3 * X["gas"]
    model = TabularMLPRegressor(
        n_members=2, max_iter=8, hidden_layer_sizes=(16,), random_state=0
    ).fit(X, y)
    best = optimize_inputs(model, X, objective=0, n_candidates=1, random_state=0)
    settings = best[["temp", "gas"]]
    mean, std = model.predict(settings, return_std=True)
    np.testing.assert_allclose(best["y0"], mean, rtol=1e-5)
    np.testing.assert_allclose(best["y0_std"], std, rtol=1e-4, atol=1e-7)


def test_auto_epochs_follow_the_table_size():
    # 3000 rows: a validation split of 600, so fewer rows to train on than
    # given; the epoch count is still one number for the whole fit
    X, y = plant_runs(3000)
    model = TabularMLPRegressor(hidden_layer_sizes=(8,), random_state=0).fit(X, y)
    assert model.n_iter_ == model._max_epochs(3000) == round(2048 / 12)
    assert TabularMLPRegressor()._max_epochs(100) == 256
    assert TabularMLPRegressor()._max_epochs(50_000) == 64
    assert TabularMLPRegressor(max_iter=7)._max_epochs(100) == 7
