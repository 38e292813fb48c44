"""Second reliability pass: nothing silently accepted, divergence recovers
completely, errors name what the user passed."""

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.validation import check_is_fitted

from skdeep import MLPClassifier, MLPRegressor, SimpleRNN, SimpleRNNClassifier
from skdeep.nn.losses import Poisson, SquaredError
from skdeep.nn.training import objective_terms

rng = np.random.RandomState(0)
X = rng.normal(size=(80, 4))
y = X @ [1.0, -2.0, 0.5, 0.0] + 0.1 * rng.normal(size=80)
labels = (y > 0).astype(int)
SEQ = rng.normal(size=(60, 5, 2))
SEQ_Y = np.abs(SEQ[:, :, 0])


def quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return fn(*args, **kwargs)


def state_of(est):
    return pickle.dumps(est.__dict__.get("_network"))


# ----------------------------------------------------------- time values
@pytest.mark.parametrize(
    "bad",
    [
        pd.DataFrame({"t": pd.date_range("2026-01-01", periods=80, freq="h"), "a": y}),
        pd.DataFrame({"dt": pd.to_timedelta(np.arange(80), unit="s"), "a": y}),
        np.arange(80).astype("datetime64[s]").reshape(-1, 1),
    ],
    ids=["datetime column", "timedelta column", "datetime64 array"],
)
def test_time_values_are_rejected_with_how_to_encode_them(bad):
    with pytest.raises(TypeError, match="datetime or timedelta.*Encode time"):
        MLPRegressor(max_iter=2).fit(bad, y)
    est = quiet(MLPRegressor(max_iter=2).fit, np.zeros((80, bad.shape[1])), y)
    with pytest.raises(TypeError, match="Encode time"):
        est.predict(bad)


def test_time_targets_and_sequences_are_rejected():
    with pytest.raises(TypeError, match="y holds datetime"):
        MLPRegressor().fit(X, np.arange(80).astype("datetime64[D]"))
    with pytest.raises(TypeError, match="X holds datetime"):
        SimpleRNN().fit(np.zeros((80, 3), dtype="datetime64[s]"), y)


# --------------------------------------------------------------- weights
@pytest.mark.parametrize(
    "class_weight, match",
    [
        ({0: -1.0, 1: 1.0}, "class_weight\\[0\\] must be a finite number >= 0"),
        ({0: np.nan, 1: 1.0}, "finite number"),
        ({0: np.inf, 1: 1.0}, "finite number"),
        ({0: 0.0, 1: 0.0}, "every class a zero weight"),
    ],
)
@pytest.mark.parametrize("cls", [MLPClassifier, SimpleRNNClassifier])
def test_class_weight_gets_the_checks_of_sample_weight(cls, class_weight, match):
    data = SEQ if cls is SimpleRNNClassifier else X
    with pytest.raises(ValueError, match=match):
        cls(class_weight=class_weight, max_iter=2).fit(data, labels[: len(data)])


def test_class_and_sample_weights_that_zero_every_sample_are_rejected():
    sw = np.where(labels == 1, 0.0, 1.0)
    with pytest.raises(ValueError, match="every sample a zero weight"):
        MLPClassifier(class_weight={0: 0.0, 1: 1.0}).fit(X, labels, sample_weight=sw)


def test_a_zero_class_weight_scores_validation_without_dividing_by_zero():
    est = MLPClassifier(class_weight={0: 0.0, 1: 1.0}, max_iter=3, random_state=0)
    with pytest.raises(ValueError, match="sample_weight_val give every sample"):
        quiet(est.fit, X, labels, X_val=X[labels == 0], y_val=labels[labels == 0])


@pytest.mark.parametrize(
    "weights, match",
    [(np.full(80, 1e308), "sums to inf"), (np.full(80, 1e-320), "sums to .*too small")],
)
def test_sample_weight_sums_that_cannot_be_formed_are_rejected(weights, match):
    with pytest.raises(ValueError, match=f"sample_weight {match}"):
        MLPRegressor().fit(X, y, sample_weight=weights)


def test_float64_data_beyond_a_float32_model_is_rejected():
    est = quiet(MLPRegressor(max_iter=2, warm_start=True).fit, X.astype(np.float32), y)
    before = state_of(est)
    with pytest.raises(ValueError, match="beyond the range of float32"):
        est.fit(X * 1e300, y)
    assert state_of(est) == before


