"""Recurrent cells: gradients through time by central differences, and
LSTM/GRU against PyTorch with copied weights (skipped where torch is absent)."""

import numpy as np
import pytest

from skdeep.nn import Dense, Sequential, losses, objective
from skdeep.nn.cells import CELLS, get
from skdeep.nn.recurrent import RNN
from skdeep.utils import check_gradient

N, T, F, UNITS = 4, 6, 3, 5


def stacked(cell, activation, return_sequences, rng):
    net = Sequential([
        RNN(UNITS, activation, return_sequences=True, cell=cell),
        RNN(4, activation, return_sequences=return_sequences, cell=cell),
        Dense(2),
    ]).build(F, rng)  # fmt: skip
    net.params[:] = rng.normal(scale=0.4, size=net.params.size)
    return net


@pytest.mark.parametrize("cell", sorted(CELLS))
@pytest.mark.parametrize("activation", ["tanh", "relu", "gelu"])
@pytest.mark.parametrize("return_sequences", [False, True])
def test_gradient_through_time_matches_central_differences(
    cell, activation, return_sequences
):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(N, T, F))
    net = stacked(cell, activation, return_sequences, rng)
    Y = rng.normal(size=(N, T, 2) if return_sequences else (N, 2))
    loss = losses.SquaredError()
    objective(net, loss, X, Y, None)
    check_gradient(
        lambda p: objective(net, loss, X, Y, None), net.grads.copy(), net.params,
        atol=1e-8,
    )  # fmt: skip


@pytest.mark.parametrize("cell", sorted(CELLS))
def test_input_gradient_matches_central_differences(cell):
    """trace/input_gradient (inference mode, no stored state) against
    central differences of the forward pass, wrt every step's inputs."""
    rng = np.random.RandomState(1)
    X = rng.normal(size=(N, T, F))
    layer = Sequential([RNN(UNITS, return_sequences=True, cell=cell)]).build(F, rng)
    G = rng.normal(size=(N, T, UNITS))
    out, records = layer._trace(X)
    dx = layer.layers[0].input_gradient(G.copy(), records[0])
    eps, fd = 1e-6, np.zeros_like(X)
    for index in np.ndindex(*X.shape):
        step = np.zeros_like(X)
        step[index] = eps
        fd[index] = ((layer.forward(X + step) - layer.forward(X - step)) * G).sum()
    np.testing.assert_allclose(dx, fd / (2 * eps), rtol=1e-6, atol=1e-9)


def test_the_registry_names_its_cells():
    assert set(CELLS) == {"simple", "lstm", "gru"}
    with pytest.raises(ValueError, match="lstm"):
        get("lstn")


def test_lstm_starts_with_a_forget_bias_of_one():
    layer = Sequential([RNN(3, cell="lstm")]).build(2, np.random.RandomState(0))
    bias = layer.layers[0].bias
    np.testing.assert_array_equal(bias[3:6], 1.0)
    np.testing.assert_array_equal(np.r_[bias[:3], bias[6:]], 0.0)


# --------------------------------------------------------------- PyTorch
def torch_twin(layer, torch):
    """A torch.nn.LSTM/GRU with ``layer``'s weights (float64)."""
    kind = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[layer.cell.name]
    twin = kind(layer.n_in, layer.units, batch_first=True, dtype=torch.float64)
    with torch.no_grad():
        twin.weight_ih_l0.copy_(torch.from_numpy(layer.kernel.T.copy()))
        twin.weight_hh_l0.copy_(torch.from_numpy(layer.recurrent_kernel.T.copy()))
        twin.bias_ih_l0.copy_(torch.from_numpy(layer.bias.copy()))
        if layer.cell.name == "gru":
            twin.bias_hh_l0.copy_(torch.from_numpy(layer.params["recurrent_bias"]))
        else:  # one bias: torch's two add up
            twin.bias_hh_l0.zero_()
    return twin


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_forward_states_and_one_bptt_gradient_equal_torch(cell):
    torch = pytest.importorskip("torch")
    rng = np.random.RandomState(2)
    X = rng.normal(size=(N, T, F))
    net = Sequential([RNN(UNITS, return_sequences=True, cell=cell)]).build(F, rng)
    net.params[:] = rng.normal(scale=0.5, size=net.params.size)
    layer = net.layers[0]
    twin = torch_twin(layer, torch)
    X_t = torch.from_numpy(X).requires_grad_(True)
    out_t, state_t = twin(X_t)
    out = net.forward(X, training=True)
    np.testing.assert_allclose(out, out_t.detach().numpy(), rtol=0, atol=1e-9)
    h_final = (state_t[0] if cell == "lstm" else state_t)[0].detach().numpy()
    np.testing.assert_allclose(out[:, -1], h_final, atol=1e-9)
    if cell == "lstm":  # the cell state too
        c_final = state_t[1][0].detach().numpy()
        np.testing.assert_allclose(layer._trajectory["c"][-1], c_final, atol=1e-9)
    G = rng.normal(size=out.shape)
    (out_t * torch.from_numpy(G)).sum().backward()
    dx = layer.backward(G.copy())
    np.testing.assert_allclose(dx, X_t.grad.numpy(), atol=1e-9)
    grads = layer.grads
    np.testing.assert_allclose(grads["kernel"], twin.weight_ih_l0.grad.numpy().T,
                               atol=1e-9)  # fmt: skip
    np.testing.assert_allclose(grads["recurrent_kernel"],
                               twin.weight_hh_l0.grad.numpy().T, atol=1e-9)  # fmt: skip
    np.testing.assert_allclose(grads["bias"], twin.bias_ih_l0.grad.numpy(), atol=1e-9)
    if cell == "gru":
        np.testing.assert_allclose(grads["recurrent_bias"],
                                   twin.bias_hh_l0.grad.numpy(), atol=1e-9)  # fmt: skip


def test_gru_chrono_initialization_spans_the_timescale():
    """With a timescale the update gate's bias is log(U(1, T - 1)) per unit
    (the other biases zero); without one every bias starts at zero."""
    rng = np.random.RandomState(0)
    net = Sequential([RNN(200, cell="gru", timescale=40)]).build(F, rng)
    bias, u = net.layers[0].params["bias"], 200
    update = bias[u : 2 * u]
    assert update.min() >= 0 and update.max() <= np.log(39)
    # log of a uniform draw: its exponential is uniform on [1, 39]
    assert abs(np.exp(update).mean() - 20) < 2 and np.exp(update).std() > 9
    assert not bias[:u].any() and not bias[2 * u :].any()
    assert not net.layers[0].params["recurrent_bias"].any()
    plain = Sequential([RNN(200, cell="gru")]).build(F, np.random.RandomState(0))
    assert not plain.layers[0].params["bias"].any()


def test_the_estimators_give_the_gru_their_sequence_length():
    from skdeep import RNNRegressor

    X = np.random.RandomState(0).normal(size=(20, 30, 2))
    est = RNNRegressor(cell="gru", hidden_layer_sizes=(8, 8), max_iter=1)
    network = est.fit(X, X[:, -1, 0])._network
    assert [layer.cell.timescale for layer in network.layers[:2]] == [30, 30]
