"""
===============================================
Bias and variance: choosing a polynomial degree
===============================================

A model that is too simple misses the pattern in the data whatever sample it
is trained on: its error comes from **bias** (underfitting). A model that is
too flexible follows the noise of its particular training sample, and changes
a lot from one sample to the next: its error comes from **variance**
(overfitting). Between the two lies a model complex enough for the pattern and
no more.

This example shows the trade-off with :class:`skdeep.PolynomialRegression`,
whose ``degree`` sets the flexibility, on a small noisy sample: the fits of
degrees 1, 4 and 15, and the training and validation errors of every degree
from 1 to 15.
"""

# %%
# A small noisy sample
# --------------------
# 30 points with :math:`x` uniform on :math:`[0, 1]` and
# :math:`y = \cos(1.5 \pi x)` plus Gaussian noise of standard deviation 0.1.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.model_selection import RepeatedKFold, validation_curve

from skdeep import PolynomialRegression


def true_function(x):
    return np.cos(1.5 * np.pi * x)


def draw_sample(rng, n_samples=30):
    X = rng.uniform(0, 1, size=(n_samples, 1))
    y = true_function(X[:, 0]) + 0.1 * rng.normal(size=n_samples)
    return X, y


X, y = draw_sample(np.random.RandomState(0))

# %%
# Training and validation error against the degree
# -------------------------------------------------
# :func:`~sklearn.model_selection.validation_curve` fits every degree from 1
# to 15 on cross-validation splits and returns the scores on the training and
# the validation part of each split. With only 30 points, one 5-fold split
# (24 points for training, 6 for validation) gives a noisy curve, so the
# 5-fold split is repeated 10 times with different shuffles: 50 fits per
# degree. The score is the negated mean squared error (MSE), so the sign is
# flipped back.
degrees = np.arange(1, 16)
cv = RepeatedKFold(n_splits=5, n_repeats=10, random_state=0)
train_scores, valid_scores = validation_curve(
    PolynomialRegression(),
    X,
    y,
    param_name="degree",
    param_range=degrees,
    cv=cv,
    scoring="neg_mean_squared_error",
)
train_mse = -train_scores.mean(axis=1)
valid_mse = -valid_scores.mean(axis=1)
for degree, train, valid in zip(degrees, train_mse, valid_mse, strict=True):
    print(f"degree {degree:2d}: training MSE {train:.4f}, validation MSE {valid:.4g}")
best_degree = degrees[np.argmin(valid_mse)]
print(f"lowest validation MSE at degree {best_degree}")

# %%
# The training error falls with the degree up to degree 12. From degree 8 on
# it lies below 0.01, the variance of the noise: those polynomials fit part
# of the noise. (Above degree 12 it creeps up again, which exact least squares
# would not do: with powers up to :math:`x^{15}` the least-squares problem is
# so badly conditioned that the solver loses accuracy.)
#
# The validation error falls from degree 1 to 4 (the bias shrinks), then
# rises: slowly up to degree 7, then by orders of magnitude (the variance
# grows). Degree 4 has the lowest validation error, 0.020, close to the noise
# level.
#
# The very large means at high degree come from a minority of splits: when a
# validation point lies beyond the outermost training points, or in a gap
# between them, a high-degree polynomial can be far off there. At degree 15,
# 9 of the 50 splits have a validation MSE above 1, and the worst one alone
# (above :math:`10^7`) makes the mean. The median over the splits is only
# twice that of degree 4. The plot of the mean (log scale) shows the risk of
# such bad cases.
errors_15 = -valid_scores[degrees == 15][0]
print(
    f"degree 15: {np.sum(errors_15 > 1)} of {errors_15.size} splits above 1, "
    f"worst {errors_15.max():.3g}, median {np.median(errors_15):.4f} "
    f"(degree 4: median {np.median(-valid_scores[degrees == 4][0]):.4f})"
)

fig, ax = plt.subplots(figsize=(7, 4.5))
ax.plot(degrees, train_mse, "o-", label="training")
ax.plot(degrees, valid_mse, "o-", label="validation")
ax.axhline(0.01, color="0.5", ls=":", label="noise variance")
ax.axvline(best_degree, color="k", ls="--", lw=1)
ax.set_yscale("log")
ax.set_xticks(degrees)
ax.set_xlabel("polynomial degree")
ax.set_ylabel("mean squared error (mean over 50 splits)")
ax.set_title(f"Lowest validation error at degree {best_degree}")
ax.text(1.2, 3e2, "underfitting\n(high bias)", fontsize=10)
ax.text(11, 1e-1, "overfitting\n(high variance)", fontsize=10)
ax.legend(loc="upper center")
fig.tight_layout()

# %%
# Three fits, and what changes with the sample
# --------------------------------------------
# Degrees 1, 4 and 15 are fitted to the sample above (thick line). To see the
# variance directly, each degree is also fitted to 10 other samples of 30
# points drawn from the same law (thin lines).
#
# * Degree 1 (underfitting): a straight line cannot bend like the cosine. The
#   10 lines are close to each other, and all wrong in the same way: that is
#   bias.
# * Degree 4 (balanced): every fit follows the true curve closely.
# * Degree 15 (overfitting): each fit wiggles through its own sample's noise,
#   and the fits disagree strongly with each other, most of all near the
#   ends of the interval and in gaps between points: that is variance. The
#   y-axis is cut at :math:`\pm 2`; some fits leave it.
other_samples = [draw_sample(np.random.RandomState(seed)) for seed in range(1, 11)]
x_plot = np.linspace(0, 1, 300).reshape(-1, 1)
fig, axes = plt.subplots(1, 3, figsize=(14, 4.5), sharey=True)
for ax, degree, color in zip(axes, [1, 4, 15], ["C0", "C2", "C3"], strict=True):
    for X_other, y_other in other_samples:
        model = PolynomialRegression(degree=degree).fit(X_other, y_other)
        ax.plot(x_plot[:, 0], model.predict(x_plot), color=color, lw=0.8, alpha=0.4)
    model = PolynomialRegression(degree=degree).fit(X, y)
    ax.plot(x_plot[:, 0], model.predict(x_plot), color=color, lw=2.5)
    ax.plot(x_plot[:, 0], true_function(x_plot[:, 0]), "k--", lw=1.5)
    ax.scatter(X[:, 0], y, s=15, color="k", zorder=3)
    index = degree - 1
    ax.set_title(
        f"degree {degree}: training MSE {train_mse[index]:.3f}, "
        f"validation MSE {valid_mse[index]:.3g}",
        fontsize=10,
    )
    ax.set_xlabel("x")
    ax.set_ylim(-2, 2)
axes[0].set_ylabel("y")
fig.tight_layout()
plt.show()