# ------------------------------------------------------------ warm start
@pytest.mark.parametrize(
    "change",
    [
        {"hidden_layer_sizes": (7,)},
        {"activation": "tanh"},
        {"dropout": 0.2},
        {"normalization": "batch"},
    ],
)
@pytest.mark.parametrize("method", ["fit", "partial_fit"])
def test_warm_start_refuses_a_changed_architecture(change, method):
    est = quiet(
        MLPRegressor(hidden_layer_sizes=(5,), max_iter=2, warm_start=True).fit, X, y
    )
    before = state_of(est)
    est.set_params(**change)
    name = next(iter(change))
    with pytest.raises(ValueError, match=f"{name}=.* changed since it was built"):
        getattr(est, method)(X, y)
    assert state_of(est) == before
    est.set_params(warm_start=False)
    quiet(est.fit, X, y)  # a cold refit builds the new network


def test_recurrent_warm_start_refuses_changed_return_sequences():
    est = quiet(SimpleRNN(max_iter=2, warm_start=True).fit, SEQ, SEQ_Y[:, 0])
    est.set_params(return_sequences=True)
    with pytest.raises(ValueError, match="return_sequences=False -> True"):
        est.fit(SEQ, SEQ_Y)


def test_an_unchanged_architecture_warm_starts():
    est = quiet(
        MLPRegressor(hidden_layer_sizes=[5], dropout=[0.1], max_iter=2).fit, X, y
    )
    est.set_params(warm_start=True, hidden_layer_sizes=(5,), dropout=0.1)
    quiet(est.fit, X, y)


# ------------------------------------------------- names in the messages
@pytest.mark.parametrize(
    "kwargs, match",
    [
        (
            {"X_val": np.full((10, 4), np.nan), "y_val": y[:10]},
            "Input X_val contains NaN",
        ),
        ({"X_val": X[:10, :3], "y_val": y[:10]}, "X_val has 3 features"),
        ({"X_val": X[:10], "y_val": np.full(10, np.inf)}, "y_val contains infinity"),
        (
            {"X_val": X[:10], "y_val": y[:10], "sample_weight_val": np.ones(3)},
            "sample_weight_val.shape",
        ),
    ],
)
def test_validation_data_errors_name_the_validation_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        MLPRegressor(max_iter=2).fit(X, y, **kwargs)


def test_label_errors_summarize_long_label_lists():
    many = np.arange(80) % 40
    est = MLPClassifier(max_iter=2)
    with pytest.raises(ValueError, match="classes not in") as info:
        est.partial_fit(X, many, classes=np.arange(30))
    assert "(40 labels)" in str(info.value) and len(str(info.value)) < 300


@pytest.mark.parametrize("cls, data", [(MLPClassifier, X), (SimpleRNNClassifier, SEQ)])
def test_first_partial_fit_rejects_string_labels_outside_classes(cls, data):
    words = np.where(labels[: len(data)] == 1, "pass", "fail")
    est = cls(max_iter=2)
    with pytest.raises(ValueError, match="classes not in"):
        est.partial_fit(data, words, classes=["pass", "scrap"])
    with pytest.raises(AttributeError):
        check_is_fitted(est)
        est.classes_  # noqa: B018


# ------------------------------------------------------------- sequences
def test_series_and_wrong_ranks_get_a_sequence_shape_message():
    for bad in (pd.Series(y), SEQ[None], np.zeros(5)):
        with pytest.raises(ValueError, match=r"\(n_samples, n_timesteps, n_features\)"):
            SimpleRNN(max_iter=2).fit(bad, y[: len(bad)])


def test_poisson_rejects_negative_sequence_targets():
    with pytest.raises(ValueError, match="poisson.*non-negative"):
        SimpleRNN(return_sequences=True, loss="poisson").fit(SEQ, SEQ[:, :, 0])


