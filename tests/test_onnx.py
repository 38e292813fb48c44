"""ONNX export: onnxruntime's outputs equal skdeep's for every configuration."""

import subprocess
import sys

import numpy as np
import pytest

skl2onnx = pytest.importorskip("skl2onnx")
ort = pytest.importorskip("onnxruntime")

from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

import skdeep  # noqa: E402
from skdeep import (  # noqa: E402
    MLPClassifier,
    MLPRegressor,
    PolynomialRegression,
    RNNClassifier,
    RNNRegressor,
    SequenceScaler,
    SimpleRNN,
    SimpleRNNClassifier,
)
from skdeep.nn import activations as engine_activations  # noqa: E402
from skdeep.nn import losses as engine_losses  # noqa: E402
from skdeep.nn.cells import CELLS  # noqa: E402
from skdeep.nn.layers import BatchNormalization, Dense  # noqa: E402
from skdeep.onnx import to_onnx  # noqa: E402
from skdeep.onnx._activations import ONNX_ACTIVATIONS  # noqa: E402
from skdeep.onnx._estimators import label_values  # noqa: E402
from skdeep.onnx._links import LINKS  # noqa: E402
from skdeep.onnx._recurrent import CELL_STEPS  # noqa: E402
from skdeep.onnx._register import CONVERTERS, REFUSED  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

#: tolerance of each float type, relative and absolute
TOL = {np.float32: 1e-5, np.float64: 1e-10}
DTYPES = [np.float32, np.float64]
#: estimators not converted yet
NOT_CONVERTED: set[str] = set()
#: registered classes that are not public estimators (checked on their own)
INTERNAL = {"TabularEncoder"}


def run(model, X, **options):
    """onnxruntime's outputs for ``X`` of the model converted on ``X[:1]``."""
    onx = to_onnx(model, X[:1], **options)
    session = ort.InferenceSession(
        onx.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    return session.run(None, {session.get_inputs()[0].name: X})


def no_zipmap(model):
    return {"options": {type(model): {"zipmap": False}}}


def scramble(estimator, seed=0, scale=0.5):
    """Random weights and moving statistics: every block of every weight
    matters, so a wrong layout or gate order shows."""
    rng = np.random.RandomState(seed)
    network = estimator._network
    network.params[...] = rng.normal(scale=scale, size=network.params.shape)
    for layer in network.layers:
        if isinstance(layer, BatchNormalization):
            layer.moving_mean[...] = rng.normal(size=layer.units)
            layer.moving_variance[...] = rng.uniform(0.5, 2.0, size=layer.units)
    return estimator


def close(actual, expected, dtype):
    tol = TOL[dtype]
    expected = np.asarray(expected)
    np.testing.assert_allclose(
        np.asarray(actual).reshape(expected.shape), expected, rtol=tol, atol=tol
    )


def tabular(dtype, n=40, n_features=4, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, n_features)).astype(dtype)
    y = X @ rng.normal(size=n_features) + 0.1 * rng.normal(size=n)
    return X, y


def mlp(dtype, y=None, **params):
    X, y_default = tabular(dtype)
    y = y_default if y is None else y
    params = {"hidden_layer_sizes": (5, 4), "max_iter": 3, "random_state": 0, **params}
    return X, MLPRegressor(**params).fit(X, y)


