"""From a fitted model to better process settings: :func:`optimize_inputs`.

Given a model of the process outputs as functions of its settings, find the
settings that maximize (or minimize) an objective of the predicted outputs,
keeping outputs and inputs within ranges. With input gradients (skdeep's
networks, alone, in pipelines of scalers or in ensembles) many starting points
are refined at once by L-BFGS-B, constraints by an augmented Lagrangian;
otherwise a derivative-free global search (SciPy's differential evolution,
its best point then polished by SLSQP on batched finite differences) serves
any regressor. Discrete inputs are enumerated.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import scipy.optimize
from scipy.stats import qmc
from sklearn.utils import check_random_state
from threadpoolctl import threadpool_limits

from ._goal import make_goal
from ._label_columns import read_settings, table_columns, tabular_categories
from ._response import Response
from ._settings_space import make_space

__all__ = ["optimize_inputs"]

#: rounds of the augmented Lagrangian, and its penalty growth per round
LAGRANGIAN_ROUNDS = 8
PENALTY_GROWTH = 4.0
#: penalty of the first round (per squared standard deviation of violation)
INITIAL_PENALTY = 10.0
#: L-BFGS-B's relative tolerance on the (scaled) objective: far below the
#: differences between settings that matter, far above round-off
LBFGS_FTOL = 1e-7
#: a constraint holds when its violation (in output standard deviations) is below
FEASIBILITY_TOLERANCE = 1e-3
#: penalty per standard deviation of violation in the derivative-free search
DERIVATIVE_FREE_PENALTY = 1e3
#: forward-difference step (in inputs scaled to [0, 1]) and iterations of
#: the local polish after the derivative-free search
POLISH_STEP, POLISH_ITERATIONS = 1e-6, 100
#: candidates closer than this (in inputs scaled to [0, 1]) are duplicates
DISTINCT = 1e-2


class _Evaluator:
    """Scores, violations and (optionally) their gradients of settings."""

    def __init__(self, response, goal, objective_scale):
        self.response, self.goal, self.scale = response, goal, objective_scale

    def __call__(self, Z, exact=False):
        P = self.response.predict(Z, exact=exact)
        score, mean, std = self.goal.score(P)
        return score / self.scale, self.goal.violations(P), P, mean, std

    def gradients(self, Z):
        P, J = self.response.predict_and_jacobian(Z, self.goal.differentiated_outputs)
        score, d_score = self.goal.score_and_gradient(P, J)
        g = self.goal.violations(P)
        dg = self.goal.violation_gradients(P, J)
        return score / self.scale, d_score / self.scale, g, dg


def _starts(evaluate, space, held, Xa, n_starts, rng):
    """Starting points: the best runs of the data (with ``held`` inputs set)
    and quasi-random points, as free inputs scaled to [0, 1]."""
    rows = Xa.copy()
    for index, value in held.items():
        rows[:, index] = value
    u_rows = space.scaled(rows)
    score, g = evaluate(space.settings(u_rows, held))[:2]
    violation = np.maximum(g, 0).sum(axis=1) if g.size else np.zeros(len(rows))
    order = np.lexsort((-score, violation))
    n_data = min(len(rows), n_starts // 2)
    d = len(space.free)
    spread = (
        qmc.Halton(d, seed=rng.randint(2**31)).random(n_starts - n_data) if d else None
    )
    parts = [u_rows[order[:n_data]]] + ([] if spread is None else [spread])
    return np.unique(np.vstack(parts), axis=0)


def _refine_with_gradients(evaluate, space, base, starts):
    """Every start refined at once: L-BFGS-B on the sum of the starts'
    augmented Lagrangians (the starts do not interact), a few rounds.
    ``base``: a row of settings per start, giving its held inputs."""
    S, d = starts.shape
    width = (space.high - space.low)[space.free]
    n_con = 2 * len(evaluate.goal.ranges)
    lam, mu = np.zeros((S, n_con)), INITIAL_PENALTY
    u = starts.copy()

    def fun(x):
        Z = space.settings(x.reshape(S, d), base)
        score, d_score, g, dg = evaluate.gradients(Z)
        active = np.maximum(0.0, lam + mu * g)
        value = -score.sum() + ((active**2 - lam**2) / (2 * mu)).sum()
        grad = -d_score + np.einsum("sc,scf->sf", active, dg)
        return value, (grad[:, space.free] * width).ravel()

    for _ in range(LAGRANGIAN_ROUNDS if n_con else 1):
        result = scipy.optimize.minimize(
            fun,
            u.ravel(),
            jac=True,
            method="L-BFGS-B",
            bounds=[(0, 1)] * (S * d),
            options={"ftol": LBFGS_FTOL},
        )
        u = result.x.reshape(S, d)
        g = evaluate(space.settings(u, base))[1]
        lam = np.maximum(0.0, lam + mu * g)
        if not n_con or np.all(g < FEASIBILITY_TOLERANCE):
            break
        mu *= PENALTY_GROWTH
    return space.settings(u, base)


def _search_with_gradients(evaluate, space, Xa, n_starts, rng):
    """Starts for every assignment of the discrete inputs, refined together
    (one batched evaluation per step for all of them)."""
    starts, bases = [], []
    for held in space.combinations():
        u = _starts(evaluate, space, held, Xa, n_starts, rng)
        starts.append(u)
        bases.append(space.settings(u, held))
    return _refine_with_gradients(evaluate, space, np.vstack(bases), np.vstack(starts))


def _search_derivative_free(evaluate, space, held, n_keep, rng):
    """Differential evolution on the free inputs, the whole population per
    call; returns the final population, best first."""
    d = len(space.free)

    def fun(U):  # U: (d, population)
        score, g = evaluate(space.settings(U.T, held))[:2]
        penalty = np.maximum(g, 0).sum(axis=1) if g.size else 0.0
        return -score + DERIVATIVE_FREE_PENALTY * penalty

    result = scipy.optimize.differential_evolution(
        fun,
        [(0.0, 1.0)] * d,
        vectorized=True,
        updating="deferred",
        polish=False,
        seed=rng.randint(2**31),
    )
    order = np.argsort(result.population_energies)
    population = result.population[order][: max(n_keep, 1) * 4]
    return np.vstack([_polish(evaluate, space, held, population[0]), population])


def _polish(evaluate, space, held, u0):
    """The best point of the derivative-free search refined locally (that
    search stops on the spread of its population, short of the optimum):
    SLSQP on forward differences, all ``d + 1`` points of a step evaluated in
    one call. Kept only if it is no worse than ``u0``."""
    d = len(u0)
    sides = evaluate.goal.bounded_sides
    cache = {}

    def at(u):  # score, violations and their differences, once per point
        key = u.tobytes()
        if key not in cache:
            cache.clear()
            steps = np.vstack([u, u + POLISH_STEP * np.eye(d)])
            steps[1:] = np.where(
                steps[1:] > 1.0, u - POLISH_STEP * np.eye(d), steps[1:]
            )
            score, g = evaluate(space.settings(steps, held))[:2]
            g = g[:, sides]
            h = (steps[1:] - u).sum(axis=1)
            cache[key] = (-score[0], -(score[1:] - score[0]) / h, g[0],
                          ((g[1:] - g[0]) / h[:, None]).T)  # fmt: skip
        return cache[key]

    constraints = []
    if sides.any():
        constraints.append(
            {"type": "ineq", "fun": lambda u: -at(u)[2], "jac": lambda u: -at(u)[3]}
        )
    result = scipy.optimize.minimize(
        lambda u: at(u)[0],
        u0,
        jac=lambda u: at(u)[1],
        method="SLSQP",
        bounds=[(0.0, 1.0)] * d,
        constraints=constraints,
        options={"maxiter": POLISH_ITERATIONS},
    )
    u = np.clip(result.x, 0.0, 1.0)
    return u if _no_worse(evaluate, space, held, u, u0) else u0


def _no_worse(evaluate, space, held, u, u0):
    """Whether setting ``u`` is at least as good as ``u0``: less violation,
    or as little and a score as high."""
    score, g = evaluate(space.settings(np.vstack([u, u0]), held))[:2]
    violation = np.maximum(g, 0).sum(axis=1) if g.size else np.zeros(2)
    if violation[0] > FEASIBILITY_TOLERANCE or violation[1] > FEASIBILITY_TOLERANCE:
        return violation[0] <= violation[1]
    return score[0] >= score[1]


def _split_constraints(constraints, columns, output_names):
    """Constraints on inputs (narrowing their bounds) and on outputs."""
    inputs, outputs = {}, {}
    for name, limits in (constraints or {}).items():
        try:
            low, high = limits
        except (TypeError, ValueError):
            raise ValueError(
                f"constraints[{name!r}] must be a (low, high) pair (None for no "
                f"limit), got {limits!r}."
            ) from None
        if name in columns and name in output_names:
            raise ValueError(
                f"constraints name {name!r}, both an input and an output: rename "
                "the outputs with output_names=."
            )
        (inputs if name in columns else outputs)[name] = (low, high)
    return inputs, outputs


def _distinct(space, Z, order, n_candidates):
    """The first ``n_candidates`` rows of ``Z`` in ``order`` that differ from
    every row kept before: in a fixed or discrete input, or by more than
    ``DISTINCT`` in a free one (scaled to [0, 1])."""
    scaled = space.scaled(Z)
    held = np.setdiff1d(np.arange(Z.shape[1]), space.free)
    kept = []
    for i in order:
        if not any(
            np.array_equal(Z[i, held], Z[j, held])
            and np.abs(scaled[i] - scaled[j]).max(initial=0.0) <= DISTINCT
            for j in kept
        ):
            kept.append(i)
        if len(kept) == n_candidates:
            break
    return kept


def _candidates(evaluate, space, goal, Z, n_candidates, labels):
    """The table of the best distinct settings, feasible first (label
    columns as their values)."""
    score, g, P, mean, std = evaluate(Z, exact=True)
    violation = np.maximum(g, 0).sum(axis=1) if g.size else np.zeros(len(Z))
    feasible = violation < FEASIBILITY_TOLERANCE
    order = np.lexsort((-score, np.where(feasible, 0.0, violation)))
    kept = np.array(_distinct(space, Z, order, n_candidates))
    table = pd.DataFrame(Z[kept], columns=labels.names)
    table = labels.integers_as_such(labels.decode(table, range(Z.shape[1])))
    mean_P = P.mean(axis=0)[kept]
    for k, name in enumerate(goal.output_names):
        table[name] = mean_P[:, k]
        if P.shape[0] > 1:
            table[f"{name}_std"] = P[:, kept, k].std(axis=0)
    table["objective"] = mean[kept]
    if P.shape[0] > 1:
        table["objective_std"] = std[kept]
    for j, (k, _, _) in enumerate(goal.ranges):
        worst = np.maximum(g[kept, 2 * j], g[kept, 2 * j + 1])
        table[f"{goal.output_names[k]}_ok"] = worst < FEASIBILITY_TOLERANCE
    table["feasible"] = feasible[kept]
    return table


def optimize_inputs(
    model,
    X,
    *,
    objective,
    maximize: bool = True,
    bounds="data",
    constraints: dict | None = None,
    fixed: dict | None = None,
    categories="auto",
    output_names: list[str] | None = None,
    n_candidates: int = 5,
    uncertainty: float = 0.0,
    extrapolate: bool = False,
    n_starts: int = 8,
    method: str = "auto",
    random_state=None,
) -> pd.DataFrame:
    """Recommend process settings: the inputs that optimize a fitted model's
    predictions, within ranges.

    Parameters
    ----------
    model : regressor, list of regressors or BaggingRegressor
        Fitted, single- or multi-output. A list of models, a
        ``BaggingRegressor`` or a tabular network with ``n_members`` of 2 or
        more is an ensemble: its mean is optimized and the
        spread of its members is reported (and traded off by
        ``uncertainty``). skdeep's networks, alone, behind affine scalers or
        in an ensemble, are searched with their input gradients; any other
        model by a derivative-free global search.
    X : DataFrame or ndarray of shape (n_samples, n_features)
        The runs the model learned from (or other representative settings):
        they give the input names, the default bounds, the discrete inputs'
        values and the starting points. Columns of labels (text, pandas
        categories, and the columns a tabular network reads as categories,
        such as integer nozzle ids in its ``categorical_features``) are
        searched over their values in ``X``, given to the model as those
        values and reported as them.
    objective : str, int or callable
        The output to optimize (a name in ``output_names``, or an index), or
        ``objective(predictions) -> array of shape (n,)`` of a DataFrame of
        predicted outputs (its derivatives are taken numerically, in the
        outputs only).
    maximize : bool, default=True
        Maximize the objective, or minimize it.
    bounds : 'data' or dict, default='data'
        Range of each input: the data's (never extrapolate silently); a dict
        ``{input: (low, high)}`` overrides some (``None`` keeps the data's).
    constraints : dict, default=None
        ``{name: (low, high)}`` ranges on outputs (``{"d50_um": (30, 40)}``)
        or inputs (``None`` for no limit on one side).
    fixed : dict, default=None
        Inputs held at a value, ``{"argon": 1}`` or, for a column of labels,
        ``{"gas": "argon"}``.
    categories : 'auto', list or dict, default='auto'
        Discrete inputs, searched by enumeration: names (their values in
        ``X``), a dict of names to values, or 'auto': every column of at most
        10 distinct integer values in ``X``. ``[]`` for none. Label columns
        are always enumerated (over the values listed here, else all of
        theirs in ``X``).
    output_names : list of str, default=None
        Names of the model's outputs (``y0``, ``y1``, ... by default).
    n_candidates : int, default=5
        Distinct recommendations returned, best first.
    uncertainty : float, default=0.0
        With an ensemble, maximize ``mean - uncertainty * std`` of the
        objective over the members (a lower confidence bound), and require
        each output range to hold for ``mean - uncertainty * std`` and
        ``mean + uncertainty * std`` of that output: larger values keep the
        recommendation where the members agree, that is where the data
        supports it, and away from the limits by the members' disagreement.
    extrapolate : bool, default=False
        Allow bounds and fixed values outside the data's range.
    n_starts : int, default=8
        Starting points of the gradient search, per combination of discrete
        values (half from the best runs in ``X``).
    method : {'auto', 'gradient', 'differential_evolution'}, default='auto'
        The search: with input gradients when the model has them ('auto'),
        or the derivative-free one whatever the model. On a few inputs both
        take about as long and find the same optimum; the gradient search
        pulls ahead as the inputs grow (several times faster from about 20;
        ``benchmarks/bench_optimize.py``).
    random_state : int, RandomState instance or None, default=None
        Seed of the starting points and of the derivative-free search.

    Returns
    -------
    DataFrame
        Up to ``n_candidates`` distinct recommendations (fewer when the
        search finds fewer distinct optima), best first (feasible ones before
        the others): the inputs, every predicted output (with ``<name>_std``, the
        members' spread, for ensembles), ``objective`` (and
        ``objective_std``), ``<name>_ok`` per output constraint and
        ``feasible``. ``attrs["method"]`` says which search ran. When no
        setting satisfies the constraints, the least-violating are returned
        with a warning.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeep import MLPRegressor
    >>> rng = np.random.RandomState(0)
    >>> X = rng.uniform(-2, 2, size=(300, 2))
    >>> y = np.c_[-(X[:, 0] - 1) ** 2 - X[:, 1] ** 2, X[:, 1]]
    >>> model = MLPRegressor(hidden_layer_sizes=(32,), solver="lbfgs",
    ...                      max_iter=500, random_state=0).fit(X, y)
    >>> best = optimize_inputs(model, X, objective="score",
    ...                        output_names=["score", "height"],
    ...                        constraints={"height": (0.5, None)}, random_state=0)
    >>> bool(best["feasible"].iloc[0]), best.attrs["method"]
    (True, 'gradient')
    >>> best[["x0", "x1"]].iloc[0].round(1).tolist()  # the optimum is (1, 0.5)
    [0.9, 0.5]
    """
    columns = table_columns(X)
    rng = check_random_state(random_state)
    response = Response(model, columns)
    Xa, labels = read_settings(X, tabular_categories(response.members, response.reads))
    response.read_labels_of(labels)
    P = response.predict(Xa)
    names = _output_names(output_names, P.shape[2])
    input_ranges, output_ranges = _split_constraints(constraints, columns, names)
    space = make_space(Xa, columns, bounds=bounds, fixed=fixed, categories=categories,
                       extrapolate=extrapolate, input_ranges=input_ranges,
                       labels=labels)  # fmt: skip
    goal = make_goal(objective, names, maximize=maximize, uncertainty=uncertainty,
                     output_ranges=output_ranges, scales=P.mean(axis=0).std(axis=0))  # fmt: skip
    if goal.uncertainty and not response.is_ensemble:
        raise ValueError(
            "uncertainty needs an ensemble: a list of models or a BaggingRegressor."
        )
    values = goal.score(P)[1]
    evaluate = _Evaluator(response, goal, max(float(values.std()), 1e-12))
    method = _method(method, response)
    # many calls on a few rows each: one BLAS thread is fastest
    with threadpool_limits(limits=1, user_api="blas"):
        found = _search(evaluate, space, Xa, method, n_starts, n_candidates, rng)
    table = _candidates(evaluate, space, goal, found, n_candidates, labels)
    table.attrs["method"] = method
    if not table["feasible"].iloc[0]:
        warnings.warn(
            "No setting satisfies every constraint within the bounds: the rows are "
            "the least-violating settings found (feasible=False).",
            UserWarning,
            stacklevel=2,
        )
    return table


def _method(method, response):
    if method == "auto":
        return "gradient" if response.differentiable else "differential_evolution"
    if method == "gradient" and not response.differentiable:
        raise ValueError(
            "method='gradient' needs input gradients: skdeep networks, alone, behind "
            "affine scalers or in an ensemble of them."
        )
    if method not in ("gradient", "differential_evolution"):
        raise ValueError(
            "method must be 'auto', 'gradient' or 'differential_evolution', got "
            f"{method!r}."
        )
    return method


def _output_names(output_names, n_outputs):
    if output_names is None:
        return [f"y{k}" for k in range(n_outputs)]
    names = [str(n) for n in output_names]
    if len(names) != n_outputs:
        raise ValueError(
            f"output_names has {len(names)} names but the model predicts {n_outputs} outputs."
        )
    return names


def _search(evaluate, space, Xa, method, n_starts, n_candidates, rng):
    """Candidate settings, for every assignment of the discrete inputs."""
    combinations = space.combinations()
    if len(space.free) == 0:
        return np.vstack([space.settings(np.zeros((1, 0)), h) for h in combinations])
    if method == "gradient":
        return _search_with_gradients(evaluate, space, Xa, n_starts, rng)
    return np.vstack([
        space.settings(
            _search_derivative_free(evaluate, space, held, n_candidates, rng), held
        )
        for held in combinations
    ])  # fmt: skip
