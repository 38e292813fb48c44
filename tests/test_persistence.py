"""Persistence (pickle, joblib, skops), thread-safe prediction, BLAS threads."""

import pickle
import warnings
from concurrent.futures import ThreadPoolExecutor

import joblib
import numpy as np
import pytest
import skops.io as sio
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import cross_validate
from sklearn.pipeline import make_pipeline
from threadpoolctl import threadpool_info

from skdeep import (
    MLPClassifier,
    MLPRegressor,
    PolynomialRegression,
    SequenceScaler,
    SimpleRNN,
    SimpleRNNClassifier,
)
from skdeep.io import load, save, trusted_types
from skdeep.nn.optimizers import Adam

rng = np.random.RandomState(0)
X2, X3 = rng.normal(size=(60, 4)), rng.normal(size=(60, 5, 2))
Y, LABELS = rng.normal(size=60), np.arange(60) % 3

MODELS = {
    "mlp": lambda: (
        MLPRegressor(hidden_layer_sizes=(6, 5), dropout=0.2, normalization="batch"),
        X2,
        Y,
    ),
    "classifier": lambda: (
        MLPClassifier(hidden_layer_sizes=(6,), solver="sgd"),
        X2,
        LABELS,
    ),
    "rnn": lambda: (SimpleRNN(hidden_layer_sizes=(4, 3)), X3, Y),
    "rnn-classifier": lambda: (
        SimpleRNNClassifier(hidden_layer_sizes=(4,)),
        X3,
        LABELS,
    ),
    "pipeline": lambda: (
        make_pipeline(SequenceScaler(), SimpleRNN(hidden_layer_sizes=(4,))),
        X3,
        Y,
    ),
}


@pytest.fixture(autouse=True)
def _quiet_convergence():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


def fit(name):
    est, X, y = MODELS[name]()
    est.set_params(**{k: v for k, v in {"max_iter": 3, "random_state": 0}.items()}) if (
        hasattr(est, "max_iter")
    ) else est.set_params(**{f"{est.steps[-1][0]}__max_iter": 3})
    return est.fit(X, y), X, y


def continue_training(est, X, y):
    final = est[-1] if hasattr(est, "steps") else est
    Xt = est[:-1].transform(X) if hasattr(est, "steps") else X
    final.partial_fit(Xt, y)
    return est


@pytest.mark.parametrize("name", sorted(MODELS))
@pytest.mark.parametrize("how", ["pickle", "joblib", "skops"])
def test_round_trip_keeps_everything(name, how, tmp_path):
    est, X, y = fit(name)
    path = tmp_path / "model"
    if how == "pickle":
        restored = pickle.loads(pickle.dumps(est))
    elif how == "joblib":
        joblib.dump(est, path)
        restored = joblib.load(path)
    else:
        save(est, path)
        restored = load(path)
    np.testing.assert_array_equal(restored.predict(X), est.predict(X))
    # training continues as it would have without the round trip (to rounding:
    # a fresh array's memory alignment can change NumPy's summation order)
    continue_training(est, X, y)
    continue_training(restored, X, y)
    np.testing.assert_allclose(restored.predict(X), est.predict(X), rtol=1e-12)


def test_unpickled_views_and_nothing_redundant():
    est, X, y = fit("mlp")
    restored = pickle.loads(pickle.dumps(est))
    net = restored._network
    assert all(np.shares_memory(c, net.params) for c in restored.coefs_)
    assert np.shares_memory(restored.intercepts_[0], net.params)
    # the pickle holds the parameters once, not once more per view or gradient
    size = len(pickle.dumps(est))
    extra = np.zeros(10 * net.params.size)
    assert size < len(pickle.dumps((est, extra))) - extra.nbytes + 1000


def test_skops_lists_only_skdeep_types(tmp_path):
    for name in sorted(MODELS):
        est, _, _ = fit(name)
        path = tmp_path / f"{name}.skops"
        save(est, path)
        untrusted = sio.get_untrusted_types(file=path)
        assert untrusted and all(t.startswith("skdeep.") for t in untrusted)
        assert set(untrusted) <= trusted_types()


class ForeignOptimizer(Adam):
    """An optimizer defined outside skdeep."""


def test_load_refuses_foreign_types(tmp_path):
    est = MLPRegressor(hidden_layer_sizes=(3,), solver=ForeignOptimizer(), max_iter=2)
    est.fit(X2, Y)
    path = tmp_path / "foreign.skops"
    sio.dump(est, path)
    with pytest.raises(ValueError, match="not skdeep's own.*ForeignOptimizer"):
        load(path)


def test_polynomial_regression_round_trip(tmp_path):
    est = PolynomialRegression(3, penalty="l2").fit(X2, Y)
    save(est, tmp_path / "poly.skops")
    np.testing.assert_array_equal(
        load(tmp_path / "poly.skops").predict(X2), est.predict(X2)
    )


@pytest.mark.parametrize("name", ["mlp", "rnn", "classifier"])
def test_predict_from_many_threads(name):
    est, X, _ = fit(name)
    big = np.concatenate([X] * 50)
    expected = est.predict(big)
    proba = est.predict_proba(big) if hasattr(est, "predict_proba") else None
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: est.predict(big), range(32)))
        if proba is not None:
            probas = list(pool.map(lambda _: est.predict_proba(big), range(32)))
            for p in probas:
                np.testing.assert_array_equal(p, proba)
    for r in results:
        np.testing.assert_array_equal(r, expected)


class ThreadProbe(MLPRegressor):
    """Records the BLAS threads in effect while training."""

    def _train_stochastic(self, *args, **kwargs):
        self.blas_threads_ = max(
            (i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"),
            default=0,
        )
        return super()._train_stochastic(*args, **kwargs)


# small: skdeep's own one-thread rule; large (150 rows x a 600 x 600 layer is
# above it): joblib's workers get one thread each
@pytest.mark.parametrize("hidden", [(8,), (600, 600)], ids=["small", "large"])
def test_parallel_fits_do_not_oversubscribe(hidden):
    X = rng.normal(size=(300, 150))
    y = rng.normal(size=300)
    est = ThreadProbe(
        hidden_layer_sizes=hidden, batch_size=150, max_iter=1, random_state=0
    )
    result = cross_validate(est, X, y, cv=2, n_jobs=2, return_estimator=True)
    threads = [e.blas_threads_ for e in result["estimator"]]
    assert threads == [1, 1]  # 2 workers x 1 thread on 2 cores
