"""The categorical embedding layer: a table lookup with the gradient of a
one-hot product, checked by central differences and against the product."""

import numpy as np
import pytest

from skdeep.nn import Dense, Sequential, losses, objective
from skdeep.nn.embedding import CategoricalEmbedding
from skdeep.utils import check_gradient, check_input_jacobian

CARDS = [3, 5]


def data(rng, n=20):
    numeric = rng.normal(size=(n, 2))
    codes = np.column_stack([rng.randint(0, c, size=n) for c in CARDS])
    return np.column_stack([numeric, codes]).astype(float)


def network(rng):
    net = Sequential([CategoricalEmbedding(CARDS, dim=3), Dense(4, "tanh"), Dense(1)])
    return net.build(4, rng)


def test_gradients_match_central_differences():
    rng = np.random.RandomState(0)
    net, X = network(rng), data(rng)
    Y = rng.normal(size=(20, 1))
    loss = losses.SquaredError()
    objective(net, loss, X, Y)
    check_gradient(lambda p: objective(net, loss, X, Y), net.grads.copy(), net.params)


def test_the_lookup_equals_a_one_hot_product():
    rng = np.random.RandomState(1)
    net, X = network(rng), data(rng)
    layer = net.layers[0]
    out = layer.forward(X)
    tables = layer.params["tables"]
    one_hot = np.zeros((20, sum(CARDS)))
    one_hot[np.arange(20), X[:, 2].astype(int)] = 1
    one_hot[np.arange(20), 3 + X[:, 3].astype(int)] = 1
    np.testing.assert_array_equal(out[:, :2], X[:, :2])
    np.testing.assert_allclose(out[:, 2:5], one_hot[:, :3] @ tables[:3])
    np.testing.assert_allclose(out[:, 5:], one_hot[:, 3:] @ tables[3:])
    delta = rng.normal(size=out.shape)
    layer.forward(X, training=True)
    dx = layer.backward(delta.copy())
    expected = one_hot[:, :3].T @ delta[:, 2:5], one_hot[:, 3:].T @ delta[:, 5:]
    np.testing.assert_allclose(layer.grads["tables"], np.vstack(expected))
    np.testing.assert_array_equal(dx[:, :2], delta[:, :2])
    assert not dx[:, 2:].any()


def test_input_jacobian_reaches_the_numeric_columns_only():
    rng = np.random.RandomState(2)
    net, X = network(rng), data(rng, 5)
    jacobian = check_input_jacobian(net, X, columns=[0, 1], atol=0)
    assert not jacobian[:, 2:].any()


@pytest.mark.parametrize("code", [-1.0, 3.0, 0.5])
def test_a_code_out_of_range_is_refused(code):
    rng = np.random.RandomState(3)
    net, X = network(rng), data(rng, 4)
    X[1, 2] = code
    with pytest.raises(ValueError, match="Embedded feature 0 got a code outside"):
        net.forward(X)
