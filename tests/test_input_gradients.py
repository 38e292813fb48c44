"""Input gradients: the backward pass to the inputs against central differences."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.compose import TransformedTargetRegressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures

from skdeep import MLPClassifier, MLPRegressor, SimpleRNN, SimpleRNNClassifier
from skdeep.nn.activations import ACTIVATIONS
from skdeep.nn.losses import LOSSES

rng = np.random.RandomState(0)
X = rng.normal(size=(30, 3))
Y2 = np.c_[X @ [1.0, 2.0, 3.0], np.sin(X[:, 0])]
SEQ = rng.normal(size=(20, 4, 2))


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


def central_differences(predict, X, eps=1e-6):
    """``J[i, k, ...]`` of ``predict`` (outputs flattened per sample)."""
    n = len(X)
    n_out = np.asarray(predict(X)).reshape(n, -1).shape[1]
    J = np.zeros((n, n_out, *X.shape[1:]))
    for index in np.ndindex(*X.shape[1:]):
        step = np.zeros_like(X)
        step[(slice(None), *index)] = eps
        diff = (predict(X + step) - predict(X - step)) / (2 * eps)
        J[(slice(None), slice(None), *index)] = np.reshape(diff, (n, -1))
    return J


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize("normalization", [None, "batch", "layer"])
def test_regressor_jacobian_matches_central_differences(activation, normalization):
    est = MLPRegressor(
        hidden_layer_sizes=(7, 5),
        activation=activation,
        normalization=normalization,
        dropout=0.2,
        max_iter=30,
        random_state=0,
    ).fit(X, Y2)
    J = est.input_jacobian(X)
    assert J.shape == (30, 2, 3)
    np.testing.assert_allclose(J, central_differences(est.predict, X), atol=1e-7)


@pytest.mark.parametrize("loss", ["poisson", "huber", "absolute_error"])
def test_every_regression_link_is_differentiated(loss):
    y = np.abs(Y2[:, 0]) + 0.1
    est = MLPRegressor(hidden_layer_sizes=(6,), loss=loss, max_iter=30).fit(X, y)
    J = est.input_jacobian(X)
    assert J.shape == (30, 1, 3)
    np.testing.assert_allclose(J, central_differences(est.predict, X), atol=1e-7)


@pytest.mark.parametrize(
    "labels",
    [X[:, 0] > 0, np.arange(30) % 3, np.c_[X[:, 0] > 0, X[:, 1] > 0]],
    ids=["binary", "multiclass", "multilabel"],
)
def test_classifier_jacobian_is_that_of_predict_proba(labels):
    est = MLPClassifier(hidden_layer_sizes=(5,), max_iter=50, random_state=0)
    est.fit(X, labels)
    J = est.input_jacobian(X)
    assert J.shape == (30, est.predict_proba(X[:1]).shape[1], 3)
    np.testing.assert_allclose(J, central_differences(est.predict_proba, X), atol=1e-8)


@pytest.mark.parametrize("return_sequences", [False, True])
def test_recurrent_jacobian_has_one_derivative_per_time_step(return_sequences):
    y = SEQ[:, :, 0] if return_sequences else SEQ[:, :, 0].sum(axis=1)
    est = SimpleRNN(
        hidden_layer_sizes=(5, 4),
        return_sequences=return_sequences,
        max_iter=20,
        random_state=0,
    ).fit(SEQ, y)
    J = est.input_jacobian(SEQ)
    assert J.shape == (20, 4 if return_sequences else 1, 4, 2)
    np.testing.assert_allclose(J, central_differences(est.predict, SEQ), atol=1e-7)
    if return_sequences:  # a later step never changes an earlier output
        later = np.triu(np.ones((4, 4), dtype=bool), k=1)
        assert not J[:, later].any()


def test_recurrent_jacobian_of_several_outputs_at_every_step():
    """Many-to-many with 2 outputs: 4 steps x 2 outputs = 8 predictions per
    sequence, more than the model's n_outputs_."""
    est = SimpleRNN(hidden_layer_sizes=(5,), return_sequences=True, max_iter=20,
                    random_state=0).fit(SEQ, SEQ[:, :, ::-1].cumsum(axis=1))  # fmt: skip
    J = est.input_jacobian(SEQ)
    assert J.shape == (20, 8, 4, 2)
    np.testing.assert_allclose(J, central_differences(est.predict, SEQ), atol=1e-7)


