"""The parametric activation, by central differences, by hand and (where
installed) against torch."""

import numpy as np
import pytest

from skdeep.nn import Dense, Sequential, losses, objective
from skdeep.nn.parametric import ParametricActivation
from skdeep.utils import check_gradient, check_input_jacobian

NAMES = ["selu", "mish", "relu", "gelu", "tanh"]


@pytest.mark.parametrize("name", NAMES)
def test_gradients_match_central_differences(name):
    rng = np.random.RandomState(0)
    net = Sequential([Dense(4), ParametricActivation(name, lr_factor=0.5), Dense(1)])
    net = net.build(3, rng)
    net.params[:] = rng.normal(size=net.params.size)
    X, Y = rng.normal(size=(9, 3)), rng.normal(size=(9, 1))
    loss = losses.SquaredError()
    objective(net, loss, X, Y)
    check_gradient(lambda p: objective(net, loss, X, Y), net.grads.copy(), net.params)


@pytest.mark.parametrize("name", NAMES)
def test_input_jacobian_matches_central_differences(name):
    rng = np.random.RandomState(1)
    net = Sequential([Dense(4), ParametricActivation(name), Dense(1)]).build(2, rng)
    net.params[:] = rng.normal(size=net.params.size)
    X = rng.normal(size=(5, 2))
    check_input_jacobian(net, X)


def test_alpha_mixes_the_activation_and_the_identity():
    layer = ParametricActivation("relu", lr_factor=0.1)
    net = Sequential([layer]).build(3, np.random.RandomState(0))
    np.testing.assert_allclose(layer.alpha, 1.0)
    layer.params["alpha"][...] = [0.0, 5.0, 10.0]  # alpha 0, 0.5, 1
    z = np.array([[-2.0, -2.0, -2.0], [3.0, 3.0, 3.0]])
    np.testing.assert_allclose(net.forward(z), [[-2.0, -1.0, 0.0], [3.0, 3.0, 3.0]])


def test_matches_torch_with_the_same_alpha():
    torch = pytest.importorskip("torch")
    rng = np.random.RandomState(2)
    layer = ParametricActivation("mish", lr_factor=0.1)
    net = Sequential([layer]).build(4, rng)
    layer.params["alpha"][...] = rng.uniform(0, 20, size=4)
    z = rng.normal(scale=2.0, size=(6, 4))
    out = net.forward(z, training=True)
    delta = rng.normal(size=z.shape)
    dz = layer.backward(delta.copy())
    tz = torch.tensor(z, requires_grad=True)
    talpha = torch.tensor(layer.alpha.copy(), requires_grad=True)
    tout = tz + talpha * (torch.nn.functional.mish(tz) - tz)
    tout.backward(torch.tensor(delta))
    np.testing.assert_allclose(out, tout.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(dz, tz.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(layer.grads["alpha"], talpha.grad.numpy() * 0.1)