# --------------------------------------------------------------- regressors
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("activation", sorted(engine_activations.ACTIVATIONS))
def test_every_activation(activation, dtype):
    X, reg = mlp(dtype, activation=activation)
    scramble(reg, scale=1.5)
    X = 3 * X  # pre-activations over a wide range (gelu's erf up to |x| ~ 10)
    (pred,) = run(reg, X)
    close(pred, reg.predict(X), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    "params",
    [
        {"dropout": 0.3},
        {"dropout": [0.2, 0.0]},
        {"normalization": "batch"},
        {"normalization": "layer"},
        {"normalization": "batch", "activation": "tanh", "dropout": 0.1},
        {"hidden_layer_sizes": ()},
    ],
    ids=["dropout", "dropout-per-layer", "batch", "layer", "batch-dropout", "linear"],
)
def test_layers(params, dtype):
    X, reg = mlp(dtype, **params)
    scramble(reg)
    (pred,) = run(reg, X)
    close(pred, reg.predict(X), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("loss", engine_losses.REGRESSION_LOSSES)
def test_every_regression_loss(loss, dtype):
    X, y = tabular(dtype)
    X, reg = mlp(dtype, y=np.exp(0.3 * y) if loss == "poisson" else y, loss=loss)
    scramble(reg)
    (pred,) = run(reg, X)
    assert pred.shape == (len(X), 1) and pred.dtype == dtype
    close(pred, reg.predict(X), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_several_outputs(dtype):
    X, y = tabular(dtype)
    X, reg = mlp(dtype, y=np.column_stack([y, -y, 2 * y]))
    (pred,) = run(scramble(reg), X)
    assert pred.shape == (len(X), 3)
    close(pred, reg.predict(X), dtype)


def test_a_float64_model_on_float32_input_computes_in_float32():
    X, reg = mlp(np.float64)
    (pred,) = run(reg, X.astype(np.float32))
    assert pred.dtype == np.float32
    close(pred, reg.predict(X), np.float32)


def test_integer_input_is_cast_to_the_model_dtype():
    X, reg = mlp(np.float64)
    X_int = np.round(3 * X).astype(np.int64)
    (pred,) = run(reg, X_int)
    assert pred.dtype == np.float64
    close(pred, reg.predict(X_int), np.float64)
    X3 = np.round(3 * sequences(np.float64)[0]).astype(np.int64)
    scaler = SequenceScaler().fit(X3)
    (scaled,) = run(scaler, X3)
    close(scaled, scaler.transform(X3), np.float64)


@pytest.mark.parametrize("dtype", DTYPES)
def test_pipeline_with_a_scaler(dtype):
    X, y = tabular(dtype)
    X = 10 * X + 3
    model = make_pipeline(
        StandardScaler(),
        MLPRegressor(hidden_layer_sizes=(6,), max_iter=5, random_state=0),
    )
    model.fit(X, y)
    (pred,) = run(model, X)
    close(pred, model.predict(X), dtype)


# -------------------------------------------------------------- classifiers
def classification(dtype, kind, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(60, 4)).astype(dtype)
    score = X @ rng.normal(size=4)
    if kind == "multilabel":
        return X, (X[:, :3] > 0).astype(int)
    bins = np.quantile(score, [1 / 3, 2 / 3]) if kind.startswith("multi") else [0.0]
    index = np.digitize(score, bins)
    labels = {
        "binary": np.array([3, 7]),
        "multiclass": np.array([0, 1, 2]),
        "binary-strings": np.array(["bad", "good"]),
        "multiclass-strings": np.array(["low", "mid", "high"]),
        "binary-bool": np.array([False, True]),
        "binary-floats": np.array([0.0, 1.0]),
    }[kind]
    return X, labels[index]


KINDS = [
    "binary",
    "multiclass",
    "binary-strings",
    "multiclass-strings",
    "binary-bool",
    "binary-floats",
    "multilabel",
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kind", KINDS)
def test_classifier_labels_and_probabilities(kind, dtype):
    X, y = classification(dtype, kind)
    clf = MLPClassifier((5,), max_iter=3, random_state=0).fit(X, y)
    scramble(clf, scale=1.0)
    labels, proba = run(clf, X, **no_zipmap(clf))
    expected = clf.predict(X)
    assert labels.shape == expected.shape
    assert (labels == expected).all()
    assert len(set(expected.ravel().tolist())) > 1  # the labels differ
    close(proba, clf.predict_proba(X), dtype)


def test_classifier_zipmap_is_skl2onnx_default():
    X, y = classification(np.float32, "multiclass-strings")
    clf = MLPClassifier((5,), max_iter=3, random_state=0).fit(X, y)
    labels, maps = run(clf, X)
    assert (labels == clf.predict(X)).all()
    proba = clf.predict_proba(X)
    assert set(maps[0]) == set(clf.classes_)
    for row, expected in zip(maps, proba, strict=True):
        close([row[c] for c in clf.classes_], expected, np.float32)


@pytest.mark.parametrize("normalization", [None, "batch", "layer"])
def test_classifier_pipeline(normalization):
    X, y = classification(np.float32, "multiclass")
    clf = MLPClassifier((6,), normalization=normalization, max_iter=5, random_state=0)
    model = make_pipeline(StandardScaler(), clf).fit(3 * X + 1, y)
    scramble(clf)
    labels, proba = run(model, 3 * X + 1, options={MLPClassifier: {"zipmap": False}})
    assert (labels == model.predict(3 * X + 1)).all()
    close(proba, model.predict_proba(3 * X + 1), np.float32)


# ---------------------------------------------------------------- baselines
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("penalty", [None, "l2", "l1", "elasticnet"])
def test_polynomial_regression(penalty, dtype):
    X, y = tabular(dtype)
    model = PolynomialRegression(degree=2, penalty=penalty, alpha=0.01).fit(
        X, y + X[:, 0] ** 2
    )
    (pred,) = run(model, X)
    close(pred, model.predict(X), dtype)


def test_polynomial_regression_several_outputs():
    X, y = tabular(np.float64)
    model = PolynomialRegression(degree=3, scale=False).fit(
        X, np.column_stack([y, y**2])
    )
    (pred,) = run(model, X)
    assert pred.shape == (len(X), 2)
    close(pred, model.predict(X), np.float64)


# ---------------------------------------------------------------- recurrent
def sequences(dtype, n=30, n_steps=5, n_features=3, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, n_steps, n_features)).astype(dtype)
    return X, X.sum(axis=(1, 2)), X.sum(axis=2)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("layers", [(4,), (4, 3)], ids=["one-layer", "stacked"])
@pytest.mark.parametrize("many_to_many", [False, True], ids=["to-one", "to-many"])
@pytest.mark.parametrize("cell", sorted(CELLS))
def test_recurrent_regressor(cell, many_to_many, layers, dtype):
    X, y, y_steps = sequences(dtype)
    reg = RNNRegressor(
        hidden_layer_sizes=layers,
        cell=cell,
        return_sequences=many_to_many,
        max_iter=2,
        batch_size=16,
        random_state=0,
    ).fit(X, y_steps if many_to_many else y)
    scramble(reg)
    (pred,) = run(reg, X)
    expected = reg.predict(X)
    assert pred.shape == (len(X), 5, 1) if many_to_many else (len(X), 1)
    close(pred, expected, dtype)


@pytest.mark.parametrize("activation", ["relu", "gelu", "softplus"])
@pytest.mark.parametrize("cell", sorted(CELLS))
def test_recurrent_activations(cell, activation):
    X, y, _ = sequences(np.float64)
    reg = RNNRegressor(
        hidden_layer_sizes=(4,),
        activation=activation,
        cell=cell,
        max_iter=2,
        batch_size=16,
        random_state=0,
    )
    reg.fit(X, y)
    (pred,) = run(scramble(reg), X)
    close(pred, reg.predict(X), np.float64)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("cell", sorted(CELLS))
def test_recurrent_classifier(cell, dtype):
    X, y, _ = sequences(dtype)
    labels = np.array(["a", "b", "c"])[np.digitize(y, np.quantile(y, [1 / 3, 2 / 3]))]
    clf = RNNClassifier((4,), cell=cell, max_iter=2, batch_size=16, random_state=0).fit(
        X, labels
    )
    scramble(clf, scale=1.0)
    label, proba = run(clf, X, **no_zipmap(clf))
    assert (label == clf.predict(X)).all()
    close(proba, clf.predict_proba(X), dtype)


def test_simple_rnn_estimators():
    X, y, y_steps = sequences(np.float32)
    reg = SimpleRNN(
        hidden_layer_sizes=(4, 3),
        return_sequences=True,
        max_iter=2,
        batch_size=16,
        random_state=0,
    )
    reg.fit(X, y_steps)
    (pred,) = run(scramble(reg), X)
    close(pred, reg.predict(X), np.float32)
    clf = SimpleRNNClassifier((4,), max_iter=2, batch_size=16, random_state=0).fit(
        X, y > 0
    )
    label, proba = run(scramble(clf), X, **no_zipmap(clf))
    assert (label == clf.predict(X)).all()
    close(proba, clf.predict_proba(X), np.float32)


@pytest.mark.parametrize("many_to_many", [False, True], ids=["to-one", "to-many"])
def test_recurrent_2d_input_with_features_per_step(many_to_many):
    X, y, y_steps = sequences(np.float64)
    X2 = X.reshape(len(X), -1)
    reg = RNNRegressor(
        hidden_layer_sizes=(4,), cell="gru", n_features_per_step=3, return_sequences=many_to_many,
        max_iter=2, batch_size=16, random_state=0,
    ).fit(X2, y_steps if many_to_many else y)  # fmt: skip
    (pred,) = run(scramble(reg), X2)
    close(pred, reg.predict(X2), np.float64)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("three_d", [True, False], ids=["3d", "2d"])
def test_sequence_scaler_pipeline(three_d, dtype):
    X, y, _ = sequences(dtype)
    X = 5 * X + np.array([1.0, -2.0, 10.0], dtype=dtype)
    if not three_d:
        X = X.reshape(len(X), -1)
    steps = [SequenceScaler(n_features_per_step=None if three_d else 3)]
    net = RNNRegressor(hidden_layer_sizes=(4,), cell="lstm", n_features_per_step=None if three_d else 3,
                       max_iter=2, batch_size=16, random_state=0)  # fmt: skip
    model = make_pipeline(*steps, net).fit(X, y)
    scramble(net)
    (scaled,) = run(model[0], X)
    close(scaled, model[0].transform(X), dtype)
    (pred,) = run(model, X)
    close(pred, model.predict(X), dtype)


def test_recurrent_onnx_graph_reads_any_batch_size():
    X, y, _ = sequences(np.float32)
    reg = RNNRegressor(
        hidden_layer_sizes=(3,), cell="lstm", max_iter=1, batch_size=16, random_state=0
    ).fit(X, y)
    onx = to_onnx(reg, X[:1])
    session = ort.InferenceSession(
        onx.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    for n in (1, 7):
        (pred,) = session.run(None, {"X": X[:n]})
        close(pred, reg.predict(X[:n]), np.float32)


# ----------------------------------------------------- what cannot convert
def test_an_activation_without_onnx_form_raises(monkeypatch):
    def forward(z):
        np.sin(z, out=z)

    def derivative(a, z, delta):
        raise NotImplementedError

    fake = engine_activations.Activation("fake_sine", forward, derivative)
    monkeypatch.setitem(engine_activations.ACTIVATIONS, "fake_sine", fake)
    X, reg = mlp(np.float64)
    reg._network.layers[0].activation = fake
    assert np.isfinite(reg.predict(X)).all()  # skdeep predicts with it
    with pytest.raises(ValueError, match="activation 'fake_sine'.*no ONNX form"):
        to_onnx(reg, X[:1])


def test_an_activation_shadowing_a_registered_name_raises():
    X, reg = mlp(np.float64)
    relu = engine_activations.ACTIVATIONS["relu"]
    reg._network.layers[0].activation = engine_activations.Activation(
        "relu", np.sin, relu.derivative
    )
    with pytest.raises(ValueError, match="activation 'relu'"):
        to_onnx(reg, X[:1])


def test_a_layer_without_converter_raises():
    class Scaled(Dense):
        pass

    X, reg = mlp(np.float64)
    reg._network.layers[0].__class__ = Scaled
    with pytest.raises(ValueError, match="Cannot convert a Scaled layer"):
        to_onnx(reg, X[:1])


def test_a_custom_link_raises():
    class Cubed(engine_losses.SquaredError):
        def link(self, raw):
            return raw**3

    X, reg = mlp(np.float64)
    reg._loss = Cubed()
    with pytest.raises(ValueError, match="output link of the loss Cubed"):
        to_onnx(reg, X[:1])


def test_fractional_float_labels_raise():
    with pytest.raises(ValueError, match="labels must be integers or strings"):
        label_values(np.array([0.5, 1.5]))


def test_old_opsets_raise():
    X, reg = mlp(np.float64)
    with pytest.raises(ValueError, match="target_opset >= 13"):
        to_onnx(reg, X[:1], target_opset=12)


# ----------------------------------------------------------- registration
def test_every_engine_part_has_an_onnx_form():
    assert {a.name for a in engine_activations.ACTIVATIONS.values()} <= set(
        ONNX_ACTIVATIONS
    )
    assert {loss.link_name for loss in engine_losses.LOSSES.values()} <= set(LINKS)
    assert set(CELLS.values()) <= set(CELL_STEPS)


def test_every_public_estimator_converts_or_is_listed_as_not_yet():
    public = {
        name
        for name in skdeep.__all__
        if isinstance(getattr(skdeep, name), type)
        and hasattr(getattr(skdeep, name), "fit")
    }
    registered = {cls.__name__ for cls in CONVERTERS}
    refused = {cls.__name__ for cls, row in CONVERTERS.items() if row == REFUSED}
    # every estimator is registered: it converts, or refuses with a clear message
    assert public == registered - INTERNAL
    assert refused == NOT_CONVERTED


def test_skl2onnx_finds_the_converters_after_import_skdeep_onnx():
    # a fresh interpreter: skdeep.onnx does not import skl2onnx, and the
    # converters are there when the user imports skl2onnx
    code = (
        "import sys, numpy as np\n"
        "import skdeep.onnx\n"
        "assert 'skl2onnx' not in sys.modules\n"
        "from skdeep import MLPRegressor\n"
        "from skl2onnx import to_onnx\n"
        "X = np.ones((5, 2))\n"
        "reg = MLPRegressor(hidden_layer_sizes=(3,), max_iter=1).fit(X, X[:, 0])\n"
        "to_onnx(reg, X[:1])\n"
    )
    result = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", code], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_a_variable_length_fit_converts_with_a_free_time_axis():
    from skl2onnx.common.data_types import FloatTensorType

    rng = np.random.RandomState(0)
    X = [rng.normal(size=(rng.randint(3, 9), 2)).astype(np.float32) for _ in range(40)]
    model = RNNRegressor(cell="lstm", hidden_layer_sizes=(6,), max_iter=3).fit(
        X, [s[:, 0].sum() for s in X]
    )
    onx = to_onnx(model, initial_types=[("X", FloatTensorType([None, None, 2]))])
    session = ort.InferenceSession(
        onx.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    for sequence in X[:6]:
        (output,) = session.run(None, {"X": sequence[None]})
        np.testing.assert_allclose(
            output.ravel(), model.predict([sequence]), rtol=1e-5, atol=1e-6
        )


# ------------------------------------------------------------- DataFrames
def frame(n=40, seed=0):
    import pandas as pd

    rng = np.random.RandomState(seed)
    X = pd.DataFrame({"temp": rng.normal(size=n), "passes": rng.randint(0, 4, n)})
    return X, X["temp"] + X["passes"]


def test_a_numeric_dataframe_converts_as_one_input_per_column():
    from skdeep.onnx import input_feed

    X, y = frame()
    reg = MLPRegressor(hidden_layer_sizes=(4,), max_iter=3, random_state=0).fit(X, y)
    clf = MLPClassifier(hidden_layer_sizes=(4,), max_iter=3, random_state=0)
    clf = clf.fit(X, y > 1)
    for model, options in [(reg, {}), (clf, no_zipmap(clf))]:
        onx = to_onnx(scramble(model), X[:1], **options)
        session = ort.InferenceSession(
            onx.SerializeToString(), providers=["CPUExecutionProvider"]
        )
        assert [i.name for i in session.get_inputs()] == ["temp", "passes"]
        outputs = session.run(None, input_feed(X))
        expected = model.predict(X) if model is reg else model.predict_proba(X)
        close(outputs[-1], expected, np.float64)  # int and float columns: float64


def test_a_column_transformer_pipeline_on_a_dataframe():
    from sklearn.compose import make_column_transformer
    from sklearn.preprocessing import OneHotEncoder

    from skdeep.onnx import input_feed

    X, y = frame()
    X["alloy"] = np.random.RandomState(1).choice(["Ti64", "In718"], len(X))
    encode = make_column_transformer(
        (StandardScaler(), ["temp", "passes"]), (OneHotEncoder(), ["alloy"])
    )
    net = MLPRegressor(hidden_layer_sizes=(4,), max_iter=3, random_state=0)
    pipeline = make_pipeline(encode, net).fit(X, y)
    scramble(pipeline[-1])
    session = ort.InferenceSession(
        to_onnx(pipeline, X[:1]).SerializeToString(),
        providers=["CPUExecutionProvider"],
    )
    (output,) = session.run(None, input_feed(X))
    close(output, pipeline.predict(X), np.float64)


def test_text_inputs_to_a_drop_in_network_are_refused_clearly():
    X, y = frame()
    reg = MLPRegressor(hidden_layer_sizes=(4,), max_iter=1).fit(X, y)
    X["alloy"] = "Ti64"
    with pytest.raises(ValueError, match=r"\['alloy'\] hold strings.*OneHotEncoder"):
        to_onnx(reg, X[:1])


def test_several_inputs_to_a_sequence_model_are_refused_clearly():
    X, y = frame()
    scaler = SequenceScaler().fit(X.to_numpy()[:, :, None])
    with pytest.raises(ValueError, match="SequenceScaler converts for one input"):
        to_onnx(scaler, X[:1])
