"""Ablation of the tabular networks' recipe: what each part buys.

Cross-validates ``TabularMLPRegressor`` / ``TabularMLPClassifier`` on the
tables of ``tabular_data.py`` (1 x 3 folds, the folds of
``bench_tabular.py``) with one part of the recipe switched, and prints one
row of scores per variant. The parts are the estimators' parameters and the
recipe's class attributes (``periodic_embedding``, ``parametric_activation``,
``data_init``, ``weight_decay``), set here for the whole run.

Usage::

    python benchmarks/ablate_tabular.py --list
    python benchmarks/ablate_tabular.py default no_periodic --tables hpc concrete
    python benchmarks/ablate_tabular.py --all --threads 1 --output ablation.md
    python benchmarks/ablate_tabular.py --from-json results/a.json results/b.json
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).parent))

from bench_tabular import fit_and_score, make_splits  # noqa: E402
from tabular_data import TABLES, load_table  # noqa: E402

#: each variant: estimator parameters (``"reg"``/``"clf"`` for one task
#: only) and recipe class attributes, applied over the default recipe
VARIANTS = {
    "default": ({}, {}),
    "no_periodic": ({}, {"periodic_embedding": False}),
    "no_weight_decay": ({}, {"weight_decay": 0.0}),
    "epochs_64": ({"max_iter": 64}, {}),
    "parametric_act": (
        {"reg": {"activation": "mish"}, "clf": {"activation": "selu"}},
        {"parametric_activation": True},
    ),
    "data_init": ({}, {"data_init": True}),
    "dropout_0.15": ({"dropout": 0.15}, {}),
    "no_label_smoothing": ({"clf": {"label_smoothing": 0.0}}, {}),
    "no_best_epoch": ({"validation_fraction": None}, {}),
    "members_3": ({"n_members": 3}, {}),
}

RESULTS = Path(__file__).parent / "results"


def estimator(task: str, params: dict, seed: int = 0):
    """The tabular estimator of ``task`` with a variant's parameters."""
    import skdeep

    params = dict(params)
    own = params.pop("reg" if task == "regression" else "clf", {})
    params.pop("clf", None), params.pop("reg", None)
    cls = (
        skdeep.TabularMLPRegressor
        if task == "regression"
        else skdeep.TabularMLPClassifier
    )
    return cls(random_state=seed, **params, **own)


def recipe_switched(attributes: dict):
    """Set the recipe's class attributes; return the previous values."""
    import skdeep

    classes = (skdeep.TabularMLPRegressor, skdeep.TabularMLPClassifier)
    previous = {name: getattr(classes[0], name) for name in attributes}
    for cls in classes:
        for name, value in attributes.items():
            setattr(cls, name, value)
    return previous


def run_variant(name: str, tables: list[str]) -> dict:
    """Mean score and mean fit seconds of one variant on each table."""
    params, attributes = VARIANTS[name]
    previous = recipe_switched(attributes)
    out = {}
    try:
        for table_name in tables:
            table = load_table(table_name)
            task = table.task
            runs = [
                fit_and_score(estimator(task, params), task, table.X, table.y, tr, te)
                for tr, te in make_splits(table.y, task, 1, 3)
            ]
            errors = [r["error"] for r in runs if "error" in r]
            if errors:
                raise RuntimeError(f"{name} on {table_name}: {errors[0]}")
            out[table_name] = {
                "score": float(np.mean([r["score"] for r in runs])),
                "fit_s": float(np.mean([r["fit_s"] for r in runs])),
            }
            print(f"{name:20s} {table_name:12s} {out[table_name]['score']:.4f}")
    finally:
        recipe_switched(previous)
    return out


def markdown(results: dict, tables: list[str]) -> str:
    """One row per variant: its score on each table, the mean difference to
    'default' (when it ran) and the mean fit time relative to it."""
    head = ["variant", *tables, "mean diff", "fit time / default"]
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    base = results.get("default")
    for name, scores in results.items():
        cells = [f"{scores[t]['score']:.4f}" for t in tables]
        if base is not None:
            diff = np.mean([scores[t]["score"] - base[t]["score"] for t in tables])
            ratio = np.median([scores[t]["fit_s"] / base[t]["fit_s"] for t in tables])
            cells += [f"{diff:+.4f}", f"{ratio:.2f}x"]
        else:
            cells += ["-", "-"]
        lines.append("| " + " | ".join([name, *cells]) + " |")
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("variants", nargs="*", help="names of VARIANTS")
    parser.add_argument("--all", action="store_true", help="every variant")
    parser.add_argument("--list", action="store_true", help="list the variants")
    parser.add_argument("--tables", nargs="+", choices=list(TABLES), default=None)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--output", default=None, help="markdown file in results/")
    parser.add_argument(
        "--from-json", nargs="+", default=None, help="re-print saved runs, merged"
    )
    args = parser.parse_args(argv)
    if args.from_json:
        results = {}
        for path in args.from_json:
            results.update(json.loads(Path(path).read_text()))
        print(markdown(results, list(next(iter(results.values())))))
        return
    if args.list:
        for name, (params, attributes) in VARIANTS.items():
            print(f"{name:20s} params={params} recipe={attributes}")
        return
    names = list(VARIANTS) if args.all else (args.variants or ["default"])
    unknown = [name for name in names if name not in VARIANTS]
    if unknown:
        parser.error(f"unknown variants {unknown}; --list shows them")
    tables = args.tables or list(TABLES)
    warnings.filterwarnings("ignore")
    started = time.time()
    with threadpool_limits(args.threads):
        results = {name: run_variant(name, tables) for name in names}
    report = markdown(results, tables)
    print(report, f"\n{time.time() - started:.0f} s", sep="\n")
    if args.output:
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / args.output).write_text(report + "\n")
        (RESULTS / args.output).with_suffix(".json").write_text(json.dumps(results))


if __name__ == "__main__":
    main()
