"""Sequences of different lengths through the recurrent estimators: lists,
padded arrays with lengths or mask; padded steps change nothing."""

import numpy as np
import pytest
from sklearn.model_selection import cross_val_score

from skdeep import RNNClassifier, RNNRegressor, SimpleRNN
from skdeep.nn.cells import CELLS

F = 2


def ragged(n, rng, low=3, high=9):
    return [rng.normal(size=(rng.randint(low, high), F)) for _ in range(n)]


def padded(sequences, fill=0.0):
    n_steps = max(len(s) for s in sequences)
    out = np.full((len(sequences), n_steps, *sequences[0].shape[1:]), fill)
    for i, s in enumerate(sequences):
        out[i, : len(s)] = s
    return out, np.array([len(s) for s in sequences])


def regressor(**params):
    defaults = dict(hidden_layer_sizes=(6,), max_iter=4, batch_size=8, random_state=0)
    return RNNRegressor(**{**defaults, **params})


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("cell", sorted(CELLS))
@pytest.mark.parametrize("return_sequences", [False, True])
def test_padding_one_length_changes_nothing(cell, return_sequences):
    """Sequences of 5 steps padded to 9 (junk, NaN included, past the ends
    of X and y) fit to the same weights as the 5-step array."""
    rng = np.random.RandomState(0)
    X = rng.normal(size=(30, 5, F))
    y = X.sum(axis=(1, 2)) if not return_sequences else X[:, :, 0] * 2
    X_pad = np.concatenate([X, rng.normal(size=(30, 4, F))], axis=1)
    X_pad[:10, 5:] = np.nan
    lengths = np.full(30, 5)
    y_pad = y
    if return_sequences:
        y_pad = np.concatenate([y, np.full((30, 4), 1e6)], axis=1)
        y_pad[:5, 5:] = np.nan
    est = regressor(cell=cell, return_sequences=return_sequences)
    reference = regressor(cell=cell, return_sequences=return_sequences).fit(X, y)
    est.fit(X_pad, y_pad, lengths=lengths)
    assert est.n_timesteps_in_ == 5  # the longest sequence, not the padding
    np.testing.assert_allclose(
        est._network.params, reference._network.params, rtol=1e-9, atol=1e-12
    )
    np.testing.assert_allclose(est.loss_curve_, reference.loss_curve_, rtol=1e-10)
    prediction = est.predict(X_pad, lengths=lengths)
    if return_sequences:
        np.testing.assert_allclose(prediction[:, :5], reference.predict(X), rtol=1e-9)
        assert np.isnan(prediction[:, 5:]).all()
    else:
        np.testing.assert_allclose(prediction, reference.predict(X), rtol=1e-9)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("return_sequences", [False, True])
