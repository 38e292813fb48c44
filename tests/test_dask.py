"""Scale-out: grid searches on a distributed cluster, incremental training on
dask arrays."""

import warnings

import dask.array as da
import joblib
import numpy as np
import pytest
from dask_ml.wrappers import Incremental
from distributed import Client, LocalCluster
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, RandomizedSearchCV

from skdeep import MLPClassifier, MLPRegressor, SimpleRNN


@pytest.fixture(scope="module")
def client():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cluster = LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        )
    with cluster, Client(cluster) as client:
        yield client


@pytest.fixture(autouse=True)
def _quiet_convergence():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


rng = np.random.RandomState(0)
X = rng.normal(size=(120, 5))
y = X[:, 0] - 2 * X[:, 1] + 0.1 * rng.normal(size=120)


def test_grid_search_on_the_cluster_equals_a_local_run(client):
    grid = {"hidden_layer_sizes": [(8,), (16,)], "alpha": [1e-4, 1e-1]}
    est = MLPRegressor(max_iter=30, random_state=0)
    local = GridSearchCV(est, grid, cv=3).fit(X, y)
    with joblib.parallel_backend("dask"):
        remote = GridSearchCV(est, grid, cv=3, n_jobs=-1).fit(X, y)
    np.testing.assert_array_equal(
        remote.cv_results_["mean_test_score"], local.cv_results_["mean_test_score"]
    )
    assert remote.best_params_ == local.best_params_
    np.testing.assert_array_equal(remote.predict(X), local.predict(X))
    workers = client.scheduler_info()["workers"]
    assert len(workers) == 2


def test_randomized_search_with_rnn_on_the_cluster(client):
    X3 = X.reshape(120, 5, 1)
    dist = {"hidden_layer_sizes": [(4,), (8,)], "learning_rate_init": [1e-3, 1e-2]}
    est = SimpleRNN(max_iter=5, random_state=0)
    local = RandomizedSearchCV(est, dist, n_iter=3, cv=2, random_state=0).fit(X3, y)
    with joblib.parallel_backend("dask"):
        remote = RandomizedSearchCV(
            est, dist, n_iter=3, cv=2, random_state=0, n_jobs=-1
        ).fit(X3, y)
    np.testing.assert_array_equal(
        remote.cv_results_["mean_test_score"], local.cv_results_["mean_test_score"]
    )


def test_incremental_trains_chunk_by_chunk(client):
    dX = da.from_array(X, chunks=30)
    dy = da.from_array(y, chunks=30)
    kw = dict(hidden_layer_sizes=(8,), random_state=0, shuffle=False)
    inc = Incremental(MLPRegressor(**kw), shuffle_blocks=False).fit(dX, dy)
    manual = MLPRegressor(**kw)
    for start in range(0, 120, 30):
        manual.partial_fit(X[start : start + 30], y[start : start + 30])
    np.testing.assert_array_equal(inc.estimator_.predict(X), manual.predict(X))
    assert inc.estimator_.t_ == 120


def test_incremental_classifier_with_classes(client):
    labels = (y > 0).astype(int)
    dX, dy = da.from_array(X, chunks=40), da.from_array(labels, chunks=40)
    kw = dict(hidden_layer_sizes=(8,), random_state=0, shuffle=False)
    inc = Incremental(MLPClassifier(**kw), shuffle_blocks=False)
    inc.fit(dX, dy, classes=[0, 1])
    manual = MLPClassifier(**kw)
    for start in range(0, 120, 40):
        chunk = slice(start, start + 40)
        manual.partial_fit(X[chunk], labels[chunk], classes=[0, 1])
    assert inc.estimator_.classes_.tolist() == [0, 1]
    np.testing.assert_array_equal(
        inc.estimator_.predict_proba(X), manual.predict_proba(X)
    )
