"""Where a mini-batch of the large MLP case spends its time, and the floor set by
its matrix products alone.

Run from the repository root::

    python benchmarks/bench_breakdown.py                # float64, one BLAS thread
    python benchmarks/bench_breakdown.py --dtype float32 --threads 2

One epoch of the benchmark's large case (20000x64 -> 256 -> 128 -> 1, batch
200, Adam, L2 alpha=1e-4) is replayed phase by phase with skdeep's own engine:
row gathering, forward pass, loss, backward pass, penalty, Adam step. Each
phase's minimum over the repeats is reported per batch. The same table gives
the time of the batch's matrix products alone (the same ``np.matmul`` calls on
arrays of the same shapes), which no implementation that computes them can go
below, and scikit-learn's time per batch measured in the same run, so the
ratio the products alone would give is visible.
"""

from __future__ import annotations

import sys

sys.dont_write_bytecode = True  # keep benchmarks/ free of __pycache__

import argparse  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.neural_network import MLPRegressor as SkMLP  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

import skdeep  # noqa: E402
from skdeep.nn.batching import _take_rows  # noqa: E402
from skdeep.nn.penalties import L2  # noqa: E402

N, F, HIDDEN, BATCH, ALPHA = 20000, 64, (256, 128), 200, 1e-4


def replay_epoch(X, Y, net, loss, opt, state, idx, buffers, times):
    """One epoch, phase by phase; adds each phase's seconds to ``times``."""
    xb, yb = buffers
    penalty = L2()
    clock = time.perf_counter
    for start in range(0, X.shape[0], BATCH):
        rows = idx[start : start + BATCH]
        t0 = clock()
        Xb = _take_rows(X, rows, xb)
        Yb = _take_rows(Y, rows, yb)
        t1 = clock()
        raw = net.forward(Xb, training=True)
        t2 = clock()
        value, delta = loss.loss_gradient(Yb, raw, None, len(rows), out=raw)
        t3 = clock()
        net.backward(delta)
        t4 = clock()
        w = net.penalized_params
        value += ALPHA * penalty.value(w) / len(rows)
        penalty.add_gradient(w, ALPHA / len(rows), net.grads[: net.n_penalized])
        t5 = clock()
        opt.step(net.params, net.grads, state, 1e-3)
        t6 = clock()
        for name, seconds in zip(
            ("gather rows", "forward", "loss", "backward", "penalty", "Adam step"),
            (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t6 - t5),
            strict=True,
        ):
            times[name] = times.get(name, 0.0) + seconds


def products_only(dtype, repeats):
    """Seconds per batch of the matrix products alone (best of ``repeats``)."""
    rng = np.random.default_rng(0)
    sizes = [F, *HIDDEN, 1]
    acts = [rng.standard_normal((BATCH, n)).astype(dtype) for n in sizes]
    kernels = [
        rng.standard_normal((a, b)).astype(dtype)
        for a, b in zip(sizes[:-1], sizes[1:], strict=True)
    ]
    outs = [np.empty((BATCH, b), dtype) for b in sizes[1:]]
    grads = [np.empty_like(k) for k in kernels]
    dxs = [np.empty((BATCH, a), dtype) for a in sizes[:-1]]

    def batch():
        for i, k in enumerate(kernels):
            np.matmul(acts[i], k, out=outs[i])
        for i in range(len(kernels) - 1, -1, -1):
            np.matmul(acts[i].T, acts[i + 1], out=grads[i])
            if i > 0:
                np.matmul(acts[i + 1], kernels[i].T, out=dxs[i])

    batch()
    best = np.inf
    n_batches = N // BATCH
    for _ in range(repeats):
        t = time.perf_counter()
        for _ in range(n_batches):
            batch()
        best = min(best, (time.perf_counter() - t) / n_batches)
    return best


def sklearn_per_batch(X, y, repeats):
    """scikit-learn's seconds per batch for one epoch (best of ``repeats``)."""
    best = np.inf
    for _ in range(repeats):
        est = SkMLP(
            hidden_layer_sizes=HIDDEN,
            max_iter=1,
            tol=0,
            random_state=0,
            batch_size=BATCH,
        )
        t = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            est.fit(X, y)
        best = min(best, (time.perf_counter() - t) / (N // BATCH))
    return best


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dtype", default="float64", choices=["float64", "float32"])
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    dtype = np.dtype(args.dtype)

    rng = np.random.RandomState(0)
    X = rng.standard_normal((N, F)).astype(dtype)
    y = np.sin(X[:, :3].sum(axis=1)).astype(dtype)
    est = skdeep.MLPRegressor(hidden_layer_sizes=HIDDEN, max_iter=1, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X[:BATCH], y[:BATCH])
    net, loss, opt = est._network, est._loss, est._optimizer
    net.allocate(BATCH)
    state = opt.init(net.params.size, net.params.dtype, net.n_penalized)
    buffers = (np.empty((BATCH, F), dtype), np.empty((BATCH, 1), dtype))
    Y = y[:, None]

    with threadpool_limits(args.threads, user_api="blas"):
        best: dict[str, float] = {}
        for _ in range(args.repeats):
            idx = rng.permutation(N)
            times: dict[str, float] = {}
            replay_epoch(X, Y, net, loss, opt, state, idx, buffers, times)
            times["whole batch"] = sum(times.values())
            for name, seconds in times.items():
                best[name] = min(best.get(name, np.inf), seconds / (N // BATCH))
        floor = products_only(dtype, args.repeats)
        reference = sklearn_per_batch(X, y, max(2, args.repeats // 2))

    print(
        f"## Large MLP batch ({N}x{F} -> 256 -> 128 -> 1, batch {BATCH}, "
        f"{dtype.name}, {args.threads} BLAS thread(s)): minimum per batch "
        f"over {args.repeats} epochs\n"
    )
    print("| phase | us per batch | share of batch |")
    print("| --- | --- | --- |")
    total = best["whole batch"]
    for name, seconds in best.items():
        print(f"| {name} | {seconds * 1e6:.0f} | {seconds / total:.0%} |")
    print(f"| matrix products alone | {floor * 1e6:.0f} | {floor / total:.0%} |")
    print(f"| scikit-learn, whole batch | {reference * 1e6:.0f} | |")
    print(
        f"\nskdeep / scikit-learn: {total / reference:.2f}x; the matrix products "
        f"alone: {floor / reference:.2f}x (the floor for any implementation that "
        "computes them); everything else in skdeep's batch: "
        f"{(total - floor) * 1e6:.0f} us."
    )


if __name__ == "__main__":
    main()
