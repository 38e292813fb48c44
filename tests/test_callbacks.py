"""scikit-learn's callback API (sklearn.callback, 1.9+) on the estimators."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import r2_score
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdeep import MLPClassifier, MLPRegressor

callback = pytest.importorskip("sklearn.callback")  # absent before scikit-learn 1.9
ProgressBar, ScoringMonitor = callback.ProgressBar, callback.ScoringMonitor


@pytest.fixture(autouse=True)
def _quiet_convergence():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


def data():
    X, y = make_regression(n_samples=80, n_features=4, noise=1.0, random_state=0)
    return X, y / y.std()


KW = dict(hidden_layer_sizes=(8,), learning_rate_init=0.01, tol=0, random_state=0)


def test_scoring_monitor_scores_every_epoch():
    X, y = data()
    monitor = ScoringMonitor(scoring="r2")
    MLPRegressor(max_iter=3, **KW).set_callbacks(monitor).fit(X, y)
    table = monitor.get_logs().data_as_pandas
    epochs = table[table["task_name"] == "epoch"]["r2"].to_numpy()
    # each epoch's score equals that of an independent fit stopped there
    expected = [
        r2_score(y, MLPRegressor(max_iter=k, **KW).fit(X, y).predict(X))
        for k in (1, 2, 3)
    ]
    np.testing.assert_allclose(epochs, expected, rtol=1e-10)


class StopAfter:
    """A callback asking to stop after a number of epochs."""

    def __init__(self, n_epochs):
        self.n_epochs = n_epochs
        self.seen = 0

    def setup(self, estimator, context):
        pass

    def teardown(self, estimator, context):
        pass

    def on_fit_task_begin(self, estimator, context):
        pass

    def on_fit_task_end(self, estimator, context, **kwargs):
        if context.task_name == "epoch":
            self.seen += 1
            return self.seen >= self.n_epochs
        return False


def test_a_callback_can_stop_training():
    X, y = data()
    est = MLPRegressor(max_iter=50, **KW).set_callbacks(StopAfter(4)).fit(X, y)
    assert est.n_iter_ == 4 and len(est.loss_curve_) == 4


def test_progress_bar_in_pipeline_and_grid_search(capsys):
    pytest.importorskip("rich")
    X, y = data()
    pipe = make_pipeline(StandardScaler(), MLPRegressor(max_iter=3, **KW))
    pipe.set_callbacks(ProgressBar(max_propagation_depth=None)).fit(X, y)
    assert pipe[-1].n_iter_ == 3
    # the progress bar goes on the outermost estimator only
    pipe = make_pipeline(StandardScaler(), MLPRegressor(max_iter=3, **KW))
    search = GridSearchCV(pipe, {"mlpregressor__alpha": [1e-4, 1e-2]}, cv=2)
    search.set_callbacks(ProgressBar(max_propagation_depth=None)).fit(X, y)
    assert search.best_estimator_[-1].n_iter_ == 3


def test_scoring_monitor_on_the_inner_estimator_of_a_search():
    X, y = data()
    monitor = ScoringMonitor(scoring="r2")
    inner = MLPRegressor(max_iter=2, **KW).set_callbacks(monitor)
    GridSearchCV(inner, {"alpha": [1e-4, 1e-2]}, cv=2).fit(X, y)
    tables = [run.data_as_pandas for run in monitor.get_logs(select="all")]
    n_epochs = sum((t["task_name"] == "epoch").sum() for t in tables)
    assert n_epochs == (4 + 1) * 2  # 4 CV fits and the refit, 2 epochs each


def test_partial_fit_and_classifier_with_callbacks():
    X, y = data()
    labels = (y > 0).astype(int)
    monitor = ScoringMonitor(scoring="accuracy")
    clf = MLPClassifier(max_iter=2, **KW).set_callbacks(monitor)
    clf.partial_fit(X, labels, classes=[0, 1]).partial_fit(X, labels)
    clf.fit(X, labels)
    assert not hasattr(clf, "_callback_fit_ctx")


def test_no_callbacks_leave_no_trace():
    X, y = data()
    est = MLPRegressor(max_iter=2, **KW).fit(X, y)
    assert not any("callback" in name for name in vars(est))
