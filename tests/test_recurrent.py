"""Recurrent networks: gradients through time, a loop reference, learning tasks,
sequence input handling and tooling."""

import pickle
import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import r2_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdeep import SequenceScaler, SimpleRNN, SimpleRNNClassifier
from skdeep.datasets import make_windows
from skdeep.nn import Dense, Sequential, losses, objective
from skdeep.nn.recurrent import RNN
from skdeep.optimizers import RMSProp
from skdeep.utils import check_gradient


@pytest.fixture(autouse=True)
def _quiet_convergence():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


# ------------------------------------------------------------------- engine
@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("activation", ["tanh", "relu", "gelu"])
@pytest.mark.parametrize("weighted", [False, True])
def test_gradient_through_time_two_stacked_layers(
    return_sequences, activation, weighted
):
    rng = np.random.RandomState(0)
    n, T, F = 4, 6, 3
    X = rng.normal(size=(n, T, F))
    net = Sequential(
        [
            RNN(5, activation, return_sequences=True),
            RNN(4, activation, return_sequences=return_sequences),
            Dense(2),
        ]
    ).build(F, rng)
    Y = rng.normal(size=(n, T, 2) if return_sequences else (n, 2))
    sw = rng.uniform(0.5, 2.0, size=n) if weighted else None
    loss = losses.SquaredError()
    objective(net, loss, X, Y, sw)
    grad = net.grads.copy()
    check_gradient(
        lambda p: objective(net, loss, X, Y, sw), grad, net.params, atol=1e-8
    )


def loop_reference(X, layers, dense):
    """Plain Python loops over samples and steps, written independently."""
    out = []
    for sample in X:
        seq = sample
        for kernel, recurrent, bias, keep_all in layers:
            h = np.zeros(kernel.shape[1])
            states = []
            for x_t in seq:
                h = np.tanh(x_t @ kernel + h @ recurrent + bias)
                states.append(h)
            seq = np.array(states) if keep_all else h
        out.append(seq @ dense[0] + dense[1])
    return np.array(out)


def test_forward_equals_a_loop_reference():
    rng = np.random.RandomState(1)
    X = rng.normal(size=(5, 7, 3))
    net = Sequential([RNN(4, return_sequences=True), RNN(3), Dense(2)]).build(3, rng)
    net.params[:] = rng.normal(scale=0.5, size=net.params.size)
    r1, r2, d = net.layers
    layers = [
        (r1.kernel, r1.recurrent_kernel, r1.bias, True),
        (r2.kernel, r2.recurrent_kernel, r2.bias, False),
    ]
    expected = loop_reference(X, layers, (d.kernel, d.bias))
    np.testing.assert_allclose(net.forward(X), expected, rtol=1e-12)
    np.testing.assert_allclose(net.forward(X, training=True), expected, rtol=1e-12)


def test_keras_initialization():
    net = Sequential([RNN(6)]).build(4, np.random.RandomState(0))
    rnn = net.layers[0]
    np.testing.assert_allclose(
        rnn.recurrent_kernel @ rnn.recurrent_kernel.T, np.eye(6), atol=1e-12
    )
    assert not rnn.bias.any()
    assert np.abs(rnn.kernel).max() <= np.sqrt(6 / 10)
    assert net.n_penalized == 4 * 6 + 6 * 6  # kernel and recurrent kernel


# ------------------------------------------------------------ learning tasks
def noisy_sine(n_steps=1200, seed=0):
    rng = np.random.RandomState(seed)
    t = np.arange(n_steps)
    return np.sin(0.07 * t) + 0.5 * np.sin(0.023 * t) + 0.05 * rng.normal(size=n_steps)


def test_learns_a_noisy_sine_forecast():
    X, y = make_windows(noisy_sine(), lookback=25)
    split = int(0.8 * len(X))
    rnn = SimpleRNN(
        hidden_layer_sizes=(24,), learning_rate_init=0.01, max_iter=60, random_state=0
    ).fit(X[:split], y[:split])
    assert r2_score(y[split:], rnn.predict(X[split:])) >= 0.95


def test_learns_a_label_stored_only_in_the_first_step():
    rng = np.random.RandomState(0)
    n, T = 600, 8
    X = rng.normal(scale=0.3, size=(n, T, 1))
    labels = rng.randint(0, 2, size=n)
    X[:, 0, 0] = np.where(labels == 1, 1.0, -1.0)  # the label lives in step 0 only
    clf = SimpleRNNClassifier(
        hidden_layer_sizes=(16,), learning_rate_init=0.01, max_iter=150, random_state=0
    ).fit(X[:450], labels[:450])
    assert clf.score(X[450:], labels[450:]) >= 0.95


