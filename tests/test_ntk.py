"""The neural-tangent-parametrized dense layer, by central differences and
against a plain Dense layer with the effective weights."""

import numpy as np

from skdeep.nn import Dense, Sequential, losses, objective
from skdeep.nn.ntk import NTKDense, initialize_from_rows
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


def test_data_dependent_init_standardizes_and_centres_each_unit():
    rng = np.random.RandomState(2)
    layer = Sequential([NTKDense(50, "relu")]).build(3, rng).layers[0]
    X = rng.normal(loc=2.0, scale=[1.0, 5.0, 0.1], size=(40, 3))
    layer.initialize_from_data(X, np.random.RandomState(0))
    weights_only = X @ layer.params["kernel"] / np.sqrt(3)
    np.testing.assert_allclose(weights_only.std(axis=0), 1.0, rtol=1e-12)
    pre = weights_only + layer.params["bias"] * 0.1
    # each unit's zero lies within the range of its pre-activations over the rows
    assert np.all((pre.min(axis=0) <= 0) & (pre.max(axis=0) >= 0))


def test_data_dependent_bias_is_a_convex_combination_of_rows():
    # with one row per combination, the bias puts that row exactly at zero
    rng = np.random.RandomState(3)
    layer = Sequential([NTKDense(20)]).build(4, rng).layers[0]
    X = rng.normal(size=(30, 4))
    layer.initialize_from_data(X, np.random.RandomState(1), n_simplex=1)
    pre = X @ layer.params["kernel"] / 2.0 + layer.params["bias"] * 0.1
    assert np.all(np.abs(pre).min(axis=0) < 1e-12)


def test_initialize_from_rows_sets_every_ntk_layer_from_its_inputs():
    rng = np.random.RandomState(4)
    net = Sequential([NTKDense(16, "tanh"), NTKDense(8, "relu"), NTKDense(1)])
    net = net.build(5, rng)
    X = rng.normal(scale=3.0, size=(300, 5))
    initialize_from_rows(net, X, np.random.RandomState(0), max_rows=300)
    x = X
    for layer in net.layers:
        z = x @ layer.params["kernel"] * layer.weight_factor
        np.testing.assert_allclose(z.std(axis=0), 1.0, rtol=1e-10)
        x = layer.forward(x)
