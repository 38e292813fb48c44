"""
=====================================
L1, L2 and elastic-net weight penalty
=====================================

A weight penalty adds a cost for large weights to the loss, which fights
overfitting. The two classic choices behave differently:

* **L2** (Ridge, "weight decay"), half the sum of the squared weights,
  shrinks every weight a little but sets none of them to zero;
* **L1** (Lasso), the sum of the absolute weights, sets the weights of
  unneeded inputs to *exactly* zero: it selects features;
* **elastic net** mixes the two.

skdeep applies the L1 part as a proximal ("soft-thresholding") step after each
gradient step, which is what produces exact zeros. This example shows the three
penalties on a network with no hidden layer, which is a linear model, checks
that the L1 result is scikit-learn's :class:`~sklearn.linear_model.Lasso`
solution, and then uses L1 to find the relevant inputs of a network with a
hidden layer.
"""

# %%
# Data where only a few features matter
# -------------------------------------
# 100 samples with 10 standardized features; the target depends on four of
# them (features 0, 1, 4 and 8) plus noise. The other six are useless.
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import ElasticNet, Lasso, Ridge
from sklearn.preprocessing import StandardScaler

from skdeep import MLPRegressor

rng = np.random.RandomState(0)
n_samples, n_features = 100, 10
X = StandardScaler().fit_transform(rng.normal(size=(n_samples, n_features)))
true_coef = np.array([3.0, -2.0, 0.0, 0.0, 1.5, 0.0, 0.0, 0.0, 0.5, 0.0])
y = X @ true_coef + 1.0 + 0.5 * rng.normal(size=n_samples)

# %%
# A linear model trained by full-batch gradient descent
# -----------------------------------------------------
# ``hidden_layer_sizes=()`` gives a network with no hidden layer: the output is
# ``X @ coefs_[0] + intercepts_[0]``, a linear regression. To make the training
# loop a textbook *proximal gradient descent*, which converges to the exact
# minimum of the penalized loss, we use
#
# * plain gradient descent: ``solver='sgd'`` with ``momentum=0.0``;
# * the whole data set as one batch (``batch_size=n_samples``,
#   ``shuffle=False``);
# * enough epochs, with early stopping switched off (``tol=0``,
#   ``n_iter_no_change=np.inf``).
#
# The penalty enters the loss as ``alpha * P(W) / n_samples``, so the same
# ``alpha`` is used for the three penalties; elastic net uses
# ``l1_ratio=0.5``, half L1 and half L2.
alpha = 25.0
full_batch_gd = dict(
    hidden_layer_sizes=(),
    solver="sgd",
    momentum=0.0,
    batch_size=n_samples,
    shuffle=False,
    learning_rate_init=0.2,
    max_iter=1000,
    tol=0.0,
    n_iter_no_change=np.inf,
    alpha=alpha,
    l1_ratio=0.5,
    random_state=0,
)
coefs = {}
for penalty in ["l2", "l1", "elasticnet"]:
    with warnings.catch_warnings():
        # reaching max_iter is intended here
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = MLPRegressor(penalty=penalty, **full_batch_gd).fit(X, y)
    # adding 0.0 turns the sign of negative zeros (-0.0) positive for printing
    coefs[penalty] = model.coefs_[0].ravel() + 0.0

np.set_printoptions(precision=3, suppress=True)
for penalty, coef in coefs.items():
    print(f"{penalty:>10}: {coef}  exact zeros: {np.sum(coef == 0)}")

# %%
# The coefficients side by side
# -----------------------------
# L2 keeps every coefficient, small but nonzero. L1 sets the six useless
# coefficients exactly to zero and keeps the four useful ones (shrunk towards
# zero: the price of the penalty). Elastic net lies in between: it zeroes some
# of the useless coefficients.
fig, ax = plt.subplots(figsize=(9, 4))
width = 0.27
positions = np.arange(n_features)
for offset, (penalty, coef) in zip((-width, 0, width), coefs.items(), strict=True):
    n_zero = np.sum(coef == 0)
    ax.bar(positions + offset, coef, width, label=f"{penalty} ({n_zero} zeros)")
ax.scatter(positions, true_coef, marker="_", s=300, color="k", label="true")
ax.axhline(0, color="0.5", lw=0.8)
ax.set_xticks(positions)
ax.set_xlabel("feature")
ax.set_ylabel("coefficient")
ax.set_title(f"No-hidden-layer MLPRegressor, alpha={alpha:g}")
ax.legend()
fig.tight_layout()

