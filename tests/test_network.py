"""Sequential: flat-vector layout and whole-network gradient checks."""

import pickle

import numpy as np
import pytest
import scipy.sparse as sp

from skdeep.nn import Dense, Sequential, losses, objective, penalties
from skdeep.utils import check_gradient


def make_network(n_in, hidden, n_out, activation="tanh", seed=0):
    layers = [Dense(u, activation) for u in hidden] + [Dense(n_out)]
    return Sequential(layers).build(n_in, np.random.RandomState(seed))


def test_layout_kernels_first_and_views():
    net = make_network(3, [4, 5], 2)
    sizes = [3 * 4, 4 * 5, 5 * 2]
    assert net.n_penalized == sum(sizes)
    assert net.params.size == sum(sizes) + 4 + 5 + 2
    offset = 0
    for layer, size in zip(net.layers, sizes, strict=True):
        assert np.shares_memory(layer.kernel, net.params)
        np.testing.assert_array_equal(
            layer.kernel.ravel(), net.params[offset : offset + size]
        )
        offset += size
    assert np.shares_memory(net.layers[-1].bias, net.params[net.n_penalized :])
    net.params[:] = 0.0
    assert not net.layers[1].kernel.any()


def test_initialization_matches_sklearn_glorot_bounds():
    net = make_network(10, [20], 1, activation="relu")
    bound = np.sqrt(6.0 / (10 + 20))
    kernel = net.layers[0].kernel
    assert np.abs(kernel).max() <= bound
    assert np.abs(kernel).max() > 0.8 * bound  # uniform, not tiny


CASES = [
    # hidden sizes, n_outputs, activation, loss
    ([], 1, "relu", "squared_error"),
    ([6], 1, "tanh", "squared_error"),
    ([5, 4, 3], 2, "logistic", "squared_error"),
    ([4], 3, "softplus", "poisson"),
    ([5, 3], 1, "elu", "binary_log_loss"),
    ([4], 3, "gelu", "binary_log_loss"),
    ([6, 4, 5], 3, "tanh", "log_loss"),
    ([5], 4, "leaky_relu", "log_loss"),
]


def make_targets(loss, rng, n, k):
    if loss == "squared_error":
        return rng.normal(size=(n, k))
    if loss == "poisson":
        return rng.poisson(1.5, size=(n, k)).astype(float)
    if loss == "binary_log_loss":
        return (rng.uniform(size=(n, k)) > 0.5).astype(float)
    return np.eye(k)[rng.randint(0, k, size=n)]


@pytest.mark.parametrize("hidden, n_out, activation, loss_name", CASES)
@pytest.mark.parametrize("weighted", [False, True])
def test_network_gradient_matches_central_differences(
    hidden, n_out, activation, loss_name, weighted
):
    rng = np.random.RandomState(1)
    n, n_in = 9, 4
    X = rng.normal(size=(n, n_in))
    Y = make_targets(loss_name, rng, n, n_out)
    sw = rng.uniform(0.1, 3.0, size=n) if weighted else None
    net = make_network(n_in, hidden, n_out, activation)
    net.allocate(n)
    loss = losses.get(loss_name)
    kwargs = dict(penalty=penalties.L2(), alpha=0.3)
    objective(net, loss, X, Y, sw, **kwargs)
    grad = net.grads.copy()

    def f(params):
        return objective(net, loss, X, Y, sw, **kwargs)

    check_gradient(f, grad, net.params, rtol=1e-5, atol=1e-8)


def test_l2_penalty_scaling_and_kernels_only():
    rng = np.random.RandomState(0)
    X, Y = rng.normal(size=(8, 3)), rng.normal(size=(8, 1))
    net = make_network(3, [4], 1)
    net.allocate(8)
    loss = losses.SquaredError()
    plain = objective(net, loss, X, Y)
    g_plain = net.grads.copy()
    alpha = 0.7
    penalized = objective(net, loss, X, Y, penalty=penalties.L2(), alpha=alpha)
    w = net.params[: net.n_penalized]
    assert penalized - plain == pytest.approx(alpha * 0.5 * (w @ w) / 8)
    diff = net.grads - g_plain
    np.testing.assert_allclose(diff[: net.n_penalized], alpha * w / 8)
    assert not diff[net.n_penalized :].any()  # biases are never penalized


def test_sparse_input_gives_dense_results():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(10, 6)) * (rng.uniform(size=(10, 6)) > 0.6)
    Y = rng.normal(size=(10, 2))
    net = make_network(6, [5], 2)
    net.allocate(10)
    dense = objective(net, losses.SquaredError(), X, Y)
    g_dense = net.grads.copy()
    for fmt in (sp.csr_matrix, sp.csc_array):
        sparse = objective(net, losses.SquaredError(), fmt(X), Y)
        assert sparse == pytest.approx(dense)
        np.testing.assert_allclose(net.grads, g_dense, rtol=1e-12)


def test_inference_forward_does_not_touch_training_buffers():
    rng = np.random.RandomState(0)
    net = make_network(3, [4], 1)
    net.allocate(5)
    X = rng.normal(size=(5, 3))
    train_out = net.forward(X, training=True).copy()
    other = net.forward(rng.normal(size=(5, 3)))
    np.testing.assert_array_equal(net.layers[-1]._out, train_out)
    assert not np.shares_memory(other, net.layers[-1]._out)


def test_pickle_restores_views_and_drops_gradients():
    net = make_network(3, [4], 2)
    clone = pickle.loads(pickle.dumps(net))
    np.testing.assert_array_equal(clone.params, net.params)
    for layer in clone.layers:
        assert np.shares_memory(layer.kernel, clone.params)
        assert np.shares_memory(layer.bias, clone.params)
    net.allocate(50)
    state = net.layers[0].__getstate__()
    assert "_out" not in state and "_dx" not in state and not state["params"]
    assert len(pickle.dumps(net)) < 2 * net.params.nbytes + 2000


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_float32_end_to_end(dtype):
    rng = np.random.RandomState(0)
    net = Sequential([Dense(4, "relu"), Dense(2)]).build(3, rng, dtype)
    net.allocate(6)
    X = rng.normal(size=(6, 3)).astype(dtype)
    Y = rng.normal(size=(6, 2)).astype(dtype)
    objective(net, losses.SquaredError(), X, Y)
    assert net.params.dtype == dtype and net.grads.dtype == dtype
    assert net.forward(X).dtype == dtype
