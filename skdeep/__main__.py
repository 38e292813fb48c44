"""Command line: ``python -m skdeep compare`` (also the ``skdeep`` script).

Cross-validates the baselines and neural networks on a bundled dataset or a CSV
file: progress per estimator on standard error (``--quiet`` to silence it), and
the table, sorted by score, on standard output.
"""

from __future__ import annotations

import argparse
import sys
import warnings

import numpy as np
import pandas as pd
from sklearn.compose import TransformedTargetRegressor
from sklearn.datasets import load_diabetes, load_linnerud, make_friedman1
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPRegressor as SklearnMLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from . import _cli_optimize as optimize_command
from ._text_columns import reading_text, text_columns
from .baselines import make_baselines
from .compare import compare
from .datasets import make_powder_atomization
from .mlp import MLPRegressor
from .nn._memory import check_fits_in_memory
from .tabular import TabularMLPRegressor

DATASETS = ("powder", "diabetes", "friedman", "linnerud")
#: a generous estimate of the memory one simulated row takes through the run:
#: about 16 float64 columns, copied about 10 times (the simulation's
#: intermediates, the folds, scaling and the networks' batches)
SIMULATED_ROW_BYTES = 16 * 8 * 10


class CLIError(Exception):
    """A problem with the user's input: reported in one line, exit code 2."""


def load_dataset(name: str, n_samples: int = 1000):
    """Return ``(X, y)`` DataFrames of a bundled or simulated dataset."""
    if name == "powder":
        return make_powder_atomization(n_samples, random_state=0)
    if name == "diabetes":
        X, y = load_diabetes(return_X_y=True, as_frame=True)
    elif name == "friedman":
        X, y = make_friedman1(n_samples=n_samples, noise=0.5, random_state=0)
        X = pd.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])])
        y = pd.Series(y, name="y")
    else:
        X, y = load_linnerud(return_X_y=True, as_frame=True)
    return X, y


def load_csv(path: str, targets: list[str]):
    """Read a CSV file: ``targets`` are the outputs (numbers), every other
    column an input (numbers, or text: categories such as a gas)."""
    try:
        frame = pd.read_csv(path)
    except FileNotFoundError:
        raise CLIError(f"no such file: {path}") from None
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise CLIError(f"cannot read {path}: {exc}") from None
    missing = [t for t in targets if t not in frame.columns]
    if missing:
        raise CLIError(
            f"{path} has no column {', '.join(map(repr, missing))}; its columns are "
            f"{', '.join(map(str, frame.columns))}"
        )
    text_targets = [t for t in targets if t in text_columns(frame)]
    if text_targets:
        raise CLIError(
            f"target columns of {path} must hold numbers; text in "
            f"{', '.join(map(str, text_targets))}"
        )
    if frame.isna().any().any():
        columns = frame.columns[frame.isna().any()].tolist()
        raise CLIError(
            f"missing values in {path}, columns: {', '.join(map(str, columns))}"
        )
    X = frame.drop(columns=targets)
    if X.shape[1] == 0:
        raise CLIError(f"{path} has no input columns besides the targets")
    y = frame[targets[0]] if len(targets) == 1 else frame[targets]
    return X, y


def network_estimators(with_sklearn: bool = False, random_state: int = 0) -> dict:
    """MLPRegressor pipelines (inputs and targets standardized), and the
    tabular network, which reads the table as it is."""

    def pipeline(mlp):
        return TransformedTargetRegressor(
            regressor=make_pipeline(StandardScaler(), mlp), transformer=StandardScaler()
        )

    course = dict(hidden_layer_sizes=(64, 32), random_state=random_state)
    estimators = {
        "MLP (64, 32) adam": pipeline(
            MLPRegressor(batch_size=16, max_iter=50, learning_rate_init=0.002, **course)
        ),
        "MLP (64, 32) lbfgs": pipeline(
            MLPRegressor(solver="lbfgs", alpha=1.0, max_iter=300, **course)
        ),
        "Tabular MLP": TabularMLPRegressor(random_state=random_state),
    }
    if with_sklearn:
        estimators["scikit-learn MLP (64, 32) adam"] = pipeline(
            SklearnMLPRegressor(
                batch_size=16, max_iter=50, learning_rate_init=0.002, **course
            )
        )
    return estimators


