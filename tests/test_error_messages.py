"""Errors that say what to do: text columns for the drop-in networks, and
solver parameters given to a solver named by a string."""

import re

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import make_column_transformer  # noqa: F401 (used by eval)
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline  # noqa: F401
from sklearn.preprocessing import OneHotEncoder  # noqa: F401

from skdeep import MLPClassifier, MLPRegressor
from skdeep.nn.optimizers import Adam

FRAME = pd.DataFrame({"t": [1.0, 2.0, 3.0, 4.0], "alloy": ["Ti", "Al", "Ti", "Ni"]})
Y = [1.0, 2.0, 1.5, 3.0]


@pytest.mark.parametrize(
    ("X", "column"),
    [
        (FRAME, "'alloy'"),
        (FRAME.astype({"alloy": "category"}), "'alloy'"),
        (FRAME.to_numpy(), "1"),
        (FRAME.astype({"alloy": "string"}), "'alloy'"),
    ],
)
@pytest.mark.parametrize("estimator", [MLPRegressor, MLPClassifier])
def test_a_text_column_is_named_with_the_encoding_to_use(X, column, estimator):
    y = Y if estimator is MLPRegressor else [0, 1, 0, 1]
    with pytest.raises(ValueError, match=f"Column {column} of X holds text") as info:
        estimator(max_iter=2).fit(X, y)
    assert "OneHotEncoder(handle_unknown='ignore')" in str(info.value)
    tabular = (
        "TabularMLPRegressor" if estimator is MLPRegressor else "TabularMLPClassifier"
    )
    assert f"Use skdeep.{tabular}, which reads raw tables" in str(info.value)
    fitted = estimator(max_iter=2)
    with pytest.warns(Warning):
        fitted.fit(np.ones((4, 2)), y)
    with pytest.raises(ValueError, match="holds text"):
        fitted.predict(X)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_the_suggested_pipeline_runs():
    with pytest.raises(ValueError) as info:
        MLPRegressor(max_iter=2).fit(FRAME, Y)
    code = re.search(r"e\.g\. (make_pipeline\(.*\))\.$", str(info.value)).group(1)
    pipeline = eval(code)  # noqa: S307 - the message's own example
    assert pipeline.fit(FRAME, Y).predict(FRAME).shape == (4,)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_numbers_stored_as_objects_are_still_read():
    X = pd.DataFrame({"t": np.array([1, 2, 3, 4], dtype=object)})
    assert MLPRegressor(max_iter=2).fit(X, Y).predict(X).shape == (4,)


def test_solver_learning_rate_names_learning_rate_init():
    with pytest.raises(ValueError, match="estimator's learning_rate_init"):
        MLPRegressor().set_params(solver__learning_rate=0.1)
    grid = GridSearchCV(MLPRegressor(), {"solver__learning_rate": [0.1]}, cv=2)
    with pytest.raises(ValueError, match="learning_rate_init"):
        grid.fit(np.ones((4, 2)), Y)


def test_parameters_of_a_named_solver_are_the_estimators():
    with pytest.raises(ValueError, match=r"solver='adam' is a name.*beta_1, beta_2"):
        MLPRegressor().set_params(solver__beta_2=0.95)
    est = MLPRegressor(solver=Adam()).set_params(solver__beta_2=0.95)
    assert est.solver.beta_2 == 0.95


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_the_named_tabular_estimator_reads_the_table():
    from skdeep import TabularMLPRegressor

    assert TabularMLPRegressor(max_iter=2).fit(FRAME, Y).predict(FRAME).shape == (4,)
