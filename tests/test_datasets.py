"""The simulated powder line as a function: run_powder_line, POWDER_BOUNDS and
choked_gas_flow, and make_powder_atomization built on them."""

import numpy as np
import pandas as pd
import pytest
from scipy.special import ndtr

from skdeep.datasets import (
    POWDER_BOUNDS,
    POWDER_INPUTS,
    POWDER_TARGETS,
    choked_gas_flow,
    make_powder_atomization,
    run_powder_line,
)

NAMES = [name for name, _, _ in POWDER_INPUTS]
RUN = {  # one run inside the sampled ranges
    "melt_superheat_K": 200.0,
    "gas_pressure_MPa": 3.0,
    "nozzle_diameter_mm": 4.0,
    "metal_flow_kg_min": 10.0,
    "gas_flow_kg_min": 20.0,
    "argon": 1.0,
}
GASES = {1.0: (5 / 3, 0.039948, 2.23e-5, 1.62), 0.0: (1.4, 0.028014, 1.78e-5, 1.13)}


def lubanska_by_hand(row):
    """d10, d50, d90 (um) and the 15-53 um yield of one run, written out."""
    superheat, pressure, nozzle_mm, metal, gas, argon = row
    gamma, molar, mu_gas, rho_gas = GASES[argon]
    velocity = np.sqrt(
        2 * gamma / (gamma - 1) * 8.314 * 300 / molar
        - 2
        * gamma
        / (gamma - 1)
        * 8.314
        * 300
        / molar
        * (0.1 / pressure) ** ((gamma - 1) / gamma)
    )
    nozzle = nozzle_mm / 1000
    weber = 6900 * velocity**2 * nozzle / 1.8
    nu_ratio = (6e-3 * np.exp(-superheat / 400) / 6900) / (mu_gas / rho_gas)
    d50 = 50 * nozzle * np.sqrt(nu_ratio * (1 + metal / gas) / weber) * 1e6
    sigma = np.log(1.8 + 0.2 * metal / gas)
    z90 = 1.2815515655446004
    z_low, z_high = (np.log(15 / d50) / sigma, np.log(53 / d50) / sigma)
    yield_ = ndtr(z_high) - ndtr(z_low)
    return np.array(
        [d50 * np.exp(-z90 * sigma), d50, d50 * np.exp(z90 * sigma), yield_]
    )


# ------------------------------------------------- the same line, two ways
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_run_reproduces_the_noise_free_sampled_targets(seed):
    X, y = make_powder_atomization(200, noise=0.0, random_state=seed)
    pd.testing.assert_frame_equal(run_powder_line(X), y, check_exact=True)
    Xa, ya = make_powder_atomization(200, noise=0.0, random_state=seed, as_frame=False)
    assert np.array_equal(run_powder_line(Xa), ya)


def test_sampled_targets_follow_lubanska_by_hand():
    X, y = make_powder_atomization(50, noise=0.0, random_state=3, as_frame=False)
    assert {0.0, 1.0} <= set(X[:, -1])  # both gases among the rows checked
    for row in range(50):
        np.testing.assert_allclose(y[row], lubanska_by_hand(X[row]), rtol=1e-12)


# Values of make_powder_atomization(7, noise=0.05, random_state=0, as_frame=False)
# as float.hex, rows 0 and 6, recorded from the simulator before it was built on
# run_powder_line.
SAVED_X = {
    0: ["0x1.a38680b7a4693p+7", "0x1.244b3c41d097cp+2", "0x1.245ed69597e61p+1",
        "0x1.06285cd4d5318p+4", "0x1.743c2ce769dd4p+4", "0x1.0000000000000p+0"],
    6: ["0x1.7708ee30e0716p+7", "0x1.2cf3e6bac1284p+2", "0x1.7a86bb4f27cc0p+2",
        "0x1.30108cc74f66cp+4", "0x1.6a16d2bac26d3p+2", "0x1.0000000000000p+0"],
}  # fmt: skip
SAVED_Y = {
    0: ["0x1.0c08e92440fb3p+3", "0x1.2ff3cb2684426p+4", "0x1.521d277e85d39p+5",
        "0x1.2b66a1624361dp-1"],
    6: ["0x1.169b4317cad8ap+4", "0x1.a7b2961138400p+5", "0x1.5e318255a90e5p+7",
        "0x1.aab24f36a9a31p-2"],
}  # fmt: skip