def test_many_to_many_regression():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(300, 12, 2))
    y = np.cumsum(X[:, :, 0], axis=1) * 0.3  # running sum at every step
    rnn = SimpleRNN(
        hidden_layer_sizes=(16,), return_sequences=True, learning_rate_init=0.01,
        max_iter=150, random_state=0,
    ).fit(X[:240], y[:240])  # fmt: skip
    pred = rnn.predict(X[240:])
    assert pred.shape == (60, 12)
    assert rnn.score(X[240:], y[240:]) > 0.9
    y3 = np.stack([y, -y], axis=2)
    rnn3 = SimpleRNN(
        hidden_layer_sizes=(8,), return_sequences=True, max_iter=3, random_state=0
    ).fit(X, y3)
    assert rnn3.predict(X).shape == (300, 12, 2) and rnn3.n_outputs_ == 2


def test_multiclass_sequences():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(300, 6, 2))
    y = np.digitize(X[:, :, 0].mean(axis=1), [-0.2, 0.2])  # three classes
    clf = SimpleRNNClassifier(
        hidden_layer_sizes=(16,), learning_rate_init=0.01, max_iter=60, random_state=0
    ).fit(X, y)
    proba = clf.predict_proba(X)
    assert proba.shape == (300, 3) and np.allclose(proba.sum(axis=1), 1)
    assert clf.out_activation_ == "softmax" and clf.score(X, y) > 0.8


# ------------------------------------------------------------------ input
def test_2d_input_is_univariate_sequences():
    rng = np.random.RandomState(0)
    X3 = rng.normal(size=(50, 6, 1))
    y = X3.sum(axis=(1, 2))
    kw = dict(hidden_layer_sizes=(4,), max_iter=3, random_state=0)
    a = SimpleRNN(**kw).fit(X3, y)
    b = SimpleRNN(**kw).fit(X3[:, :, 0], y)
    np.testing.assert_array_equal(a.predict(X3), b.predict(X3[:, :, 0]))
    assert b.n_features_in_ == 6 and b.n_timesteps_in_ == 6


def test_n_features_per_step_reshapes_2d_input():
    rng = np.random.RandomState(0)
    X3 = rng.normal(size=(40, 5, 3))
    y = X3[:, :, 0].sum(axis=1)
    kw = dict(hidden_layer_sizes=(4,), max_iter=3, random_state=0)
    a = SimpleRNN(**kw).fit(X3, y)
    b = SimpleRNN(n_features_per_step=3, **kw).fit(X3.reshape(40, 15), y)
    np.testing.assert_array_equal(a.predict(X3), b.predict(X3.reshape(40, 15)))
    with pytest.raises(ValueError, match="multiple of n_features_per_step=4"):
        SimpleRNN(n_features_per_step=4).fit(X3.reshape(40, 15), y)


def test_predict_checks_steps_and_features():
    rng = np.random.RandomState(0)
    rnn = SimpleRNN(hidden_layer_sizes=(4,), max_iter=2).fit(
        rng.normal(size=(30, 5, 3)), rng.normal(size=30)
    )
    with pytest.raises(ValueError, match="2 features per time step.*expecting 3"):
        rnn.predict(rng.normal(size=(4, 5, 2)))
    with pytest.raises(ValueError, match="7 time steps.*fitted on 5"):
        rnn.predict(rng.normal(size=(4, 7, 3)))
    with pytest.raises(TypeError, match="sparse"):
        import scipy.sparse as sp

        rnn.predict(sp.csr_matrix(np.ones((4, 15))))


def test_many_to_many_target_shape_errors():
    X = np.zeros((10, 4, 1))
    with pytest.raises(ValueError, match="return_sequences=True"):
        SimpleRNN(return_sequences=True).fit(X, np.zeros(10))


def test_needs_a_recurrent_layer():
    with pytest.raises(ValueError, match="at least one recurrent layer"):
        SimpleRNN(hidden_layer_sizes=()).fit(np.zeros((5, 3, 1)), np.zeros(5))


# --------------------------------------------------------- fitted attributes
def test_recurrent_coefs_are_writable_views():
    rng = np.random.RandomState(0)
    X, y = rng.normal(size=(20, 4, 2)), rng.normal(size=20)
    rnn = SimpleRNN(hidden_layer_sizes=(3, 5), max_iter=2, random_state=0).fit(X, y)
    (k1, r1, b1), (k2, r2, b2) = rnn.recurrent_coefs_
    assert (k1.shape, r1.shape, b1.shape) == ((2, 3), (3, 3), (3,))
    assert (k2.shape, r2.shape, b2.shape) == ((3, 5), (5, 5), (5,))
    assert [c.shape for c in rnn.coefs_] == [(5, 1)]
    k1[...] = 0.0
    r1[...] = 0.0
    b1[...] = 0.0  # first layer's states are all zero: inputs no longer matter
    np.testing.assert_allclose(rnn.predict(X), rnn.predict(np.zeros_like(X)))


