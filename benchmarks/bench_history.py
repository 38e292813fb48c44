"""What recording ``history_`` costs, as a fraction of fit time.

Per mini-batch the loop adds the gradient into an epoch sum (one in-place add
over the parameter vector); per epoch it takes per-layer norms and appends to
lists. This times a fit, then times exactly those operations on arrays of the
same sizes, the same number of times, alternating runs.

    python benchmarks/bench_history.py
"""

import time
import warnings

import numpy as np
from threadpoolctl import threadpool_info

from skdeep import MLPRegressor

CASES = {
    "small 5000x10 -> 32 -> 1, batch 32": (5000, 10, (32,), 32),
    "large 20000x64 -> 256 -> 128 -> 1, batch 200": (20000, 64, (256, 128), 200),
}
EPOCHS, REPEATS = 3, 3


def fit_seconds(X, y, hidden, batch):
    est = MLPRegressor(
        hidden_layer_sizes=hidden,
        batch_size=batch,
        max_iter=EPOCHS,
        tol=0,
        n_iter_no_change=10**9,
        random_state=0,
    )
    start = time.perf_counter()
    est.fit(X, y)
    return time.perf_counter() - start, est


def history_seconds(est, n_samples, batch):
    net = est._network
    grads = np.ones_like(net.params)
    grad_sum = np.zeros_like(grads)
    slices = [
        [slice(a, b) for i2, _, _, a, b in net._layout if i2 == i]
        for i, layer in enumerate(net.layers)
        if "kernel" in layer.param_shapes
    ]
    n_batches = -(-n_samples // batch)
    history = {}
    start = time.perf_counter()
    for _ in range(EPOCHS):
        grad_sum[...] = 0.0
        for _ in range(n_batches):
            grad_sum += grads
        grad_sum /= n_batches
        norms = np.array(
            [
                np.sqrt(
                    sum(
                        float(np.einsum("i,i->", grad_sum[s], grad_sum[s]))
                        for s in layer
                    )
                )
                for layer in slices
            ]
        )
        for key, value in (
            ("loss", 1.0),
            ("learning_rate", 1e-3),
            ("grad_norm", norms),
            ("time", 0.1),
        ):
            history.setdefault(key, []).append(value)
    return time.perf_counter() - start


def main():
    warnings.simplefilter("ignore")
    blas = [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]
    print(
        f"BLAS threads available: {blas}; {EPOCHS} epochs; median of {REPEATS} runs\n"
    )
    print("| case | fit | history ops | share |")
    print("| --- | --- | --- | --- |")
    rng = np.random.RandomState(0)
    for name, (n, d, hidden, batch) in CASES.items():
        X = rng.normal(size=(n, d))
        y = X[:, 0] + np.sin(X[:, 1])
        fits, ops = [], []
        for _ in range(REPEATS):
            seconds, est = fit_seconds(X, y, hidden, batch)
            fits.append(seconds)
            ops.append(history_seconds(est, n, batch))
        fit, op = np.median(fits), np.median(ops)
        print(f"| {name} | {fit * 1e3:.1f} ms | {op * 1e3:.2f} ms | {op / fit:.2%} |")


if __name__ == "__main__":
    main()
