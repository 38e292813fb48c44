"""Command line: ``python -m skdeep compare`` (also the ``skdeep`` script)."""

from __future__ import annotations

import argparse
import sys
import warnings

from sklearn.compose import TransformedTargetRegressor
from sklearn.datasets import load_diabetes, load_linnerud, make_friedman1
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Ridge
from sklearn.neural_network import MLPRegressor as SklearnMLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from .compare import compare
from .mlp import MLPRegressor

DATASETS = ("diabetes", "friedman", "linnerud")


def load_dataset(name: str):
    """Return ``(X, y)`` of a dataset that ships with scikit-learn."""
    if name == "diabetes":
        return load_diabetes(return_X_y=True)
    if name == "friedman":
        return make_friedman1(n_samples=1000, noise=0.5, random_state=0)
    return load_linnerud(return_X_y=True)


def default_estimators(random_state: int = 0) -> dict:
    """Ridge and the two MLPs (scikit-learn's and skdeep's, same settings)."""

    def network(cls):
        mlp = cls(
            hidden_layer_sizes=(64, 32),
            learning_rate_init=0.01,
            max_iter=300,
            early_stopping=True,
            random_state=random_state,
        )
        return TransformedTargetRegressor(
            regressor=make_pipeline(StandardScaler(), mlp), transformer=StandardScaler()
        )

    return {
        "Ridge": make_pipeline(StandardScaler(), Ridge(alpha=1.0)),
        "sklearn MLPRegressor": network(SklearnMLPRegressor),
        "skdeep MLPRegressor": network(MLPRegressor),
    }


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 2:
        raise argparse.ArgumentTypeError(f"must be an integer >= 2, got {text}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="skdeep", description="skdeep: neural networks for scikit-learn."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    cmp = commands.add_parser(
        "compare",
        help="cross-validate neural networks against baselines",
        description="Cross-validate Ridge, scikit-learn's MLPRegressor and skdeep's "
        "MLPRegressor on the same folds and print a table sorted by score.",
    )
    cmp.add_argument("--dataset", choices=DATASETS, default="diabetes")
    cmp.add_argument("--cv", type=_positive_int, default=5, help="number of folds")
    cmp.add_argument("--scoring", default=None, help="a scikit-learn scorer name")
    cmp.add_argument("--n-jobs", type=int, default=None)
    cmp.add_argument("--output", default=None, help="also write the table to CSV")
    return parser


def run_compare(args) -> int:
    X, y = load_dataset(args.dataset)
    print(
        f"Comparing on {args.dataset} ({X.shape[0]} samples, {X.shape[1]} features), "
        f"{args.cv}-fold cross-validation",
        flush=True,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        table = compare(
            default_estimators(),
            X,
            y,
            cv=args.cv,
            scoring=args.scoring,
            n_jobs=args.n_jobs,
            progress=lambda line: print(line, flush=True),
        )
    print()
    print(table.to_string(float_format=lambda v: f"{v:.4f}"))
    if args.output:
        table.to_csv(args.output)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m skdeep`` and the ``skdeep`` script."""
    args = build_parser().parse_args(argv)
    try:
        return run_compare(args)
    except (ValueError, OSError) as exc:
        print(f"skdeep: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
