"""Datasets: a gas-atomization process simulator and sliding windows."""

from __future__ import annotations

import numpy as np
from scipy.special import ndtr, ndtri
from sklearn.utils import check_random_state

from .nn._memory import check_fits_in_memory

__all__ = ["make_powder_atomization", "make_windows"]

# --- physical constants and the simulated alloy (liquid 316L stainless steel)
_R = 8.314  # J/(mol K)
_GAS_TEMPERATURE = 300.0  # K, gas stagnation temperature
_AMBIENT_PRESSURE = 0.1  # MPa, atomization chamber
_GASES = {  # name: (heat capacity ratio, molar mass kg/mol, viscosity Pa s, density kg/m^3)
    "argon": (5.0 / 3.0, 0.039948, 2.23e-5, 1.62),
    "nitrogen": (1.4, 0.028014, 1.78e-5, 1.13),
}
_MELT_DENSITY = 6900.0  # kg/m^3
_MELT_SURFACE_TENSION = 1.8  # N/m
_MELT_VISCOSITY_AT_LIQUIDUS = 6.0e-3  # Pa s
_VISCOSITY_DECAY_K = 400.0  # viscosity falls by e every 400 K of superheat
_LUBANSKA_K = 50.0
_YIELD_WINDOW_UM = (15.0, 53.0)

#: (name, low, high) of the process inputs, sampled uniformly
POWDER_INPUTS = (
    ("melt_superheat_K", 100.0, 300.0),
    ("gas_pressure_MPa", 1.0, 5.0),
    ("nozzle_diameter_mm", 2.0, 6.0),
    ("metal_flow_kg_min", 2.0, 20.0),
    ("gas_flow_kg_min", 5.0, 40.0),
    ("argon", 0.0, 1.0),
)
POWDER_TARGETS = ("d10_um", "d50_um", "d90_um", "yield_15_53")
#: memory one simulated row takes at most while it is made: about 30 float64
#: temporaries (inputs, physics intermediates, noise, targets, the frame)
POWDER_ROW_BYTES = 30 * 8


def _gas_velocity(pressure_mpa, argon):
    """Ideal isentropic expansion from the nozzle pressure to the chamber (m/s)."""
    velocity = np.empty_like(pressure_mpa)
    for name, mask in (("argon", argon == 1), ("nitrogen", argon == 0)):
        gamma, molar_mass = _GASES[name][:2]
        ratio = (_AMBIENT_PRESSURE / pressure_mpa[mask]) ** ((gamma - 1) / gamma)
        enthalpy = 2 * gamma / (gamma - 1) * _R * _GAS_TEMPERATURE / molar_mass
        velocity[mask] = np.sqrt(enthalpy * (1 - ratio))
    return velocity


def make_powder_atomization(
    n_samples: int = 1000,
    *,
    noise: float = 0.05,
    random_state=None,
    as_frame: bool = True,
):
    """Simulate a gas-atomization line making metal powder.

    Process inputs (sampled uniformly, with units in the column names): melt
    superheat above the liquidus (100-300 K), gas pressure (1-5 MPa), melt
    nozzle diameter (2-6 mm), metal and gas mass flows (2-20 and 5-40
    kg/min) and the gas (``argon`` = 1 for argon, 0 for nitrogen). Outputs:
    the particle sizes d10, d50 and d90 (um) and the yield, the mass fraction
    of powder in the 15-53 um window used for additive manufacturing.

    The median size follows the Lubanska correlation (H. Lubanska, "Correlation
    of spray ring data for gas atomization of liquid metals", Journal of
    Metals 22 (1970) 45-49)::

        d50 = K * D * sqrt( (nu_m / nu_g) * (1 + M / G) / We ),
        We = rho_m * V**2 * D / sigma_m

    with ``K = 50``, ``D`` the nozzle diameter, ``nu_m`` and ``nu_g`` the
    kinematic viscosities of melt and gas, ``M / G`` the metal-to-gas mass
    flow ratio and ``We`` the Weber number. The melt is liquid 316L steel:
    ``rho_m = 6900 kg/m^3``, ``sigma_m = 1.8 N/m``, viscosity ``6 mPa s`` at
    the liquidus falling as ``exp(-superheat / 400 K)``. The gas (argon:
    heat-capacity ratio 5/3, 39.95 g/mol, 22.3 uPa s, 1.62 kg/m^3;
    nitrogen: 1.4, 28.01 g/mol, 17.8 uPa s, 1.13 kg/m^3) expands
    isentropically from the nozzle pressure to a 0.1 MPa chamber at 300 K,
    which gives the velocity ``V``. Sizes are log-normal with geometric
    standard deviation ``sigma_g = 1.8 + 0.2 * M / G`` (a richer gas flow
    gives a narrower distribution): ``d10, d90 = d50 * sigma_g**(-/+1.2816)``,
    and the yield is the log-normal mass in 15-53 um. Higher gas pressure or
    gas-to-metal ratio gives finer powder, as on a real line.

    Parameters
    ----------
    n_samples : int, default=1000
        Number of runs of the line.
    noise : float, default=0.05
        Relative measurement noise: each size is multiplied by
        ``exp(noise * N(0, 1))`` and the yield gets ``noise / 5 * N(0, 1)``
        added (clipped to [0, 1]).
    random_state : int, RandomState instance or None, default=None
        Seed of the inputs and the noise.
    as_frame : bool, default=True
        Return pandas DataFrames (named columns) rather than arrays.

    Returns
    -------
    X : DataFrame or ndarray of shape (n_samples, 6)
        Process inputs.
    y : DataFrame or ndarray of shape (n_samples, 4)
        ``d10_um``, ``d50_um``, ``d90_um``, ``yield_15_53``.

    Examples
    --------
    >>> from skdeep.datasets import make_powder_atomization
    >>> X, y = make_powder_atomization(n_samples=5, random_state=0)
    >>> list(y.columns)
    ['d10_um', 'd50_um', 'd90_um', 'yield_15_53']
    >>> bool((y["d10_um"] < y["d50_um"]).all() and (y["d50_um"] < y["d90_um"]).all())
    True
    """
    if isinstance(n_samples, bool) or not isinstance(n_samples, int | np.integer):
        raise TypeError(f"n_samples must be an integer, got {n_samples!r}.")
    if n_samples < 1:
        raise ValueError(f"n_samples must be >= 1, got {n_samples}.")
    if not noise >= 0:
        raise ValueError(f"noise must be >= 0, got {noise!r}.")
    check_fits_in_memory(
        n_samples * POWDER_ROW_BYTES, f"make_powder_atomization(n_samples={n_samples})"
    )
    rng = check_random_state(random_state)
    columns = {}
    for name, low, high in POWDER_INPUTS[:-1]:
        columns[name] = rng.uniform(low, high, n_samples)
    columns["argon"] = rng.randint(0, 2, n_samples).astype(float)
    X = np.column_stack(list(columns.values()))
    sizes = _powder_sizes(columns)
    d10, d50, d90, sigma = sizes
    factors = np.exp(noise * rng.normal(size=(3, n_samples)))
    d10, d50, d90 = d10 * factors[0], d50 * factors[1], d90 * factors[2]
    low, high = np.log(_YIELD_WINDOW_UM)
    mu = np.log(sizes[1])
    yield_ = ndtr((high - mu) / sigma) - ndtr((low - mu) / sigma)
    yield_ = np.clip(yield_ + noise / 5 * rng.normal(size=n_samples), 0.0, 1.0)
    y = np.column_stack([d10, d50, d90, yield_])
    if not as_frame:
        return X, y
    import pandas as pd

    return (
        pd.DataFrame(X, columns=[name for name, _, _ in POWDER_INPUTS]),
        pd.DataFrame(y, columns=list(POWDER_TARGETS)),
    )


