"""The neural-tangent-parametrized dense layer, by central differences and
against a plain Dense layer with the effective weights."""

import numpy as np

from skdeep.nn import Dense, Sequential, losses, objective
from skdeep.nn.ntk import NTKDense
from skdeep.utils import check_gradient


def test_gradients_match_central_differences():
    rng = np.random.RandomState(0)
    net = Sequential([NTKDense(5, "gelu"), NTKDense(2, bias_factor=0.3)]).build(3, rng)
    net.params[:] = rng.normal(size=net.params.size)
    X, Y = rng.normal(size=(8, 3)), rng.normal(size=(8, 2))
    loss = losses.SquaredError()
    objective(net, loss, X, Y)
    check_gradient(lambda p: objective(net, loss, X, Y), net.grads.copy(), net.params)


def test_it_computes_a_dense_layer_with_the_effective_weights():
    rng = np.random.RandomState(1)
    ntk = Sequential([NTKDense(4, "tanh", bias_factor=0.5)]).build(9, rng)
    ntk.layers[0].params["bias"][...] = rng.normal(size=4)
    dense = Sequential([Dense(4, "tanh")]).build(9, rng)
    dense.layers[0].params["kernel"][...] = ntk.layers[0].params["kernel"] / 3.0
    dense.layers[0].params["bias"][...] = ntk.layers[0].params["bias"] * 0.5
    X = rng.normal(size=(6, 9))
    np.testing.assert_allclose(ntk.forward(X), dense.forward(X))
    assert abs(ntk.layers[0].params["kernel"].std() - 1) < 0.3  # standard normal


def test_data_dependent_biases_put_each_kink_on_a_data_row():
    rng = np.random.RandomState(2)
    layer = Sequential([NTKDense(50, "relu")]).build(3, rng).layers[0]
    X = rng.normal(size=(40, 3))
    layer.initialize_from_data(X, np.random.RandomState(0))
    pre = X @ layer.params["kernel"] / np.sqrt(3) + layer.params["bias"] * 0.1
    # every unit is zero at one of the rows
    assert np.all(np.abs(pre).min(axis=0) < 1e-12)
