"""
=====================================
skdeep as a drop-in for scikit-learn
=====================================

:class:`skdeep.MLPRegressor` takes the same parameters as
:class:`sklearn.neural_network.MLPRegressor`, draws the same initial weights
from the same ``random_state``, shuffles the same way and takes the same
optimizer steps. Here both
estimators are fitted with identical settings on the diabetes dataset that ships
with scikit-learn, and we check that they give the same predictions and the same
loss curve, and compare how long each takes to fit.
"""

# %%
# The data and the two pipelines
# ------------------------------
# The only difference between the two pipelines is the module the estimator
# comes from. The inputs are standardized; the targets (a measure of disease
# progression, from 25 to 346) are left as they are. With
# ``early_stopping=True`` each estimator holds out 10% of the training data and
# stops when the :math:`R^2` score on it stops improving: the held-out samples
# are drawn from ``random_state`` too, so both libraries hold out the same ones.
import time

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_diabetes
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPRegressor as SklearnMLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdeep import MLPRegressor

X, y = load_diabetes(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)

params = dict(
    hidden_layer_sizes=(32,),
    solver="adam",
    learning_rate_init=0.01,
    max_iter=1000,
    early_stopping=True,
    random_state=0,
)
sklearn_model = make_pipeline(StandardScaler(), SklearnMLPRegressor(**params))
skdeep_model = make_pipeline(StandardScaler(), MLPRegressor(**params))

# %%
# Every parameter of scikit-learn's estimator exists in skdeep's, with the same
# default. skdeep adds a few of its own, whose defaults keep scikit-learn's
# behaviour.
sklearn_defaults = SklearnMLPRegressor().get_params()
skdeep_defaults = MLPRegressor().get_params()
print(
    "same defaults:",
    all(skdeep_defaults[name] == value for name, value in sklearn_defaults.items()),
)
print("only in skdeep:", sorted(set(skdeep_defaults) - set(sklearn_defaults)))

# %%
# Fit both, and time the fits
# ---------------------------
# Each pipeline is fitted three times and the fastest fit is kept, which makes
# the timing less sensitive to whatever else the machine is doing. The
# dataset is small (331 training samples), so both fits take well under a
# second; the printed times are those of the machine that ran this example.


def best_fit_time(model, X, y, repeats=3):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        model.fit(X, y)
        times.append(time.perf_counter() - start)
    return min(times)


sklearn_time = best_fit_time(sklearn_model, X_train, y_train)
skdeep_time = best_fit_time(skdeep_model, X_train, y_train)
print(f"scikit-learn: {sklearn_time:.3f} s for {sklearn_model[-1].n_iter_} epochs")
print(f"skdeep:       {skdeep_time:.3f} s for {skdeep_model[-1].n_iter_} epochs")
print(f"speed-up:     {sklearn_time / skdeep_time:.2f}x")

# %%
# The predictions match
# ---------------------
# Both libraries stop after the same number of epochs, and the fitted weights
# and the test-set predictions agree to floating-point rounding. (The point is
# the agreement, not the score: on this small dataset the network does no
# better than a linear model such as ``Ridge``.)
sklearn_pred = sklearn_model.predict(X_test)
skdeep_pred = skdeep_model.predict(X_test)
print("largest prediction difference:", np.max(np.abs(sklearn_pred - skdeep_pred)))
print("predictions match:", np.allclose(sklearn_pred, skdeep_pred))
print(
    "weights match:",
    all(
        np.allclose(a, b)
        for a, b in zip(sklearn_model[-1].coefs_, skdeep_model[-1].coefs_, strict=True)
    ),
)
print(f"R^2 on the test set: {sklearn_model.score(X_test, y_test):.4f} (scikit-learn)")
print(f"R^2 on the test set: {skdeep_model.score(X_test, y_test):.4f} (skdeep)")

# %%
# Loss curves, validation scores and predictions side by side
# -----------------------------------------------------------
# ``loss_curve_`` holds the training loss (half the mean squared error, plus
# the L2 penalty) after each epoch, and ``validation_scores_`` the
# :math:`R^2` score on the held-out data. The curves of the two libraries lie
# on top of each other, and so do the predictions.
fig, (ax_loss, ax_val, ax_pred) = plt.subplots(1, 3, figsize=(13, 4))
ax_loss.plot(sklearn_model[-1].loss_curve_, lw=4, alpha=0.5, label="scikit-learn")
ax_loss.plot(skdeep_model[-1].loss_curve_, "k--", lw=1.5, label="skdeep")
ax_loss.set_yscale("log")
ax_loss.set_xlabel("epoch")
ax_loss.set_ylabel("training loss")
ax_loss.set_title("Loss curves")
ax_loss.legend()

ax_val.plot(sklearn_model[-1].validation_scores_, lw=4, alpha=0.5, label="scikit-learn")
ax_val.plot(skdeep_model[-1].validation_scores_, "k--", lw=1.5, label="skdeep")
ax_val.set_xlabel("epoch")
ax_val.set_ylabel("validation $R^2$")
ax_val.set_title("Validation scores")
ax_val.legend()

lims = [min(y_test.min(), sklearn_pred.min()), max(y_test.max(), sklearn_pred.max())]
ax_pred.plot(lims, lims, color="0.7", lw=1)
ax_pred.scatter(sklearn_pred, skdeep_pred, s=15)
ax_pred.set_xlabel("scikit-learn prediction")
ax_pred.set_ylabel("skdeep prediction")
ax_pred.set_title("Test-set predictions")
fig.tight_layout()
plt.show()