def test_a_mixed_list_predicts_each_length_group_as_alone(return_sequences):
    rng = np.random.RandomState(1)
    X = ragged(40, rng)
    y = [s[:, 0] for s in X] if return_sequences else [s[-1, 0] for s in X]
    est = regressor(cell="gru", return_sequences=return_sequences).fit(X, y)
    prediction = est.predict(X)
    for length in {len(s) for s in X}:
        group = [i for i, s in enumerate(X) if len(s) == length]
        alone = est.predict(np.stack([X[i] for i in group]))
        got = np.stack([prediction[i] for i in group])
        np.testing.assert_allclose(got, alone, rtol=1e-10, atol=1e-12)
    if return_sequences:
        assert [p.shape for p in prediction] == [(len(s),) for s in X]


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_a_list_a_padded_array_and_a_left_padded_mask_fit_alike():
    rng = np.random.RandomState(2)
    X = ragged(30, rng)
    Y = [2 * s[:, 1] for s in X]
    from_list = regressor(return_sequences=True).fit(X, Y)
    X_pad, lengths = padded(X, fill=np.nan)
    Y_pad, _ = padded(Y, fill=-5.0)
    from_lengths = regressor(return_sequences=True).fit(X_pad, Y_pad, lengths=lengths)
    # left padding: the real steps at the end, found by the mask
    n_steps = X_pad.shape[1]
    mask = np.arange(n_steps) >= (n_steps - lengths)[:, None]
    X_left, Y_left = np.zeros_like(X_pad), np.zeros_like(Y_pad)
    X_left[mask], Y_left[mask] = np.concatenate(X), np.concatenate(Y)
    from_mask = regressor(return_sequences=True).fit(X_left, Y_left, mask=mask)
    for other in (from_lengths, from_mask):
        np.testing.assert_allclose(
            other._network.params, from_list._network.params, rtol=1e-10
        )
    prediction = from_mask.predict(X_left, mask=mask)
    assert np.isnan(prediction[~mask]).all()
    np.testing.assert_allclose(prediction[mask], np.concatenate(from_list.predict(X)))
    score = from_mask.score(X_left, Y_left, mask=mask)
    assert score == pytest.approx(from_list.score(X, Y), rel=1e-10)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_many_to_many_score_pools_the_real_steps():
    from sklearn.metrics import r2_score

    rng = np.random.RandomState(3)
    X = ragged(25, rng)
    Y = [s[:, 0] for s in X]
    est = regressor(return_sequences=True).fit(X, Y)
    expected = r2_score(np.concatenate(Y), np.concatenate(est.predict(X)))
    assert est.score(X, Y) == pytest.approx(expected, rel=1e-12)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_training_features_take_lists():
    rng = np.random.RandomState(4)
    X, X_val = ragged(60, rng), ragged(12, rng, 2, 12)
    Y, Y_val = [s[:, 0] for s in X], [s[:, 0] for s in X_val]
    est = regressor(return_sequences=True, max_iter=3).fit(
        X, Y, X_val=X_val, y_val=Y_val
    )
    assert (
        len(est.validation_scores_) == 3 and np.isfinite(est.history_["val_loss"]).all()
    )
    est = regressor(return_sequences=True, early_stopping=True).fit(X, Y)
    assert np.isfinite(est.validation_scores_).all()
    est.set_params(early_stopping=False).partial_fit(X[:10], Y[:10])
    labels = np.array([s[-1, 0] > 0 for s in X])
    clf = RNNClassifier(hidden_layer_sizes=(6,), max_iter=3, random_state=0)
    clf.fit(X, labels, sample_weight=np.linspace(1, 2, 60))
    assert clf.predict_proba(X).shape == (60, 2)
    assert clf.score(X, labels) == pytest.approx(np.mean(clf.predict(X) == labels))
    clf.partial_fit(X[:5], labels[:5])
    scores = cross_val_score(
        SimpleRNN(hidden_layer_sizes=(4,), max_iter=2), X, [s[-1, 0] for s in X], cv=2
    )
    assert np.isfinite(scores).all()


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_any_length_predicts_but_a_plain_array_keeps_the_fitted_length():
    rng = np.random.RandomState(5)
    X = rng.normal(size=(20, 6, F))
    est = regressor().fit(X, X[:, -1, 0])
    longer = ragged(5, rng, 8, 14)
    assert est.predict(longer).shape == (5,)
    with pytest.raises(ValueError, match="as a list of sequences"):
        est.predict(rng.normal(size=(3, 7, F)))


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_a_list_of_one_length_reads_as_a_list_after_a_variable_length_fit():
    rng = np.random.RandomState(7)
    X = ragged(30, rng)
    est = regressor(cell="gru").fit(X, [s[-1, 0] for s in X])
    batch = est.predict(X)
    for i in (0, 1, 2):
        np.testing.assert_allclose(est.predict([X[i]]), batch[i : i + 1], rtol=1e-6)
    same = [s for s in X if len(s) == len(X[0])]
    expected = [batch[i] for i, s in enumerate(X) if len(s) == len(X[0])]
    np.testing.assert_allclose(est.predict(same), expected, rtol=1e-6)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_input_jacobian_of_a_list_is_each_sequences_own():
    rng = np.random.RandomState(6)
    X = ragged(10, rng)
    est = regressor(cell="lstm").fit(X, [s[0, 0] for s in X])
    jacobian = est.input_jacobian(X)
    for i in (0, 1):
        alone = est.input_jacobian(X[i][None])
        np.testing.assert_allclose(jacobian[i, :, : len(X[i])], alone[0], rtol=1e-9)
        assert not jacobian[i, :, len(X[i]) :].any()


