"""The periodic numeric embedding, by central differences and by hand."""

import math

import numpy as np
import pytest

from skdeep.nn import Dense, Sequential, losses, objective
from skdeep.nn.embedding import CategoricalEmbedding
from skdeep.nn.periodic import PeriodicEmbedding
from skdeep.utils import check_gradient, check_input_jacobian


def network(rng, n_frequencies=4, dim=2):
    layers = [
        PeriodicEmbedding(n_columns=2, n_frequencies=n_frequencies, dim=dim),
        CategoricalEmbedding([3], dim=2),
        Dense(3, "tanh"),
        Dense(1),
    ]
    return Sequential(layers).build(3, rng)


def data(rng, n=12):
    X = np.column_stack([rng.normal(size=(n, 2)), rng.randint(0, 3, size=n)])
    return X, rng.normal(size=(n, 1))


def test_gradients_match_central_differences():
    rng = np.random.RandomState(0)
    net = network(rng)
    net.params[:] = rng.normal(size=net.params.size)
    X, Y = data(rng)
    loss = losses.SquaredError()
    objective(net, loss, X, Y)
    check_gradient(lambda p: objective(net, loss, X, Y), net.grads.copy(), net.params)


def test_the_features_are_the_formula():
    rng = np.random.RandomState(1)
    layer = PeriodicEmbedding(n_columns=2, n_frequencies=3, dim=2, lr_factor=0.5)
    net = Sequential([layer]).build(3, rng)
    X = np.array([[0.3, -1.2, 2.0], [1.5, 0.4, 0.0]])
    out = net.forward(X)
    p = {name: value * 0.5 for name, value in layer.params.items()}
    for j in range(2):
        cosines = np.cos(2 * math.pi * X[:, [j]] * p["frequencies"][j] + p["phases"][j])
        expected = cosines @ p["weights"][j] + p["biases"][j]
        np.testing.assert_allclose(out[:, 2 * j : 2 * j + 2], expected, rtol=1e-12)
    np.testing.assert_array_equal(out[:, 4:], X)  # raw values, then the code


def test_initialization_follows_the_recipe():
    layer = PeriodicEmbedding(n_frequencies=2000, dim=3, sigma=0.1, lr_factor=0.1)
    Sequential([layer]).build(1, np.random.RandomState(2))
    frequencies = layer.params["frequencies"] * 0.1
    phases = layer.params["phases"] * 0.1
    assert abs(frequencies.std() - 0.1) < 0.01
    assert phases.min() >= -math.pi and phases.max() <= math.pi
    assert np.abs(layer.params["weights"] * 0.1).max() <= 1 / math.sqrt(2000)


def test_input_jacobian_matches_central_differences():
    rng = np.random.RandomState(3)
    net = network(rng, n_frequencies=5, dim=3)
    X, _ = data(rng, 6)
    jacobian = check_input_jacobian(net, X, columns=[0, 1], atol=1e-10)
    assert not jacobian[:, 2].any()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_is_kept(dtype):
    rng = np.random.RandomState(4)
    net = Sequential([PeriodicEmbedding(), Dense(2)]).build(3, rng, dtype=dtype)
    out = net.forward(rng.normal(size=(4, 3)).astype(dtype))
    assert out.dtype == dtype


def test_more_columns_than_the_input_are_refused():
    with pytest.raises(ValueError, match="n_columns=4 is not within the 3 input"):
        Sequential([PeriodicEmbedding(n_columns=4)]).build(3, np.random.RandomState(0))