@pytest.mark.parametrize("loss", ["squared_error", "poisson"])
def test_many_to_many_validation_loss_is_the_mean_over_steps(loss):
    est = SimpleRNN(
        hidden_layer_sizes=(6,),
        return_sequences=True,
        loss=loss,
        max_iter=3,
        random_state=0,
    )
    quiet(est.fit, SEQ[:40], SEQ_Y[:40], X_val=SEQ[40:], y_val=SEQ_Y[40:])
    raw = est._network.forward(SEQ[40:])[..., 0]
    if loss == "poisson":  # half deviance-like: exp(raw) - y * raw, up to a constant
        by_hand = Poisson()(SEQ_Y[40:].reshape(-1, 1), raw.reshape(-1, 1))
    else:
        by_hand = 0.5 * np.mean((raw - SEQ_Y[40:]) ** 2)
        assert by_hand == pytest.approx(
            SquaredError()(SEQ_Y[40:].reshape(-1, 1), raw.reshape(-1, 1))
        )
    assert est.history_["val_loss"][-1] == pytest.approx(by_hand, rel=1e-12)
    stopped = SimpleRNN(
        return_sequences=True, loss=loss, early_stopping=True, max_iter=4
    )
    quiet(stopped.fit, SEQ, SEQ_Y)
    assert len(stopped.validation_scores_) == stopped.n_iter_


# ------------------------------------------------------------ divergence
def diverged(**params):
    est = MLPRegressor(
        solver="sgd", learning_rate_init=10.0, max_iter=30, random_state=0, **params
    )
    with pytest.warns(ConvergenceWarning, match="diverged"):
        est.fit(X, y * 100)
    return est


def test_a_diverged_fit_restores_a_model_that_predicts_finite_values():
    est = diverged()
    assert np.isfinite(est.predict(X)).all()
    assert not np.isfinite(est.loss_curve_[-1])
    # loss_ is the objective of the restored model on the training data
    terms = objective_terms(
        est._network,
        est._loss,
        X,
        (y * 100)[:, None],
        None,
        est._make_penalty(),
        est.alpha,
        n_batches=1,
    )
    assert est.loss_ == pytest.approx(sum(terms), rel=1e-12)
    for value in est._state.optimizer_state.values():
        if isinstance(value, np.ndarray):
            assert np.isfinite(value).all()


def test_of_the_last_two_epochs_the_lower_objective_is_restored():
    # sgd at a large rate: one epoch blows the weights up (finite), the next
    # overflows; the epoch before is the better model and is restored
    params = dict(solver="sgd", momentum=0.0, random_state=0, batch_size=80)
    est = quiet(MLPRegressor(max_iter=4, learning_rate_init=0.01, **params).fit, X, y)
    sane = est.predict(X)
    est.set_params(warm_start=True, learning_rate_init=1e3, max_iter=50)
    with pytest.warns(ConvergenceWarning, match="diverged"):
        est.fit(X, y)
    assert len(est.loss_curve_) >= 4 + 2  # diverged after a finite epoch
    assert np.abs(est.predict(X)).max() < 100 * np.abs(sane).max()


def test_moving_statistics_are_restored_with_the_weights():
    est = MLPRegressor(
        normalization="batch",
        learning_rate_init=1e6,
        solver="sgd",
        momentum=0.0,
        max_iter=30,
        random_state=0,
    )
    with pytest.warns(ConvergenceWarning, match="diverged"):
        est.fit(X * 1e3, y * 1e6)
    assert all(np.isfinite(a).all() for a in est._network.state_arrays())
    assert np.isfinite(est.predict(X)).all()


@pytest.mark.parametrize("solver", ["sgd", "adam", "adagrad", "rmsprop"])
def test_a_warm_fit_after_divergence_trains_from_the_restored_state(solver):
    # a sane model, then one fit at a far too large rate, then the sane rate:
    # restored optimizer state (velocity, moments, squares) lets it train on
    params = dict(solver=solver, learning_rate_init=0.01, random_state=0)
    est = quiet(MLPRegressor(max_iter=5, warm_start=True, **params).fit, X, y)
    sane = est.predict(X)
    est.set_params(learning_rate_init=1e200)
    with pytest.warns(ConvergenceWarning, match="diverged"):
        est.fit(X, y)
    np.testing.assert_allclose(est.predict(X), sane, rtol=1e-6)
    est.set_params(learning_rate_init=0.01, max_iter=3)
    quiet(est.fit, X, y)
    assert np.isfinite(est.loss_curve_[-3:]).all()
    for value in est._state.optimizer_state.values():
        if isinstance(value, np.ndarray):
            assert np.isfinite(value).all()


