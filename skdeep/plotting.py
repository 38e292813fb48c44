"""Plots (matplotlib, optional): training curves and comparison tables."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["LossCurveDisplay", "plot_compare"]


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "skdeep's plots need matplotlib: pip install 'skdeep[plot]' "
            "(or pip install matplotlib)."
        ) from exc
    return plt


class LossCurveDisplay:
    """Training curves of a fitted network: loss and validation loss per epoch.

    Follows scikit-learn's Display conventions: build it with
    :meth:`from_estimator`, or construct it from the numbers and call
    :meth:`plot`.

    Parameters
    ----------
    loss : array-like of shape (n_epochs,)
        Training loss per epoch.
    val_loss : array-like of shape (n_epochs,), default=None
        Validation loss per epoch.
    estimator_name : str, default=None
        Used in the legend.

    Attributes
    ----------
    line_ : matplotlib Line2D
        The training curve.
    val_line_ : matplotlib Line2D or None
        The validation curve.
    ax_ : matplotlib Axes
        Axes with the curves.
    figure_ : matplotlib Figure
        Figure containing the curves.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import make_regression
    >>> from skdeep import MLPRegressor
    >>> from skdeep.plotting import LossCurveDisplay
    >>> X, y = make_regression(n_samples=100, n_features=3, random_state=0)
    >>> est = MLPRegressor(max_iter=5).fit(X[:80], y[:80], X_val=X[80:], y_val=y[80:])
    >>> display = LossCurveDisplay.from_estimator(est)
    >>> len(display.line_.get_xdata())
    5
    """

    def __init__(self, *, loss, val_loss=None, estimator_name=None):
        self.loss = loss
        self.val_loss = val_loss
        self.estimator_name = estimator_name

    def plot(self, ax=None, *, log_scale: bool = False, **kwargs):
        """Draw the curves.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; a new figure when None.
        log_scale : bool, default=False
            Logarithmic loss axis.
        **kwargs : dict
            Passed to ``ax.plot`` for the training curve.

        Returns
        -------
        self : LossCurveDisplay
        """
        plt = _pyplot()
        if ax is None:
            _, ax = plt.subplots()
        name = self.estimator_name or "model"
        epochs = np.arange(1, len(self.loss) + 1)
        (self.line_,) = ax.plot(epochs, self.loss, label=f"{name} loss", **kwargs)
        self.val_line_ = None
        if self.val_loss is not None:
            (self.val_line_,) = ax.plot(
                epochs, self.val_loss, linestyle="--", label=f"{name} val_loss"
            )
        if log_scale:
            ax.set_yscale("log")
        ax.set_xlabel("epoch")
        ax.set_ylabel("loss")
        ax.legend()
        self.ax_, self.figure_ = ax, ax.figure
        return self

    @classmethod
    def from_estimator(
        cls, estimator, *, ax=None, name=None, log_scale=False, **kwargs
    ):
        """Plot the curves recorded in a fitted estimator's ``history_``.

        Parameters
        ----------
        estimator : fitted skdeep estimator
            An estimator with ``history_`` (or at least ``loss_curve_``), or a
            pipeline or ``TransformedTargetRegressor`` ending in one.
        ax : matplotlib Axes, default=None
            Where to draw.
        name : str, default=None
            Legend name; the estimator's class name by default.
        log_scale : bool, default=False
            Logarithmic loss axis.
        **kwargs : dict
            Passed to :meth:`plot`.

        Returns
        -------
        LossCurveDisplay
        """
        from .compare import _final_estimator

        estimator = _final_estimator(estimator)  # pipelines, target transformers
        history = getattr(estimator, "history_", None)
        if history is None and not hasattr(estimator, "loss_curve_"):
            raise ValueError(
                f"{type(estimator).__name__} is not fitted or records no loss curve."
            )
        history = history or {"loss": estimator.loss_curve_}
        display = cls(
            loss=history["loss"],
            val_loss=history.get("val_loss"),
            estimator_name=name or type(estimator).__name__,
        )
        return display.plot(ax=ax, log_scale=log_scale, **kwargs)


def plot_compare(table, *, score: str | None = None, ax=None):
    """Bar chart of a :func:`skdeep.compare` table: mean score with its standard
    deviation as error bars, best first.

    Parameters
    ----------
    table : pandas.DataFrame
        The output of :func:`skdeep.compare`.
    score : str, default=None
        Which score (``mean_<score>`` column); the first one by default.
    ax : matplotlib Axes, default=None
        Where to draw.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_diabetes
    >>> from sklearn.linear_model import Ridge
    >>> from skdeep import compare
    >>> from skdeep.plotting import plot_compare
    >>> X, y = load_diabetes(return_X_y=True)
    >>> ax = plot_compare(compare({"ridge": Ridge()}, X, y, cv=3))
    >>> ax.get_xlabel()
    'score'
    """
    if not isinstance(table, pd.DataFrame):
        raise TypeError(
            f"table must be the DataFrame compare() returns, got {type(table).__name__}."
        )
    plt = _pyplot()
    means = [c for c in table.columns if c.startswith("mean_")]
    if not means:
        raise ValueError("table has no mean_<score> column; pass compare()'s output.")
    score = score or means[0][len("mean_") :]
    if f"mean_{score}" not in table:
        valid = ", ".join(c[len("mean_") :] for c in means)
        raise ValueError(f"Unknown score {score!r}; the table has: {valid}.")
    ordered = table.sort_values(f"mean_{score}")
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 0.45 * len(ordered) + 1.2))
    ax.barh(
        ordered.index.astype(str),
        ordered[f"mean_{score}"],
        xerr=ordered[f"std_{score}"],
        capsize=3,
    )
    ax.set_xlabel(score)
    ax.set_title("Cross-validated comparison")
    ax.figure.tight_layout()
    return ax
