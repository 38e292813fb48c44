"""PolynomialRegression, make_baselines and the powder-atomization simulator."""

import math
import subprocess
import sys
import textwrap
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import ElasticNet, Lasso, LinearRegression, Ridge
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures, StandardScaler

import skdeep.baselines as baselines
from skdeep import PolynomialRegression, make_baselines
from skdeep.baselines import LSTSQ_MAX_TERMS, _n_terms
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


# ------------------------------------------------------- size of the expansion
SMALL_EXPANSIONS = [
    (n_features, degree, interaction_only)
    for n_features in (1, 2, 3, 7)
    for degree in (1, 2, 3, 5)
    for interaction_only in (False, True)
]


@pytest.mark.parametrize("n_features, degree, interaction_only", SMALL_EXPANSIONS)
def test_term_count_and_names_match_polynomial_features(
    n_features, degree, interaction_only
):
    x = rng.normal(size=(12, n_features))
    frame = pd.DataFrame(x, columns=[f"c{i}" for i in range(n_features)])
    poly = PolynomialFeatures(
        degree, interaction_only=interaction_only, include_bias=False
    ).fit(frame)
    assert _n_terms(n_features, degree, interaction_only) == poly.n_output_features_
    est = PolynomialRegression(
        degree, interaction_only=interaction_only, penalty="l2"
    ).fit(frame, x[:, 0])
    assert est.terms_.tolist() == poly.get_feature_names_out().tolist()
    assert est.coef_.shape == (poly.n_output_features_,)


def test_term_names_need_no_matrix_of_powers():
    # PolynomialFeatures.get_feature_names_out builds an (n_terms, n_features)
    # int64 matrix: 80,600 x 400 here (258 MB), 108 GB for 3000 features
    wide = rng.normal(size=(3, 400))
    tracemalloc.start()
    try:
        est = PolynomialRegression(2, penalty="l2").fit(wide, wide[:, 0])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(est.terms_) == 80_600 and est.terms_[-1] == "x399^2"
    assert peak < 64 << 20


def test_term_count_of_wide_and_huge_expansions():
    assert _n_terms(3000, 2, False) == math.comb(3002, 2) - 1 == 4_504_500
    assert _n_terms(10**6, 3, True) == sum(math.comb(10**6, k) for k in (1, 2, 3))
    # counts no machine could hold stop at a cap instead of growing for seconds
    start = time.perf_counter()
    assert _n_terms(10**6, 10**6, False) == baselines._TERMS_CAP + 1
    assert _n_terms(10**5, 10**5, True) == baselines._TERMS_CAP + 1
    assert _n_terms(3, 10**9, False) == baselines._TERMS_CAP + 1
    assert time.perf_counter() - start < 1


def test_wide_least_squares_is_refused_instead_of_crashing():
    # 10 x 3000 expands into 4,504,500 terms: SciPy's lstsq (gelsd) kills the
    # process with SIGSEGV past 2**22 columns, so this runs in a subprocess
    code = textwrap.dedent(
        """
        import numpy as np
        from skdeep import PolynomialRegression
        X = np.random.RandomState(0).rand(10, 3000)
        try:
            PolynomialRegression().fit(X, X[:, 0])
        except ValueError as exc:
            print(exc)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert result.returncode == 0, f"crashed ({result.returncode}): {result.stderr}"
    message = result.stdout
    assert "degree=2 expands 3,000 features into 4,504,500 terms" in message
    assert f"{LSTSQ_MAX_TERMS:,}" in message and "penalty='l2'" in message


def test_least_squares_term_limit_boundary(monkeypatch):
    monkeypatch.setattr(baselines, "LSTSQ_MAX_TERMS", 9)
    PolynomialRegression(2).fit(X, Y)  # 3 features: 9 terms
    x4 = np.c_[X, Y]
    with pytest.raises(ValueError, match="degree=2 expands 4 features into 14 terms"):
        PolynomialRegression(2).fit(x4, Y)
    # the penalized solvers have no such limit
    assert PolynomialRegression(2, penalty="l2").fit(x4, Y).coef_.shape == (14,)


@pytest.mark.parametrize(
    "penalty, interaction_only, dtype, terms",
    [
        (None, False, np.float64, "500,001,500,000"),
        ("l2", True, np.float32, "500,000,500,000"),
        ("l1", False, np.float64, "500,001,500,000"),
    ],
)
def test_expansion_that_cannot_fit_is_refused_before_allocating(
    penalty, interaction_only, dtype, terms
):
    wide = np.broadcast_to(np.arange(2, dtype=dtype)[:, None], (2, 10**6))
    est = PolynomialRegression(penalty=penalty, interaction_only=interaction_only)
    tracemalloc.start()
    try:
        with pytest.raises(ValueError) as info:
            est.fit(wide, [0.0, 1.0])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    message = str(info.value)
    expands = "degree=2 with interaction_only=True" if interaction_only else "degree=2"
    assert f"{expands} expands 1,000,000 features into {terms} terms" in message
    assert f"2 x {terms} {np.dtype(dtype).name} design matrix" in message
    assert "needs about" in message and "Lower `degree`" in message
    assert peak < 64 << 20  # nothing near the size of the expansion


def test_memory_limit_follows_the_machine(monkeypatch):
    import skdeep.nn._memory as memory

    monkeypatch.setattr(memory, "physical_memory", lambda: 1 << 12)
    with pytest.raises(ValueError, match=r"degree=3 expands 3 features into 19 terms"):
        PolynomialRegression(3).fit(X, Y)
    monkeypatch.setattr(memory, "physical_memory", lambda: 1 << 20)
    assert PolynomialRegression(3).fit(X, Y).coef_.shape == (19,)


def test_huge_degree_is_refused_at_once():
    start = time.perf_counter()
    with pytest.raises(ValueError, match=r"degree=1000000000 .* more than 1e\+18"):
        PolynomialRegression(10**9).fit(X, Y)
    assert time.perf_counter() - start < 1


def test_refused_fit_keeps_the_fitted_model():
    est = PolynomialRegression(2).fit(X, Y)
    before = est.predict(X)
    with pytest.raises(ValueError, match="degree=2"):
        est.fit(np.broadcast_to(1.0, (2, 10**6)), [0.0, 1.0])
    assert est.n_features_in_ == 3
    np.testing.assert_array_equal(est.predict(X), before)


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
