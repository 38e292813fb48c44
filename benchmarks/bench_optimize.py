"""How good and how fast the settings ``skdeep.optimize_inputs`` recommends are,
on the simulated metal-powder line.

Run from the repository root::

    python benchmarks/bench_optimize.py                  # one BLAS thread
    python benchmarks/bench_optimize.py --threads 2 --repeats 5
    python benchmarks/bench_optimize.py --seeds 0 --repeats 1   # smoke run

**Quality.** For each seed, 1000 noisy runs of
``skdeep.datasets.make_powder_atomization`` are simulated and two models of
the four outputs are fitted: one network
(``TransformedTargetRegressor(make_pipeline(StandardScaler(), MLPRegressor(
(64, 64), solver="lbfgs")), transformer=StandardScaler())``) and an ensemble,
a list of such networks fitted on bootstrap resamples. ``optimize_inputs``
maximizes ``yield_15_53`` subject to ``30 <= d50_um <= 40``: with the network,
with the ensemble's mean and with the ensemble's lower bound (``uncertainty
=1.0``). The top recommendation is run on the noise-free simulator
(``run_powder_line``); the table gives its true yield and d50, whether d50 is
really within the range, and the ratio of its true yield to the true
constrained optimum. That optimum comes from a global search on the simulator
itself (SciPy's differential evolution on an exact penalty, per gas, then
SLSQP with the constraint, tight tolerances), checked against the closed-form
bound of the simulator's log-normal model (d50 = 30 um at the lowest
metal-to-gas ratio). For comparison: the run of the data an engineer would
pick (best measured yield among the runs measured within the d50 range),
evaluated noise-free, and the truly best feasible run of the data.

**Speed.** On the first seed's network, ``optimize_inputs`` is timed with
``method="gradient"`` and ``method="differential_evolution"`` on the same
problem, alternating the searches run by run. The minimum over ``--repeats``
runs, the ratio DE / gradient of the minima and the median of the same-run
ratios are reported, with each optimum's predicted objective. A second table
repeats the comparison on synthetic problems of 5 to 40 inputs (a network
fitted to a bumpy bowl, maximized under a linear constraint on the inputs),
where the two searches part ways. The same is repeated
for the same network fitted on arrays instead of a DataFrame (no feature
names to check on every call).

Everything runs with the BLAS/OpenMP pools limited by threadpoolctl to
``--threads`` (default 1); the pools are listed at the start.
"""

from __future__ import annotations

import sys

sys.dont_write_bytecode = True  # keep benchmarks/ free of __pycache__

import argparse  # noqa: E402
import functools  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
import scipy  # noqa: E402
import scipy.optimize  # noqa: E402
import sklearn  # noqa: E402
from _common import blas_summary, load_average, markdown_table  # noqa: E402
from scipy.special import ndtr  # noqa: E402
from sklearn.compose import TransformedTargetRegressor  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

import skdeep  # noqa: E402
from skdeep.datasets import (  # noqa: E402
    POWDER_BOUNDS,
    POWDER_TARGETS,
    make_powder_atomization,
    run_powder_line,
)

OBJECTIVE, D50_RANGE = "yield_15_53", (30.0, 40.0)
INPUTS = list(POWDER_BOUNDS)
CONTINUOUS = INPUTS[:-1]  # every input but ``argon``


# ------------------------------------------------------------------ models
def make_network(seed, args):
    mlp = skdeep.MLPRegressor(
        hidden_layer_sizes=(64, 64),
        solver="lbfgs",
        alpha=args.alpha,
        max_iter=args.max_iter,
        random_state=seed,
    )
    return TransformedTargetRegressor(
        make_pipeline(StandardScaler(), mlp), transformer=StandardScaler()
    )


