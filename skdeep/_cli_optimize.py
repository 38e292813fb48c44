"""``python -m skdeep optimize``: fit a model of the runs and recommend settings."""

from __future__ import annotations

import argparse
import warnings

import numpy as np
import pandas as pd
from sklearn.compose import TransformedTargetRegressor
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.multioutput import MultiOutputRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from ._text_columns import reading_text, text_columns
from .baselines import PolynomialRegression
from .compare import compare
from .mlp import MLPRegressor
from .process_optimization import optimize_inputs


def candidate_models(random_state: int = 0) -> dict:
    """The models ``--model`` chooses from (``auto``: the best of them in a
    3-fold comparison on the data)."""
    network = MLPRegressor(
        hidden_layer_sizes=(64, 64), solver="lbfgs", alpha=1.0, max_iter=300,
        random_state=random_state,
    )  # fmt: skip
    return {
        "mlp": TransformedTargetRegressor(
            make_pipeline(StandardScaler(), network), transformer=StandardScaler()
        ),
        "poly": make_pipeline(
            StandardScaler(), PolynomialRegression(degree=3, penalty="l2", alpha=1.0)
        ),
        "hgb": MultiOutputRegressor(HistGradientBoostingRegressor(random_state=0)),
    }


def _pair(text: str, separator: str, what: str) -> tuple[str, str]:
    name, found, value = text.partition(separator)
    if not found or not name:
        raise argparse.ArgumentTypeError(
            f"{what} must look like NAME{separator}..., got {text!r}"
        )
    return name, value


def parse_constraint(text: str) -> tuple[str, tuple[float | None, float | None]]:
    """``"d50_um=30:40"`` -> ``("d50_um", (30.0, 40.0))``; a side may be empty."""
    name, limits = _pair(text, "=", "--constraint")
    low, colon, high = limits.partition(":")
    try:
        if not colon:
            raise ValueError
        bounds = tuple(None if v.strip() == "" else float(v) for v in (low, high))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--constraint must look like NAME=LOW:HIGH (a side may be empty), got {text!r}"
        ) from None
    return name, bounds


def parse_fixed(text: str) -> tuple[str, float | str]:
    """``"argon=1"`` -> ``("argon", 1.0)``; a value that is not a number is a
    label: ``"gas=argon"`` -> ``("gas", "argon")``."""
    name, value = _pair(text, "=", "--fix")
    if not value:
        raise argparse.ArgumentTypeError(f"--fix needs a value: {text!r}")
    try:
        return name, float(value)
    except ValueError:
        return name, value


def add_parser(commands) -> None:
    """The ``optimize`` sub-command's arguments."""
    opt = commands.add_parser(
        "optimize",
        help="recommend process settings from a model of the runs",
        description="Fit a model of the outputs on a table of runs and print the "
        "settings that optimize one output within ranges. With no --data, runs on "
        "the simulated powder line and also reports each recommendation's true "
        "outcome.",
    )
    opt.add_argument("--data", metavar="FILE.csv", help="a CSV file of runs")
    opt.add_argument("--target", nargs="+", metavar="COL", help="output columns")
    goal = opt.add_mutually_exclusive_group(required=True)
    goal.add_argument("--maximize", metavar="COL", help="output to maximize")
    goal.add_argument("--minimize", metavar="COL", help="output to minimize")
    opt.add_argument("--constraint", type=parse_constraint, action="append",
                     default=[], metavar="NAME=LOW:HIGH", help="a range on an output or input")  # fmt: skip
    opt.add_argument("--fix", type=parse_fixed, action="append", default=[],
                     metavar="NAME=VALUE", help="hold an input at a value")  # fmt: skip
    opt.add_argument("--model", choices=["auto", "mlp", "poly", "hgb"], default="auto",
                     help="model of the runs (default: the best of the three in a comparison)")  # fmt: skip
    opt.add_argument("--n-candidates", type=int, default=5, help="rows to print")
    opt.add_argument("--output", metavar="FILE.csv", help="write the table to CSV")
    opt.add_argument("--quiet", action="store_true", help="print only the table")


def _choose_model(name, X, y, progress):
    text = text_columns(X)
    if text:
        progress(f"text columns, searched over their values: {', '.join(text)}")
    models = {k: reading_text(m, text) for k, m in candidate_models().items()}
    if name != "auto":
        return name, models[name]
    table = compare(models, X, y, cv=3, progress=progress, on_error="skip")
    progress(f"best model: {table.index[0]}")
    return table.index[0], models[table.index[0]]


def run(args, X: pd.DataFrame, y, *, simulated: bool, progress) -> pd.DataFrame:
    """Fit the model, recommend settings; with ``simulated``, add each
    recommendation's true outcome from the simulator."""
    y = y.to_frame() if isinstance(y, pd.Series) else y
    outputs = list(y.columns)
    objective = args.maximize or args.minimize
    if objective not in outputs:
        raise ValueError(
            f"{objective!r} is not a target; the targets are {', '.join(outputs)}."
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        name, model = _choose_model(args.model, X, y, progress)
        progress(f"fitting {name} on {len(X)} runs ...")
        model.fit(X, y)
    progress("searching the settings ...")
    best = optimize_inputs(
        model,
        X,
        objective=objective,
        maximize=args.maximize is not None,
        constraints=dict(args.constraint),
        fixed=dict(args.fix),
        output_names=outputs,
        n_candidates=args.n_candidates,
        random_state=0,
    )
    if simulated:
        from .datasets import run_powder_line

        true = run_powder_line(best[list(X.columns)])
        for column in outputs:
            best[f"true_{column}"] = np.asarray(true[column])
    return best
