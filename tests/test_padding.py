"""Right-padded sequences in the engine: padded steps change neither outputs
nor gradients; a padded batch equals its length groups taken separately."""

import numpy as np
import pytest

from skdeep.nn import Dense, Sequential, losses, objective
from skdeep.nn.cells import CELLS
from skdeep.nn.padding import mark_padding, split_padding
from skdeep.nn.recurrent import RNN
from skdeep.nn.training import mean_loss

F, SHORT, LONG = 3, 4, 7


def network(cell, return_sequences, rng):
    net = Sequential([
        RNN(5, return_sequences=True, cell=cell),
        RNN(4, return_sequences=return_sequences, cell=cell),
        Dense(2),
    ]).build(F, rng)  # fmt: skip
    net.params[:] = rng.normal(scale=0.4, size=net.params.size)
    return net


def groups(rng, return_sequences):
    """A short group (3 sequences of SHORT steps), a long one (2 of LONG),
    and the two stacked into one right-padded batch."""
    X_short, X_long = rng.normal(size=(3, SHORT, F)), rng.normal(size=(2, LONG, F))
    target = (lambda n, t: (n, t, 2)) if return_sequences else (lambda n, t: (n, 2))
    Y_short, Y_long = (
        rng.normal(size=target(3, SHORT)),
        rng.normal(size=target(2, LONG)),
    )
    X = np.concatenate([np.pad(X_short, ((0, 0), (0, LONG - SHORT), (0, 0))), X_long])
    lengths = np.array([SHORT] * 3 + [LONG] * 2)
    mark_padding(X, lengths)
    Y = Y_short, Y_long
    if return_sequences:
        Y = np.pad(Y_short, ((0, 0), (0, LONG - SHORT), (0, 0)), constant_values=7.0)
        Y = mark_padding(np.concatenate([Y, Y_long]), lengths)
    else:
        Y = np.concatenate(Y)
    return (X_short, Y_short), (X_long, Y_long), (X, Y)


@pytest.mark.parametrize("cell", sorted(CELLS))
@pytest.mark.parametrize("return_sequences", [False, True])
def test_a_padded_batch_equals_its_length_groups(cell, return_sequences):
    rng = np.random.RandomState(0)
    net = network(cell, return_sequences, rng)
    short, long_, (X, Y) = groups(rng, return_sequences)
    loss = losses.SquaredError()
    # element counts weight the groups: sequences, or time steps of sequences
    weights = [3, 2] if not return_sequences else [3 * SHORT, 2 * LONG]
    expected_value, expected_grads = 0.0, np.zeros_like(net.params)
    for (Xg, Yg), weight in zip((short, long_), weights, strict=True):
        expected_value += weight * objective(net, loss, Xg, Yg)
        expected_grads += weight * net.grads
    total = sum(weights)
    value = objective(net, loss, X, Y)
    np.testing.assert_allclose(value, expected_value / total, rtol=1e-12)
    np.testing.assert_allclose(net.grads, expected_grads / total, atol=1e-13)
    np.testing.assert_allclose(mean_loss(loss, Y, net.forward(X)), value, rtol=1e-12)


@pytest.mark.parametrize("cell", sorted(CELLS))
@pytest.mark.parametrize("return_sequences", [False, True])
def test_padded_outputs_and_input_gradients_equal_the_unpadded(cell, return_sequences):
    rng = np.random.RandomState(1)
    net = network(cell, return_sequences, rng)
    (X_short, _), (X_long, _), (X, _) = groups(rng, return_sequences)
    out = net.forward(X)
    expected = net.forward(X_short)
    np.testing.assert_allclose(
        out[:3, :SHORT] if return_sequences else out[:3], expected, atol=1e-14
    )
    np.testing.assert_allclose(out[3:], net.forward(X_long), atol=1e-14)
    n_raw = 2 * (LONG if return_sequences else 1)
    seeds = lambda raw: np.tile(np.eye(raw.shape[1]), (len(raw), 1, 1))  # noqa: E731
    _, jacobian = net.raw_and_input_jacobian(X, seeds, n_raw)
    _, jac_long = net.raw_and_input_jacobian(X_long, seeds, n_raw)
    np.testing.assert_allclose(jacobian[3:], jac_long, atol=1e-13)
    short_raw = 2 * (SHORT if return_sequences else 1)
    _, jac_short = net.raw_and_input_jacobian(X_short, seeds, short_raw)
    if return_sequences:  # the predictions at padded steps depend on nothing
        rows = jacobian[:3].reshape(3, LONG, 2, LONG, F)
        np.testing.assert_array_equal(rows[:, SHORT:], 0)
        rows = rows[:, :SHORT].reshape(3, short_raw, LONG, F)
    else:
        rows = jacobian[:3]
    np.testing.assert_allclose(rows[..., :SHORT, :], jac_short, atol=1e-13)
    np.testing.assert_array_equal(rows[..., SHORT:, :], 0)


def test_split_padding_leaves_unpadded_input_alone():
    x = np.ones((2, 3, 1))
    assert split_padding(x)[0] is x and split_padding(x)[1] is None
    assert split_padding(np.ones((2, 3)))[1] is None