def fit_models(X, y, seed, args):
    """The single network and the bootstrap ensemble of one seed, and the
    seconds each took to fit."""
    with warnings.catch_warnings():
        # a fixed max_iter budget: lbfgs stopping at it is expected
        warnings.simplefilter("ignore", ConvergenceWarning)
        start = time.perf_counter()
        single = make_network(seed, args).fit(X, y)
        t_single = time.perf_counter() - start
        rng = np.random.RandomState(seed)
        members = []
        start = time.perf_counter()
        for k in range(args.members):
            rows = rng.randint(0, len(X), len(X))
            member = make_network(1000 * (seed + 1) + k, args)
            members.append(member.fit(X.iloc[rows], y.iloc[rows]))
        t_ensemble = time.perf_counter() - start
    return single, members, t_single, t_ensemble


def recommend(model, X, seed, **options):
    """Top recommendation of optimize_inputs, its table, the seconds it took
    and the warnings it raised."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        start = time.perf_counter()
        table = skdeep.optimize_inputs(
            model,
            X,
            objective=OBJECTIVE,
            constraints={"d50_um": D50_RANGE},
            output_names=list(POWDER_TARGETS),
            random_state=seed,
            **options,
        )
        seconds = time.perf_counter() - start
    messages = sorted({str(w.message).split(":")[0] for w in caught})
    return table.iloc[0], table, seconds, messages


# --------------------------------------------------------------- simulator
def simulate(settings):
    """Noise-free (d50, yield) of settings in INPUTS order, shape (n, 6)."""
    out = run_powder_line(np.asarray(settings, dtype=float), as_frame=False)
    return out[:, 1], out[:, 3]


def feasible(d50):
    return (D50_RANGE[0] <= d50) & (d50 <= D50_RANGE[1])


def _optimum_for_gas(argon):
    """Best true yield within the d50 range for one gas: differential
    evolution on an exact penalty, polished by SLSQP with the constraint."""
    bounds = [POWDER_BOUNDS[name] for name in CONTINUOUS]

    def full(U):  # U: (n, 5) continuous settings
        return np.column_stack([U, np.full(len(U), float(argon))])

    def energy(U):  # vectorized: U is (5, population)
        d50, yield_ = simulate(full(np.atleast_2d(U.T)))
        violation = np.maximum(D50_RANGE[0] - d50, 0) + np.maximum(
            d50 - D50_RANGE[1], 0
        )
        return -yield_ + 10.0 * violation

    found = scipy.optimize.differential_evolution(
        energy, bounds, popsize=30, maxiter=3000, tol=1e-10, atol=1e-12, seed=0,
        vectorized=True, updating="deferred", polish=False,
    )  # fmt: skip

    def one(x, k):
        return simulate(full(x[None]))[k][0]

    polished = scipy.optimize.minimize(
        lambda x: -one(x, 1),
        found.x,
        method="SLSQP",
        bounds=bounds,
        constraints=[
            {"type": "ineq", "fun": lambda x: one(x, 0) - D50_RANGE[0]},
            {"type": "ineq", "fun": lambda x: D50_RANGE[1] - one(x, 0)},
        ],
        options={"ftol": 1e-14, "maxiter": 1000},
    )
    best = min((found.x, polished.x), key=lambda x: energy(x[:, None])[0])
    d50, yield_ = simulate(full(best[None]))
    return float(yield_[0]), float(d50[0]), best


@functools.lru_cache(maxsize=1)
def true_optimum():
    """{argon: (yield, d50, settings)} of the simulator's constrained optimum,
    and the seconds the searches took; independent of the seed, computed once."""
    start = time.perf_counter()
    per_gas = {argon: _optimum_for_gas(argon) for argon in (0, 1)}
    return per_gas, time.perf_counter() - start


def closed_form_bound():
    """Yield of a log-normal powder with d50 at the range's low end and the
    narrowest spread the ranges allow (metal/gas = 2/40): the simulator's
    sigma_g = 1.8 + 0.2 M/G; the 15-53 um window's centre (28.2 um) is below 30."""
    low, high = POWDER_BOUNDS["metal_flow_kg_min"][0], POWDER_BOUNDS["gas_flow_kg_min"]
    sigma = np.log(1.8 + 0.2 * low / high[1])
    d50 = D50_RANGE[0]
    return float(ndtr(np.log(53 / d50) / sigma) - ndtr(np.log(15 / d50) / sigma))