def test_output_matches_the_values_saved_before():
    X, y = make_powder_atomization(7, noise=0.05, random_state=0, as_frame=False)
    for row in SAVED_X:
        # the inputs are Mersenne-Twister draws, the same on every platform
        assert X[row].tolist() == [float.fromhex(v) for v in SAVED_X[row]]
        saved = np.array([float.fromhex(v) for v in SAVED_Y[row]])
        # bit for bit where exp/log round as here; within 4 ulp anywhere
        np.testing.assert_array_max_ulp(y[row], saved, maxulp=4)


def draws_by_hand(seed, n, noise):
    """make_powder_atomization's draws in their order: each input column, the
    gas, 3 size factors per run, one yield offset per run."""
    rng = np.random.RandomState(seed)
    X = np.column_stack(
        [rng.uniform(low, high, n) for _, low, high in POWDER_INPUTS[:-1]]
        + [rng.randint(0, 2, n).astype(float)]
    )
    size_noise = rng.normal(size=(3, n))
    yield_noise = rng.normal(size=n)
    clean = np.array([lubanska_by_hand(row) for row in X])
    y = clean.copy()
    y[:, :3] *= np.exp(noise * size_noise.T)
    y[:, 3] = np.clip(clean[:, 3] + noise / 5 * yield_noise, 0, 1)
    return X, y, rng


@pytest.mark.parametrize("seed, n, noise", [(0, 30, 0.05), (1, 1, 0.3), (2, 40, 0.0)])
def test_draw_order_and_noise_model(seed, n, noise):
    X_hand, y_hand, rng_hand = draws_by_hand(seed, n, noise)
    rng = np.random.RandomState(seed)
    X, y = make_powder_atomization(n, noise=noise, random_state=rng, as_frame=False)
    assert np.array_equal(X, X_hand)
    np.testing.assert_allclose(y, y_hand, rtol=1e-12)
    # a shared generator is left where the hand-made draws leave it
    assert rng.uniform() == rng_hand.uniform()


# -------------------------------------------------------------- input forms
def test_frame_in_another_column_order_keeps_its_index():
    X, y = make_powder_atomization(6, noise=0.0, random_state=0)
    shuffled = X[NAMES[::-1]].set_index(pd.Index(list("abcdef")))
    out = run_powder_line(shuffled)
    assert list(out.columns) == list(POWDER_TARGETS)
    assert list(out.index) == list("abcdef")
    assert np.array_equal(out.to_numpy(), y.to_numpy())


def test_single_runs_as_dict_series_1d_array_and_list():
    expected = lubanska_by_hand([RUN[name] for name in NAMES])
    from_dict = run_powder_line(RUN)
    assert isinstance(from_dict, pd.DataFrame) and from_dict.shape == (1, 4)
    np.testing.assert_allclose(from_dict.to_numpy()[0], expected, rtol=1e-12)
    series = pd.Series(RUN, name=7)[NAMES[::-1]]
    assert list(run_powder_line(series).index) == [7]
    assert np.array_equal(run_powder_line(series).to_numpy(), from_dict.to_numpy())
    for one_run in ([RUN[name] for name in NAMES], np.array(list(RUN.values()))):
        out = run_powder_line(one_run)
        assert isinstance(out, np.ndarray) and out.shape == (4,)
        assert np.array_equal(out, from_dict.to_numpy()[0])


def test_dict_of_columns_and_as_frame_overrides():
    runs = {name: [value, value] for name, value in RUN.items()}
    runs["gas_pressure_MPa"] = [2.0, 4.0]
    out = run_powder_line(runs)
    assert out.shape == (2, 4) and out["d50_um"][1] < out["d50_um"][0]
    assert isinstance(run_powder_line(runs, as_frame=False), np.ndarray)
    assert run_powder_line(RUN, as_frame=False).shape == (4,)
    X = np.array([list(RUN.values())] * 3)
    framed = run_powder_line(X, as_frame=True)
    assert list(framed.columns) == list(POWDER_TARGETS) and len(framed) == 3
    assert run_powder_line(X[:1]).shape == (1, 4)


def test_settings_beyond_the_sampled_ranges_are_computed():
    assert POWDER_BOUNDS["gas_pressure_MPa"][1] < 8.0
    inside = run_powder_line(RUN)["d50_um"][0]
    beyond = run_powder_line({**RUN, "gas_pressure_MPa": 8.0})["d50_um"][0]
    assert np.isfinite(beyond) and beyond < inside


