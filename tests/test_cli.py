"""The compare function and the command line."""

import io
import re
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_regression
from sklearn.dummy import DummyRegressor
from sklearn.linear_model import Ridge
from sklearn.model_selection import KFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdeep import MLPRegressor, compare, count_parameters
from skdeep import __main__ as cli
from skdeep.__main__ import Progress, main


def test_compare_matches_cross_val_score_and_sorts():
    X, y = make_regression(n_samples=60, n_features=4, noise=1.0, random_state=0)
    cv = KFold(3, shuffle=True, random_state=0)
    table = compare({"mean": DummyRegressor(), "ridge": Ridge()}, X, y, cv=cv)
    assert list(table.index) == ["ridge", "mean"]
    expected = cross_val_score(Ridge(), X, y, cv=cv)
    assert table.loc["ridge", "mean_score"] == pytest.approx(expected.mean())
    assert table.loc["ridge", "std_score"] == pytest.approx(expected.std())
    assert table.loc["ridge", "n_parameters"] == 5
    assert (table["fit_seconds"] >= 0).all()


def test_compare_multi_output_and_several_scores():
    X, y = make_regression(n_samples=60, n_features=4, n_targets=2, random_state=0)
    table = compare(
        [("ridge", Ridge())], X, y, cv=3, scoring=["r2", "neg_mean_absolute_error"]
    )
    assert {"mean_r2", "std_r2", "mean_neg_mean_absolute_error"} <= set(table.columns)
    assert table.loc["ridge", "n_parameters"] == 2 * 4 + 2


def test_count_parameters_unwraps_pipelines():
    X, y = make_regression(n_samples=30, n_features=3, random_state=0)
    est = make_pipeline(
        StandardScaler(), MLPRegressor(hidden_layer_sizes=(4,), max_iter=2)
    )
    with pytest.warns(Warning):
        est.fit(X, y)
    assert count_parameters(est) == 3 * 4 + 4 + 4 * 1 + 1


def test_compare_needs_estimators():
    with pytest.raises(ValueError, match="at least one"):
        compare({}, np.zeros((4, 1)), np.zeros(4))


def run_cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "skdeep", "compare", *args],
        capture_output=True,
        text=True,
    )


def test_cli_compare_runs(capsys, tmp_path):
    out_csv, out_png = tmp_path / "table.csv", tmp_path / "scores.png"
    argv = ["compare", "--n-samples", "120", "--cv", "3", "--output", str(out_csv)]
    assert main([*argv, "--plot", str(out_png)]) == 0
    captured = capsys.readouterr()
    names = ("Linear", "Polynomial (2)", "MLP (64, 32) adam", "MLP (64, 32) lbfgs")
    for name in names:
        # a line as each estimator starts and ends, on standard error
        assert re.search(rf"\[\d/\d\] {re.escape(name)} \.\.\.", captured.err)
        assert re.search(rf"\[\d/\d\] {re.escape(name)}: score = ", captured.err)
        assert name not in captured.out.split("estimator")[0]
    assert "mean_score" in captured.out and "mean_score" not in captured.err
    table = pd.read_csv(out_csv, index_col=0)
    assert table["mean_score"].is_monotonic_decreasing
    assert out_png.stat().st_size > 1000


@pytest.mark.parametrize("dataset", ["diabetes", "friedman", "linnerud"])
def test_cli_bundled_datasets(dataset, capsys):
    assert (
        main(["compare", "--dataset", dataset, "--cv", "2", "--n-samples", "80"]) == 0
    )
    assert "Comparing on " + dataset in capsys.readouterr().err


def test_cli_csv_input(tmp_path, capsys):
    frame = pd.DataFrame(
        np.random.RandomState(0).normal(size=(40, 4)), columns=list("abcd")
    )
    path = tmp_path / "plant.csv"
    frame.to_csv(path, index=False)
    assert (
        main(["compare", "--data", str(path), "--target", "c", "d", "--cv", "2"]) == 0
    )
    assert "2 features, 2 target(s)" in capsys.readouterr().err


