"""Datasets: a gas-atomization process simulator and sliding windows.

Examples
--------
>>> from skdeep.datasets import POWDER_BOUNDS
>>> POWDER_BOUNDS["gas_pressure_MPa"]
(1.0, 5.0)
"""

from __future__ import annotations

from collections.abc import Mapping
from numbers import Real
from types import MappingProxyType
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import ndtr, ndtri
from sklearn.utils import check_random_state

from ._checks import reject_time_values, short_labels
from .nn._memory import check_fits_in_memory

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "POWDER_BOUNDS",
    "choked_gas_flow",
    "make_powder_atomization",
    "make_windows",
    "run_powder_line",
]

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
#: read-only ``{name: (low, high)}`` of the ranges make_powder_atomization
#: samples the inputs from (``argon`` is 0 or 1); settings outside them are
#: extrapolation
POWDER_BOUNDS = MappingProxyType(
    {name: (low, high) for name, low, high in POWDER_INPUTS}
)
#: memory one simulated row takes at most while it is made: about 30 float64
#: temporaries (inputs, physics intermediates, noise, targets, the frame)
POWDER_ROW_BYTES = 30 * 8

_INPUT_NAMES = tuple(POWDER_BOUNDS)
# (column, test of an invalid value, what a valid value is)
_SETTING_RULES = (
    (
        "melt_superheat_K",
        lambda v: v < 0,
        "must be >= 0 K (below its liquidus the melt is solid)",
    ),
    (
        "gas_pressure_MPa",
        lambda v: v <= _AMBIENT_PRESSURE,
        f"must be above the {_AMBIENT_PRESSURE} MPa chamber pressure (at or "
        "below it the gas does not expand into the chamber: no gas jet forms)",
    ),
    ("nozzle_diameter_mm", lambda v: v <= 0, "must be > 0"),
    ("metal_flow_kg_min", lambda v: v <= 0, "must be > 0"),
    ("gas_flow_kg_min", lambda v: v <= 0, "must be > 0"),
    ("argon", lambda v: (v != 0) & (v != 1), "must be 1 (argon) or 0 (nitrogen)"),
)


def _gas_velocity(pressure_mpa, argon):
    """Ideal isentropic expansion from the nozzle pressure to the chamber (m/s)."""
    velocity = np.empty_like(pressure_mpa)
    for name, mask in (("argon", argon == 1), ("nitrogen", argon == 0)):
        gamma, molar_mass = _GASES[name][:2]
        ratio = (_AMBIENT_PRESSURE / pressure_mpa[mask]) ** ((gamma - 1) / gamma)
        enthalpy = 2 * gamma / (gamma - 1) * _R * _GAS_TEMPERATURE / molar_mass
        velocity[mask] = np.sqrt(enthalpy * (1 - ratio))
    return velocity


def _choking_constants(name):
    """Choked mass flux per pressure and area (s/m) and the lowest supply
    pressure (MPa) that chokes the die into the chamber, for one gas."""
    gamma, molar_mass = _GASES[name][:2]
    r_specific = _R / molar_mass
    flux = np.sqrt(gamma / (r_specific * _GAS_TEMPERATURE)) * (2 / (gamma + 1)) ** (
        (gamma + 1) / (2 * (gamma - 1))
    )
    return flux, _AMBIENT_PRESSURE * ((gamma + 1) / 2) ** (gamma / (gamma - 1))


def _float_array(value, name):
    """``value`` as a float ndarray; a TypeError naming the argument unless it
    holds booleans, integers or real floats."""
    reject_time_values(value, name)
    array = np.asarray(value)
    if array.dtype.kind not in "biuf":
        raise TypeError(
            f"{name} must hold real numbers, got values of dtype {array.dtype}."
        )
    return array.astype(float)


