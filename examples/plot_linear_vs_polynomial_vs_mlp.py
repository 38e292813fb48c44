"""
==============================================
Linear, polynomial and MLP regression compared
==============================================

Three targets of increasing difficulty:

* :math:`y = 3x + 2`, a straight line;
* :math:`y = 3x^2 + 2x + 2`, a parabola;
* :math:`y = e^x`, which no polynomial of finite degree matches exactly.

Each is fitted by linear regression, by polynomial regression of degree 2
(both :class:`skdeep.PolynomialRegression`) and by a small
:class:`skdeep.MLPRegressor`. The models are scored on new points inside the
training range and on points beyond it, where every model has to
*extrapolate*.
"""

# %%
# The data
# --------
# 100 training points with :math:`x` drawn uniformly from :math:`[-2, 2]`; the
# same Gaussian noise, of standard deviation 0.2, is added to each of the
# three targets. Two noise-free test sets: 200 new points inside
# :math:`[-2, 2]`, and 50 evenly spaced points on :math:`[2, 3]`, outside the
# training range.
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.compose import TransformedTargetRegressor
from sklearn.metrics import r2_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdeep import MLPRegressor, PolynomialRegression

targets = {
    "3x + 2": lambda x: 3 * x + 2,
    "3x^2 + 2x + 2": lambda x: 3 * x**2 + 2 * x + 2,
    "e^x": np.exp,
}
rng = np.random.RandomState(0)
X_train = rng.uniform(-2, 2, size=(100, 1))
X_inside = rng.uniform(-2, 2, size=(200, 1))
X_outside = np.linspace(2, 3, 50).reshape(-1, 1)
noise = 0.2 * rng.normal(size=100)

# %%
# The three models
# ----------------
# ``PolynomialRegression(degree=1)`` is ordinary linear regression and
# ``PolynomialRegression(degree=2)`` adds the :math:`x^2` term. The network is
# the course's architecture, two hidden ReLU layers of 64 and 32 units. On 100
# samples of one feature it is trained with ``solver='lbfgs'``, which works on
# the whole data set at once and suits such small problems. Inputs and targets
# are standardized (the target with
# :class:`~sklearn.compose.TransformedTargetRegressor`), so the same settings
# work for all three targets.
models = {
    "linear": PolynomialRegression(degree=1),
    "polynomial (2)": PolynomialRegression(degree=2),
    "MLP (64, 32)": TransformedTargetRegressor(
        make_pipeline(
            StandardScaler(),
            MLPRegressor(
                hidden_layer_sizes=(64, 32),
                solver="lbfgs",
                max_iter=2000,
                random_state=0,
            ),
        ),
        transformer=StandardScaler(),
    ),
}

fitted, rows = {}, []
for target, f in targets.items():
    y_train = f(X_train[:, 0]) + noise
    for name, model in models.items():
        model = clone(model).fit(X_train, y_train)
        fitted[target, name] = model
        rows.append(
            {
                "target": target,
                "model": name,
                "R2 inside [-2, 2]": r2_score(
                    f(X_inside[:, 0]), model.predict(X_inside)
                ),
                "R2 outside [2, 3]": r2_score(
                    f(X_outside[:, 0]), model.predict(X_outside)
                ),
                "prediction at x=3": model.predict([[3.0]])[0],
                "true value at x=3": f(3.0),
            }
        )
scores = pd.DataFrame(rows).set_index(["target", "model"])
print(scores.round(3).to_string())

# %%
# Inside the training range, linear regression fits only the straight line
# (:math:`R^2 = 0.31` on the parabola, 0.80 on :math:`e^x`). Degree 2 fits the
# line and the parabola, and reaches 0.982 on :math:`e^x`. The network fits all
# three, with :math:`R^2` of 0.999 or more.
#
# Outside the training range the order changes. A polynomial of the right
# degree extrapolates the line and the parabola almost perfectly, because it
# *is* the true function. The network extrapolates both worse than that: at
# :math:`x = 3` it predicts 10.1 instead of 11 for the line and 28.7 instead
# of 35 for the parabola. On :math:`e^x` none of the three models is good
# beyond :math:`x = 2` (:math:`R^2` of 0.06 for the network, -0.50 for the
# parabola): at :math:`x = 3` the network predicts 12.5 and the parabola 11.3,
# where the truth is 20.1.
#
# The figure shows why. A ReLU network computes a piecewise-linear function,
# so beyond the training data it goes on as (nearly) a straight line, while
# :math:`e^x` and the parabola keep curving upwards. The grey bands mark the
# ranges with no training data.
x_plot = np.linspace(-3, 3, 301).reshape(-1, 1)
fig, axes = plt.subplots(1, 3, figsize=(14, 4.5))
for ax, (target, f) in zip(axes, targets.items(), strict=True):
    ax.axvspan(-3, -2, color="0.92")
    ax.axvspan(2, 3, color="0.92")
    ax.scatter(X_train[:, 0], f(X_train[:, 0]) + noise, s=8, color="0.5")
    ax.plot(x_plot[:, 0], f(x_plot[:, 0]), "k--", lw=1.5, label="truth")
    for name, color in zip(models, ["C0", "C1", "C2"], strict=True):
        prediction = fitted[target, name].predict(x_plot)
        ax.plot(x_plot[:, 0], prediction, color=color, lw=2, label=name)
    ax.set_xlim(-3, 3)
    ax.set_title(f"$y = {target}$")
    ax.set_xlabel("x")
axes[0].set_ylabel("y")
axes[0].legend(loc="upper left")
fig.tight_layout()

# %%
# Does a higher degree help on :math:`e^x`?
# -----------------------------------------
# The Taylor series of :math:`e^x` suggests that more terms should do better.
# Inside the training range they do: the :math:`R^2` climbs from 0.982 at
# degree 2 to 0.999 at degree 4 and then stays there. Outside it, the score
# does not follow any rule: it improves up to degree 5 and then falls apart,
# until degree 9 predicts more than 100 at :math:`x = 3`. The highest terms
# are fitted to the noise of 100 points on :math:`[-2, 2]`, and beyond the
# data they are the ones that dominate.
y_train = np.exp(X_train[:, 0]) + noise
for degree in range(1, 10):
    model = PolynomialRegression(degree=degree).fit(X_train, y_train)
    inside = r2_score(np.exp(X_inside[:, 0]), model.predict(X_inside))
    outside = r2_score(np.exp(X_outside[:, 0]), model.predict(X_outside))
    print(
        f"degree {degree}: R2 inside {inside:.4f}, outside {outside:8.3f}, "
        f"prediction at x=3 {model.predict([[3.0]])[0]:7.2f}"
    )

# %%
# In short: within the range of the training data, the MLP fits all three
# curves without being told their form, where a polynomial needs a suitable
# degree. Beyond that range, a model extrapolates well only when its form
# matches the law behind the data, as degree 2 does for the parabola. The
# network goes on in a (nearly) straight line, and a polynomial follows its
# highest terms. Training data that covers the range where predictions are
# needed matters more than the choice of model.
plt.show()
