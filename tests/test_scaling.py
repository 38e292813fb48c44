"""The per-feature scaling layer, by central differences and by hand."""

import numpy as np

from skdeep.nn import Dense, Sequential, losses, objective
from skdeep.nn.scaling import FeatureScale
from skdeep.utils import check_gradient


def test_gradients_match_central_differences():
    rng = np.random.RandomState(0)
    net = Sequential([FeatureScale(lr_factor=6.0), Dense(3, "tanh"), Dense(1)])
    net = net.build(4, rng)
    net.params[:] = rng.normal(size=net.params.size)
    X, Y = rng.normal(size=(10, 4)), rng.normal(size=(10, 1))
    loss = losses.SquaredError()
    objective(net, loss, X, Y)
    check_gradient(lambda p: objective(net, loss, X, Y), net.grads.copy(), net.params)


def test_the_factor_multiplies_the_parameter_and_its_gradient():
    net = Sequential([FeatureScale(lr_factor=4.0)]).build(2, np.random.RandomState(0))
    layer = net.layers[0]
    np.testing.assert_array_equal(layer.factors, [1.0, 1.0])
    layer.params["scale"][...] = [0.5, -1.0]  # factors 2 and -4
    x = np.array([[1.0, 2.0], [3.0, -1.0]])
    np.testing.assert_array_equal(
        layer.forward(x, training=True), [[2.0, -8.0], [6.0, 4.0]]
    )
    delta = np.array([[1.0, 1.0], [0.5, 2.0]])
    dx = layer.backward(delta.copy())
    # d out / d parameter = x * lr_factor, summed over the rows
    np.testing.assert_array_equal(
        layer.grads["scale"], [4.0 * (1 + 1.5), 4.0 * (2 - 2)]
    )
    np.testing.assert_array_equal(dx, delta * [2.0, -4.0])