RAGGED = [np.ones((3, F)), np.ones((5, F))]
BAD_INPUTS = [
    ([np.ones((3, F)), np.ones((4, F + 1))], {}, ValueError, "features per time step"),
    ([np.ones((3, F)), np.ones((0, F))], {}, ValueError, "no time steps"),
    ([np.ones((3, F)), np.full((4, F), "a")], {}, ValueError, "could not convert"),
    ([np.ones((3, F)), np.full((4, F), np.inf)], {}, ValueError, "infinity"),
    (np.ones((2, 5, F)), {"lengths": [3]}, ValueError, "one entry per sequence"),
    (np.ones((2, 5, F)), {"lengths": [0, 5]}, ValueError, r"lie in \[1, 5\]"),
    (np.ones((2, 5, F)), {"lengths": [3, 6]}, ValueError, r"lie in \[1, 5\]"),
    (np.ones((2, 5, F)), {"lengths": [2.5, 3]}, TypeError, "integers"),
    (np.ones((2, 5, F)), {"lengths": [True, True]}, TypeError, "integers"),
    (
        np.ones((2, 5, F)),
        {"lengths": [3, 3], "mask": np.ones((2, 5), bool)},
        ValueError,
        "not both",
    ),
    (
        np.ones((2, 5, F)),
        {"mask": np.ones((2, 4), bool)},
        ValueError,
        "mask must have shape",
    ),
    (
        np.ones((2, 5, F)),
        {"mask": np.eye(2, 5, dtype=bool)[::-1] * [[0], [1]]},
        ValueError,
        "no real step",
    ),
    (np.ones((2, 5, F)), {"mask": np.full((2, 5), 0.5)}, TypeError, "booleans"),
    (np.ones((2, 5)), {"lengths": [3, 3]}, ValueError, "padded 3-D array"),
    (RAGGED, {"lengths": [3, 5]}, ValueError, "needs neither"),
]


@pytest.mark.parametrize(("X", "kwargs", "error", "match"), BAD_INPUTS)
def test_bad_sequences_get_a_clear_error_and_leave_the_model_alone(
    X, kwargs, error, match
):
    rng = np.random.RandomState(7)
    est = regressor(max_iter=1)
    with pytest.warns(Warning):
        est.fit(ragged(10, rng), rng.normal(size=10))
    before = est._network.params.copy()
    with pytest.raises(error, match=match):
        est.fit(X, np.zeros(len(X)), **kwargs)
    np.testing.assert_array_equal(est._network.params, before)
    with pytest.raises(error, match=match):
        est.predict(X, **kwargs)


@pytest.mark.parametrize(
    ("y", "match"),
    [
        (np.zeros(2), "a list of as many target sequences"),
        ([np.zeros(3), np.zeros(4)], r"y\[1\] has shape \(4,\), but X\[1\] has 5"),
        ([np.zeros((3, 1)), np.zeros(5)], "all of the same rank"),
        ([np.zeros((3, 1)), np.zeros((5, 2))], "different widths"),
    ],
)
def test_many_to_many_targets_must_match_their_sequences(y, match):
    with pytest.raises(ValueError, match=match):
        regressor(return_sequences=True).fit(RAGGED, y)


def test_padded_many_to_many_targets_must_be_padded_like_x():
    with pytest.raises(ValueError, match="padded like X"):
        regressor(return_sequences=True).fit(
            np.ones((2, 5, F)), np.ones((2, 4)), lengths=[3, 5]
        )


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_sequence_scaler_scales_a_list_over_its_real_steps_in_a_pipeline():
    from sklearn.pipeline import make_pipeline

    from skdeep import SequenceScaler

    rng = np.random.RandomState(8)
    X = [rng.normal(3.0, 2.0, size=(len_, F)) for len_ in rng.randint(2, 9, 30)]
    scaler = SequenceScaler().fit(X)
    steps = np.concatenate(X)
    np.testing.assert_allclose(scaler.mean_, steps.mean(axis=0))
    np.testing.assert_allclose(scaler.scale_, steps.std(axis=0))
    scaled = scaler.transform(X)
    assert [s.shape for s in scaled] == [s.shape for s in X]
    np.testing.assert_allclose(scaled[3], (X[3] - steps.mean(0)) / steps.std(0))
    restored = scaler.inverse_transform(scaled)
    np.testing.assert_allclose(np.concatenate(restored), steps)
    with pytest.raises(ValueError, match="features per time step"):
        scaler.transform([np.ones((2, F + 1)), np.ones((3, F + 1))])
    y = [s[-1, 0] for s in X]
    pipe = make_pipeline(SequenceScaler(), regressor()).fit(X, y)
    alone = regressor().fit(scaled, y)
    np.testing.assert_allclose(pipe.predict(X), alone.predict(scaled))
