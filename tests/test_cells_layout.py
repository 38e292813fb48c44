"""The gated cells' internal gate-major layout: the public weights stay
PyTorch's, the fast tanh path equals the general activation path, inference
keeps no state, and edge shapes work."""

import pickle
import threading

import numpy as np
import pytest

from skdeep.nn import Sequential, activations
from skdeep.nn.activations import Activation
from skdeep.nn.recurrent import RNN

N, T, F, UNITS = 5, 7, 3, 4

#: tanh under another name: the cells take their general activation path
SLOW_TANH = Activation(
    "slow_tanh",
    activations.get("tanh").forward,
    activations.get("tanh").derivative,
)


def network(cell, activation="tanh", return_sequences=True, seed=0, dtype=np.float64):
    rng = np.random.RandomState(seed)
    net = Sequential([
        RNN(UNITS, activation, return_sequences=return_sequences, cell=cell),
    ]).build(F, rng, dtype)  # fmt: skip
    net.params[:] = rng.normal(scale=0.5, size=net.params.size)
    return net


def pass_through(net, X, G):
    """Output, input gradient and parameter gradients of one training pass."""
    out = net.forward(X, training=True).copy()
    dx = net.layers[0].backward(G.copy())
    return out, dx, net.grads.copy()


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_the_general_activation_path_equals_the_tanh_path(cell):
    rng = np.random.RandomState(1)
    X, G = rng.normal(size=(N, T, F)), rng.normal(size=(N, T, UNITS))
    fast, slow = network(cell), network(cell)
    slow.layers[0].cell.activation = SLOW_TANH
    for a, b in zip(pass_through(fast, X, G), pass_through(slow, X, G), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-13)


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_a_pass_leaves_the_public_weights_and_the_cell_untouched(cell):
    rng = np.random.RandomState(2)
    net = network(cell)
    layer = net.layers[0]
    params, cell_state = net.params.copy(), dict(vars(layer.cell))
    X = rng.normal(size=(N, T, F))
    pass_through(net, X, rng.normal(size=(N, T, UNITS)))
    layer.input_gradient(rng.normal(size=(N, T, UNITS)), layer.trace(X)[1])
    np.testing.assert_array_equal(net.params, params)
    assert vars(layer.cell).keys() == cell_state.keys()
    shapes = {name: view.shape for name, view in layer.params.items()}
    assert shapes == layer.cell.param_shapes(F)


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_concurrent_predictions_equal_sequential_ones(cell):
    rng = np.random.RandomState(3)
    net = network(cell)
    inputs = [rng.normal(size=(N + k, T, F)) for k in range(6)]
    expected = [net.forward(x).copy() for x in inputs]
    results = [None] * len(inputs)

    def predict(k):
        for _ in range(20):
            results[k] = net.forward(inputs[k]).copy()

    threads = [threading.Thread(target=predict, args=(k,)) for k in range(len(inputs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for got, want in zip(results, expected, strict=True):
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("cell", ["lstm", "gru"])
@pytest.mark.parametrize("shape", [(1, 1), (1, T), (N, 1)])
def test_edge_shapes_match_torch(cell, shape):
    torch = pytest.importorskip("torch")
    from test_cells import torch_twin

    n, steps = shape
    rng = np.random.RandomState(4)
    net = network(cell)
    layer = net.layers[0]
    X, G = rng.normal(size=(n, steps, F)), rng.normal(size=(n, steps, UNITS))
    X_t = torch.from_numpy(X).requires_grad_(True)
    twin = torch_twin(layer, torch)
    out_t = twin(X_t)[0]
    (out_t * torch.from_numpy(G)).sum().backward()
    out, dx, _ = pass_through(net, X, G)
    np.testing.assert_allclose(out, out_t.detach().numpy(), atol=1e-12)
    np.testing.assert_allclose(dx, X_t.grad.numpy(), atol=1e-12)
    np.testing.assert_allclose(
        layer.grads["recurrent_kernel"], twin.weight_hh_l0.grad.numpy().T, atol=1e-12
    )


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_float32_passes_agree_with_float64(cell):
    rng = np.random.RandomState(5)
    X, G = rng.normal(size=(N, T, F)), rng.normal(size=(N, T, UNITS))
    single, double = network(cell, dtype=np.float32), network(cell)
    single.params[:] = double.params
    results = pass_through(single, X.astype(np.float32), G.astype(np.float32))
    for a, b in zip(results, pass_through(double, X, G), strict=True):
        assert a.dtype == np.float32
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_the_trajectory_is_not_pickled(cell):
    rng = np.random.RandomState(6)
    net = network(cell, return_sequences=False)
    pass_through(net, rng.normal(size=(N, T, F)), rng.normal(size=(N, UNITS)))
    layer = pickle.loads(pickle.dumps(net.layers[0]))
    assert layer._trajectory is None and layer._xt is None