def test_recurrent_classifier_jacobian():
    est = SimpleRNNClassifier(hidden_layer_sizes=(5,), max_iter=20, random_state=0)
    est.fit(SEQ, np.arange(20) % 3)
    np.testing.assert_allclose(
        est.input_jacobian(SEQ),
        central_differences(est.predict_proba, SEQ),
        atol=1e-8,
    )


def test_jacobian_in_the_model_dtype_in_chunks_and_from_sparse(monkeypatch):
    est = MLPRegressor(hidden_layer_sizes=(6,), max_iter=20, random_state=0)
    est.fit(X.astype(np.float32), Y2)  # float32 data: a float32 model
    J = est.input_jacobian(X)
    assert J.dtype == np.float32
    from skdeep.nn import network

    monkeypatch.setattr(network, "CHUNK_ELEMENTS", 20)  # 1-2 rows per chunk
    np.testing.assert_array_equal(est.input_jacobian(X), J)
    np.testing.assert_allclose(est.input_jacobian(sp.csr_matrix(X)), J, rtol=1e-6)


def test_jacobian_leaves_training_state_alone():
    est = MLPRegressor(
        hidden_layer_sizes=(6,), normalization="batch", max_iter=5, random_state=0
    ).fit(X, Y2)
    params = est._network.params.copy()
    moving = [a.copy() for a in est._network.state_arrays()]
    est.input_jacobian(X)
    np.testing.assert_array_equal(est._network.params, params)
    for got, want in zip(est._network.state_arrays(), moving, strict=True):
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_link_jacobian_matches_central_differences(name):
    loss = LOSSES[name]()
    raw = rng.normal(size=(5, 3))
    numeric = central_differences(lambda r: loss.link(np.array(r, copy=True)), raw)
    np.testing.assert_allclose(loss.link_jacobian(raw), numeric, atol=1e-8)


def test_unfitted_and_bad_input():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        MLPRegressor().input_jacobian(X)
    est = MLPRegressor(hidden_layer_sizes=(3,), max_iter=5).fit(X, Y2)
    with pytest.raises(ValueError, match="features"):
        est.input_jacobian(X[:, :2])
    with pytest.raises(ValueError, match="NaN"):
        est.input_jacobian(np.full((2, 3), np.nan))


# ----------------------------------------------------- through pipelines
def pipelines():
    from sklearn.preprocessing import (
        MaxAbsScaler,
        MinMaxScaler,
        RobustScaler,
        StandardScaler,
    )

    def net():
        return MLPRegressor(hidden_layer_sizes=(6,), max_iter=40, random_state=0)

    return {
        "standard": make_pipeline(StandardScaler(), net()),
        "minmax then robust": make_pipeline(MinMaxScaler(), RobustScaler(), net()),
        "maxabs, passthrough": make_pipeline(MaxAbsScaler(), "passthrough", net()),
        "no std": make_pipeline(StandardScaler(with_std=False), net()),
        "target scaled": TransformedTargetRegressor(
            make_pipeline(StandardScaler(), net()), transformer=StandardScaler()
        ),
        "target min-max": TransformedTargetRegressor(
            net(), transformer=MinMaxScaler(feature_range=(-1, 3))
        ),
    }


@pytest.mark.parametrize("name", sorted(pipelines()))
def test_jacobian_through_affine_steps_matches_central_differences(name):
    from skdeep.inverse import has_input_jacobian, input_jacobian

    scaled = X * [1.0, 50.0, 0.01] + [0.0, 300.0, -2.0]
    targets = Y2 * [1.0, 20.0] + [5.0, 0.0]
    model = pipelines()[name].fit(scaled, targets)
    assert has_input_jacobian(model)
    J = input_jacobian(model, scaled)
    np.testing.assert_allclose(
        J, central_differences(model.predict, scaled, eps=1e-5), rtol=1e-5, atol=1e-6
    )


