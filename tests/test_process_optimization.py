"""optimize_inputs: recommended settings against known optima."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdeep import MLPRegressor
from skdeep.process_optimization import optimize_inputs

rng = np.random.RandomState(0)
X = pd.DataFrame(rng.uniform(-2, 2, size=(200, 2)), columns=["a", "b"])
X["gas"] = rng.randint(0, 2, size=200).astype(float)


class Bowl(RegressorMixin, BaseEstimator):
    """Known outputs: ``-(a - 1 - gas / 2)**2 - b**2 + 0.3 * gas`` and ``b``."""

    def fit(self, X, y=None):
        self.n_features_in_ = 3
        self.feature_names_in_ = np.array(["a", "b", "gas"], dtype=object)
        return self

    def predict(self, X):
        Z = np.asarray(X, dtype=float)
        score = -((Z[:, 0] - 1 - Z[:, 2] / 2) ** 2) - Z[:, 1] ** 2 + 0.3 * Z[:, 2]
        return np.c_[score, Z[:, 1]]


NAMES = ["score", "height"]


@pytest.fixture(scope="module")
def network():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = make_pipeline(
            StandardScaler(),
            MLPRegressor(
                hidden_layer_sizes=(32,), solver="lbfgs", max_iter=800, random_state=0
            ),
        )
        return model.fit(X, Bowl().fit(X).predict(X))


def test_derivative_free_search_finds_the_constrained_optimum():
    best = optimize_inputs(
        Bowl().fit(X),
        X,
        objective="score",
        output_names=NAMES,
        constraints={"height": (0.5, None)},
        random_state=0,
    )
    assert best.attrs["method"] == "differential_evolution"
    top = best.iloc[0]
    # gas=1 is better by 0.3; then a = 1.5, and b sits on the constraint
    assert top["gas"] == 1 and bool(top["feasible"]) and bool(top["height_ok"])
    np.testing.assert_allclose([top["a"], top["b"]], [1.5, 0.5], atol=0.02)


def test_gradient_search_on_a_network_in_a_pipeline(network):
    best = optimize_inputs(
        network,
        X,
        objective="score",
        output_names=NAMES,
        constraints={"height": (0.5, None)},
        fixed={"gas": 0},
        random_state=0,
    )
    assert best.attrs["method"] == "gradient"
    top = best.iloc[0]
    assert top["gas"] == 0 and top["height"] >= 0.5 - 1e-3
    assert top["b"] == pytest.approx(0.5, abs=0.05)  # on the constraint
    # the network's own prediction is optimal: no data row does better
    feasible = network.predict(X)[:, 1] >= 0.5
    assert top["score"] >= network.predict(X)[feasible & (X["gas"] == 0), 0].max()
    derivative_free = optimize_inputs(
        network, X, objective="score", output_names=NAMES,
        constraints={"height": (0.5, None)}, fixed={"gas": 0},
        method="differential_evolution", random_state=0,
    )  # fmt: skip
    assert top["score"] >= derivative_free.iloc[0]["score"] - 1e-3


def test_an_ensemble_reports_its_spread_and_trades_it_off():
    class Shifted(Bowl):
        def __init__(self, shift=0.0):
            self.shift = shift

        def predict(self, X):
            out = super().predict(X)
            out[:, 0] += self.shift * np.asarray(X, dtype=float)[:, 0]
            return out

    members = [Shifted(s).fit(X) for s in (-1.0, 0.0, 1.0)]
    plain = optimize_inputs(members, X, objective=0, fixed={"gas": 0}, random_state=0)
    assert {"y0_std", "objective_std"} <= set(plain.columns)
    careful = optimize_inputs(
        members, X, objective=0, fixed={"gas": 0}, uncertainty=2.0, random_state=0
    )
    # the members disagree in proportion to |a|: uncertainty pulls a to 0
    assert abs(careful.iloc[0]["a"]) < abs(plain.iloc[0]["a"]) - 0.3
    assert careful.iloc[0]["objective_std"] < plain.iloc[0]["objective_std"]


def test_a_callable_objective_and_minimizing(network):
    best = optimize_inputs(
        network,
        X,
        objective=lambda p: p["height"] ** 2,
        maximize=False,
        output_names=NAMES,
        fixed={"gas": 1},
        random_state=0,
    )
    assert abs(best.iloc[0]["height"]) < 0.05


def test_infeasible_constraints_return_the_least_violating_with_a_warning():
    with pytest.warns(UserWarning, match="least-violating"):
        best = optimize_inputs(
            Bowl().fit(X),
            X,
            objective="score",
            output_names=NAMES,
            constraints={"height": (5.0, None)},  # b never exceeds 2
            random_state=0,
        )
    assert not best["feasible"].any()
    assert best.iloc[0]["b"] == pytest.approx(2.0, abs=0.05)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(objective="nope"), ValueError, "not an output; the outputs are score"),
        (dict(objective=5), ValueError, "not an output index"),
        (dict(bounds={"a": (-5, 1)}), ValueError, "extrapolate=True"),
        (dict(bounds={"zz": (0, 1)}), ValueError, "not an input"),
        (dict(fixed={"a": 9}), ValueError, "outside its bounds"),
        (dict(uncertainty=1.0), ValueError, "needs an ensemble"),
        (dict(uncertainty=-1.0), ValueError, "uncertainty must be"),
        (dict(constraints={"height": 3}), ValueError, "pair"),
        (dict(constraints={"height": (2, 1)}), ValueError, "above high"),
        (dict(constraints={"a": (3, 4)}), ValueError, "no value within"),
        (dict(method="gradient"), ValueError, "needs input gradients"),
        (dict(method="newton"), ValueError, "method must be"),
        (dict(output_names=["one"]), ValueError, "predicts 2 outputs"),
        (dict(categories="some"), ValueError, "categories must be"),
    ],
)
def test_bad_arguments_are_named(kwargs, error, match):
    kwargs = {"objective": "score", "output_names": NAMES, **kwargs}
    with pytest.raises(error, match=match):
        optimize_inputs(Bowl().fit(X), X, **kwargs)


def test_unfitted_models_and_bad_tables():
    with pytest.raises(NotFittedError):
        optimize_inputs(MLPRegressor(), X, objective=0)
    with pytest.raises(ValueError, match="2-D table"):
        optimize_inputs(Bowl().fit(X), np.zeros(3), objective=0)
    with pytest.raises(ValueError, match="NaN"):
        optimize_inputs(Bowl().fit(X), X.assign(a=np.nan), objective=0)
    twice = pd.concat([X, X.iloc[:, :1]], axis=1)
    with pytest.raises(ValueError, match=r"unique; repeated: \['a'\]"):
        optimize_inputs(Bowl().fit(X), twice, objective=0)


def test_settings_that_differ_only_in_a_discrete_input_are_distinct():
    class GasBlind(Bowl):
        def predict(self, X):
            Z = np.asarray(X, dtype=float).copy()
            Z[:, 2] = 0.0  # the gas changes nothing
            return super().predict(Z)

    best = optimize_inputs(
        GasBlind().fit(X), X, objective="score", output_names=NAMES, random_state=0
    )
    top = best.head(2)
    assert sorted(top["gas"]) == [0.0, 1.0]
    np.testing.assert_allclose(top[["a", "b"]].to_numpy(), [[1, 0], [1, 0]], atol=0.02)


class Steps(RegressorMixin, BaseEstimator):
    """A piecewise-constant output (a tree's kind): ``floor(4 a) + floor(4 b)``,
    flat almost everywhere, so differences of it carry no slope."""

    def fit(self, X, y=None):
        self.n_features_in_ = 3
        return self

    def predict(self, X):
        Z = np.asarray(X, dtype=float)
        return np.floor(4 * Z[:, 0]) + np.floor(4 * Z[:, 1])


def test_the_polish_reaches_the_exact_optimum_on_the_constraint_edge():
    """Differential evolution alone stops on its population's spread; the
    polish brings the best point onto the optimum: a = 1.5, b = 0.5 for gas 1
    (score -0.25 + 0.3) and a one-sided limit gives no NaN on its open side."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        best = optimize_inputs(
            Bowl().fit(X), X, objective="score", output_names=NAMES,
            constraints={"height": (0.5, None)}, random_state=1,
        )  # fmt: skip
    top = best.iloc[0]
    np.testing.assert_allclose(
        [top["a"], top["b"], top["gas"]], [1.5, 0.5, 1], atol=1e-4
    )
    assert top["score"] == pytest.approx(0.05, abs=1e-6)


