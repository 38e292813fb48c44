"""Benchmark skdeep's MLPs against scikit-learn (and a plain torch loop).

Run from the repository root::

    python benchmarks/bench_mlp.py            # full run (a few minutes)
    python benchmarks/bench_mlp.py --quick    # smoke run: 1 epoch, small data
    python benchmarks/bench_mlp.py --repeats 7 --output mlp.md

Every estimator trains for the same fixed number of epochs (``max_iter=E,
tol=0, n_iter_no_change=10**9``; the torch loop runs E epochs of shuffled
mini-batches with the same batch size and Adam). Implementations alternate run
by run; the tables give median seconds and the median of same-run ratios.
"""

from __future__ import annotations

import sys

sys.dont_write_bytecode = True  # keep benchmarks/ free of __pycache__

import json  # noqa: E402
import resource  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass  # noqa: E402

import numpy as np  # noqa: E402
import sklearn.neural_network as sk_nn  # noqa: E402
from _common import (  # noqa: E402
    Report,
    alternate,
    apply_threads,
    blas_threads,
    environment_header,
    fmt_ratio,
    fmt_seconds,
    gemm_peak,
    load_average,
    make_parser,
    markdown_table,
    median,
    python_child,
    ratio,
    resolve_repeats,
    silence_warnings,
    spread,
    torch_or_none,
    write_output,
)
from sklearn.datasets import make_classification  # noqa: E402

import skdeep  # noqa: E402

EPOCHS = 5
PREDICT_ROWS_MEMORY = 10**6


@dataclass
class Case:
    name: str
    n_samples: int
    n_features: int
    hidden: tuple[int, ...]
    batch_size: int
    dtype: type
    classes: int = 0  # 0: regression with one output

    @property
    def n_outputs(self) -> int:
        return self.classes or 1

    @property
    def n_params(self) -> int:
        sizes = [self.n_features, *self.hidden, self.n_outputs]
        return sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:], strict=True))

    @property
    def architecture(self) -> str:
        sizes = [self.n_features, *self.hidden, self.n_outputs]
        return f"{self.n_samples}x" + " -> ".join(map(str, sizes))


def make_cases(quick: bool) -> list[Case]:
    n_small, n_large = (1000, 4000) if quick else (5000, 20000)
    return [
        Case("small regression", n_small, 10, (32,), 32, np.float64),
        Case("large regression", n_large, 64, (256, 128), 200, np.float64),
        Case("large regression", n_large, 64, (256, 128), 200, np.float32),
        Case("classifier (10 classes)", n_large, 64, (256, 128), 200, np.float64, 10),
    ]


def make_data(case: Case, seed: int = 0):
    """Standardized synthetic data: a smooth nonlinear target, or 10 classes."""
    if case.classes:
        X, y = make_classification(
            n_samples=case.n_samples,
            n_features=case.n_features,
            n_informative=min(32, case.n_features),
            n_redundant=0,
            n_classes=case.classes,
            n_clusters_per_class=1,
            random_state=seed,
        )
        X = (X - X.mean(0)) / X.std(0)
        return X.astype(case.dtype), y.astype(np.int64)
    rng = np.random.RandomState(seed)
    X = rng.standard_normal((case.n_samples, case.n_features))
    w1 = rng.standard_normal((case.n_features, 16)) / np.sqrt(case.n_features)
    w2 = rng.standard_normal(16)
    y = np.tanh(X @ w1) @ w2 + 0.1 * rng.standard_normal(case.n_samples)
    y = (y - y.mean()) / y.std()
    return X.astype(case.dtype), y.astype(case.dtype)


def estimator_params(case: Case, epochs: int) -> dict:
    return dict(
        hidden_layer_sizes=case.hidden,
        solver="adam",
        batch_size=case.batch_size,
        max_iter=epochs,
        tol=0.0,
        n_iter_no_change=10**9,
        random_state=0,
    )


def make_estimator(library: str, case: Case, epochs: int):
    module = skdeep if library == "skdeep" else sk_nn
    cls = module.MLPClassifier if case.classes else module.MLPRegressor
    return cls(**estimator_params(case, epochs))


def torch_fit(torch, X, y, case: Case, epochs: int, seed: int = 0):
    """A plain torch training loop: Linear/ReLU stack, Adam, shuffled batches."""
    torch.manual_seed(seed)
    dtype = torch.float32 if case.dtype == np.float32 else torch.float64
    X_t = torch.from_numpy(X)
    if case.classes:
        y_t = torch.from_numpy(y)
        loss_fn = torch.nn.CrossEntropyLoss()
    else:
        y_t = torch.from_numpy(y).reshape(-1, 1)
        loss_fn = torch.nn.MSELoss()

    layers = []
    n_in = case.n_features
    for width in case.hidden:
        layers += [torch.nn.Linear(n_in, width), torch.nn.ReLU()]
        n_in = width
    layers.append(torch.nn.Linear(n_in, case.n_outputs))
    model = torch.nn.Sequential(*layers).to(dtype)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

    n = X_t.shape[0]
    for _ in range(epochs):
        order = torch.randperm(n)
        for start in range(0, n, case.batch_size):
            idx = order[start : start + case.batch_size]
            optimizer.zero_grad()
            loss = loss_fn(model(X_t[idx]), y_t[idx])
            loss.backward()
            optimizer.step()
    return model


