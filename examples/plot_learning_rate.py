"""
================================================
Learning rate: too small, about right, too large
================================================

Gradient descent moves every weight against its gradient, by a step equal to
the gradient times the **learning rate**. Its size decides how training goes:

* too small, and the loss falls so slowly that training takes forever;
* about right, and the loss falls quickly and settles near a minimum;
* too large, and every step overshoots: the loss jumps around and can grow
  without bound (it *diverges*).

This example shows the three cases on one small network trained by gradient
descent, then compares the learning-rate *schedules* that change the rate
during mini-batch training.
"""

# %%
# The data: a noisy exponential curve
# -----------------------------------
# 200 points of :math:`y = e^x` on :math:`[-2, 2]` with a little noise, a
# curve a straight line cannot fit but a small network can.
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.exceptions import ConvergenceWarning

from skdeep import MLPRegressor

rng = np.random.RandomState(0)
X = np.sort(rng.uniform(-2, 2, size=200)).reshape(-1, 1)
y = np.exp(X[:, 0]) + 0.1 * rng.normal(size=200)

# %%
# Three learning rates
# --------------------
# The same network (one hidden layer of 32 ``tanh`` units, the same initial
# weights from ``random_state=0``) is trained with plain gradient descent:
# ``solver='sgd'`` with ``momentum=0.0``, and the whole data set as one batch
# (``batch_size=200``), so each epoch makes exactly one step down the
# gradient of the training loss. Early stopping is switched off (``tol=0``,
# ``n_iter_no_change=np.inf``), so each model trains for 500 epochs unless it
# diverges. Only ``learning_rate_init`` changes.
#
# When the loss becomes infinite or NaN, skdeep stops training, puts back the
# weights of the last epoch whose loss was finite and raises a
# ``ConvergenceWarning`` that names the learning rate. The warnings are
# recorded with :func:`warnings.catch_warnings` and printed below (NumPy may
# also warn about the overflow itself; those warnings are left out).
# Reaching ``max_iter`` raises a ``ConvergenceWarning`` too.
common = dict(
    hidden_layer_sizes=(32,),
    activation="tanh",
    solver="sgd",
    momentum=0.0,
    batch_size=200,
    max_iter=500,
    tol=0.0,
    n_iter_no_change=np.inf,
    random_state=0,
)
learning_rates = {"too small": 0.001, "about right": 0.2, "too large": 0.7}
models = {}
for label, learning_rate in learning_rates.items():
    model = MLPRegressor(learning_rate_init=learning_rate, **common)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(X, y)
    models[label] = model
    print(f"learning_rate_init={learning_rate:g} ({label}): {model.n_iter_} epochs")
    for warning in caught:
        if issubclass(warning.category, ConvergenceWarning):
            print(f"  ConvergenceWarning: {warning.message}")

# %%
# The last entry of the diverged model's ``loss_curve_`` is the non-finite
# loss that stopped training. The model itself is still usable: of the states
# skdeep kept (the start of the last two epochs and of the epoch with the
# lowest loss), it restored the one with the lowest objective on the training
# data, so its predictions are finite and of the targets' size. It learned
# little, though, and the fix is to train again with a smaller learning rate.
for label, model in models.items():
    print(
        f"{label:>11}: last two losses {model.loss_curve_[-2]:.4g}, "
        f"{model.loss_curve_[-1]:.4g}; "
        f"largest |prediction| {np.max(np.abs(model.predict(X))):.3g}"
    )

# %%
# Loss curves and fitted curves
# -----------------------------
# On a log scale, the loss with the small learning rate creeps down and the
# good one drops by more than two orders of magnitude. With the large one, the
# first steps overshoot: the loss jumps up and down (see the inset, which
# zooms on the first 8 epochs), then grows by orders of magnitude every epoch,
# leaves the plot (cut at 1e4) and finally overflows.
# The right panel shows the fits of the two models that did not diverge: after
# 500 epochs the too-small learning rate has not yet bent its curve far
# enough.
fig, (ax_loss, ax_fit) = plt.subplots(1, 2, figsize=(12, 4.5))
# fix the y-range first: autoscaling to the diverged losses would overflow
ax_loss.set_yscale("log")
ax_loss.set_ylim(1e-3, 1e4)
for (label, model), color in zip(models.items(), ["C0", "C2", "C3"], strict=True):
    lr = learning_rates[label]
    ax_loss.plot(
        np.arange(1, len(model.loss_curve_) + 1),
        model.loss_curve_,
        color=color,
        lw=2,
        label=f"{label} ({lr:g})",
    )