# ----------------------------------------------------------------- quality
def data_baselines(X, y):
    """(label, true d50, true yield, measured run) of the run picked on
    measured values and of the truly best feasible run."""
    d50, yield_ = simulate(X[INPUTS].to_numpy())
    measured_ok = feasible(y["d50_um"].to_numpy())
    picked = np.flatnonzero(measured_ok)[
        np.argmax(y[OBJECTIVE].to_numpy()[measured_ok])
    ]
    true_ok = np.flatnonzero(feasible(d50))
    oracle = true_ok[np.argmax(yield_[true_ok])]
    runs = X.join(y)
    return [
        ("data: best measured run", d50[picked], yield_[picked], runs.iloc[picked]),
        ("data: truly best run", d50[oracle], yield_[oracle], runs.iloc[oracle]),
    ]


def quality_rows(seed, args, optimum):
    """Rows of the quality table for one seed, and its models and data."""
    X, y = make_powder_atomization(args.n_samples, noise=args.noise, random_state=seed)
    single, members, t_single, t_ensemble = fit_models(X, y, seed, args)
    cases = [
        (f"network (fit {t_single:.1f} s)", single, {}),
        (f"ensemble of {args.members} (fit {t_ensemble:.1f} s)", members, {}),
        (f"ensemble of {args.members}, uncertainty=1", members, {"uncertainty": 1.0}),
    ]
    rows, notes = [], []
    for label, model, options in cases:
        top, table, seconds, messages = recommend(model, X, seed, **options)
        d50, yield_ = simulate(top[INPUTS].to_numpy()[None])
        rows.append(row(seed, label, top, d50[0], yield_[0], optimum, seconds))
        notes += [f"seed {seed}, {label}: warning: {m}" for m in messages]
        if not top["feasible"]:
            notes.append(f"seed {seed}, {label}: top row not predicted feasible")
    for label, d50, yield_, measured in data_baselines(X, y):
        rows.append(row(seed, label, measured, d50, yield_, optimum, None))
    return rows, notes, (X, y, single)


def row(seed, label, top, d50, yield_, optimum, seconds):
    ok = bool(feasible(d50))
    return {
        "seed": seed,
        "case": label,
        "argon": str(int(top["argon"])),
        "pred. yield": f"{top[OBJECTIVE]:.4f}",
        "pred. d50": f"{top['d50_um']:.2f}",
        "true yield": yield_,
        "true d50": f"{d50:.2f}",
        "30<=d50<=40": "yes" if ok else "NO",
        "ok": ok,
        "ratio to optimum": yield_ / optimum,
        "seconds": "-" if seconds is None else f"{seconds:.2f}",
    }


def print_quality(all_rows, optimum):
    headers = [
        "seed", "case", "argon", "pred. yield", "pred. d50", "true yield",
        "true d50", "30<=d50<=40", "ratio to optimum", "seconds",
    ]  # fmt: skip
    cells = [
        [
            f"{r[h]:.4f}" if h in ("true yield", "ratio to optimum") else str(r[h])
            for h in headers
        ]
        for r in all_rows
    ]
    print(markdown_table(headers, cells))
    print(f"\n(pred. columns of the data rows are the measured, noisy values; "
          f"optimum {optimum:.4f})\n")  # fmt: skip
    summary = []
    for case in dict.fromkeys(r["case"].split(" (fit")[0] for r in all_rows):
        picked = [r for r in all_rows if r["case"].split(" (fit")[0] == case]
        ratios = [r["ratio to optimum"] for r in picked]
        summary.append([
            case, f"{statistics.mean(ratios):.4f}", f"{min(ratios):.4f}",
            f"{sum(r['ok'] for r in picked)}/{len(picked)}",
        ])  # fmt: skip
    print(markdown_table(
        ["case", "mean ratio", "worst ratio", "true d50 in range"], summary
    ))  # fmt: skip