# --------------------------------------------------- the shared training loop
def test_shares_the_mlp_training_features():
    rng = np.random.RandomState(0)
    X, y = rng.normal(size=(120, 5, 2)), rng.normal(size=120)
    kw = dict(
        hidden_layer_sizes=(6,), solver=RMSProp(), penalty="l1", alpha=30.0,
        learning_rate="cosine", clip_grad_norm=1.0, batch_size=32, max_iter=5,
        random_state=0,
    )  # fmt: skip
    rnn = SimpleRNN(**kw).fit(X[:100], y[:100], X_val=X[100:], y_val=y[100:])
    assert len(rnn.history_["val_loss"]) == 5
    assert rnn.history_["grad_norm"][0].shape == (2,)  # recurrent and dense layer
    assert (rnn.recurrent_coefs_[0][0] == 0).any()  # L1's exact zeros
    rnn.partial_fit(X, y)
    assert len(rnn.loss_curve_) == 6
    restored = pickle.loads(pickle.dumps(rnn))
    rnn.partial_fit(X, y)
    restored.partial_fit(X, y)
    np.testing.assert_allclose(restored.predict(X), rnn.predict(X), rtol=1e-12)
    early = SimpleRNN(
        hidden_layer_sizes=(6,), early_stopping=True, max_iter=50, random_state=0
    ).fit(X, y)
    assert early.best_validation_score_ == max(early.validation_scores_)


@pytest.mark.parametrize("solver", ["lbfgs", "newton-cg"])
def test_full_batch_solvers(solver):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 5, 1))
    y = X[:, -1, 0] + 0.5 * X[:, -2, 0]
    rnn = SimpleRNN(
        hidden_layer_sizes=(6,), solver=solver, max_iter=100, random_state=0
    )
    assert rnn.fit(X, y).score(X, y) > 0.95


def test_float32_end_to_end():
    rng = np.random.RandomState(0)
    X, y = rng.normal(size=(40, 5, 2)).astype(np.float32), rng.normal(size=40)
    rnn = SimpleRNN(hidden_layer_sizes=(4,), max_iter=2).fit(X, y)
    assert rnn.recurrent_coefs_[0][1].dtype == np.float32
    assert rnn.predict(X).dtype == np.float32


# ------------------------------------------------------------------ tooling
def test_sequence_scaler_pipeline():
    rng = np.random.RandomState(0)
    X = rng.normal(loc=[5.0, -3.0], scale=[10.0, 0.1], size=(80, 6, 2))
    Xt = SequenceScaler().fit_transform(X)
    assert Xt.shape == X.shape
    np.testing.assert_allclose(Xt.mean(axis=(0, 1)), 0, atol=1e-12)
    np.testing.assert_allclose(Xt.std(axis=(0, 1)), 1)
    # same shift and scale at every step, unlike a per-column scaler
    flat = StandardScaler().fit(X.reshape(-1, 2))
    np.testing.assert_allclose(Xt.reshape(-1, 2), flat.transform(X.reshape(-1, 2)))
    np.testing.assert_allclose(SequenceScaler().fit(X).inverse_transform(Xt), X)
    y = X[:, :, 0].sum(axis=1)
    pipe = make_pipeline(
        SequenceScaler(), SimpleRNN(hidden_layer_sizes=(4,), max_iter=2)
    )
    assert pipe.fit(X, y).predict(X).shape == (80,)
    with pytest.raises(ValueError, match="3 features per time step.*expecting 2"):
        SequenceScaler().fit(X).transform(np.zeros((2, 6, 3)))


def test_make_windows():
    series = np.arange(10.0)
    X, y = make_windows(series, lookback=4, horizon=2)
    assert X.shape == (5, 4, 1)
    np.testing.assert_array_equal(X[0, :, 0], [0, 1, 2, 3])
    np.testing.assert_array_equal(y, [5, 6, 7, 8, 9])
    multi = np.column_stack([series, -series])
    X2, y2 = make_windows(multi, lookback=3)
    assert X2.shape == (7, 3, 2) and y2.shape == (7, 2)
    np.testing.assert_array_equal(X2[1], multi[1:4])
    np.testing.assert_array_equal(y2[1], multi[4])
    with pytest.raises(ValueError, match="too short"):
        make_windows(series, lookback=9, horizon=2)
    with pytest.raises(ValueError, match="lookback"):
        make_windows(series, lookback=0)