def choked_gas_flow(
    pressure_MPa: ArrayLike, throat_area_mm2: ArrayLike, argon: ArrayLike
) -> float | np.ndarray:
    """Gas mass flow through a choked (sonic) gas die, in kg/min.

    A gas die chokes when its supply pressure is at least the critical ratio
    ``((gamma + 1) / 2) ** (gamma / (gamma - 1))`` (2.05 for argon, 1.89 for
    nitrogen) above the 0.1 MPa chamber; the flow is then set by the supply
    pressure ``P0`` and the throat (narrowest) area ``A*`` of the gas die::

        G = A* P0 sqrt(gamma / (R_s T0)) (2 / (gamma + 1)) ** ((gamma + 1) / (2 (gamma - 1)))

    with ``R_s`` the specific gas constant (8.314 J/(mol K) over the molar
    mass) and ``T0 = 300 K``: ``G / (A* P0)`` is 2.906e-3 s/m for argon and
    2.295e-3 s/m for nitrogen. The melt nozzle does not enter. The flow is
    proportional to ``A*``, so the die a run implies is
    ``gas_flow / choked_gas_flow(pressure, 1.0, argon)`` mm^2.

    Parameters
    ----------
    pressure_MPa : float or array-like
        Gas supply (stagnation) pressure, above the choking pressure: 0.205
        MPa for argon, 0.189 MPa for nitrogen.
    throat_area_mm2 : float or array-like
        Throat area of the gas die, > 0.
    argon : bool, 0/1 or array-like of them
        1 (True) for argon, 0 (False) for nitrogen.

    Returns
    -------
    float or ndarray
        Gas mass flow in kg/min, an array if any argument is one (the
        arguments broadcast).

    Raises
    ------
    ValueError
        If a value is not finite, the die would not choke, an area is not
        positive or ``argon`` is not 0 or 1.

    Examples
    --------
    >>> from skdeep.datasets import choked_gas_flow
    >>> round(choked_gas_flow(3.0, 50.0, argon=True), 2)
    26.16
    >>> choked_gas_flow([1.0, 2.0], 50.0, argon=0).round(2)
    array([ 6.88, 13.77])
    >>> round(20.0 / choked_gas_flow(3.0, 1.0, argon=True), 1)  # mm^2 a run implies
    38.2
    """
    pressure, area, gas = np.broadcast_arrays(
        _float_array(pressure_MPa, "pressure_MPa"),
        _float_array(throat_area_mm2, "throat_area_mm2"),
        _float_array(argon, "argon"),
    )
    for name, value in (
        ("pressure_MPa", pressure),
        ("throat_area_mm2", area),
        ("argon", gas),
    ):
        if not np.isfinite(value).all():
            raise ValueError(
                f"{name} must be finite, got {value[~np.isfinite(value)]}."
            )
    if not np.isin(gas, (0.0, 1.0)).all():
        raise ValueError(
            "argon must be 1 (argon) or 0 (nitrogen), got "
            f"{gas[~np.isin(gas, (0.0, 1.0))]}."
        )
    if (area <= 0).any():
        raise ValueError(f"throat_area_mm2 must be > 0, got {area[area <= 0]}.")
    flux = np.empty_like(pressure)
    for name, mask in (("argon", gas == 1), ("nitrogen", gas == 0)):
        flux[mask], choking = _choking_constants(name)
        if (pressure[mask] < choking).any():
            raise ValueError(
                f"pressure_MPa must be at least {choking:.3f} MPa for {name} to "
                f"choke the die into the {_AMBIENT_PRESSURE} MPa chamber, got "
                f"{pressure[mask][pressure[mask] < choking]}."
            )
    flow = (area * 1e-6) * (pressure * 1e6) * flux * 60.0  # m^2 Pa s/m -> kg/min
    return flow if flow.ndim else float(flow)


def _frame_values(frame):
    """(n_runs, 6) floats of a settings DataFrame, in POWDER_INPUTS order."""
    reject_time_values(frame, "settings")
    duplicated = frame.columns[frame.columns.duplicated()]
    if len(duplicated):
        raise ValueError(f"settings has duplicated columns {list(duplicated)}.")
    missing = [name for name in _INPUT_NAMES if name not in frame.columns]
    unknown = [column for column in frame.columns if column not in _INPUT_NAMES]
    if missing or unknown:
        problems = [f"missing columns {missing}"] if missing else []
        problems += [f"unknown columns {short_labels(unknown)}"] if unknown else []
        raise ValueError(
            f"settings has {' and '.join(problems)}; it needs exactly the "
            f"columns {list(_INPUT_NAMES)}, in any order."
        )
    values = np.empty((len(frame), len(_INPUT_NAMES)))
    for j, name in enumerate(_INPUT_NAMES):
        column = frame[name]
        if column.dtype.kind not in "biuf":
            raise TypeError(
                f"settings column {name!r} must hold real numbers, got dtype "
                f"{column.dtype}."
            )
        values[:, j] = column.to_numpy(dtype=float, na_value=np.nan)
    return values