def test_bounds_come_from_the_sampled_inputs_and_are_read_only():
    assert dict(POWDER_BOUNDS) == {n: (lo, hi) for n, lo, hi in POWDER_INPUTS}
    assert list(POWDER_BOUNDS) == NAMES
    X, _ = make_powder_atomization(500, random_state=0)
    for name, (low, high) in POWDER_BOUNDS.items():
        assert X[name].between(low, high).all()
    with pytest.raises(TypeError):
        POWDER_BOUNDS["argon"] = (0.0, 2.0)


# --------------------------------------------------------------- validation
def changed(**values):
    return pd.DataFrame([{**RUN, **values}, RUN])


@pytest.mark.parametrize(
    "settings, error, match",
    [
        (changed(metal_flow_kg_min=np.nan), ValueError, "'metal_flow_kg_min' must be finite"),
        (changed(gas_flow_kg_min=np.inf), ValueError, "'gas_flow_kg_min' must be finite"),
        (changed(argon=0.5), ValueError, "'argon' must be 1 .argon. or 0"),
        (changed(argon=2.0), ValueError, "'argon'"),
        (changed(gas_pressure_MPa=0.1), ValueError, "'gas_pressure_MPa' must be above the 0.1 MPa"),
        (changed(gas_pressure_MPa=0.05), ValueError, "does not expand"),
        (changed(nozzle_diameter_mm=0.0), ValueError, "'nozzle_diameter_mm' must be > 0"),
        (changed(metal_flow_kg_min=-1.0), ValueError, "'metal_flow_kg_min' must be > 0"),
        (changed(gas_flow_kg_min=0.0), ValueError, "'gas_flow_kg_min' must be > 0"),
        (changed(melt_superheat_K=-5.0), ValueError, "'melt_superheat_K' must be >= 0"),
        (pd.DataFrame([RUN] * 2).assign(nozzle_diameter_mm=pd.Timestamp("2026-01-01")), TypeError, "datetime.*nozzle_diameter_mm"),
        (pd.DataFrame([RUN]).assign(started=pd.Timestamp("2026-01-01")), TypeError, "datetime.*started"),
        ({**RUN, "melt_superheat_K": pd.Timedelta(200, "s")}, TypeError, "timedelta.*melt_superheat_K"),
        (changed(argon="yes"), TypeError, "'argon' must hold real numbers"),
        (pd.DataFrame([RUN]).drop(columns="argon"), ValueError, r"missing columns \['argon'\]"),
        (pd.DataFrame([RUN]).assign(speed=1.0), ValueError, "unknown columns.*speed"),
        (np.ones((3, 5)), ValueError, r"shape \(n_runs, 6\).*got shape \(3, 5\)"),
        (np.ones((0, 6)), ValueError, "at least one run"),
        (np.array(["1"] * 6), TypeError, "real numbers"),
        (np.zeros(6, dtype="datetime64[s]"), TypeError, "datetime"),
        ({**RUN, "argon": [1.0, 0.0], "gas_flow_kg_min": [1.0, 2.0, 3.0]}, ValueError, "1-D sequences of one length"),
    ],
)  # fmt: skip
def test_impossible_settings_are_refused_by_name(settings, error, match):
    with pytest.raises(error, match=match):
        run_powder_line(settings)


def test_the_error_points_at_the_run():
    settings = pd.DataFrame([RUN] * 4)
    settings.loc[2, "argon"] = 3.0
    with pytest.raises(ValueError, match=r"got 3 in run 2 \(1 of 4 runs\)"):
        run_powder_line(settings)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"noise": -0.1}, ValueError, "noise"),
        ({"noise": np.inf}, ValueError, "noise must be finite"),
        ({"noise": "0.1"}, TypeError, "noise must be a number"),
        ({"as_frame": "yes"}, TypeError, "as_frame"),
        ({"noise": 0.1, "random_state": "x"}, ValueError, "cannot be used to seed"),
    ],
)
def test_argument_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        run_powder_line(RUN, **kwargs)


def test_make_powder_atomization_refuses_infinite_noise():
    with pytest.raises(ValueError, match="noise must be finite"):
        make_powder_atomization(5, noise=np.inf)


# -------------------------------------------------------------------- noise
def test_noise_is_reproducible_and_absent_at_zero():
    X, _ = make_powder_atomization(100, random_state=0)
    first = run_powder_line(X, noise=0.1, random_state=5)
    pd.testing.assert_frame_equal(first, run_powder_line(X, noise=0.1, random_state=5))
    assert not first.equals(run_powder_line(X, noise=0.1, random_state=6))
    assert not first.equals(run_powder_line(X))
    rng = np.random.RandomState(0)
    state = rng.get_state()[1].copy()
    clean = run_powder_line(X, random_state=rng)
    assert np.array_equal(rng.get_state()[1], state)  # nothing drawn at noise=0
    pd.testing.assert_frame_equal(clean, run_powder_line(X, random_state=1))