def skdeep_blas_threads(case: Case, X, y, epochs: int) -> tuple[int, float] | None:
    """BLAS threads skdeep trains this case with, read from inside its
    training loop: skdeep uses one thread for small products and, for larger
    ones, times one thread against all of them as it trains.

    An Adam whose ``step`` records the thread count of every batch runs one
    untimed fit like the timed ones. Returns the most used count and the share
    of batches that used it, or None if that cannot be done.
    """
    from threadpoolctl import ThreadpoolController

    from skdeep.optimizers import Adam

    libraries = ThreadpoolController().select(user_api="blas").lib_controllers
    seen = []

    class ThreadProbe(Adam):
        def step(self, params, grads, state, lr):
            # a live, cheap read (threadpool_info() would take milliseconds)
            seen.append(max((lib.num_threads for lib in libraries), default=1))
            super().step(params, grads, state, lr)

    params = {**estimator_params(case, epochs), "solver": ThreadProbe()}
    cls = skdeep.MLPClassifier if case.classes else skdeep.MLPRegressor
    try:
        cls(**params).fit(X, y)
    except Exception:  # a probe, not a benchmark: never fail the run for it
        return None
    if not seen:
        return None
    mode = max(set(seen), key=seen.count)
    return mode, seen.count(mode) / len(seen)


# ---------------------------------------------------------------- fit speed
def fit_runners(case: Case, X, y, epochs: int, torch) -> dict:
    """One callable per implementation, each a complete fit from scratch."""
    runners = {
        "skdeep": lambda: make_estimator("skdeep", case, epochs).fit(X, y),
        "sklearn": lambda: make_estimator("sklearn", case, epochs).fit(X, y),
    }
    if torch is not None:
        runners["torch"] = lambda: torch_fit(torch, X, y, case, epochs)
    return runners


def measure_peaks(n_gemm: int) -> dict:
    """GEMM GF/s per (dtype name, threads); threads None is the current count."""
    return {
        (np.dtype(dtype).name, threads): gemm_peak(dtype, n=n_gemm, threads=threads)
        for dtype in (np.float64, np.float32)
        for threads in (None, 1)
    }


def report_peaks(report, n_gemm, before, after) -> dict:
    """Print both measurements; return the better one of each (the machine is
    shared: a peak measured while another process ran is too low)."""
    peaks = {key: max(before[key], after[key]) for key in before}
    report()
    report(
        f"## NumPy GEMM peak ({n_gemm}x{n_gemm} matmul, best of 5, measured "
        "before and after the fits)"
    )
    report()
    rows = []
    for d in ("float64", "float32"):
        row = [d]
        for threads in (None, 1):
            key = (d, threads)
            row.append(f"{before[key]:.1f} / {after[key]:.1f} GF/s")
        rows.append(row)
    report(
        markdown_table(
            ["dtype", f"{blas_threads()} BLAS thread(s) (current)", "1 BLAS thread"],
            rows,
        )
    )
    report()
    report("The larger of the two measurements is the peak used below.")
    return peaks