def test_the_polish_never_makes_a_flat_model_worse(monkeypatch):
    """On a flat model the differences carry no slope: the polished point
    must not lose to the search's best."""
    from skdeep import process_optimization as po

    values = X.to_numpy()
    model = Steps().fit(values)
    kept = []
    original = po._no_worse
    monkeypatch.setattr(
        po, "_no_worse", lambda *a: kept.append(original(*a)) or kept[-1]
    )
    best = optimize_inputs(model, values, objective=0, categories=[], random_state=0)
    top = np.floor(4 * values[:, 0].max()) + np.floor(4 * values[:, 1].max())
    assert best["objective"].iloc[0] == top
    monkeypatch.setattr(po, "_polish", lambda evaluate, space, held, u0: u0)
    unpolished = optimize_inputs(
        model, values, objective=0, categories=[], random_state=0
    )
    assert kept and best["objective"].iloc[0] >= unpolished["objective"].iloc[0]


def _members_at(Z):
    """Three smooth members of two outputs of two inputs, and their exact
    Jacobians: shapes (3, n, 2) and (3, n, 2, 2)."""
    w = np.array([[0.5, -1.0], [1.0, 0.2], [1.5, 0.7]])
    a, b = Z[:, 0], Z[:, 1]
    P = np.stack([np.c_[np.sin(wa * a) + b**2, wb * a * b] for wa, wb in w])
    J = np.stack([
        np.stack([np.c_[wa * np.cos(wa * a), 2 * b], np.c_[wb * b, wb * a]], axis=1)
        for wa, wb in w
    ])  # fmt: skip
    return P, J