# %%
# The same solutions as scikit-learn's linear models
# --------------------------------------------------
# scikit-learn's :class:`~sklearn.linear_model.Lasso` minimizes
# ``||y - Xw||^2 / (2 * n_samples) + alpha_lasso * ||w||_1``; skdeep's L1
# objective is that with ``alpha_lasso = alpha / n_samples``. Likewise
# ``penalty='elasticnet'`` matches
# :class:`~sklearn.linear_model.ElasticNet` with the same conversion, and
# ``penalty='l2'`` matches :class:`~sklearn.linear_model.Ridge` with the same
# ``alpha``. The coefficients agree to rounding error, and the L1 zeros are
# the Lasso's zeros.
lasso = Lasso(alpha=alpha / n_samples, tol=1e-12, max_iter=100_000).fit(X, y)
enet = ElasticNet(alpha=alpha / n_samples, l1_ratio=0.5, tol=1e-12, max_iter=100_000)
enet.fit(X, y)
ridge = Ridge(alpha=alpha).fit(X, y)
for penalty, reference in [("l1", lasso), ("elasticnet", enet), ("l2", ridge)]:
    difference = np.max(np.abs(coefs[penalty] - reference.coef_))
    print(
        f"{penalty:>10} vs {type(reference).__name__:<10}: "
        f"largest difference {difference:.1e}, "
        f"same zeros: {np.array_equal(coefs[penalty] == 0, reference.coef_ == 0)}"
    )

# %%
# L1 on a network with a hidden layer
# -----------------------------------
# In a network the first-layer kernel ``coefs_[0]`` has one *row* per input
# feature. If an input is useless, L1 can set its whole row to zero, and the
# network then ignores that input: a built-in feature selection.
#
# Here the target is a nonlinear function of features 0, 1 and 2 only, out of
# 10. A network with 16 ``tanh`` units is trained with the same full-batch
# proximal gradient descent, once with L2 and once with L1 (the penalty acts on
# the kernels of both layers). How many irrelevant rows become exactly zero
# depends on ``alpha`` and on the data: with a weaker penalty, or another
# random draw of the data, a few small weights can survive in one or two
# irrelevant rows.
rng = np.random.RandomState(1)
n_samples = 400
X = StandardScaler().fit_transform(rng.normal(size=(n_samples, n_features)))
y = np.sin(X[:, 0]) + np.tanh(X[:, 1]) + 0.5 * X[:, 2]
y += 0.1 * rng.normal(size=n_samples)

network = dict(
    full_batch_gd,
    hidden_layer_sizes=(16,),
    activation="tanh",
    batch_size=n_samples,
    learning_rate_init=0.3,
    max_iter=1500,
    alpha=4.0,
)
kernels = {}
for penalty in ["l2", "l1"]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = MLPRegressor(penalty=penalty, **network).fit(X, y)
    kernels[penalty] = model.coefs_[0]
    zero_rows = np.flatnonzero(np.all(model.coefs_[0] == 0, axis=1))
    print(
        f"{penalty}: R^2 = {model.score(X, y):.3f}, "
        f"{np.mean(model.coefs_[0] == 0):.0%} of first-layer weights are zero, "
        f"all-zero input rows: {zero_rows}"
    )

# %%
# The first-layer kernels as images: one row per input, one column per hidden
# unit, exact zeros in grey. With L2 every weight is nonzero, though many are
# tiny. With L1 only the rows of inputs 0, 1 and 2 keep nonzero weights, and
# most hidden units are switched off entirely.
fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharey=True, layout="constrained")
vmax = max(np.abs(kernel).max() for kernel in kernels.values())
cmap = plt.get_cmap("RdBu_r").copy()
cmap.set_bad("0.75")  # the color of the masked (exactly zero) weights
for ax, (penalty, kernel) in zip(axes, kernels.items(), strict=True):
    shown = np.ma.masked_equal(kernel, 0.0)
    image = ax.imshow(shown, cmap=cmap, vmin=-vmax, vmax=vmax, aspect="auto")
    ax.set_title(f"penalty='{penalty}': {np.sum(kernel == 0)} zero weights")
    ax.set_xlabel("hidden unit")
    ax.set_yticks(range(n_features))
axes[0].set_ylabel("input feature")
fig.colorbar(image, ax=axes, label="first-layer weight")
plt.show()
