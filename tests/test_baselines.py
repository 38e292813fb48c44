"""PolynomialRegression, make_baselines and the powder-atomization simulator."""

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import ElasticNet, Lasso, LinearRegression, Ridge
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures, StandardScaler

from skdeep import PolynomialRegression, make_baselines
from skdeep.datasets import _gas_velocity, make_powder_atomization

rng = np.random.RandomState(0)
X = rng.normal(size=(60, 3))
Y = X[:, 0] ** 2 - 2 * X[:, 1] * X[:, 2] + 0.1 * rng.normal(size=60)


@pytest.mark.parametrize(
    "penalty, model",
    [
        (None, LinearRegression()),
        ("l2", Ridge(alpha=0.5)),
        ("l1", Lasso(alpha=0.5)),
        ("elasticnet", ElasticNet(alpha=0.5, l1_ratio=0.3)),
    ],
)
@pytest.mark.parametrize("scale", [True, False])
def test_equals_the_pipeline(penalty, model, scale):
    est = PolynomialRegression(3, penalty=penalty, alpha=0.5, l1_ratio=0.3, scale=scale)
    steps = ([StandardScaler()] if scale else []) + [
        PolynomialFeatures(3, include_bias=False),
        model,
    ]
    ref = make_pipeline(*steps).fit(X, Y)
    est.fit(X, Y)
    np.testing.assert_allclose(est.predict(X), ref.predict(X), rtol=1e-10)
    np.testing.assert_allclose(est.coef_, ref[-1].coef_)


def test_recovers_a_polynomial_and_names_its_terms():
    x = np.linspace(-2, 2, 40).reshape(-1, 1)
    y = 3 * x[:, 0] ** 2 + 2 * x[:, 0] + 2  # the course's example
    est = PolynomialRegression(2, scale=False).fit(x, y)
    assert est.terms_.tolist() == ["x0", "x0^2"]
    np.testing.assert_allclose(est.coef_, [2, 3], atol=1e-10)
    assert est.intercept_ == pytest.approx(2)
    frame = pd.DataFrame(X, columns=["temp", "pressure", "flow"])
    terms = PolynomialRegression(2).fit(frame, Y).terms_
    assert "temp^2" in terms and "pressure flow" in terms


def test_interaction_only_and_multi_output():
    est = PolynomialRegression(2, interaction_only=True).fit(X, np.c_[Y, -Y])
    assert est.terms_.tolist() == ["x0", "x1", "x2", "x0 x1", "x0 x2", "x1 x2"]
    assert est.coef_.shape == (2, 6) and est.predict(X).shape == (60, 2)


def test_sample_weight_equals_repeated_rows():
    w = rng.randint(0, 3, size=60)
    a = PolynomialRegression(2, penalty="l2").fit(X, Y, sample_weight=w)
    b = PolynomialRegression(2, penalty="l2").fit(
        np.repeat(X, w, axis=0), np.repeat(Y, w)
    )
    np.testing.assert_allclose(a.predict(X), b.predict(X), rtol=1e-8)


def test_degree_penalty_and_alpha_tune_together():
    grid = {"degree": [1, 2, 3], "penalty": [None, "l2"], "alpha": [0.1, 10.0]}
    search = GridSearchCV(PolynomialRegression(), grid, cv=3).fit(X, Y)
    assert search.best_params_["degree"] >= 2  # the target is quadratic
    assert len(search.cv_results_["params"]) == 12


def test_invalid_degree():
    with pytest.raises(ValueError, match="degree"):
        PolynomialRegression(0).fit(X, Y)


def test_make_baselines_are_fresh_estimators():
    a, b = make_baselines(), make_baselines()
    assert list(a) == list(b) and a["Ridge"] is not b["Ridge"]
    y = X @ [1.0, 2.0, -1.0] + 0.1 * Y  # mostly linear: every baseline fits it
    for est in a.values():
        assert est.fit(X, y).score(X, y) > 0.9


# --------------------------------------------------------------- powder line
def test_powder_shapes_ranges_and_reproducibility():
    X1, y1 = make_powder_atomization(300, random_state=1)
    X2, y2 = make_powder_atomization(300, random_state=1)
    pd.testing.assert_frame_equal(X1, X2)
    pd.testing.assert_frame_equal(y1, y2)
    assert X1.shape == (300, 6) and y1.shape == (300, 4)
    assert set(X1["argon"].unique()) <= {0.0, 1.0}
    assert ((y1["yield_15_53"] >= 0) & (y1["yield_15_53"] <= 1)).all()
    Xa, ya = make_powder_atomization(10, random_state=1, as_frame=False)
    assert isinstance(Xa, np.ndarray) and ya.shape == (10, 4)


def clean(columns):
    """Noise-free outputs for given inputs."""
    from skdeep.datasets import _powder_sizes

    return _powder_sizes({k: np.asarray(v, dtype=float) for k, v in columns.items()})


BASE = dict(
    melt_superheat_K=[200.0],
    gas_pressure_MPa=[3.0],
    nozzle_diameter_mm=[4.0],
    metal_flow_kg_min=[10.0],
    gas_flow_kg_min=[20.0],
    argon=[1.0],
)


def test_lubanska_by_hand():
    # Argon at 3 MPa into 0.1 MPa: isentropic velocity
    gamma, molar = 5 / 3, 0.039948
    velocity = np.sqrt(
        2 * gamma / (gamma - 1) * 8.314 * 300 / molar * (1 - (0.1 / 3) ** (0.4))
    )
    assert _gas_velocity(np.array([3.0]), np.array([1.0]))[0] == pytest.approx(velocity)
    weber = 6900 * velocity**2 * 0.004 / 1.8
    nu_m = 6e-3 * np.exp(-200 / 400) / 6900
    nu_g = 2.23e-5 / 1.62
    d50 = 50 * 0.004 * np.sqrt(nu_m / nu_g * (1 + 0.5) / weber) * 1e6
    assert clean(BASE)[1][0] == pytest.approx(d50)
    assert 10 < d50 < 60  # a realistic gas-atomized median, in um


@pytest.mark.parametrize(
    "column, higher_is_finer",
    [
        ("gas_pressure_MPa", True),
        ("gas_flow_kg_min", True),
        ("melt_superheat_K", True),
        ("metal_flow_kg_min", False),
        ("nozzle_diameter_mm", False),
    ],
)
def test_physically_consistent(column, higher_is_finer):
    low, high = dict(BASE), dict(BASE)
    high[column] = [BASE[column][0] * 1.5]
    d50_low, d50_high = clean(low)[1][0], clean(high)[1][0]
    assert (d50_high < d50_low) == higher_is_finer


def test_noise_and_argument_errors():
    _, y0 = make_powder_atomization(50, noise=0.0, random_state=0)
    assert (y0["d10_um"] < y0["d50_um"]).all() and (y0["d50_um"] < y0["d90_um"]).all()
    with pytest.raises(ValueError, match="n_samples"):
        make_powder_atomization(0)
    with pytest.raises(ValueError, match="noise"):
        make_powder_atomization(10, noise=-1)