def _int_at_least(minimum: int):
    """An argparse type: an integer of at least ``minimum``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"must be an integer, got {text!r}"
            ) from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {value}")
        return value

    return parse


class Progress:
    """Writes compare's progress to standard error: on a terminal the line of an
    estimator that starts is replaced by its result, elsewhere both stay."""

    def __init__(self, stream=None, quiet: bool = False) -> None:
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.pending = False

    def __call__(self, line: str) -> None:
        if self.quiet:
            return
        terminal = self.stream.isatty()
        if self.pending and terminal:
            self.stream.write("\r\033[K")
        starting = line.endswith("...")
        end = "" if starting and terminal else "\n"
        self.stream.write(f"  {line}{end}")
        self.stream.flush()
        self.pending = starting

    def note(self, line: str) -> None:
        """A line of its own (not an estimator's)."""
        if not self.quiet:
            print(line, file=self.stream, flush=True)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="skdeep", description="skdeep: neural networks for scikit-learn."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    cmp = commands.add_parser(
        "compare",
        help="cross-validate neural networks against baselines",
        description="Cross-validate linear, penalized and polynomial baselines and "
        "MLPRegressor networks on the same folds; print a table sorted by score.",
    )
    source = cmp.add_mutually_exclusive_group()
    source.add_argument("--data", metavar="FILE.csv", help="a CSV file of runs")
    source.add_argument(
        "--dataset",
        choices=DATASETS,
        default="powder",
        help="a bundled dataset (default: the simulated powder atomization line)",
    )
    cmp.add_argument(
        "--target", nargs="+", metavar="COL", help="target column(s) of --data"
    )
    cmp.add_argument("--cv", type=_int_at_least(2), default=5, help="folds (default 5)")
    cmp.add_argument("--scoring", default=None, help="a scikit-learn scorer name")
    cmp.add_argument("--n-jobs", type=int, default=None, help="parallel jobs")
    cmp.add_argument("--output", metavar="FILE.csv", help="write the table to CSV")
    cmp.add_argument(
        "--plot", metavar="FILE.png", help="save a chart of the scores (matplotlib)"
    )
    cmp.add_argument(
        "--n-samples",
        type=_int_at_least(1),
        default=1000,
        help="size of simulated datasets",
    )
    cmp.add_argument(
        "--quiet",
        action="store_true",
        help="print only the table (no progress on standard error)",
    )
    cmp.add_argument(
        "--with-sklearn",
        action="store_true",
        help="also run scikit-learn's MLPRegressor with the same settings",
    )
    optimize_command.add_parser(commands)
    return parser


def _csv_data(args):
    """``(X, y)`` of ``--data`` and ``--target``, or None without ``--data``."""
    if args.data is not None:
        if not args.target:
            raise CLIError("--data needs --target COL [COL ...]")
        return load_csv(args.data, args.target)
    if args.target:
        raise CLIError("--target goes with --data")
    return None


def run_compare(args) -> int:
    data = _csv_data(args)
    if data is not None:
        (X, y), source = data, args.data
    else:
        if args.n_samples < 2 * args.cv:
            raise CLIError(f"--n-samples must be at least {2 * args.cv}")
        try:
            check_fits_in_memory(
                args.n_samples * SIMULATED_ROW_BYTES, f"--n-samples {args.n_samples}"
            )
        except ValueError as exc:
            raise CLIError(str(exc)) from None
        X, y = load_dataset(args.dataset, args.n_samples)
        source = args.dataset
    if len(X) < 2 * args.cv:
        raise CLIError(
            f"{source} has {len(X)} rows: too few for {args.cv}-fold "
            f"cross-validation (at least {2 * args.cv} needed)"
        )
    targets = 1 if np.ndim(y) == 1 else y.shape[1]
    progress = Progress(quiet=args.quiet)
    progress.note(
        f"Comparing on {source}: {len(X)} samples, {X.shape[1]} features, "
        f"{targets} target(s); {args.cv}-fold cross-validation"
    )
    text = text_columns(X)
    if text:
        progress.note(f"Text columns, read as categories: {', '.join(text)}")
    estimators = {
        name: reading_text(estimator, text)
        for name, estimator in {
            **make_baselines(),
            **network_estimators(args.with_sklearn),
        }.items()
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        # a skipped estimator is reported in the progress lines
        warnings.filterwarnings("ignore", message="compare skipped")
        # tiny datasets: the course's batch of 16 is clipped to the fold size
        warnings.filterwarnings("ignore", message="Got `batch_size`")
        table = compare(
            estimators,
            X,
            y,
            cv=args.cv,
            scoring=args.scoring,
            n_jobs=args.n_jobs,
            progress=progress,
            on_error="skip",
        )
    progress.note("")
    print(table.to_string(float_format=lambda v: f"{v:.4f}"))
    if args.output:
        table.to_csv(args.output)
        print(f"\nTable written to {args.output}")
    if args.plot:
        from .plotting import plot_compare

        ax = plot_compare(table)
        ax.figure.savefig(args.plot, dpi=120)
        print(f"Chart written to {args.plot}")
    return 0


def run_optimize(args) -> int:
    data = _csv_data(args)
    if data is not None:
        (X, y), source = data, args.data
    else:
        X, y = load_dataset("powder", 1000)
        source = "the simulated powder line (1000 runs)"
    progress = Progress(quiet=args.quiet)
    progress.note(f"Optimizing on {source}: {len(X)} runs, {X.shape[1]} settings")
    best = optimize_command.run(
        args, X, y, simulated=args.data is None, progress=progress.note
    )
    print(best.to_string(float_format=lambda v: f"{v:.4g}"))
    if args.output:
        best.to_csv(args.output, index=False)
        progress.note(f"Table written to {args.output}")
    return 0


COMMANDS = {"compare": run_compare, "optimize": run_optimize}


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m skdeep`` and the ``skdeep`` script.

    Returns the exit code: 0 on success, 2 on any error (reported in one line
    on standard error), 130 when interrupted (Ctrl-C).
    """
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        print("\nskdeep: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # every error becomes one line
        print(f"skdeep: error: {_one_line(exc)}", file=sys.stderr)
        return 2


def _one_line(exc: BaseException) -> str:
    """The first line of an error's message, with its type when that says more."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    if isinstance(exc, CLIError):
        return text
    if isinstance(exc, MemoryError):
        return f"not enough memory ({text or 'MemoryError'})"
    if isinstance(exc, (ValueError, OSError)) and text:
        return text
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


if __name__ == "__main__":
    sys.exit(main())
