"""Plots: LossCurveDisplay and the comparison chart."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from sklearn.datasets import make_regression  # noqa: E402
from sklearn.linear_model import Ridge  # noqa: E402

from skdeep import MLPRegressor, compare  # noqa: E402
from skdeep.plotting import LossCurveDisplay, plot_compare  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_loss_curve_display_from_estimator():
    X, y = make_regression(n_samples=80, n_features=3, random_state=0)
    est = MLPRegressor(max_iter=6).fit(X[:60], y[:60], X_val=X[60:], y_val=y[60:])
    display = LossCurveDisplay.from_estimator(est, name="net", log_scale=True)
    np.testing.assert_allclose(display.line_.get_ydata(), est.history_["loss"])
    np.testing.assert_allclose(display.val_line_.get_ydata(), est.history_["val_loss"])
    assert display.ax_.get_yscale() == "log"
    labels = [t.get_text() for t in display.ax_.get_legend().get_texts()]
    assert labels == ["net loss", "net val_loss"]


def test_loss_curve_display_unwraps_pipelines():
    from sklearn.compose import TransformedTargetRegressor
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X, y = make_regression(n_samples=40, n_features=3, random_state=0)
    model = TransformedTargetRegressor(
        make_pipeline(StandardScaler(), MLPRegressor(max_iter=4)),
        transformer=StandardScaler(),
    ).fit(X, y)
    display = LossCurveDisplay.from_estimator(model)
    assert len(display.line_.get_xdata()) == 4


def test_loss_curve_display_without_validation_and_unfitted():
    X, y = make_regression(n_samples=40, n_features=3, random_state=0)
    est = MLPRegressor(max_iter=3).fit(X, y)
    fig, ax = plt.subplots()
    display = LossCurveDisplay.from_estimator(est, ax=ax)
    assert display.ax_ is ax and display.val_line_ is None
    with pytest.raises(ValueError, match="not fitted"):
        LossCurveDisplay.from_estimator(MLPRegressor())


def test_plot_compare():
    X, y = make_regression(n_samples=60, n_features=3, noise=5, random_state=0)
    table = compare({"ridge": Ridge(), "strong": Ridge(alpha=1e4)}, X, y, cv=3)
    ax = plot_compare(table)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["strong", "ridge"]  # best at the top
    with pytest.raises(ValueError, match="Unknown score 'r3'"):
        plot_compare(table, score="r3")
