"""ONNX export of the tabular networks: onnxruntime's outputs equal skdeep's
on raw tables (numbers, booleans, text, categories, missing and unknown
values), for every input layout, float type, recipe part and ensemble."""

import numpy as np
import pandas as pd
import pytest

skl2onnx = pytest.importorskip("skl2onnx")
ort = pytest.importorskip("onnxruntime")

from skl2onnx.common.data_types import (  # noqa: E402
    DoubleTensorType,
    FloatTensorType,
    StringTensorType,
)
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from skdeep import TabularMLPClassifier, TabularMLPRegressor  # noqa: E402
from skdeep.nn.ntk import NTKDense  # noqa: E402
from skdeep.nn.parametric import ParametricActivation  # noqa: E402
from skdeep.nn.periodic import PeriodicEmbedding  # noqa: E402
from skdeep.onnx import input_feed, input_types, to_onnx  # noqa: E402
from skdeep.tabular._encoder import TabularEncoder  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

#: tolerance of each network float type, relative and absolute
TOL = {"float32": 1e-5, "float64": 1e-10}
LOTS = [f"L{i:02d}" for i in range(12)]  # more than max_one_hot: embedded


def raw_table(n=60, seed=0):
    """Every kind of column the networks read, with missing values."""
    rng = np.random.RandomState(seed)
    X = pd.DataFrame(
        {
            "temp": rng.normal(800, 50, n),
            "passes": rng.randint(0, 5, n),
            "vacuum": rng.rand(n) > 0.5,
            "alloy": rng.choice(["Ti64", "In718", None], n),
            "lot": rng.choice(LOTS, n),
            "nozzle": pd.Categorical(rng.choice(list("abcd"), n)),
        }
    )
    X.loc[::7, "temp"] = np.nan
    return X


def unseen(X):
    """``X`` with unknown categories and missing values fit did not see."""
    X = X.copy()
    X.loc[0, "lot"] = "L99"
    X.loc[1, "alloy"] = "CoCr"
    X.loc[2, "lot"] = None
    X.loc[3, "nozzle"] = np.nan
    X.loc[4, "temp"] = 1e4  # far outside: the smooth clip and the clamp
    return X


def target(X, seed=0):
    rng = np.random.RandomState(seed)
    lot = X["lot"].map({lot: rng.normal() for lot in LOTS}).fillna(0.0)
    return (
        X["temp"].fillna(800) / 50
        + X["passes"]
        + (X["alloy"] == "Ti64")
        + lot
        + 0.1 * rng.normal(size=len(X))
    ).to_numpy()


def scramble(model, seed=0, scale=0.3):
    """Random weights in every member: each block of every layer matters."""
    rng = np.random.RandomState(seed)
    for member in model.__dict__.get("estimators_") or [model]:
        params = member._network.params
        params[...] += rng.normal(scale=scale, size=params.shape)
    return model


def session_for(onx):
    return ort.InferenceSession(
        onx.SerializeToString(), providers=["CPUExecutionProvider"]
    )


def run(model, X, X_new=None, **kwargs):
    """onnxruntime's outputs on ``X_new`` (default ``X``) of the model
    converted on ``X[:1]``."""
    session = session_for(to_onnx(model, X[:1], **kwargs))
    return session.run(None, input_feed(X if X_new is None else X_new))


def close(actual, expected, dtype):
    expected = np.asarray(expected)
    actual = np.asarray(actual).reshape(expected.shape)
    np.testing.assert_allclose(actual, expected, rtol=TOL[dtype], atol=TOL[dtype])


def no_zipmap(model):
    return {"options": {type(model): {"zipmap": False}}}


def fit_regressor(dtype="float64", n_outputs=1, **params):
    X = raw_table()
    y = target(X)
    if n_outputs > 1:
        y = np.column_stack([y, -2 * y + 1])
    params = {"hidden_layer_sizes": (8, 6), "max_iter": 3, "random_state": 0, **params}
    return X, TabularMLPRegressor(dtype=dtype, **params).fit(X, y)