# ------------------------------------------------------------------- speed
#: the searches timed: label -> ``method`` of optimize_inputs
SEARCHES = {"gradient": "gradient", "DE": "differential_evolution"}
#: input counts of the synthetic problems of the scaling table
DIMENSIONS = (5, 10, 20, 40)


def run_search(model, X, seed, label):
    return recommend(model, X, seed, method=SEARCHES[label])


def time_methods(model, X, seed, repeats):
    """Alternating timings of the searches: {label: [seconds]} and {label:
    (top row, number of rows, warnings)} of the last run."""
    times, last = {label: [] for label in SEARCHES}, {}
    for _ in range(repeats):
        for label in SEARCHES:
            top, table, seconds, messages = run_search(model, X, seed, label)
            times[label].append(seconds)
            last[label] = (top, len(table), messages)
    return times, last


def speed_rows(label, model, X, seed, repeats):
    times, last = time_methods(model, X, seed, repeats)
    best = {m: min(t) for m, t in times.items()}
    rows = []
    for search in SEARCHES:
        top, n_rows, messages = last[search]
        d50, yield_ = simulate(top.to_numpy()[None, : len(INPUTS)])
        rows.append([
            label, search, f"{best[search]:.3f}", f"{max(times[search]):.3f}",
            f"{top['objective']:.5f}", f"{top['d50_um']:.2f}",
            "yes" if top["feasible"] else "NO", str(n_rows),
            f"{yield_[0]:.4f}", f"{d50[0]:.2f}" + ("" if feasible(d50[0]) else " (out)"),
            "; ".join(messages) or "-",
        ])  # fmt: skip
    gradient = last["gradient"][0]["objective"]
    summary = []
    for search in list(SEARCHES)[1:]:
        ratios = [d / g for g, d in zip(times["gradient"], times[search], strict=True)]
        summary.append([
            label, search, f"{best[search] / best['gradient']:.2f}x",
            f"{statistics.median(ratios):.2f}x",
            f"{last[search][0]['objective'] - gradient:+.5f}",
        ])  # fmt: skip
    return rows, summary


