"""optimize_inputs over settings that are labels: text, pandas categories,
and the columns a tabular network reads as categories. They are enumerated,
the model gets their values, and the recommendations show them."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.exceptions import ConvergenceWarning

from skdeep import TabularMLPRegressor
from skdeep.process_optimization import optimize_inputs

GAS_BONUS = {"argon": 0.3, "helium": 0.1, "nitrogen": 0.0}
rng = np.random.RandomState(0)
X = pd.DataFrame(rng.uniform(-2, 2, size=(150, 2)), columns=["a", "b"])
X["gas"] = rng.choice(sorted(GAS_BONUS), size=150)
TEXT_DTYPE = X["gas"].dtype  # object, or pandas' string type


class GasBowl(RegressorMixin, BaseEstimator):
    """``-(a - 1)**2 - b**2 + bonus[gas]``, reading the gas as text (and
    checking that it gets text, in the column's type)."""

    def __init__(self, gas_dtype=None):
        self.gas_dtype = gas_dtype

    def fit(self, X, y=None):
        self.n_features_in_ = 3
        self.feature_names_in_ = np.array(["a", "b", "gas"], dtype=object)
        return self

    def predict(self, X):
        expected = TEXT_DTYPE if self.gas_dtype is None else self.gas_dtype
        assert X["gas"].dtype == expected
        assert set(X["gas"]) <= set(GAS_BONUS)
        bonus = X["gas"].astype(object).map(GAS_BONUS).to_numpy(dtype=float)
        return -((X["a"] - 1) ** 2) - X["b"] ** 2 + bonus


def best_of(model, table, **kwargs):
    return optimize_inputs(model, table, objective=0, random_state=0, **kwargs)


def test_a_text_setting_is_enumerated_and_reported_as_text():
    best = best_of(GasBowl().fit(X), X)
    top = best.iloc[0]
    assert top["gas"] == "argon"
    np.testing.assert_allclose([top["a"], top["b"]], [1, 0], atol=0.02)
    assert set(best["gas"]) <= set(GAS_BONUS)
    np.testing.assert_allclose(best["y0"], GasBowl().fit(X).predict(best))


def test_a_category_column_keeps_its_type():
    table = X.astype({"gas": "category"})
    model = GasBowl(gas_dtype=table["gas"].dtype).fit(table)
    best = best_of(model, table)
    assert best["gas"].dtype == table["gas"].dtype
    assert best["gas"].iloc[0] == "argon"


def test_fixed_and_listed_labels():
    model = GasBowl().fit(X)
    assert set(best_of(model, X, fixed={"gas": "nitrogen"})["gas"]) == {"nitrogen"}
    listed = best_of(model, X, categories={"gas": ["helium", "nitrogen"]})
    assert listed["gas"].iloc[0] == "helium"
    assert set(listed["gas"]) <= {"helium", "nitrogen"}


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(fixed={"gas": "xenon"}), "gas='xenon'.*argon, helium, nitrogen"),
        (dict(bounds={"gas": (0, 1)}), "'gas', whose values are labels"),
        (dict(constraints={"gas": (0, 1)}), "'gas', whose values are labels"),
        (dict(categories={"gas": ["neon"]}), "gas='neon'"),
    ],
)
def test_bad_label_arguments_are_named(kwargs, match):
    with pytest.raises(ValueError, match=match):
        best_of(GasBowl().fit(X), X, **kwargs)


def test_too_many_labels_must_be_narrowed():
    table = X.assign(lot=[f"L{i}" for i in range(len(X))])

    class LotBlind(GasBowl):
        def fit(self, X, y=None):
            super().fit(X)
            self.n_features_in_ = 4
            self.feature_names_in_ = np.array(["a", "b", "gas", "lot"], dtype=object)
            return self

    with pytest.raises(ValueError, match="combinations.*fixed="):
        best_of(LotBlind().fit(table), table)
    best = best_of(LotBlind().fit(table), table, fixed={"lot": "L7"})
    assert set(best["lot"]) == {"L7"}


@pytest.fixture(scope="module")
def nozzle_runs():
    rng = np.random.RandomState(1)
    runs = pd.DataFrame(
        {"temp": rng.uniform(700, 900, 400), "nozzle": rng.randint(0, 12, 400)}
    )
    y = -(((runs["temp"] - 820) / 50) ** 2) + np.where(runs["nozzle"] == 7, 3.0, 0.0)
    return runs, y


def test_the_codes_a_tabular_network_reads_as_categories(nozzle_runs):
    # 12 integer codes: not a quantity to move continuously, but labels
    runs, y = nozzle_runs
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = TabularMLPRegressor(
            categorical_features=["nozzle"], hidden_layer_sizes=(32, 32), random_state=0
        ).fit(runs, y)
    best = best_of(model, runs)
    assert best["nozzle"].dtype == runs["nozzle"].dtype
    assert best["nozzle"].iloc[0] == 7
    assert abs(best["temp"].iloc[0] - 820) < 15
    np.testing.assert_allclose(
        best["y0"], model.predict(best[["temp", "nozzle"]]), rtol=1e-10
    )


def test_a_tabular_ensemble_on_a_text_column():
    rng = np.random.RandomState(2)
    runs = pd.DataFrame(
        {"temp": rng.uniform(700, 900, 300), "gas": rng.choice(sorted(GAS_BONUS), 300)}
    )
    y = -(((runs["temp"] - 820) / 50) ** 2) + 3 * runs["gas"].map(GAS_BONUS)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = TabularMLPRegressor(
            n_members=2, hidden_layer_sizes=(32,), random_state=0
        ).fit(runs, y)
    best = best_of(model, runs, uncertainty=1.0)
    assert best["gas"].iloc[0] == "argon"
    assert best.attrs["method"] == "differential_evolution"
    assert (best["objective_std"] >= 0).all()


def test_a_column_of_integers_comes_back_as_integers():
    class Steps(RegressorMixin, BaseEstimator):
        """Best at ``a = 1`` and ``n = 2``."""

        def fit(self, X, y=None):
            self.n_features_in_ = 2
            return self

        def predict(self, X):
            X = np.asarray(X, dtype=float)
            return -((X[:, 0] - 1) ** 2) - (X[:, 1] - 2) ** 2

    table = pd.DataFrame({"a": rng.uniform(-2, 2, 80), "n": rng.randint(0, 5, 80)})
    best = best_of(Steps().fit(table), table)
    assert best["n"].dtype == table["n"].dtype and best["n"].iloc[0] == 2
    assert best["a"].dtype == np.float64  # a searched, continuous column
    many = table.assign(n=rng.randint(0, 50, 80))  # searched continuously
    assert best_of(Steps().fit(many), many)["n"].dtype == np.float64