def bench_fit(report, cases, epochs, repeats, torch, n_gemm):
    rows = []
    models = {}
    peaks_before = measure_peaks(n_gemm)
    for case in cases:
        X, y = make_data(case)
        runners = fit_runners(case, X, y, epochs, torch)
        small = min(case.n_samples, 500)
        warmup = fit_runners(case, X[:small], y[:small], 1, torch)
        times = alternate(runners, repeats, warmup=warmup)
        t_skdeep = median(times["skdeep"])
        flops = 6.0 * case.n_params * case.n_samples * epochs
        threads = skdeep_blas_threads(case, X, y, epochs)
        gflops = flops / t_skdeep / 1e9
        rows.append(
            [
                case.name,
                case.architecture,
                np.dtype(case.dtype).name,
                str(case.batch_size),
                fmt_seconds(t_skdeep),
                fmt_seconds(median(times["sklearn"])),
                fmt_seconds(median(times["torch"])) if "torch" in times else "-",
                fmt_ratio(ratio(times, "skdeep", "sklearn")),
                fmt_ratio(ratio(times, "skdeep", "torch")),
                f"{gflops:.2f}",
                (np.dtype(case.dtype).name, threads, gflops),  # formatted below
                spread(times),
            ]
        )
        print(f"  done: {case.name} {np.dtype(case.dtype).name}", file=sys.stderr)
        if case.name.startswith("large") and case.dtype == np.float64:
            models["data"] = (X, y)
            models["skdeep"] = make_estimator("skdeep", case, epochs).fit(X, y)
            models["sklearn"] = make_estimator("sklearn", case, epochs).fit(X, y)
    peaks = report_peaks(report, n_gemm, peaks_before, measure_peaks(n_gemm))
    for row in rows:
        dtype_name, used, gflops = row[-2]
        if used is None:  # unknown: assume the current thread count
            used = (blas_threads(), 1.0)
        threads, share = used
        peak = peaks[(dtype_name, 1 if threads == 1 else None)]
        label = f"{threads} thr" if share == 1 else f"{threads} thr in {share:.0%}"
        row[-2] = f"{100 * gflops / peak:.1f}% ({label})"
    report()
    report(
        f"## Fit: median seconds for {epochs} epoch(s) of Adam "
        f"({repeats} alternating runs)"
    )
    report()
    report(
        markdown_table(
            [
                "case",
                "data -> layers",
                "dtype",
                "batch",
                "skdeep",
                "sklearn",
                "torch",
                "skdeep/sklearn",
                "skdeep/torch",
                "skdeep GF/s",
                "of GEMM peak",
                "max/min of runs",
            ],
            rows,
        )
    )
    report()
    report(
        "GF/s counts 6 x n_parameters x n_samples FLOPs per epoch (an upper "
        "bound: no input gradient is computed for the first layer, whose weights "
        "so cost 4 FLOPs per sample, not 6); the peak is NumPy's GEMM "
        "at the BLAS thread count skdeep used most while training that case "
        "(read from inside its training loop in one more, untimed fit: skdeep "
        "times one thread against all of them on its batches, so the count can "
        "change during a fit; 'in N%' gives the share of batches that used it). "
        "max/min of runs: slowest over fastest run of skdeep / sklearn / torch "
        "(how noisy the machine was)."
    )
    return models


# ---------------------------------------------------------------- predict
def bench_predict(report, models, repeats, quick):
    X, _ = models["data"]
    est = {name: models[name] for name in ("skdeep", "sklearn")}
    one = X[:1]
    many = X[:10_000]
    for model in est.values():  # warm-up
        model.predict(one)
        model.predict(many)

    calls, blocks = (50, 4) if quick else (200, 10)
    per_call = {name: [] for name in est}
    block_ratios = []
    for _ in range(blocks):
        block = {}
        for name, model in est.items():
            samples = []
            for _ in range(calls):
                start = time.perf_counter()
                model.predict(one)
                samples.append(time.perf_counter() - start)
            block[name] = median(samples)
            per_call[name].extend(samples)
        block_ratios.append(block["skdeep"] / block["sklearn"])

    times = alternate(
        {name: (lambda m=model: m.predict(many)) for name, model in est.items()},
        max(repeats, 5) * 2,
    )
    rows = [
        [
            f"1 row ({blocks} x {calls} calls)",
            fmt_seconds(median(per_call["skdeep"])),
            fmt_seconds(median(per_call["sklearn"])),
            fmt_ratio(median(block_ratios)),
        ],
        [
            f"{len(many)} rows ({len(times['skdeep'])} calls)",
            fmt_seconds(median(times["skdeep"])),
            fmt_seconds(median(times["sklearn"])),
            fmt_ratio(ratio(times, "skdeep", "sklearn")),
        ],
    ]
    report()
    report("## Predict latency: fitted large float64 regressor (median per call)")
    report()
    report(markdown_table(["input", "skdeep", "sklearn", "skdeep/sklearn"], rows))


# ----------------------------------------------------------------- memory
def _proc_status_kib(field: str) -> int | None:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def peak_rss_kib() -> int:
    """Peak RSS of this process in KiB.

    Linux: ``VmHWM`` of /proc/self/status, the high-water mark of this
    process's own address space. ``getrusage(...).ru_maxrss`` would do
    elsewhere, but on Linux a child started by fork and exec inherits the
    parent's peak in it (the parent here holds torch and the data).
    """
    peak = _proc_status_kib("VmHWM")
    if peak is None:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak


def rss_kib() -> int:
    """Current RSS of this process in KiB (the peak where unknown)."""
    rss = _proc_status_kib("VmRSS")
    return peak_rss_kib() if rss is None else rss


