"""Command line: ``python -m skdeep compare`` (also the ``skdeep`` script).

Cross-validates the baselines and neural networks on a bundled dataset or a CSV
file, printing a line of progress per estimator and a table sorted by score.
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

from .baselines import make_baselines
from .compare import compare
from .datasets import make_powder_atomization
from .mlp import MLPRegressor

DATASETS = ("powder", "diabetes", "friedman", "linnerud")


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
    """Read a CSV file: ``targets`` are the outputs, every other column an input."""
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
    non_numeric = [
        c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])
    ]
    if non_numeric:
        raise CLIError(
            f"non-numeric columns in {path}: {', '.join(map(str, non_numeric))}; "
            "encode or drop them first"
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
    """MLPRegressor pipelines (inputs and targets standardized)."""

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
    }
    if with_sklearn:
        estimators["scikit-learn MLP (64, 32) adam"] = pipeline(
            SklearnMLPRegressor(
                batch_size=16, max_iter=50, learning_rate_init=0.002, **course
            )
        )
    return estimators


def _cv_folds(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be an integer, got {text!r}") from None
    if value < 2:
        raise argparse.ArgumentTypeError(f"must be at least 2, got {value}")
    return value


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
    source.add_argument("--data", metavar="FILE.csv", help="a CSV file of numbers")
    source.add_argument(
        "--dataset",
        choices=DATASETS,
        default="powder",
        help="a bundled dataset (default: the simulated powder atomization line)",
    )
    cmp.add_argument(
        "--target", nargs="+", metavar="COL", help="target column(s) of --data"
    )
    cmp.add_argument("--cv", type=_cv_folds, default=5, help="folds (default 5)")
    cmp.add_argument("--scoring", default=None, help="a scikit-learn scorer name")
    cmp.add_argument("--n-jobs", type=int, default=None, help="parallel jobs")
    cmp.add_argument("--output", metavar="FILE.csv", help="write the table to CSV")
    cmp.add_argument(
        "--plot", metavar="FILE.png", help="save a chart of the scores (matplotlib)"
    )
    cmp.add_argument(
        "--n-samples", type=int, default=1000, help="size of simulated datasets"
    )
    cmp.add_argument(
        "--with-sklearn",
        action="store_true",
        help="also run scikit-learn's MLPRegressor with the same settings",
    )
    return parser


def run_compare(args) -> int:
    if args.data is not None:
        if not args.target:
            raise CLIError("--data needs --target COL [COL ...]")
        X, y = load_csv(args.data, args.target)
        source = args.data
    else:
        if args.target:
            raise CLIError("--target goes with --data")
        if args.n_samples < 2 * args.cv:
            raise CLIError(f"--n-samples must be at least {2 * args.cv}")
        X, y = load_dataset(args.dataset, args.n_samples)
        source = args.dataset
    if len(X) < 2 * args.cv:
        raise CLIError(
            f"{source} has {len(X)} rows: too few for {args.cv}-fold "
            f"cross-validation (at least {2 * args.cv} needed)"
        )
    targets = 1 if np.ndim(y) == 1 else y.shape[1]
    print(
        f"Comparing on {source}: {len(X)} samples, {X.shape[1]} features, "
        f"{targets} target(s); {args.cv}-fold cross-validation",
        flush=True,
    )
    estimators = {**make_baselines(), **network_estimators(args.with_sklearn)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        # tiny datasets: the course's batch of 16 is clipped to the fold size
        warnings.filterwarnings("ignore", message="Got `batch_size`")
        table = compare(
            estimators,
            X,
            y,
            cv=args.cv,
            scoring=args.scoring,
            n_jobs=args.n_jobs,
            progress=lambda line: print("  " + line, flush=True),
        )
    print()
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


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m skdeep`` and the ``skdeep`` script."""
    args = build_parser().parse_args(argv)
    try:
        return run_compare(args)
    except CLIError as exc:
        print(f"skdeep: error: {exc}", file=sys.stderr)
        return 2
    except (ValueError, OSError, ImportError) as exc:
        print(f"skdeep: error: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
