"""Layers: gradient checks (central differences) and inference behaviour."""

import numpy as np
import pytest

from skdeep.nn import initializers, losses, objective
from skdeep.nn.layers import (
    Activation,
    BatchNormalization,
    Dense,
    Dropout,
    LayerNormalization,
)
from skdeep.nn.network import Sequential
from skdeep.utils import check_gradient, numerical_gradient

rng = np.random.RandomState(0)
X = rng.normal(size=(8, 4))
Y = rng.normal(size=(8, 2))


def network_with(*middle, seed=0):
    layers = [Dense(5), *middle, Dense(2)]
    return Sequential(layers).build(4, np.random.RandomState(seed))


@pytest.mark.parametrize(
    "middle",
    [
        [BatchNormalization(), Activation("tanh")],
        [LayerNormalization(), Activation("gelu")],
        [Activation("softplus")],
        [BatchNormalization(momentum=0.5), Activation("relu"), Dropout(0.4)],
    ],
    ids=["batchnorm", "layernorm", "activation", "bn-relu-dropout"],
)
def test_network_gradient_through_new_layers(middle):
    net = network_with(*middle)
    net.params[:] += np.random.RandomState(1).normal(scale=0.3, size=net.params.size)
    for layer in net.layers:  # freeze the dropout mask for a deterministic check
        if isinstance(layer, Dropout):
            layer.fixed_mask = (
                np.random.RandomState(2).uniform(size=(8, 5)) > 0.4
            ) / 0.6
    net.allocate(8)
    loss = losses.SquaredError()
    objective(net, loss, X, Y)
    grad = net.grads.copy()
    check_gradient(lambda p: objective(net, loss, X, Y), grad, net.params, atol=1e-7)


@pytest.mark.parametrize("cls", [BatchNormalization, LayerNormalization])
def test_normalization_input_gradient(cls):
    layer = cls()
    net = Sequential([layer]).build(4, np.random.RandomState(0))
    net.params[:] = np.random.RandomState(3).normal(size=net.params.size)
    net.allocate(8)
    upstream = np.random.RandomState(4).normal(size=(8, 4))

    def f(x):
        return float((net.forward(x, training=True) * upstream).sum())

    x = X.copy()
    f(x)
    analytic = layer.backward(upstream.copy(), need_input_grad=True)
    np.testing.assert_allclose(analytic, numerical_gradient(f, x), atol=1e-7)