@pytest.mark.parametrize(
    "make, args, message",
    [
        (None, ["--data", "missing.csv", "--target", "y"], "no such file"),
        ("ok", ["--target", "nope"], "no column 'nope'"),
        ("text", ["--target", "y"], "target columns of"),
        ("short", ["--target", "y"], "too few"),
        ("nan", ["--target", "y"], "missing values"),
        ("ok", [], "--data needs --target"),
    ],
)
def test_cli_bad_input_exits_2_with_one_line(tmp_path, make, args, message):
    path = tmp_path / "data.csv"
    frame = pd.DataFrame({"x": np.arange(30.0), "y": np.arange(30.0) * 2})
    if make == "text":
        frame["y"] = "a"
    elif make == "short":
        frame = frame.head(5)
    elif make == "nan":
        frame.loc[3, "x"] = np.nan
    if make is not None:
        frame.to_csv(path, index=False)
        args = ["--data", str(path), *args]
    result = run_cli(*args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr


def test_cli_bad_arguments_exit_2():
    result = run_cli("--cv", "1")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "--cv" in result.stderr


def test_console_script_is_installed():
    from pathlib import Path

    script = Path(sys.executable).parent / "skdeep"
    assert script.exists(), "the 'skdeep' console script is not installed"
    result = subprocess.run([str(script), "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "compare" in result.stdout


def test_quiet_prints_only_the_table(capsys):
    argv = ["compare", "--dataset", "linnerud", "--cv", "2", "--quiet"]
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert captured.out.split()[0] == "mean_score"


def test_progress_on_a_terminal_replaces_the_starting_line():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    stream = Terminal()
    progress = Progress(stream)
    progress("[1/2] ridge ...")
    progress("[1/2] ridge: score = 0.5 (+/- 0.1) in 0.1s")
    assert stream.getvalue() == (
        "  [1/2] ridge ...\r\033[K  [1/2] ridge: score = 0.5 (+/- 0.1) in 0.1s\n"
    )
    logged = io.StringIO()
    Progress(logged)("[1/2] ridge ...")
    assert logged.getvalue() == "  [1/2] ridge ...\n"


def test_cli_refuses_simulated_datasets_beyond_memory():
    result = run_cli("--n-samples", str(10**12))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "--n-samples 1000000000000 needs about" in lines[0]


@pytest.mark.parametrize(
    "error, expected",
    [
        (RuntimeError("boom\nsecond line"), "skdeep: error: RuntimeError: boom"),
        (MemoryError(), "skdeep: error: not enough memory (MemoryError)"),
        (ValueError("bad value"), "skdeep: error: bad value"),
    ],
)
def test_every_error_is_one_line_and_exit_2(monkeypatch, capsys, error, expected):
    def fail(args):
        raise error

    monkeypatch.setitem(cli.COMMANDS, "compare", fail)
    assert main(["compare"]) == 2
    assert capsys.readouterr().err == expected + "\n"


def test_an_interrupt_exits_130(monkeypatch, capsys):
    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setitem(cli.COMMANDS, "compare", interrupted)
    assert main(["compare"]) == 130
    assert capsys.readouterr().err.strip() == "skdeep: interrupted"


class Failing(DummyRegressor):
    def fit(self, X, y):
        raise ValueError("cannot fit\nthe details")


def test_compare_skips_failing_estimators_when_asked():
    X, y = make_regression(n_samples=30, n_features=3, random_state=0)
    lines = []
    with pytest.warns(UserWarning, match="compare skipped broken: ValueError: cannot"):
        table = compare(
            {"broken": Failing(), "ridge": Ridge()},
            X,
            y,
            cv=3,
            progress=lines.append,
            on_error="skip",
        )
    assert list(table.index) == ["ridge"]
    assert lines[:2] == [
        "[1/2] broken ...",
        "[1/2] broken: skipped, ValueError: cannot fit",
    ]
    with pytest.raises(ValueError, match="cannot fit"):
        compare({"broken": Failing()}, X, y, cv=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ValueError, match="every estimator failed: broken"):
            compare({"broken": Failing()}, X, y, cv=3, on_error="skip")
    with pytest.raises(ValueError, match="on_error must be"):
        compare({"ridge": Ridge()}, X, y, on_error="ignore")


def test_cli_skips_a_baseline_that_cannot_work_and_runs_the_rest(
    monkeypatch, tmp_path, capsys
):
    from skdeep import baselines

    # as 3,000 features at degree 2 would: beyond the least-squares solver
    monkeypatch.setattr(baselines, "LSTSQ_MAX_TERMS", 5)
    frame = pd.DataFrame(
        np.random.RandomState(0).normal(size=(30, 4)), columns=list("abcd")
    )
    path = tmp_path / "wide.csv"
    frame.to_csv(path, index=False)
    assert main(["compare", "--data", str(path), "--target", "d", "--cv", "2"]) == 0
    captured = capsys.readouterr()
    assert "Polynomial (2): skipped, ValueError: degree=2 expands 3 features" in (
        captured.err
    )
    table = captured.out
    assert "Polynomial (2) " not in table and "Ridge" in table


# ---------------------------------------------------------------- optimize
def test_cli_optimize_on_the_simulated_line_reports_true_outcomes(capsys, tmp_path):
    out_csv = tmp_path / "best.csv"
    argv = ["optimize", "--maximize", "yield_15_53", "--constraint", "d50_um=30:40",
            "--model", "poly", "--n-candidates", "2", "--quiet",
            "--output", str(out_csv)]  # fmt: skip
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    best = pd.read_csv(out_csv)
    assert len(best) == 2 and best["feasible"].all()
    assert (best["d50_um"] >= 30 - 1e-3).all()
    assert {"true_yield_15_53", "true_d50_um"} <= set(best.columns)
    assert "true_yield_15_53" in captured.out


def test_cli_optimize_on_a_csv_with_fixed_inputs(tmp_path, capsys):
    rng = np.random.RandomState(0)
    frame = pd.DataFrame(rng.uniform(-1, 1, size=(80, 3)), columns=["a", "b", "c"])
    frame["y"] = -((frame["a"] - 0.5) ** 2) - frame["b"] ** 2 + frame["c"]
    path = tmp_path / "runs.csv"
    frame.to_csv(path, index=False)
    argv = ["optimize", "--data", str(path), "--target", "y", "--maximize", "y",
            "--fix", "c=0", "--model", "poly", "--n-candidates", "1"]  # fmt: skip
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert "Optimizing on" in captured.err and "true_" not in captured.out
    row = captured.out.splitlines()[1].split()
    assert float(row[3]) == 0.0  # c held at 0
    assert abs(float(row[1]) - 0.5) < 0.1 and abs(float(row[2])) < 0.1


@pytest.mark.parametrize(
    "args, message",
    [
        (["--maximize", "nope", "--model", "poly"], "'nope' is not a target"),
        (["--maximize", "yield_15_53", "--fix", "zz=1", "--model", "poly"],
         "not an input"),
        (["--maximize", "yield_15_53", "--target", "y"], "--target goes with --data"),
    ],
)  # fmt: skip
def test_cli_optimize_errors_are_one_line(args, message):
    result = subprocess.run(
        [sys.executable, "-m", "skdeep", "optimize", *args],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if "error" in line]
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert "Traceback" not in result.stderr


def test_cli_optimize_bad_constraint_syntax_exits_2():
    result = subprocess.run(
        [sys.executable, "-m", "skdeep", "optimize", "--maximize", "y",
         "--constraint", "d50_um=30"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 2 and "NAME=LOW:HIGH" in result.stderr


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_count_parameters_counts_every_trainable_array_of_a_network():
    from skdeep import RNNRegressor, TabularMLPRegressor

    X = np.random.RandomState(0).normal(size=(30, 5, 2))
    rnn = RNNRegressor(cell="gru", hidden_layer_sizes=(4,), max_iter=1).fit(
        X, X[:, -1, 0]
    )
    # GRU: kernel 2x12, recurrent 4x12, two biases of 12; dense 4x1 + 1
    assert count_parameters(rnn) == 2 * 12 + 4 * 12 + 2 * 12 + 4 + 1
    frame = pd.DataFrame({"t": X[:, 0, 0], "lot": [f"L{i % 12}" for i in range(30)]})
    tab = TabularMLPRegressor(hidden_layer_sizes=(3,), max_iter=1).fit(
        frame, X[:, 0, 1]
    )
    # periodic embedding of t: 16 frequencies and phases, a 16x3 map + 3;
    # embeddings 14x8; scales of the 3 + 1 periodic features of t and the
    # code's 8; 12x3 + 3; 3x1 + 1
    periodic = 16 + 16 + 16 * 3 + 3
    assert count_parameters(tab) == periodic + 14 * 8 + 12 + 12 * 3 + 3 + 3 + 1


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_compare_takes_a_table_with_text_columns_and_skips_who_cannot_read_it():
    rng = np.random.RandomState(0)
    frame = pd.DataFrame(
        {"t": rng.normal(size=60), "alloy": rng.choice(["a", "b"], 60)}
    )
    y = frame["t"] + (frame["alloy"] == "a")
    from skdeep import TabularMLPRegressor

    with pytest.warns(UserWarning, match="compare skipped"):
        table = compare(
            {"tabular": TabularMLPRegressor(max_iter=5), "mlp": MLPRegressor(max_iter=5)},
            frame, y, cv=2, on_error="skip",
        )  # fmt: skip
    assert list(table.index) == ["tabular"]


def text_runs(path, n=120):
    """Runs whose best gas is argon, in a CSV file with the gas as text."""
    rng = np.random.RandomState(0)
    frame = pd.DataFrame(
        {"a": rng.uniform(-1, 1, n), "gas": rng.choice(["argon", "air"], n)}
    )
    frame["y"] = -((frame["a"] - 0.5) ** 2) + (frame["gas"] == "argon")
    frame.to_csv(path, index=False)
    return path


def test_cli_compare_reads_text_columns_as_categories(tmp_path, capsys):
    path = text_runs(tmp_path / "runs.csv")
    argv = ["compare", "--data", str(path), "--target", "y", "--cv", "2"]
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert "Text columns, read as categories: gas" in captured.err
    assert "skipped" not in captured.err
    table = captured.out.splitlines()
    assert table[2].split()[0] == "Polynomial"  # the quadratic is exact here
    assert float(table[2].split()[-5]) > 0.99  # its mean score


def test_cli_optimize_searches_text_settings_over_their_values(tmp_path, capsys):
    path = text_runs(tmp_path / "runs.csv")
    out = tmp_path / "best.csv"
    base = ["optimize", "--data", str(path), "--target", "y", "--maximize", "y",
            "--model", "poly", "--quiet", "--output", str(out)]  # fmt: skip
    assert main(base) == 0
    best = pd.read_csv(out)
    assert best["gas"].iloc[0] == "argon" and abs(best["a"].iloc[0] - 0.5) < 0.1
    assert main([*base, "--fix", "gas=air"]) == 0
    assert set(pd.read_csv(out)["gas"]) == {"air"}
    capsys.readouterr()
    assert main([*base, "--fix", "gas=helium"]) == 2
    assert "not one of its values in X: air, argon" in capsys.readouterr().err


def test_text_columns_reach_only_the_models_that_need_numbers():
    from sklearn.linear_model import Ridge

    from skdeep import TabularMLPRegressor
    from skdeep._text_columns import reading_text, text_columns

    frame = pd.DataFrame(
        {"a": [0.0, 1, 2, 3], "gas": ["x", "y", "x", "y"], "ok": [True] * 4}
    )
    assert text_columns(frame) == ["gas"]
    tabular = TabularMLPRegressor()
    assert reading_text(tabular, ["gas"]) is tabular
    ridge = Ridge()
    assert reading_text(ridge, []) is ridge
    y = frame["a"] + 10 * (frame["gas"] == "y")
    model = reading_text(Ridge(alpha=1e-9), ["gas"]).fit(frame, y)
    np.testing.assert_allclose(model.predict(frame), y, atol=1e-6)
    unseen = frame.assign(gas="z")  # an unseen category encodes as all zeros
    assert np.isfinite(model.predict(unseen)).all()