def _mapping_frame(settings):
    """A DataFrame of a dict or Series of settings, and whether it is one run."""
    import pandas as pd

    def one_run(items, index=None):
        runs = {k: [v[()] if isinstance(v, np.ndarray) else v] for k, v in items}
        return pd.DataFrame(runs, index=index), True

    if isinstance(settings, pd.Series):
        return one_run(
            settings.items(), None if settings.name is None else [settings.name]
        )
    if all(np.ndim(value) == 0 for value in settings.values()):
        return one_run(settings.items())
    try:
        return pd.DataFrame(dict(settings)), False
    except ValueError as error:
        raise ValueError(
            "settings given as a dict must hold one value per column (one run) "
            f"or 1-D sequences of one length (several runs): {error}"
        ) from error


def _settings_values(settings):
    """(n_runs, 6) float settings in POWDER_INPUTS order, the index of the
    runs, whether the input is one run and whether it is a table."""
    import pandas as pd

    if isinstance(settings, pd.DataFrame):
        return _frame_values(settings), settings.index, False, True
    if isinstance(settings, Mapping | pd.Series):
        frame, single = _mapping_frame(settings)
        return _frame_values(frame), frame.index, single, True
    values = _float_array(settings, "settings")
    single = values.ndim == 1
    if single:
        values = values.reshape(1, -1)
    if values.ndim != 2 or values.shape[1] != len(_INPUT_NAMES):
        raise ValueError(
            f"settings given as an array must have shape (n_runs, "
            f"{len(_INPUT_NAMES)}) or ({len(_INPUT_NAMES)},), the columns in "
            f"POWDER_INPUTS order {list(_INPUT_NAMES)}; got shape "
            f"{np.shape(settings)}."
        )
    return values, None, single, False


def _check_settings(values):
    """Raise a ValueError naming the first column with an impossible setting."""
    if len(values) == 0:
        raise ValueError("settings must hold at least one run, got none.")
    n_runs = len(values)
    for j, name in enumerate(_INPUT_NAMES):
        bad = ~np.isfinite(values[:, j])
        if bad.any():
            first = int(np.argmax(bad))
            raise ValueError(
                f"settings column {name!r} must be finite; got {values[first, j]} "
                f"in run {first} ({int(bad.sum())} of {n_runs} runs)."
            )
    for name, invalid, valid in _SETTING_RULES:
        column = values[:, _INPUT_NAMES.index(name)]
        bad = invalid(column)
        if bad.any():
            first = int(np.argmax(bad))
            raise ValueError(
                f"settings column {name!r} {valid}; got {column[first]:g} in run "
                f"{first} ({int(bad.sum())} of {n_runs} runs)."
            )


def _check_noise(noise):
    """Raise unless ``noise`` is a finite real number >= 0."""
    if isinstance(noise, bool) or not isinstance(noise, Real):
        raise TypeError(f"noise must be a number, got {noise!r}.")
    if not 0 <= noise < np.inf:
        raise ValueError(f"noise must be finite and >= 0, got {noise!r}.")