@pytest.mark.parametrize("uncertainty", [0.0, 1.5])
def test_goal_gradients_match_central_differences(uncertainty):
    """Score and robust constraint gradients of an ensemble, against central
    differences of the score and of the violations themselves."""
    from skdeep._goal import make_goal

    goal = make_goal(0, ["f", "h"], maximize=False, uncertainty=uncertainty,
                     output_ranges={"h": (-0.5, 0.8), "f": (None, 1.0)},
                     scales=np.array([2.0, 0.5]))  # fmt: skip
    Z = np.random.RandomState(1).uniform(-1, 1, size=(6, 2))
    P, J = _members_at(Z)
    _, d_score = goal.score_and_gradient(P, J)
    dg = goal.violation_gradients(P, J)
    eps = 1e-6
    for j in range(2):
        up, down = Z.copy(), Z.copy()
        up[:, j] += eps
        down[:, j] -= eps
        fd_score = (goal.score(_members_at(up)[0])[0]
                    - goal.score(_members_at(down)[0])[0]) / (2 * eps)  # fmt: skip
        np.testing.assert_allclose(d_score[:, j], fd_score, rtol=1e-6, atol=1e-8)
        g_up, g_down = (
            goal.violations(_members_at(up)[0]),
            goal.violations(_members_at(down)[0]),
        )
        finite = np.isfinite(g_up)  # the open side of f's range is -inf
        fd = np.where(finite, (g_up - np.where(finite, g_down, 0)) / (2 * eps), 0.0)
        np.testing.assert_allclose(np.where(finite, dg[:, :, j], 0), fd, rtol=1e-6,
                                   atol=1e-8)  # fmt: skip


def test_uncertainty_keeps_an_ensembles_constraint_inside_by_its_spread():
    """With uncertainty, a range must hold for mean +- k std of the members:
    the recommendation moves inward from the limit by k std."""

    class Spread(Bowl):
        def __init__(self, shift=0.0):
            self.shift = shift

        def predict(self, X):
            out = super().predict(X)
            out[:, 1] += self.shift  # members disagree on the height by 0.1
            return out

    members = [Spread(s).fit(X) for s in (-0.1, 0.0, 0.1)]
    std = np.std([-0.1, 0.0, 0.1])
    args = dict(objective="score", output_names=NAMES, fixed={"gas": 0},
                constraints={"height": (0.5, None)}, random_state=0)  # fmt: skip
    plain = optimize_inputs(members, X, **args).iloc[0]
    careful = optimize_inputs(members, X, uncertainty=2.0, **args).iloc[0]
    assert plain["height"] == pytest.approx(0.5, abs=1e-3)
    assert careful["height"] == pytest.approx(0.5 + 2 * std, abs=1e-3)
    assert careful["height_ok"] and careful["feasible"]