def test_batchnorm_training_statistics_and_moving_averages():
    bn = BatchNormalization(momentum=0.9, epsilon=1e-5)
    Sequential([bn]).build(4, np.random.RandomState(0))
    out = bn.forward(X, training=True)
    np.testing.assert_allclose(out.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(out.var(axis=0), 1, rtol=1e-3)
    np.testing.assert_allclose(bn.moving_mean, 0.1 * X.mean(axis=0))
    np.testing.assert_allclose(bn.moving_variance, 0.9 + 0.1 * X.var(axis=0))


def test_batchnorm_inference_is_batch_independent():
    bn = BatchNormalization()
    net = Sequential([Dense(3), bn, Activation("relu"), Dense(1)])
    net.build(4, np.random.RandomState(0))
    for _ in range(5):
        net.forward(X, training=True)
    whole = net.forward(X)
    rows = np.vstack([net.forward(X[i : i + 1]) for i in range(len(X))])
    np.testing.assert_allclose(whole, rows, rtol=1e-12)
    # inference uses the moving statistics, not the batch's
    z = net.layers[0].forward(X)
    expected = (z - bn.moving_mean) / np.sqrt(bn.moving_variance + bn.epsilon)
    np.testing.assert_allclose(bn.forward(z), expected * bn.gamma + bn.beta)


def test_layernorm_normalizes_each_sample():
    ln = LayerNormalization(epsilon=1e-8)
    Sequential([ln]).build(4, np.random.RandomState(0))
    out = ln.forward(X)
    np.testing.assert_allclose(out.mean(axis=1), 0, atol=1e-12)
    np.testing.assert_allclose(out.std(axis=1), 1, rtol=1e-6)


def test_dropout_is_inverted_and_inactive_at_inference():
    layer = Dropout(0.25)
    Sequential([layer]).build(1000, np.random.RandomState(0))
    x = np.ones((200, 1000))
    np.testing.assert_array_equal(layer.forward(x), x)
    out = layer.forward(x, training=True)
    assert abs((out == 0).mean() - 0.25) < 0.01
    np.testing.assert_allclose(out[out > 0], 1 / 0.75)
    delta = np.ones_like(x)
    np.testing.assert_array_equal(layer.backward(delta), out)


def test_normalization_parameters_are_never_penalized():
    net = network_with(BatchNormalization(), Activation("relu"))
    kernels = 4 * 5 + 5 * 2
    assert net.n_penalized == kernels
    bn = net.layers[1]
    assert not np.shares_memory(bn.gamma, net.params[:kernels])
    np.testing.assert_array_equal(bn.gamma, 1.0)
    np.testing.assert_array_equal(bn.beta, 0.0)


@pytest.mark.parametrize("name", sorted(initializers.INITIALIZERS))
def test_initializer_statistics(name):
    fan_in, fan_out = 400, 300
    kernel, bias = initializers.get(name)(fan_in, fan_out, np.random.RandomState(0))
    assert kernel.shape == (fan_in, fan_out) and bias.shape == (fan_out,)
    expected_std = {
        "glorot_uniform": np.sqrt(6 / 700) / np.sqrt(3),
        "glorot_normal": np.sqrt(2 / 700),
        "he_uniform": np.sqrt(6 / 400) / np.sqrt(3),
        "he_normal": np.sqrt(2 / 400),
        "normal": 0.05,
        "orthogonal": 1 / np.sqrt(fan_in),
    }[name]
    assert kernel.std() == pytest.approx(expected_std, rel=0.03)
    if name != "glorot_uniform":
        assert not bias.any()
    if name == "orthogonal":
        np.testing.assert_allclose(kernel.T @ kernel, np.eye(fan_out), atol=1e-10)


def test_unknown_initializer():
    with pytest.raises(ValueError, match="Unknown weight initializer 'zeros'"):
        initializers.get("zeros")


@pytest.mark.parametrize("allocated_rows", [None, 3, 8, 20])
def test_dense_gradients_with_and_without_fitting_buffers(allocated_rows):
    # the bias gradient is a product with preallocated ones when the batch fits
    # the buffers, a NumPy sum otherwise: both must equal the plain formulas
    layer = Dense(3, "relu")
    net = Sequential([layer]).build(4, np.random.RandomState(1))
    if allocated_rows is not None:
        net.allocate(allocated_rows)
    x = X.copy()
    a = net.forward(x, training=True)
    delta = rng.normal(size=a.shape)
    slope = (x @ layer.kernel + layer.bias > 0).astype(float)
    net.backward(delta.copy())
    np.testing.assert_allclose(layer.grads["bias"], (delta * slope).sum(axis=0))
    np.testing.assert_allclose(layer.grads["kernel"], x.T @ (delta * slope))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("units", [1, 3])
@pytest.mark.parametrize("allocated_rows", [None, 8])
def test_dense_input_gradient(dtype, units, allocated_rows):
    # one output unit takes a broadcast outer product, wider layers a matrix
    # product: both are delta @ kernel.T, for 2-D and sequence (3-D) inputs
    layer = Dense(units, "tanh")
    net = Sequential([Dense(4), layer]).build(4, np.random.RandomState(3), dtype)
    if allocated_rows is not None:
        net.allocate(allocated_rows)
    for shape in [(8, 4), (2, 4, 4)]:
        x = rng.normal(size=shape).astype(dtype)
        a = net.forward(x, training=True)
        delta = rng.normal(size=a.shape).astype(dtype)
        expected = (delta * (1 - a * a)) @ layer.kernel.T
        dx = layer.backward(delta.copy())
        assert dx.shape == (*shape[:-1], 4) and dx.dtype == dtype
        np.testing.assert_allclose(
            dx, expected, rtol=1e-5 if dtype == np.float32 else 1e-12
        )