# --------------------------------------------------------------- regressors
@pytest.mark.parametrize("n_members", [1, 3], ids=["single", "ensemble"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_regressor_on_a_raw_table(dtype, n_members):
    X, model = fit_regressor(dtype, n_members=n_members)
    scramble(model)
    X_new = unseen(X)
    expected = model.predict(X_new)
    assert len(np.unique(expected)) > len(X) // 2  # not all clamped
    (output,) = run(model, X, X_new)
    assert output.dtype == np.dtype(dtype)
    close(output, expected, dtype)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_multi_output_regressor(dtype):
    X, model = fit_regressor(dtype, n_outputs=2)
    scramble(model)
    (output,) = run(model, X)
    assert output.shape == (len(X), 2)
    close(output, model.predict(X), dtype)


@pytest.mark.parametrize(
    "part", ["no-periodic", "parametric", "data-init"], ids=lambda p: p
)
def test_every_recipe_part(part, monkeypatch):
    switch = {
        "no-periodic": ("periodic_embedding", False),
        "parametric": ("parametric_activation", True),
        "data-init": ("data_init", True),
    }[part]
    monkeypatch.setattr(TabularMLPRegressor, *switch)
    X, model = fit_regressor("float32", dropout=0.2)
    layers = {type(layer) for layer in model._network.layers}
    assert (PeriodicEmbedding in layers) == (part != "no-periodic")
    assert (ParametricActivation in layers) == (part == "parametric")
    (output,) = run(scramble(model), X)
    close(output, model.predict(X), "float32")


def test_a_numeric_table_as_one_array_and_in_a_pipeline():
    rng = np.random.RandomState(1)
    X = rng.normal(size=(50, 4))
    y = X @ rng.normal(size=4)
    model = TabularMLPRegressor(hidden_layer_sizes=(8,), max_iter=3, random_state=0)
    model = scramble(model.fit(X, y))
    (output,) = run(model, X)  # one input "X" (n, 4)
    close(output, model.predict(X), "float64")
    pipeline = make_pipeline(StandardScaler(), model).fit(X, y)
    scramble(pipeline[-1], seed=1)
    onx = skl2onnx.to_onnx(pipeline, X[:1])  # skdeep's converters are registered
    (output,) = session_for(onx).run(None, {"X": X})
    close(output, pipeline.predict(X), "float64")


def test_skl2onnx_to_onnx_with_the_declared_inputs():
    X, model = fit_regressor()
    onx = skl2onnx.to_onnx(model, initial_types=input_types(X[:1]))
    (output,) = session_for(onx).run(None, input_feed(X))
    close(output, model.predict(X), "float64")


def test_categorical_columns_given_as_numbers():
    # integer codes and float categories, as categorical_features names them
    rng = np.random.RandomState(2)
    X = pd.DataFrame(
        {
            "x": rng.normal(size=80),
            "nozzle": rng.randint(0, 12, 80),  # embedded codes
            "grade": rng.choice([1.5, 2.0, 3.25], 80),  # one-hot
        }
    )
    y = X["x"] + X["nozzle"] % 3 - X["grade"]
    model = TabularMLPRegressor(
        categorical_features=["nozzle", "grade"],
        hidden_layer_sizes=(8,),
        max_iter=3,
        random_state=0,
    )
    model = scramble(model.fit(X, y))
    X_new = X.copy()
    X_new.loc[0, "nozzle"] = 40  # unknown code
    X_new.loc[1, "grade"] = 7.0  # unknown category
    X_new.loc[2, "grade"] = np.nan  # missing, never seen in fit
    (output,) = run(model, X, X_new)
    close(output, model.predict(X_new), "float64")


def test_an_infinite_value_gives_nan():
    X, model = fit_regressor()
    X_new = X.copy()
    X_new.loc[0, "temp"] = np.inf
    (output,) = run(model, X, X_new)
    assert np.isnan(output[0]).all()
    close(output[1:], model.predict(X_new.iloc[1:]), "float64")


# -------------------------------------------------------------- classifiers
@pytest.mark.parametrize("n_members", [1, 2], ids=["single", "ensemble"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("classes", ["binary-int", "multiclass-str"])
def test_classifier_on_a_raw_table(classes, dtype, n_members):
    X = raw_table()
    score = target(X)
    if classes == "binary-int":
        y = (score > np.median(score)).astype(int)
    else:
        y = np.array(["low", "mid", "high"])[
            np.digitize(score, [np.quantile(score, q) for q in (1 / 3, 2 / 3)])
        ]
    model = TabularMLPClassifier(
        hidden_layer_sizes=(8,), max_iter=3, random_state=0, dtype=dtype,
        n_members=n_members,
    )  # fmt: skip
    model = scramble(model.fit(X, y), scale=1.0)
    X_new = unseen(X)
    labels, proba = run(model, X, X_new, **no_zipmap(model))
    expected = model.predict_proba(X_new)
    assert len(np.unique(model.predict(X_new))) == len(model.classes_)
    close(proba, expected, dtype)
    confident = np.sort(expected, axis=1)[:, -1] - np.sort(expected, axis=1)[:, -2]
    sure = confident > 1e-4  # ties within rounding may go either way
    assert (labels[sure] == model.predict(X_new)[sure]).all()


def test_classifier_zipmap_default():
    X = raw_table()
    y = np.where(target(X) > 20, "pass", "fail")
    model = TabularMLPClassifier(hidden_layer_sizes=(8,), max_iter=3, random_state=0)
    model = scramble(model.fit(X, y), scale=1.0)
    labels, probabilities = run(model, X)
    np.testing.assert_array_equal(labels, model.predict(X))
    table = np.array([[row[c] for c in model.classes_] for row in probabilities])
    close(table, model.predict_proba(X), "float32")  # ZipMap is float32


# -------------------------------------------------------------- the encoder
def test_the_encoder_graph_equals_transform():
    X = raw_table()
    encoder = TabularEncoder().fit(X)
    X_new = unseen(X)
    assert encoder.cardinalities_  # codes, one-hot and numbers all present
    (encoded,) = run(encoder, X, X_new)
    np.testing.assert_allclose(
        encoded, encoder.transform(X_new), rtol=1e-12, atol=1e-12
    )


# ------------------------------------------------------------------- errors
def test_an_empty_string_category_is_refused():
    X = raw_table()
    X.loc[::5, "alloy"] = ""
    model = TabularMLPRegressor(hidden_layer_sizes=(4,), max_iter=1).fit(X, target(X))
    with pytest.raises(ValueError, match="empty string"):
        to_onnx(model, X[:1])


def test_inputs_that_do_not_hold_the_table_are_refused():
    X, model = fit_regressor()
    with pytest.raises(ValueError, match="inputs hold 2 columns"):
        skl2onnx.to_onnx(model, initial_types=[("X", DoubleTensorType([None, 2]))])
    as_text = [(n, StringTensorType([None, 1])) for n in X.columns]
    with pytest.raises(ValueError, match="numeric columns .* string input"):
        skl2onnx.to_onnx(model, initial_types=as_text)


def test_a_column_of_dates_is_refused():
    X = pd.DataFrame({"when": pd.date_range("2026-01-01", periods=3)})
    with pytest.raises(ValueError, match="'when' holds dates"):
        input_types(X)


def test_a_float32_table_input_is_cast():
    rng = np.random.RandomState(3)
    X = rng.normal(size=(40, 3)).astype(np.float32)
    y = X.sum(axis=1)
    model = TabularMLPRegressor(hidden_layer_sizes=(4,), max_iter=2, random_state=0)
    model = scramble(model.fit(X, y))
    onx = skl2onnx.to_onnx(model, initial_types=[("X", FloatTensorType([None, 3]))])
    (output,) = session_for(onx).run(None, {"X": X})
    close(output, model.predict(X), "float64")


def test_the_dense_layers_convert_with_their_factors():
    # NTKDense scales its kernel by 1/sqrt(n_in) and its bias by bias_factor
    X, model = fit_regressor()
    dense = [layer for layer in model._network.layers if isinstance(layer, NTKDense)]
    assert dense and all(layer.weight_factor != 1.0 for layer in dense)
    for layer in dense:
        layer.bias_factor = 0.7  # a factor other than the default shows
    (output,) = run(scramble(model), X)
    close(output, model.predict(X), "float64")