def memory_child(spec: dict) -> None:
    """Runs in a fresh interpreter; prints peak RSS (KiB) as JSON."""
    silence_warnings()
    case = Case(**{**spec["case"], "hidden": tuple(spec["case"]["hidden"])})
    case.dtype = np.dtype(spec["case"]["dtype"]).type

    result = {}
    if spec["mode"] in ("baseline", "fit"):
        X, y = make_data(case)
        result["rss_before_kib"] = rss_kib()
        if spec["mode"] == "fit":
            make_estimator(spec["library"], case, spec["epochs"]).fit(X, y)
        result["peak_kib"] = peak_rss_kib()
    else:  # predict on many rows: fit on a few rows first, the size is the model's
        X, y = make_data(case)
        model = make_estimator(spec["library"], case, 1).fit(X[:2000], y[:2000])
        rng = np.random.RandomState(1)
        X_big = rng.standard_normal((spec["rows"], case.n_features))
        result["before_kib"] = peak_rss_kib()
        result["rss_before_kib"] = rss_kib()
        model.predict(X_big)
        result["peak_kib"] = peak_rss_kib()
    print(json.dumps(result))


def run_memory_child(spec: dict) -> dict:
    proc = subprocess.run(
        [*python_child(), __file__, "--memory-child", json.dumps(spec)],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"memory child failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def bench_memory(report, case: Case, epochs: int, quick: bool):
    case_spec = {
        "name": case.name,
        "n_samples": case.n_samples,
        "n_features": case.n_features,
        "hidden": list(case.hidden),
        "batch_size": case.batch_size,
        "dtype": np.dtype(case.dtype).name,
        "classes": case.classes,
    }
    base = {"case": case_spec, "epochs": epochs}
    baseline = run_memory_child({**base, "mode": "baseline"})["peak_kib"]
    rows = []
    for library in ("skdeep", "sklearn"):
        fit = run_memory_child({**base, "mode": "fit", "library": library})
        rows.append(
            [
                f"fit {case.architecture}, {epochs} epoch(s)",
                library,
                f"{fit['peak_kib'] / 1024:.0f} MiB",
                f"{(fit['peak_kib'] - baseline) / 1024:.1f} MiB",
                f"{(fit['peak_kib'] - fit['rss_before_kib']) / 1024:.1f} MiB",
            ]
        )
    n_rows = 10**5 if quick else PREDICT_ROWS_MEMORY
    for library in ("skdeep", "sklearn"):
        pred = run_memory_child(
            {**base, "mode": "predict", "library": library, "rows": n_rows}
        )
        rows.append(
            [
                f"predict {n_rows} rows",
                library,
                f"{pred['peak_kib'] / 1024:.0f} MiB",
                f"{(pred['peak_kib'] - pred['before_kib']) / 1024:.1f} MiB",
                f"{(pred['peak_kib'] - pred['rss_before_kib']) / 1024:.1f} MiB",
            ]
        )
    input_mib = n_rows * case.n_features * 8 / 2**20
    report()
    report("## Memory: peak RSS, one fresh process per measurement")
    report()
    report(
        markdown_table(
            ["what", "library", "peak RSS", "extra RSS", "peak - RSS before call"],
            rows,
        )
    )
    report()
    report(
        "Peak RSS is the process's high-water mark (VmHWM). Fit: extra = peak "
        "minus the peak of a child that only imports and builds the data "
        f"({baseline / 1024:.0f} MiB). Predict: extra = peak after predict "
        f"minus peak before it, with the {input_mib:.0f} MiB float64 input "
        "already allocated. Last column: peak minus the RSS just before the "
        "fit or predict call, in the same process."
    )


# ------------------------------------------------------------------- main
def main(argv=None) -> None:
    parser = make_parser(__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=None, help="default 5 (1 quick)")
    parser.add_argument("--no-memory", action="store_true", help="skip memory")
    parser.add_argument("--memory-child", default=None, help="internal")
    args = parser.parse_args(argv)
    if args.memory_child is not None:
        memory_child(json.loads(args.memory_child))
        return
    silence_warnings()
    repeats = resolve_repeats(args)
    epochs = args.epochs or (1 if args.quick else EPOCHS)
    torch = torch_or_none()
    limiter = apply_threads(args, torch)  # noqa: F841 (kept alive for the run)
    report = Report()
    environment_header("skdeep MLP benchmark", report, torch=torch)
    if args.threads is not None:
        report(f"- --threads {args.threads}: every library limited to that")
    if torch is None:
        report("- torch is not installed: the torch columns are empty")

    n_gemm = 1024 if args.quick else 2048
    cases = make_cases(args.quick)
    models = bench_fit(report, cases, epochs, repeats, torch, n_gemm)
    bench_predict(report, models, repeats, args.quick)
    if not args.no_memory:
        bench_memory(report, cases[1], epochs, args.quick)
    report()
    report(f"load average at end: {load_average()}")
    write_output(args.output, report.text())


if __name__ == "__main__":
    main()