def _powder_sizes(columns):
    """Noise-free d10, d50, d90 (um) and the log-normal sigma."""
    argon = columns["argon"]
    velocity = _gas_velocity(columns["gas_pressure_MPa"], argon)
    nozzle = columns["nozzle_diameter_mm"] * 1e-3
    melt_viscosity = _MELT_VISCOSITY_AT_LIQUIDUS * np.exp(
        -columns["melt_superheat_K"] / _VISCOSITY_DECAY_K
    )
    nu_melt = melt_viscosity / _MELT_DENSITY
    nu_gas = np.where(
        argon == 1,
        _GASES["argon"][2] / _GASES["argon"][3],
        _GASES["nitrogen"][2] / _GASES["nitrogen"][3],
    )
    metal_to_gas = columns["metal_flow_kg_min"] / columns["gas_flow_kg_min"]
    weber = _MELT_DENSITY * velocity**2 * nozzle / _MELT_SURFACE_TENSION
    d50 = _LUBANSKA_K * nozzle * np.sqrt(nu_melt / nu_gas * (1 + metal_to_gas) / weber)
    d50 *= 1e6  # um
    sigma = np.log(1.8 + 0.2 * metal_to_gas)
    z90 = ndtri(0.9)
    return d50 * np.exp(-z90 * sigma), d50, d50 * np.exp(z90 * sigma), sigma


def make_windows(
    series, lookback: int, horizon: int = 1
) -> tuple[np.ndarray, np.ndarray]:
    """Cut a series into ``(X, y)`` windows for sequence models.

    Window ``i`` holds the ``lookback`` steps ``series[i : i + lookback]``; its
    target is the value ``horizon`` steps after the window's last step,
    ``series[i + lookback + horizon - 1]``.

    Parameters
    ----------
    series : array-like of shape (n_steps,) or (n_steps, n_features)
        The series, oldest first.
    lookback : int
        Window length (time steps per sample), >= 1.
    horizon : int, default=1
        How far ahead the target lies, >= 1 (1: the next step).

    Returns
    -------
    X : ndarray of shape (n_windows, lookback, n_features)
        ``n_windows = n_steps - lookback - horizon + 1``; a copy.
    y : ndarray of shape (n_windows,) or (n_windows, n_features)
        1-D for a 1-D series.

    Raises
    ------
    ValueError
        If the series is too short for one window, or an argument is invalid.

    Examples
    --------
    >>> X, y = make_windows([0, 1, 2, 3, 4, 5], lookback=3)
    >>> X[:, :, 0]
    array([[0, 1, 2],
           [1, 2, 3],
           [2, 3, 4]])
    >>> y
    array([3, 4, 5])
    """
    values = np.asarray(series)
    if values.ndim not in (1, 2):
        raise ValueError(
            f"series must be 1-D or 2-D (n_steps, n_features), got shape {values.shape}."
        )
    for name, value in (("lookback", lookback), ("horizon", horizon)):
        if (
            isinstance(value, bool)
            or not isinstance(value, int | np.integer)
            or value < 1
        ):
            raise ValueError(f"{name} must be an integer >= 1, got {value!r}.")
    n_windows = len(values) - lookback - horizon + 1
    if n_windows < 1:
        raise ValueError(
            f"A series of {len(values)} steps is too short for lookback={lookback} "
            f"and horizon={horizon}: it needs at least {lookback + horizon} steps."
        )
    matrix = values.reshape(len(values), -1)
    windows = np.lib.stride_tricks.sliding_window_view(matrix, lookback, axis=0)
    X = np.ascontiguousarray(windows[:n_windows].transpose(0, 2, 1))
    y = values[lookback + horizon - 1 :].copy()
    return X, y