def synthetic_problem(d, seed, args):
    """A network of two outputs of ``d`` inputs: a bumpy bowl to maximize and
    the inputs' sum, constrained to be <= 0."""
    rng = np.random.RandomState(seed)
    X = rng.uniform(-1, 1, size=(2000, d))
    center = rng.uniform(-0.5, 0.5, d)
    y = np.c_[-((X - center) ** 2).sum(1) + 0.3 * np.sin(3 * X).sum(1), X.sum(1)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = skdeep.MLPRegressor(
            hidden_layer_sizes=(64, 64), solver="lbfgs", max_iter=args.max_iter,
            random_state=seed,
        ).fit(X, y)  # fmt: skip
    return model, X


def print_scaling(seed, args):
    rows = []
    for d in DIMENSIONS:
        model, X = synthetic_problem(d, seed, args)
        times, found = {m: [] for m in SEARCHES.values()}, {}
        for _ in range(args.repeats):
            for method in SEARCHES.values():
                start = time.perf_counter()
                table = skdeep.optimize_inputs(
                    model, X, objective=0, constraints={"y1": (None, 0.0)},
                    method=method, random_state=seed,
                )  # fmt: skip
                times[method].append(time.perf_counter() - start)
                found[method] = table["objective"].iloc[0]
        gradient, de = (min(times[m]) for m in SEARCHES.values())
        rows.append([
            str(d), f"{gradient:.3f}", f"{de:.3f}", f"{de / gradient:.2f}x",
            f"{found['gradient']:.4f}", f"{found['differential_evolution']:.4f}",
        ])  # fmt: skip
    print(markdown_table(
        ["inputs", "gradient s", "DE s", "DE / gradient", "gradient objective",
         "DE objective"],
        rows,
    ))  # fmt: skip


def print_speed(model, X, y, seed, args):
    X_array = X.to_numpy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model_array = make_network(seed, args).fit(X_array, y.to_numpy())
    rows, summary = [], []
    for label, m, data in (
        ("network, DataFrame X", model, X),
        ("same network, ndarray X", model_array, X_array),
    ):
        r, s = speed_rows(label, m, data, seed, args.repeats)
        rows += r
        summary += s
    print(markdown_table(
        ["case", "search", "min s", "max s", "pred. objective", "pred. d50",
         "feasible", "rows", "true yield", "true d50", "warnings"],
        rows,
    ))  # fmt: skip
    print()
    print(markdown_table(
        ["case", "derivative-free search", "its time / gradient's (min / min)",
         "(median same-run)", "its objective - gradient's"],
        summary,
    ))  # fmt: skip


# -------------------------------------------------------------------- main
def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--threads", type=int, default=1, help="BLAS/OpenMP threads")
    parser.add_argument("--repeats", type=int, default=3, help="timings per method")
    parser.add_argument("--members", type=int, default=5, help="ensemble size")
    parser.add_argument("--n-samples", type=int, default=1000)
    parser.add_argument("--noise", type=float, default=0.05)
    parser.add_argument(
        "--alpha", type=float, default=1.0,
        help="L2 penalty of the networks (1.0 beat 1e-3 and 0.1 on held-out "
        "noise-free runs at max_iter 150-600)",
    )  # fmt: skip
    parser.add_argument("--max-iter", type=int, default=300, help="lbfgs iterations")
    args = parser.parse_args(argv)
    if args.threads < 1 or args.repeats < 1 or args.members < 2:
        parser.error("--threads and --repeats must be >= 1, --members >= 2")
    return args


def header(args):
    print("# optimize_inputs on the powder line: quality and speed\n")
    print(
        f"- python {sys.version.split()[0]}, numpy {np.__version__}, scipy "
        f"{scipy.__version__}, scikit-learn {sklearn.__version__}, skdeep "
        f"{skdeep.__version__}; load average at start: {load_average()}"
    )
    print(f"- networks: (64, 64) lbfgs, alpha={args.alpha}, max_iter={args.max_iter}; "
          f"{args.n_samples} runs, noise={args.noise}; seeds {args.seeds}")  # fmt: skip
    print(f"- thread pools limited to {args.threads} (threadpoolctl):")
    for line in blas_summary():
        print(f"  - {line}")


def main(argv=None) -> None:
    args = parse_args(argv)
    started = time.perf_counter()
    with threadpool_limits(limits=args.threads):
        header(args)
        per_gas, seconds = true_optimum()
        optimum = max(v[0] for v in per_gas.values())
        print(
            f"\n## True constrained optimum (search on the simulator, {seconds:.1f} s)\n"
        )
        print(markdown_table(
            ["argon", "true yield", "d50", *CONTINUOUS],
            [[str(a), f"{v[0]:.6f}", f"{v[1]:.4f}", *(f"{x:.3f}" for x in v[2])]
             for a, v in per_gas.items()],
        ))  # fmt: skip
        print(f"\nclosed-form bound: {closed_form_bound():.6f}\n")
        print(f"## Quality: maximize {OBJECTIVE} with {D50_RANGE[0]:g} <= d50_um "
              f"<= {D50_RANGE[1]:g}, top recommendation run noise-free\n")  # fmt: skip
        all_rows, notes, first = [], [], None
        for seed in args.seeds:
            rows, seed_notes, data = quality_rows(seed, args, optimum)
            all_rows += rows
            notes += seed_notes
            first = first or data
        print_quality(all_rows, optimum)
        for note in notes:
            print(f"- {note}")
        X, y, single = first
        print(f"\n## Speed: gradient vs differential evolution, seed {args.seeds[0]}'s "
              f"network, min of {args.repeats} alternating runs\n")  # fmt: skip
        print_speed(single, X, y, args.seeds[0], args)
        print(f"\n## Speed against the number of inputs: a (64, 64) network of a "
              f"synthetic problem, min of {args.repeats} alternating runs\n")  # fmt: skip
        print_scaling(args.seeds[0], args)
    print(f"\ntotal {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