def test_noise_model_by_hand():
    X = np.array([list(RUN.values())] * 3)
    clean = run_powder_line(X)
    rng = np.random.RandomState(4)
    size_noise, yield_noise = rng.normal(size=(3, 3)), rng.normal(size=3)
    noisy = run_powder_line(X, noise=0.2, random_state=4)
    np.testing.assert_allclose(noisy[:, :3], clean[:, :3] * np.exp(0.2 * size_noise.T))
    np.testing.assert_allclose(
        noisy[:, 3], np.clip(clean[:, 3] + 0.04 * yield_noise, 0, 1)
    )


# ------------------------------------------------------------ choked flow
def test_choked_gas_flow_by_hand():
    # argon, 3 MPa, 50 mm^2, 300 K: R_s = 8.314 / 0.039948 = 208.1206 J/(kg K),
    # sqrt(5/3 / (208.1206 * 300)) = 5.16662e-3 s/m, (2 / (8/3))**2 = 0.5625,
    # 50e-6 m^2 * 3e6 Pa * 5.16662e-3 * 0.5625 = 0.435934 kg/s = 26.1560 kg/min
    assert choked_gas_flow(3.0, 50.0, argon=True) == pytest.approx(26.1560, rel=1e-5)
    # nitrogen: R_s = 296.7802, sqrt(1.4 / (296.7802 * 300)) = 3.96540e-3 s/m,
    # (2 / 2.4)**3 = 0.578704: 2.29479e-3 s/m
    assert choked_gas_flow(3.0, 50.0, argon=0) == pytest.approx(
        50e-6 * 3e6 * 2.29479e-3 * 60, rel=1e-5
    )
    assert isinstance(choked_gas_flow(3.0, 50.0, 1), float)


def test_choked_gas_flow_broadcasts_and_is_linear():
    flows = choked_gas_flow([1.0, 2.0, 4.0], 50.0, argon=[1, 1, 0])
    assert flows.shape == (3,)
    assert flows[1] == pytest.approx(2 * flows[0])
    assert choked_gas_flow(2.0, 100.0, 1) == pytest.approx(
        2 * choked_gas_flow(2.0, 50.0, 1)
    )


@pytest.mark.parametrize(
    "args, error, match",
    [
        ((0.2, 50.0, 1), ValueError, "at least 0.205 MPa for argon"),
        ((0.18, 50.0, 0), ValueError, "at least 0.189 MPa for nitrogen"),
        ((3.0, 0.0, 1), ValueError, "throat_area_mm2 must be > 0"),
        ((np.nan, 50.0, 1), ValueError, "pressure_MPa must be finite"),
        ((3.0, 50.0, 0.5), ValueError, "argon must be 1"),
        (("3", 50.0, 1), TypeError, "pressure_MPa must hold real numbers"),
    ],
)
def test_choked_gas_flow_errors(args, error, match):
    with pytest.raises(error, match=match):
        choked_gas_flow(*args)


def test_throat_areas_the_sampled_runs_imply():
    """The numbers the Notes of make_powder_atomization give."""

    def area(pressure, gas_flow, argon):
        return gas_flow / choked_gas_flow(pressure, 1.0, argon)

    assert area(5.0, 5.0, 1) == pytest.approx(5.73, abs=0.01)
    assert area(1.0, 40.0, 1) == pytest.approx(229.4, abs=0.1)
    assert area(5.0, 5.0, 0) == pytest.approx(7.26, abs=0.01)
    assert area(1.0, 40.0, 0) == pytest.approx(290.5, abs=0.1)
    X, _ = make_powder_atomization(100_000, random_state=0)
    areas = area(X["gas_pressure_MPa"], X["gas_flow_kg_min"], X["argon"])
    assert np.percentile(areas, [0, 5, 50, 95, 100]) == pytest.approx(
        [5.8, 13.3, 47.9, 145.6, 285.2], abs=0.1
    )
    diameters = np.sqrt(4 * areas / np.pi)
    assert [diameters.min(), np.median(diameters), diameters.max()] == pytest.approx(
        [2.7, 7.8, 19.05], abs=0.05
    )