def _line_outcome(values, noise, rng):
    """Targets of validated (n_runs, 6) settings; the noise is drawn from
    ``rng`` (3 size factors per run, then 1 yield offset per run) unless it
    is None."""
    columns = {
        name: np.ascontiguousarray(values[:, j]) for j, name in enumerate(_INPUT_NAMES)
    }
    d10, d50, d90, sigma = _powder_sizes(columns)
    low, high = np.log(_YIELD_WINDOW_UM)
    mu = np.log(d50)
    yield_ = ndtr((high - mu) / sigma) - ndtr((low - mu) / sigma)
    if rng is not None:
        n_runs = len(values)
        factors = np.exp(noise * rng.normal(size=(3, n_runs)))
        d10, d50, d90 = d10 * factors[0], d50 * factors[1], d90 * factors[2]
        yield_ = yield_ + noise / 5 * rng.normal(size=n_runs)
    return np.column_stack([d10, d50, d90, np.clip(yield_, 0.0, 1.0)])


def run_powder_line(
    settings: pd.DataFrame | pd.Series | Mapping | ArrayLike,
    *,
    noise: float = 0.0,
    random_state: int | np.random.RandomState | None = None,
    as_frame: bool | None = None,
) -> pd.DataFrame | np.ndarray:
    """Run the simulated gas-atomization line at given settings.

    The line of :func:`make_powder_atomization` (same physics, see there) as
    a function of its settings: try on the simulated plant the settings a
    fitted model recommends. ``make_powder_atomization`` samples settings
    and calls this function, so both give the same outcome.

    Parameters
    ----------
    settings : DataFrame, dict, Series or array-like
        Process inputs, the columns of ``POWDER_INPUTS`` (units in the names,
        ``argon`` 1 for argon and 0 for nitrogen). A DataFrame, or a dict of
        equal-length 1-D sequences, with exactly these columns in any order;
        a 2-D array of shape (n_runs, 6) with the columns in
        ``POWDER_INPUTS`` order; or one run as a 1-D array of 6 values, a
        Series or a dict of scalars.
    noise : float, default=0.0
        Relative measurement noise, as in :func:`make_powder_atomization`:
        each size is multiplied by ``exp(noise * N(0, 1))`` and the yield gets
        ``noise / 5 * N(0, 1)`` added (clipped to [0, 1]). 0 gives the
        noise-free outcome.
    random_state : int, RandomState instance or None, default=None
        Seed of the noise; not drawn from when ``noise=0``.
    as_frame : bool or None, default=None
        Return a DataFrame (True) or an ndarray (False). None: a DataFrame
        for DataFrame, dict and Series settings, an ndarray for arrays.

    Returns
    -------
    y : DataFrame or ndarray of shape (n_runs, 4), or ndarray of shape (4,)
        ``d10_um``, ``d50_um``, ``d90_um``, ``yield_15_53``. A DataFrame keeps
        the index of DataFrame settings (the name of a Series); an array is
        1-D for one run given as a 1-D array, Series or dict of scalars.

    Raises
    ------
    TypeError
        If settings hold datetime, timedelta or non-numeric values.
    ValueError
        If columns are missing or unknown (all named), an array has the wrong
        shape, or a setting is impossible: not finite, gas pressure at or
        below the 0.1 MPa chamber pressure, nozzle diameter or a mass flow
        not positive, negative superheat, ``argon`` not 0 or 1.

    See Also
    --------
    POWDER_BOUNDS : The ranges the data of make_powder_atomization cover.
    choked_gas_flow : The gas flow of a given gas die at a given pressure.

    Notes
    -----
    Settings outside ``POWDER_BOUNDS`` are computed with the same formulas,
    but they are extrapolation: no sampled run lies there, so a model fitted
    to :func:`make_powder_atomization` data is not informed there either,
    and the Lubanska correlation is an empirical fit to ordinary atomizer
    settings, not a law valid at any setting. Check recommendations against
    ``POWDER_BOUNDS``.

    Gas flow and pressure are independent settings because the line changes
    gas dies (see the Notes of :func:`make_powder_atomization`). With one
    die fitted they are tied: set ``gas_flow_kg_min`` to
    ``choked_gas_flow(pressure, area, argon)`` for the die's throat area.

    Examples
    --------
    >>> from skdeep.datasets import POWDER_BOUNDS, choked_gas_flow, run_powder_line
    >>> settings = {"melt_superheat_K": 200.0, "gas_pressure_MPa": 3.0,
    ...             "nozzle_diameter_mm": 4.0, "metal_flow_kg_min": 10.0,
    ...             "gas_flow_kg_min": 20.0, "argon": 1}
    >>> run_powder_line(settings).round(3)
       d10_um  d50_um  d90_um  yield_15_53
    0  11.165  25.416  57.855        0.668
    >>> all(low <= settings[k] <= high for k, (low, high) in POWDER_BOUNDS.items())
    True

    The same gas die at 4 MPa passes more gas and gives finer powder:

    >>> area = 20.0 / choked_gas_flow(3.0, 1.0, argon=1)  # mm^2
    >>> settings["gas_pressure_MPa"] = 4.0
    >>> settings["gas_flow_kg_min"] = choked_gas_flow(4.0, area, argon=1)
    >>> run_powder_line(settings)["d50_um"].round(3).tolist()
    [23.89]

    Arrays in ``POWDER_INPUTS`` order give arrays, here the noise-free
    targets of sampled runs:

    >>> from skdeep.datasets import make_powder_atomization
    >>> X, y = make_powder_atomization(4, noise=0.0, random_state=0, as_frame=False)
    >>> bool((run_powder_line(X) == y).all())
    True
    """
    _check_noise(noise)
    if as_frame is not None and not isinstance(as_frame, bool | np.bool_):
        raise TypeError(f"as_frame must be True, False or None, got {as_frame!r}.")
    rng = check_random_state(random_state)
    values, index, single, table = _settings_values(settings)
    _check_settings(values)
    y = _line_outcome(values, noise, rng if noise > 0 else None)
    if not (table if as_frame is None else as_frame):
        return y[0] if single else y
    import pandas as pd

    return pd.DataFrame(y, columns=list(POWDER_TARGETS), index=index)


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

    See Also
    --------
    run_powder_line : The same line at settings of your choice.
    POWDER_BOUNDS : The sampling ranges, by column.

    Notes
    -----
    Gas mass flow and gas pressure are sampled independently, as on a line
    that changes gas dies. Every sampled run chokes its gas die (1-5 MPa is
    far above the 0.205 MPa for argon and 0.189 MPa for nitrogen that choke
    a die into the 0.1 MPa chamber), so the flow is set by the pressure
    ``P0`` and the throat area ``A*`` of the gas die (not the melt
    nozzle)::

        G = A* P0 sqrt(gamma / (R_s T0)) (2 / (gamma + 1)) ** ((gamma + 1) / (2 (gamma - 1)))

    with ``R_s`` the specific gas constant and ``T0 = 300 K``: ``G / (A*
    P0)`` is 2.906e-3 s/m for argon and 2.295e-3 s/m for nitrogen (see
    :func:`choked_gas_flow`). Each run thus implies a die. Between the
    corners of the sampled ranges (5 kg/min at 5 MPa, 40 kg/min at 1 MPa)
    its throat area spans 5.7-229 mm^2 for argon and 7.3-291 mm^2 for
    nitrogen; over 100000 sampled runs it is 5.8-285 mm^2, median 48 mm^2,
    90 % of the runs within 13-146 mm^2. These are dies with one round
    throat of 2.7-19 mm equivalent diameter (median 7.8 mm), or annular
    slits and jet rings of the same area: a set of gas dies from small
    laboratory ones to large production ones.

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
    _check_noise(noise)
    check_fits_in_memory(
        n_samples * POWDER_ROW_BYTES, f"make_powder_atomization(n_samples={n_samples})"
    )
    rng = check_random_state(random_state)
    X = np.empty((n_samples, len(POWDER_INPUTS)))
    for j, (_, low, high) in enumerate(POWDER_INPUTS[:-1]):
        X[:, j] = rng.uniform(low, high, n_samples)
    X[:, -1] = rng.randint(0, 2, n_samples)
    y = run_powder_line(X, noise=noise, random_state=rng, as_frame=False)
    if noise == 0:  # a generator passed in advances as for any noise
        rng.normal(size=(3, n_samples))
        rng.normal(size=n_samples)
    if not as_frame:
        return X, y
    import pandas as pd

    return (
        pd.DataFrame(X, columns=list(_INPUT_NAMES)),
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
