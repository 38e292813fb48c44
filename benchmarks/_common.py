"""Timing, table and environment helpers shared by the benchmark scripts.

Nothing here writes files except :func:`write_output`, which only writes where
``--output`` asks (bare file names go to ``benchmarks/results/``; paths inside
the repository are refused unless they are under ``benchmarks/results/``).
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"


# --------------------------------------------------------------- arguments
def make_parser(
    description: str, *, default_repeats: int = 5
) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="fast smoke run: 1 epoch, smaller data, 2 repeats",
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=None,
        help=f"alternating runs per case (default {default_repeats}, 2 with --quick)",
    )
    parser.add_argument(
        "--output",
        default=None,
        help="also write the report to this file (a bare name goes to "
        "benchmarks/results/)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="limit BLAS/OpenMP (threadpoolctl) and torch to this many threads "
        "for every implementation (default: leave the libraries' defaults)",
    )
    parser.set_defaults(default_repeats=default_repeats)
    return parser


def resolve_repeats(args) -> int:
    if args.repeats is not None:
        if args.repeats < 1:
            raise SystemExit("--repeats must be >= 1")
        return args.repeats
    return 2 if args.quick else args.default_repeats


def apply_threads(args, torch=None):
    """Apply ``--threads`` to every thread pool; return the limiter to keep."""
    if args.threads is None:
        return None
    from threadpoolctl import threadpool_limits

    if args.threads < 1:
        raise SystemExit("--threads must be >= 1")
    if torch is not None:
        torch.set_num_threads(args.threads)
    return threadpool_limits(limits=args.threads)


def blas_threads() -> int:
    """Current thread count of the BLAS pools (the largest, if several)."""
    from threadpoolctl import threadpool_info

    counts = [p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"]
    return max(counts, default=1)


def output_path(name: str) -> Path:
    """Where ``--output name`` writes; refuses paths inside the repository
    other than ``benchmarks/results/``."""
    path = Path(name)
    if path.parent == Path("."):
        path = RESULTS_DIR / path
    path = path.resolve()
    if path.is_relative_to(REPO_ROOT) and not path.is_relative_to(RESULTS_DIR):
        raise SystemExit(
            f"--output {name}: inside the repository only benchmarks/results/ "
            "may be written to."
        )
    return path


def write_output(name: str | None, text: str) -> None:
    if name is None:
        return
    path = output_path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    print(f"\nwrote {path}")


class Report:
    """Collects printed lines so they can also be written with ``--output``."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def __call__(self, text: str = "") -> None:
        print(text, flush=True)
        self.lines.append(text)

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


# ------------------------------------------------------------- environment
def silence_warnings() -> None:
    """Fixed-epoch fits end with ConvergenceWarning: that is expected here."""
    warnings.simplefilter("ignore")


def blas_summary() -> list[str]:
    """One line per thread pool from ``threadpoolctl.threadpool_info()``."""
    from threadpoolctl import threadpool_info

    lines = []
    for pool in threadpool_info():
        parts = [
            f"{pool.get('user_api')}/{pool.get('internal_api')}",
            f"num_threads={pool.get('num_threads')}",
            f"prefix={pool.get('prefix')}",
        ]
        if pool.get("version"):
            parts.append(f"version={pool['version']}")
        if pool.get("architecture"):
            parts.append(f"arch={pool['architecture']}")
        lines.append(" ".join(parts))
    return lines


def torch_or_none():
    try:
        import torch
    except ImportError:
        return None
    return torch


def environment_header(title: str, report: Report, *, torch=None) -> None:
    import sklearn

    import skdeep

    now = datetime.datetime.now().astimezone()
    report(f"# {title}")
    report()
    report(f"- date: {now:%Y-%m-%d %H:%M %Z}")
    report(
        f"- python {platform.python_version()}, numpy {np.__version__}, "
        f"scikit-learn {sklearn.__version__}, skdeep {skdeep.__version__}, "
        + (
            f"torch {torch.__version__}"
            if torch is not None
            else "torch: not installed"
        )
    )
    report(f"- skdeep source: {source_version()}")
    report(f"- CPU cores: {os.cpu_count()}; load average at start: {load_average()}")
    report("- BLAS/OpenMP thread pools (threadpoolctl.threadpool_info()):")
    for line in blas_summary():
        report(f"  - {line}")
    if torch is not None:
        report(
            f"- torch threads: intra-op {torch.get_num_threads()}, "
            f"inter-op {torch.get_num_interop_threads()}"
        )
    report(
        "- the machine may be shared: timings alternate implementations run by "
        "run; medians and same-run ratios are reported"
    )


def source_version() -> str:
    """The repository's commit, and whether its tracked files had changes."""
    import subprocess

    def git(*args):
        return subprocess.run(
            ["git", "-C", str(REPO_ROOT), *args],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()

    try:
        commit = git("rev-parse", "--short", "HEAD")
        dirty = git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return f"git {commit}" + (" with uncommitted changes" if dirty else "")


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


# ----------------------------------------------------------------- timing
def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def alternate(
    runners: dict[str, Callable[[], object]], repeats: int, *, warmup=None
) -> dict[str, list[float]]:
    """Time each runner ``repeats`` times, interleaved run by run.

    ``warmup`` (a dict like ``runners``) is run once each, untimed, first.
    """
    if warmup:
        for fn in warmup.values():
            fn()
    times: dict[str, list[float]] = {name: [] for name in runners}
    for _ in range(repeats):
        for name, fn in runners.items():
            times[name].append(timed(fn))
    return times


def median(values) -> float:
    return statistics.median(values)


def ratio(times: dict[str, list[float]], num: str, den: str) -> float | None:
    """Median over runs of ``num / den`` measured in the same run."""
    if num not in times or den not in times:
        return None
    return median([a / b for a, b in zip(times[num], times[den], strict=True)])


def spread(times: dict[str, list[float]]) -> str:
    """max/min over the runs of each implementation: how noisy the row was."""
    return " / ".join(f"{max(t) / min(t):.2f}" for t in times.values())


# ------------------------------------------------------------------ GEMM
def gemm_peak(dtype, n: int = 2048, repeats: int = 5, threads: int | None = None):
    """Best-of-``repeats`` GF/s of an ``n x n`` matmul in ``dtype``."""
    from threadpoolctl import threadpool_limits

    rng = np.random.default_rng(0)
    a = rng.standard_normal((n, n)).astype(dtype)
    b = rng.standard_normal((n, n)).astype(dtype)
    out = np.empty((n, n), dtype=dtype)
    with threadpool_limits(limits=threads, user_api="blas"):
        np.matmul(a, b, out=out)  # warm-up
        best = min(timed(lambda: np.matmul(a, b, out=out)) for _ in range(repeats))
    return 2.0 * n**3 / best / 1e9


# ----------------------------------------------------------------- tables
def fmt_seconds(value: float | None) -> str:
    if value is None:
        return "-"
    if value < 1e-3:
        return f"{value * 1e6:.0f} us"
    if value < 1.0:
        return f"{value * 1e3:.1f} ms"
    return f"{value:.2f} s"


def fmt_ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"


def markdown_table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [
        max(len(str(h)), *(len(str(r[i])) for r in rows)) if rows else len(str(h))
        for i, h in enumerate(headers)
    ]

    def line(cells):
        return (
            "| "
            + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True))
            + " |"
        )

    sep = "| " + " | ".join("-" * w for w in widths) + " |"
    return "\n".join([line(headers), sep, *(line(r) for r in rows)])


def python_child() -> list[str]:
    """Command prefix for a child interpreter that writes no bytecode."""
    return [sys.executable, "-B"]