diverged = models["too large"]
ax_loss.annotate(
    f"diverges (non-finite loss in epoch {diverged.n_iter_})",
    xy=(5, 1e4),
    xytext=(40, 1e3),
    color="C3",
    arrowprops=dict(arrowstyle="->", color="C3"),
)
inset = ax_loss.inset_axes([0.5, 0.45, 0.45, 0.3])
for model, color in zip(models.values(), ["C0", "C2", "C3"], strict=True):
    inset.plot(np.arange(1, 9), model.loss_curve_[:8], "o-", color=color, ms=3)
inset.set_yscale("log")
inset.set_ylim(0.1, 1e4)
inset.set_title("first 8 epochs", fontsize=9)
inset.tick_params(labelsize=8)
ax_loss.set_xlabel("epoch")
ax_loss.set_ylabel("training loss")
ax_loss.set_title("Gradient descent with three learning rates")
ax_loss.legend(loc="lower left")

ax_fit.scatter(X[:, 0], y, s=10, color="0.6", label="data")
ax_fit.plot(X[:, 0], np.exp(X[:, 0]), "k--", lw=1, label="$e^x$")
for label, color in [("too small", "C0"), ("about right", "C2")]:
    ax_fit.plot(X[:, 0], models[label].predict(X), color=color, lw=2, label=label)
ax_fit.set_xlabel("x")
ax_fit.set_ylabel("y")
ax_fit.set_title("Fitted curves after 500 epochs")
ax_fit.legend()
fig.tight_layout()

# %%
# Learning-rate schedules
# -----------------------
# Instead of one fixed rate, the rate can change during training, set by
# ``learning_rate``:
#
# * ``'constant'``: ``learning_rate_init`` throughout;
# * ``'invscaling'``: ``learning_rate_init / (t + 1) ** power_t`` after each
#   epoch, where ``t`` counts the *samples* seen so far (scikit-learn's rule).
#   With ``power_t=0.5`` and 200 samples the rate is already 14 times smaller
#   after one epoch;
# * ``'adaptive'``: keeps the rate while the loss improves, and divides it by
#   5 each time the loss has not improved by ``tol`` for ``n_iter_no_change``
#   epochs; training stops once the rate falls below 1e-6;
# * ``'cosine'``: lowers the rate smoothly from ``learning_rate_init`` to 0
#   along half a cosine wave over ``max_iter`` epochs.
#
# Schedules matter most with mini-batches, whose gradients are noisy, so the
# network is now trained by mini-batch SGD, with batches of 20 samples (10
# steps per epoch). All four schedules start from ``learning_rate_init=0.2``
# and run for at most 300 epochs. ``'adaptive'`` relies on the
# no-improvement rule, so it keeps the default ``tol=1e-4`` and
# ``n_iter_no_change=10``; the other three run all 300 epochs.
schedules = {}
for schedule in ["constant", "invscaling", "adaptive", "cosine"]:
    stopping = (
        dict(tol=1e-4, n_iter_no_change=10)
        if schedule == "adaptive"
        else dict(tol=0.0, n_iter_no_change=np.inf)
    )
    params = dict(common, batch_size=20, max_iter=300, **stopping)
    model = MLPRegressor(learning_rate=schedule, learning_rate_init=0.2, **params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
    schedules[schedule] = model
    print(
        f"{schedule:>10}: {model.n_iter_:3d} epochs, "
        f"mean loss of the last 10 epochs {np.mean(model.loss_curve_[-10:]):.5f}"
    )

# %%
# With a constant rate the loss keeps jittering: the rate never shrinks, so
# the noise of the mini-batch gradients keeps shaking the weights. ``'cosine'``
# follows the constant curve at
# first and then, as its steps shrink, settles lower and more smoothly.
# ``'adaptive'`` also ends quiet, and stops by itself. ``'invscaling'``, with
# its rate falling with the number of samples seen, slows down long before the
# network has fit the curve: it needs a much larger ``learning_rate_init`` (or
# a smaller ``power_t``).
fig, ax = plt.subplots(figsize=(8, 4.5))
for schedule, model in schedules.items():
    ax.plot(
        np.arange(1, len(model.loss_curve_) + 1),
        model.loss_curve_,
        lw=1.5,
        label=schedule,
    )
ax.set_yscale("log")
ax.set_xlabel("epoch")
ax.set_ylabel("training loss")
ax.set_title("Learning-rate schedules, learning_rate_init=0.2")
ax.legend()
fig.tight_layout()
plt.show()
