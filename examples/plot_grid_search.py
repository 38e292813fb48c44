"""
=============================================
Random search over a course-sized tuning grid
=============================================

The course tunes a network of two hidden ReLU layers, each followed by
dropout, over a grid of six hyperparameters:

* units in the first and in the second hidden layer: 64, 128 or 256;
* dropout rate after the first and after the second layer: 0.2, 0.3 or 0.4;
* optimizer: RMSProp or Adam;
* batch size: 16, 32, 64 or 128;

each run trained for up to 500 epochs, with 20% of the training data held out
for early stopping after 25 epochs without improvement. This example writes
the same search with :class:`skdeep.MLPRegressor` and scikit-learn's
:class:`~sklearn.model_selection.RandomizedSearchCV`, which tries a random
sample of the grid instead of all of it.
"""

# %%
# The data and the network
# ------------------------
# 600 runs of the simulated powder line of
# :func:`skdeep.datasets.make_powder_atomization`: six process inputs, four
# outputs (the particle sizes d10, d50, d90 and the yield), all standardized
# for training as in :ref:`sphx_glr_auto_examples_plot_powder_process.py`.
#
# The course's training settings map to the network's parameters:
#
# * ``early_stopping=True, validation_fraction=0.2``: hold out 20% of the
#   training data (Keras's ``validation_split=0.2``);
# * ``n_iter_no_change=25``: stop once *more than* 25 consecutive epochs bring no
#   improvement of the validation score by ``tol`` (scikit-learn's rule; Keras's
#   ``patience=25`` stops after 25). skdeep watches the
#   validation :math:`R^2` rather than the validation loss, and puts back the
#   weights of the best epoch;
# * ``max_iter=500``: at most 500 epochs.
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.compose import TransformedTargetRegressor
from sklearn.model_selection import (
    ParameterGrid,
    RandomizedSearchCV,
    cross_val_score,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from skdeep import MLPRegressor
from skdeep.datasets import make_powder_atomization
from skdeep.plotting import LossCurveDisplay

X, y = make_powder_atomization(n_samples=600, random_state=0)

model = TransformedTargetRegressor(
    make_pipeline(
        StandardScaler(),
        MLPRegressor(
            activation="relu",
            max_iter=500,
            early_stopping=True,
            validation_fraction=0.2,
            n_iter_no_change=25,
            random_state=0,
        ),
    ),
    transformer=StandardScaler(),
)

# %%
# The grid
# --------
# The units of the two layers together make ``hidden_layer_sizes``, and the
# two dropout rates make ``dropout``, which takes one rate per hidden layer.
# Listing every pair keeps the six dimensions of the course's grid.
# :class:`~sklearn.model_selection.ParameterGrid` counts the combinations.
prefix = "regressor__mlpregressor__"
units = [64, 128, 256]
rates = [0.2, 0.3, 0.4]
grid = {
    prefix + "hidden_layer_sizes": [(a, b) for a in units for b in units],
    prefix + "dropout": [(a, b) for a in rates for b in rates],
    prefix + "solver": ["rmsprop", "adam"],
    prefix + "batch_size": [16, 32, 64, 128],
}
n_combinations = len(ParameterGrid(grid))
print(f"{n_combinations} combinations = 3 * 3 * 3 * 3 * 2 * 4")

# %%
# A random sample of the grid
# ---------------------------
# With 3-fold cross-validation the full grid would take
# ``3 * 648 = 1944`` trainings. :class:`~sklearn.model_selection.RandomizedSearchCV`
# draws ``n_iter`` combinations instead; when every parameter is given as a
# list, as here, it samples the grid without replacement. 8 combinations (24
# trainings) keep this example quick. Each split trains on 400 runs, of which
# the network holds out 80 for early stopping, and is scored on the other 200
# by the :math:`R^2` averaged over the four outputs.
#
# Networks of this size train fastest with a single BLAS thread. skdeep uses
# one thread by itself when every weight matrix is smaller than 128 x 128,
# but a 256-unit layer is above that, and NumPy's BLAS then uses every core,
# which slows training down badly when other programs share the cores. The
# search therefore runs inside :func:`threadpoolctl.threadpool_limits`.
n_iter = 8
search = RandomizedSearchCV(model, grid, n_iter=n_iter, cv=3, random_state=0)
with threadpool_limits(limits=1, user_api="blas"):
    search.fit(X, y)

results = pd.DataFrame(search.cv_results_)
results.columns = results.columns.str.replace("param_" + prefix, "")
columns = [
    "hidden_layer_sizes",
    "dropout",
    "solver",
    "batch_size",
    "mean_test_score",
    "std_test_score",
    "mean_fit_time",
]
results = results.sort_values("rank_test_score")[columns]
print(results.round(4).to_string(index=False))
best_params = {
    name[len(prefix) :]: value for name, value in search.best_params_.items()
}
print("best:", best_params)
seconds = results["mean_fit_time"].mean() * 3 * n_combinations
print(f"the full grid at the same pace: about {seconds / 60:.0f} minutes")

# %%
# What the search found
# ---------------------
# All eight combinations score between 0.941 and 0.957. The top five lie
# within 0.0025 of each other, about the size of the standard deviations of
# their fold scores (0.001 to 0.003): the search cannot tell them apart. The
# smallest network, (64, 64) with the strongest dropout, is clearly behind.
# In this small sample the top four have 128 or 256 units in the first layer
# and fewer in the second; both optimizers and dropout rates from 0.2 to 0.4
# appear among them.
#
# Is dropout useful at all here? The best combination is cross-validated again
# on the same folds with ``dropout=0``:
no_dropout = clone(search.best_estimator_).set_params(**{prefix + "dropout": 0.0})
with threadpool_limits(limits=1, user_api="blas"):
    scores = cross_val_score(no_dropout, X, y, cv=3)
print(f"best combination without dropout: {scores.mean():.4f} +/- {scores.std():.4f}")

# %%
# Without dropout the best combination scores 0.9557 instead of 0.9571, a
# difference about the size of the fold-to-fold spread: on this data dropout
# neither helps nor hurts much.
#
# How far to trust a random sample
# --------------------------------
# If a fraction :math:`q` of the grid counts as "among the best", ``n_iter``
# random draws miss all of them with probability :math:`(1 - q)^{n}`. Eight
# draws include one of the best 10% of the grid with probability
# :math:`1 - 0.9^8 = 0.57`, and 60 draws would raise this to 0.998. Here the
# eight sampled scores are close, so the sample mainly shows that most of
# these settings give similar results; a larger ``n_iter`` is the way to pin
# down the best one.
for q in [0.05, 0.10]:
    for n in [n_iter, 60]:
        print(
            f"P(at least one of the best {q:.0%} in {n} draws) = {1 - (1 - q) ** n:.3f}"
        )

# %%
# The left panel shows the eight sampled combinations with the standard
# deviation of their fold scores. The right panel shows how the best
# combination trained when the search refitted it on all 600 runs: the
# training loss and the loss on the 20% held out for early stopping, from the
# network's ``history_``. The training loss
# lies above the validation loss because it is measured with dropout active
# and includes the L2 penalty. The dotted line marks the epoch with the best
# validation score, whose weights the network keeps. Training went on for 26
# more epochs: like scikit-learn, skdeep stops once *more than*
# ``n_iter_no_change`` epochs in a row have not improved the score by ``tol``.
labels = [
    f"{row.hidden_layer_sizes}, drop {row.dropout}, {row.solver}, batch {row.batch_size}"
    for row in results.itertuples()
]
fig, (ax_scores, ax_loss) = plt.subplots(
    1, 2, figsize=(13, 4.5), gridspec_kw={"width_ratios": [1.3, 1]}
)
ax_scores.barh(
    labels[::-1],
    results["mean_test_score"][::-1],
    xerr=results["std_test_score"][::-1],
    capsize=3,
)
ax_scores.set_xlim(0.92, 0.97)
ax_scores.set_xlabel("mean R^2 over 3 folds")
ax_scores.set_title(f"{n_iter} of {n_combinations} combinations")

network = search.best_estimator_.regressor_[-1]
LossCurveDisplay.from_estimator(network, ax=ax_loss, name="best")
ax_loss.set_title(f"Best combination: stopped after {network.n_iter_} epochs")
best_epoch = int(np.argmax(network.history_["val_score"])) + 1
print(f"refit: best validation score in epoch {best_epoch} of {network.n_iter_}")
ax_loss.axvline(best_epoch, color="k", ls=":", lw=1)
fig.tight_layout()
plt.show()