def nested_and_unscaled():
    from sklearn.preprocessing import RobustScaler, StandardScaler

    def net():
        return MLPRegressor(hidden_layer_sizes=(6,), max_iter=40, random_state=0)

    return {
        "nested target maps": TransformedTargetRegressor(
            TransformedTargetRegressor(
                make_pipeline(RobustScaler(with_centering=False), net()),
                transformer=StandardScaler(),
            ),
            transformer=RobustScaler(),
        ),
        "no centering": make_pipeline(StandardScaler(with_mean=False), net()),
        "bare float32": MLPRegressor(hidden_layer_sizes=(6,), max_iter=40),
    }


ARRAY_CASES = {**pipelines(), **nested_and_unscaled()}


@pytest.mark.parametrize("name", sorted(ARRAY_CASES))
def test_array_route_equals_predict_and_input_jacobian(name):
    """The optimizers' unvalidated route gives the model's own predictions and
    Jacobian, for all outputs or a subset."""
    from skdeep.inverse import array_regressor, input_jacobian

    scaled = X * [1.0, 50.0, 0.01] + [0.0, 300.0, -2.0]
    targets = Y2 * [1.0, 20.0] + [5.0, 0.0]
    fit_X = scaled.astype(np.float32) if "float32" in name else scaled
    model = ARRAY_CASES[name].fit(fit_X, targets)
    array = array_regressor(model)
    tol = 1e-5 if "float32" in name else 1e-12
    expected = model.predict(scaled).reshape(len(X), -1)
    np.testing.assert_allclose(array.predict(scaled), expected, rtol=tol)
    P, J = array.predict_and_jacobian(scaled)
    np.testing.assert_allclose(P, expected, rtol=tol)
    np.testing.assert_allclose(J, input_jacobian(model, scaled), rtol=tol, atol=1e-12)
    P1, J1 = array.predict_and_jacobian(scaled, np.array([1]))
    np.testing.assert_allclose(J1[:, 1], J[:, 1], rtol=tol, atol=1e-12)
    assert not J1[:, 0].any()


def test_array_route_of_a_recurrent_regressor_reads_flat_rows():
    from skdeep.inverse import array_regressor

    model = SimpleRNN(hidden_layer_sizes=(5,), max_iter=20, random_state=0)
    model.fit(SEQ, SEQ[:, -1, 0])
    flat = SEQ.reshape(len(SEQ), -1)
    P, J = array_regressor(model).predict_and_jacobian(flat)
    np.testing.assert_allclose(P[:, 0], model.predict(SEQ), rtol=1e-12)
    np.testing.assert_allclose(
        J, model.input_jacobian(SEQ).reshape(len(SEQ), 1, -1), rtol=1e-12
    )


def test_array_route_is_for_regressors_with_gradients_only():
    from skdeep.inverse import array_regressor

    assert array_regressor(Ridge().fit(X, Y2)) is None
    labels = (X[:, 0] > 0).astype(int)
    assert array_regressor(MLPClassifier(max_iter=5).fit(X, labels)) is None


def test_raw_and_input_jacobian_with_a_known_count_matches_input_jacobian():
    est = MLPRegressor(hidden_layer_sizes=(5,), max_iter=30, random_state=0)
    est.fit(X, Y2)
    network, seeds = est._network, est._output_jacobian
    raw, J = network.raw_and_input_jacobian(X, seeds, n_predictions=2)
    np.testing.assert_allclose(raw, network.forward(X), rtol=1e-12)
    np.testing.assert_allclose(J, network.input_jacobian(X, seeds), rtol=1e-12)


@pytest.mark.parametrize(
    "build, match",
    [
        (Ridge, "Ridge"),
        (
            lambda: make_pipeline(PolynomialFeatures(), MLPRegressor(max_iter=5)),
            "step 'polynomialfeatures'",
        ),
        (
            lambda: TransformedTargetRegressor(
                MLPRegressor(max_iter=5), func=np.log1p, inverse_func=np.expm1
            ),
            "func/inverse_func",
        ),
    ],
    ids=["no gradients", "non-affine step", "target function"],
)
def test_models_without_exact_gradients_are_named(build, match):
    from skdeep.inverse import has_input_jacobian, input_jacobian

    model = build().fit(np.abs(X), np.abs(Y2[:, 0]))
    assert not has_input_jacobian(model)
    with pytest.raises(TypeError, match=match):
        input_jacobian(model, np.abs(X))
