"""The compare function and the command line."""

import subprocess
import sys

import numpy as np
import pytest
from sklearn.datasets import make_regression
from sklearn.dummy import DummyRegressor
from sklearn.linear_model import Ridge
from sklearn.model_selection import KFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdeep import MLPRegressor, compare, count_parameters
from skdeep.__main__ import main


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


def test_cli_compare_runs(capsys):
    assert main(["compare", "--dataset", "linnerud", "--cv", "3"]) == 0
    out = capsys.readouterr().out
    for name in ("Ridge", "sklearn MLPRegressor", "skdeep MLPRegressor"):
        assert name in out
    assert "mean_score" in out


def test_cli_bad_arguments_exit_2():
    result = subprocess.run(
        [sys.executable, "-m", "skdeep", "compare", "--cv", "1"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "--cv" in result.stderr