@pytest.mark.parametrize("solver", ["adam", "lbfgs", "newton-cg"])
def test_overflowing_data_gets_the_error_with_its_cause(solver):
    huge = np.finfo(np.float64).max * rng.uniform(size=(10, 2))
    est = MLPRegressor(solver=solver)
    with pytest.raises(
        ValueError, match="non-finite parameter weights.*X or y hold values"
    ):
        with np.errstate(all="ignore"):
            est.fit(huge, y[:10])
    with pytest.raises(AttributeError):
        est.coefs_  # noqa: B018  (still unfitted)


def test_a_huge_alpha_is_named_as_the_cause():
    with pytest.raises(ValueError, match="alpha=1e\\+308 is too large"):
        MLPRegressor(alpha=1e308, max_iter=3).fit(X, y)


# ----------------------------------------------------------------- sizes
@pytest.mark.parametrize(
    "cls, sizes",
    [
        (MLPRegressor, (2**40,)),
        (MLPRegressor, (2**62, 2**62)),  # its parameter count overflows int64
        (SimpleRNN, (2**20,)),
    ],
)
def test_networks_that_cannot_fit_in_memory_are_refused_up_front(cls, sizes):
    est = cls(hidden_layer_sizes=sizes)
    with pytest.raises(
        ValueError, match=r"hidden_layer_sizes=.*parameters needs about"
    ):
        est.fit(X, y)
    with pytest.raises(AttributeError):
        est.coefs_  # noqa: B018  (nothing was fitted)


def test_full_batch_buffers_that_cannot_fit_are_refused_up_front(monkeypatch):
    import skdeep.nn._memory as memory

    # 80 rows x (4 + 500 + 1) widths x 3 arrays x 8 bytes: about 0.9 MiB
    monkeypatch.setattr(memory, "physical_memory", lambda: 1 << 19)
    with pytest.raises(ValueError, match="batches of 80 rows .* needs about"):
        MLPRegressor(hidden_layer_sizes=(500,), solver="lbfgs").fit(X, y)
    monkeypatch.setattr(memory, "physical_memory", lambda: 1 << 21)
    quiet(MLPRegressor(hidden_layer_sizes=(500,), solver="lbfgs", max_iter=2).fit, X, y)


# --------------------------------------------------------------- interrupts
def interrupt_on_call(monkeypatch, owner, name, call):
    """Make ``owner.name`` raise KeyboardInterrupt on its ``call``-th call."""
    original = getattr(owner, name)
    calls = []

    def interrupted(*args, **kwargs):
        calls.append(1)
        if len(calls) == call:
            raise KeyboardInterrupt
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, interrupted)


def interrupt_points():
    from skdeep.nn import schedules, stopping, update

    batches_per_epoch = 5  # 80 rows, 10% held out, batch_size=16
    return {
        # the second batch of the third epoch
        "update": (update.ParameterUpdate, "apply", 2 * batches_per_epoch + 2),
        "stopping": (stopping.Stopping, "observe", 3),
        # the first call is made before training, to know the stopping rules
        "schedule": (schedules, "get", 4),
        "validation": (MLPRegressor, "_score_output", 3),
    }


def progress_of(est):
    return pickle.dumps(
        (
            est.n_iter_,
            est.t_,
            list(est.loss_curve_),
            list(est.validation_scores_),
            {k: list(v) for k, v in est.history_.items() if k != "time"},
            len(est.history_["time"]),
        )
    )


