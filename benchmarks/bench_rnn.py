"""Benchmark skdeep's recurrent networks against torch: one epoch of Adam.

Run from the repository root::

    python benchmarks/bench_rnn.py            # full run
    python benchmarks/bench_rnn.py --quick    # smoke run: fewer sequences
    python benchmarks/bench_rnn.py --repeats 7 --output rnn.md

Both train a recurrent layer of 64 units with a linear head on the last state,
MSE loss, Adam, batch 64, shuffled, for one epoch, per cell: skdeep's
``SimpleRNN`` against ``torch.nn.RNN(8, 64, batch_first=True)``, and
``RNNRegressor(cell="lstm"|"gru")`` against ``torch.nn.LSTM``/``torch.nn.GRU``,
each followed by ``torch.nn.Linear(64, 1)``. Implementations alternate run
by run; the table gives median seconds and the median of same-run ratios.
``--cells`` picks the cells (default: all three).
"""

from __future__ import annotations

import sys

sys.dont_write_bytecode = True  # keep benchmarks/ free of __pycache__

import numpy as np  # noqa: E402
from _common import (  # noqa: E402
    Report,
    alternate,
    apply_threads,
    environment_header,
    fmt_ratio,
    fmt_seconds,
    load_average,
    make_parser,
    markdown_table,
    median,
    ratio,
    resolve_repeats,
    silence_warnings,
    spread,
    torch_or_none,
    write_output,
)

from skdeep import RNNRegressor, SimpleRNN  # noqa: E402

N_TIMESTEPS, N_FEATURES, UNITS, BATCH, EPOCHS = 50, 8, 64, 64, 1


def make_data(n_sequences: int, dtype, seed: int = 0):
    """Random sequences; the target depends on early and late steps."""
    rng = np.random.RandomState(seed)
    X = rng.standard_normal((n_sequences, N_TIMESTEPS, N_FEATURES))
    y = X[:, -5:, 0].mean(axis=1) + 0.5 * X[:, :5, 1].mean(axis=1)
    y = (y - y.mean()) / y.std()
    return X.astype(dtype), y.astype(dtype)


def skdeep_fit(X, y, epochs: int = EPOCHS, cell: str = "simple"):
    """skdeep's estimator: SimpleRNN for the simple cell, RNNRegressor else."""
    settings = dict(
        hidden_layer_sizes=(UNITS,),
        activation="tanh",
        solver="adam",
        batch_size=BATCH,
        max_iter=epochs,
        tol=0,
        n_iter_no_change=10**9,
        shuffle=True,
        random_state=0,
    )
    if cell == "simple":
        return SimpleRNN(**settings).fit(X, y)
    return RNNRegressor(cell=cell, **settings).fit(X, y)


#: the torch layer of each cell
TORCH_LAYERS = {"simple": "RNN", "lstm": "LSTM", "gru": "GRU"}


def torch_fit(torch, X, y, epochs: int = EPOCHS, seed: int = 0, cell: str = "simple"):
    """A plain torch loop: the cell's layer + nn.Linear on the last state,
    Adam, MSE."""
    torch.manual_seed(seed)
    X_t = torch.from_numpy(X)
    y_t = torch.from_numpy(y).reshape(-1, 1)
    rnn = getattr(torch.nn, TORCH_LAYERS[cell])(N_FEATURES, UNITS, batch_first=True)
    head = torch.nn.Linear(UNITS, 1)
    if X.dtype == np.float64:
        rnn, head = rnn.double(), head.double()
    params = [*rnn.parameters(), *head.parameters()]
    optimizer = torch.optim.Adam(params, lr=1e-3)
    loss_fn = torch.nn.MSELoss()

    n = X_t.shape[0]
    for _ in range(epochs):
        order = torch.randperm(n)
        for start in range(0, n, BATCH):
            idx = order[start : start + BATCH]
            optimizer.zero_grad()
            states, _ = rnn(X_t[idx])
            loss = loss_fn(head(states[:, -1]), y_t[idx])
            loss.backward()
            optimizer.step()
    return rnn, head


def time_cell(cell, dtype, n_sequences, repeats, torch):
    """One table row: the cell's skdeep and torch epochs, alternated."""
    X, y = make_data(n_sequences, dtype)
    runners = {"skdeep": lambda: skdeep_fit(X, y, cell=cell)}
    warmup = {"skdeep": lambda: skdeep_fit(X[:256], y[:256], cell=cell)}
    if torch is not None:
        runners["torch"] = lambda: torch_fit(torch, X, y, cell=cell)
        warmup["torch"] = lambda: torch_fit(torch, X[:256], y[:256], cell=cell)
    times = alternate(runners, repeats, warmup=warmup)
    return [
        cell,
        f"{n_sequences}x{N_TIMESTEPS}x{N_FEATURES} -> {UNITS} -> 1",
        np.dtype(dtype).name,
        fmt_seconds(median(times["skdeep"])),
        fmt_seconds(median(times["torch"])) if "torch" in times else "-",
        fmt_ratio(ratio(times, "skdeep", "torch")),
        spread(times),
    ]


def main(argv=None) -> None:
    parser = make_parser(__doc__.splitlines()[0])
    parser.add_argument(
        "--cells", nargs="+", choices=list(TORCH_LAYERS), default=list(TORCH_LAYERS)
    )
    args = parser.parse_args(argv)
    silence_warnings()
    repeats = resolve_repeats(args)
    n_sequences = 1000 if args.quick else 5000
    torch = torch_or_none()
    limiter = apply_threads(args, torch)  # noqa: F841 (kept alive for the run)
    report = Report()
    environment_header("skdeep recurrent benchmark", report, torch=torch)
    if args.threads is not None:
        report(f"- --threads {args.threads}: every library limited to that")
    if torch is None:
        report("- torch is not installed: skdeep is timed alone")

    rows = []
    for cell in args.cells:
        for dtype in (np.float32, np.float64):
            rows.append(time_cell(cell, dtype, n_sequences, repeats, torch))
            print(f"  done: {cell} {np.dtype(dtype).name}", file=sys.stderr)

    report()
    report(
        f"## Fit: median seconds for {EPOCHS} epoch of Adam, batch {BATCH} "
        f"({repeats} alternating runs)"
    )
    report()
    report(
        markdown_table(
            [
                "cell",
                "sequences x steps x features",
                "dtype",
                "skdeep",
                "torch",
                "skdeep/torch",
                "max/min of runs",
            ],
            rows,
        )
    )
    report()
    report(
        "max/min of runs: slowest over fastest run of skdeep / torch (how noisy "
        "the machine was)."
    )
    report()
    report(f"load average at end: {load_average()}")
    write_output(args.output, report.text())


if __name__ == "__main__":
    main()