@pytest.mark.parametrize("point", sorted(interrupt_points()))
def test_an_interrupted_epoch_is_rolled_back_and_the_fit_kept(monkeypatch, point):
    params = dict(
        hidden_layer_sizes=(5,),
        batch_size=16,
        early_stopping=True,
        n_iter_no_change=50,
        random_state=0,
    )
    reference = quiet(MLPRegressor(max_iter=2, **params).fit, X, y)
    owner, name, call = interrupt_points()[point]
    if not hasattr(owner, name):
        pytest.fail(f"{owner.__name__}.{name} is gone: update the interrupt points")
    interrupt_on_call(monkeypatch, owner, name, call)
    est = MLPRegressor(max_iter=6, **params)
    with pytest.warns(UserWarning, match="after 2 completed epochs; the unfinished"):
        est.fit(X, y)
    monkeypatch.undo()
    assert progress_of(est) == progress_of(reference)
    assert {len(v) for v in est.history_.values()} == {2}
    for got, want in zip(est.coefs_, reference.coefs_, strict=True):
        np.testing.assert_array_equal(got, want)
    # the optimizer state and learning rate agree too: training goes on alike
    quiet(est.set_params(warm_start=True, max_iter=2).fit, X, y)
    quiet(reference.set_params(warm_start=True).fit, X, y)
    for got, want in zip(est.coefs_, reference.coefs_, strict=True):
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("method", ["fit", "partial_fit"])
def test_an_interrupt_before_any_completed_epoch_changes_nothing(monkeypatch, method):
    from skdeep.nn import update

    est = quiet(
        MLPClassifier(hidden_layer_sizes=(5,), max_iter=3, warm_start=True).fit,
        X,
        labels,
    )
    before = pickle.dumps(est)
    interrupt_on_call(monkeypatch, update.ParameterUpdate, "apply", 1)
    with pytest.raises(KeyboardInterrupt):
        getattr(est, method)(X, labels)
    assert pickle.dumps(est) == before


def test_an_interrupted_full_batch_fit_changes_nothing(monkeypatch):
    import scipy.optimize

    est = quiet(MLPRegressor(solver="lbfgs", max_iter=5, warm_start=True).fit, X, y)
    before = pickle.dumps(est)
    interrupt_on_call(monkeypatch, scipy.optimize, "minimize", 1)
    with pytest.raises(KeyboardInterrupt):
        est.fit(X, y)
    assert pickle.dumps(est) == before


# ------------------------------------------------- the other entry points
def entry_point_cases():
    from sklearn.linear_model import Ridge

    from skdeep import SequenceScaler, compare, count_parameters
    from skdeep.datasets import make_powder_atomization, make_windows

    dates = np.arange(24).astype("datetime64[s]").reshape(4, 3, 2)
    plain = np.ones((10, 2))
    return {
        "scaler time values": (lambda: SequenceScaler().fit(dates), "datetime"),
        "scaler 1-D": (lambda: SequenceScaler().fit(np.ones(4)), "2D array"),
        "scaler steps": (
            lambda: SequenceScaler().fit(np.ones((4, 3, 2))).transform(np.ones((4, 3))),
            "features per time step",
        ),
        "powder beyond memory": (
            lambda: make_powder_atomization(10**13),
            r"n_samples=10000000000000\) needs about",
        ),
        "powder seed": (
            lambda: make_powder_atomization(5, random_state="x"),
            "cannot be used to seed",
        ),
        "powder samples": (lambda: make_powder_atomization(2.5), "n_samples"),
        "windows lookback": (lambda: make_windows(np.arange(9.0), 0), "lookback"),
        "windows short": (lambda: make_windows(np.arange(9.0), 20), "too short"),
        "compare nothing": (lambda: compare({}, plain, np.ones(10)), "at least one"),
        "compare on_error": (
            lambda: compare({"r": Ridge()}, plain, np.ones(10), on_error="x"),
            "on_error",
        ),
        "compare not an estimator": (
            lambda: compare({"r": 3}, plain, np.ones(10)),
            "Cannot clone",
        ),
        "count_parameters": (lambda: count_parameters(Ridge()), None),
    }


@pytest.mark.parametrize("case", sorted(entry_point_cases()))
def test_entry_points_reject_bad_input_clearly(case):
    call, match = entry_point_cases()[case]
    if match is None:  # an unfitted estimator has no parameters yet
        assert call() == 0
        return
    with pytest.raises((ValueError, TypeError), match=match):
        call()


def test_plot_compare_needs_a_compare_table():
    pytest.importorskip("matplotlib")
    from skdeep.plotting import plot_compare

    with pytest.raises(TypeError, match="DataFrame compare"):
        plot_compare({"mean_score": [1.0]})
    with pytest.raises(ValueError, match="no mean_<score> column"):
        plot_compare(pd.DataFrame({"a": [1.0]}))
