"""
===================================
Comparing optimizers on one network
===================================

Backpropagation gives the gradient of the loss; the *optimizer* decides how to
turn that gradient into a weight update. This example trains the same small
network on the same regression problem with each optimizer skdeep offers, from
the same initial weights, and compares how fast the training loss falls:

* plain stochastic gradient descent (SGD) on mini-batches;
* SGD with momentum, and with Nesterov's momentum (NAG);
* the adaptive methods Adagrad, RMSProp and Adam;
* L-BFGS and Newton-CG, which use second-order (curvature) information and
  look at the whole training set at every step.
"""

# %%
# The data
# --------
# ``make_friedman1`` draws 10 uniform features of which only the first five
# enter the target, through a nonlinear formula
# (:math:`10 \sin(\pi x_1 x_2) + 20 (x_3 - 0.5)^2 + 10 x_4 + 5 x_5`), plus
# Gaussian noise. The features and the target are standardized, so that one
# learning rate suits every weight and the losses are on a readable scale.
import time
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_friedman1
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skdeep import MLPRegressor
from skdeep.optimizers import SGD, Adagrad, Adam, RMSProp

X, y = make_friedman1(n_samples=600, noise=0.5, random_state=0)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=100, random_state=0)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
y_mean, y_std = y_train.mean(), y_train.std()
y_train = (y_train - y_mean) / y_std
y_test = (y_test - y_mean) / y_std
print(X_train.shape, X_test.shape)

# %%
# One network, eight optimizers
# -----------------------------
# Every model has one hidden layer of 32 ``tanh`` units and starts from the
# same weights (``random_state=0``). The stochastic optimizers use mini-batches
# of 32 samples, so one epoch (one pass over the 500 training samples) makes
# 16 weight updates. ``tol=0`` and ``n_iter_no_change=np.inf`` switch early
# stopping off, so each model trains for exactly ``max_iter=100`` epochs (or
# iterations, for the full-batch solvers).
#
# The optimizers are passed as objects from :mod:`skdeep.optimizers`; the
# strings ``'sgd'``, ``'adagrad'``, ``'rmsprop'``, ``'adam'`` work too. The
# learning rate is not part of the object but the estimator's
# ``learning_rate_init``: Keras's ``SGD(learning_rate=0.01, momentum=0.9,
# nesterov=True)`` is ``solver=SGD(momentum=0.9, nesterov=True)`` with
# ``learning_rate_init=0.01``.
# Each stochastic optimizer gets its own learning rate: SGD, Momentum and NAG
# share the same one, so the difference between them is the momentum alone;
# RMSProp and Adam use their usual default of 0.001; Adagrad, whose steps only
# shrink as it accumulates squared gradients, starts with a larger rate. The
# full-batch solvers ignore ``learning_rate_init``: they choose their own step
# lengths (L-BFGS by a line search, Newton-CG inside a trust region).
common = dict(
    hidden_layer_sizes=(32,),
    activation="tanh",
    batch_size=32,
    max_iter=100,
    tol=0.0,
    n_iter_no_change=np.inf,
    random_state=0,
)
optimizers = {
    "SGD": dict(solver=SGD(momentum=0.0), learning_rate_init=0.01),
    "Momentum": dict(solver=SGD(momentum=0.9, nesterov=False), learning_rate_init=0.01),
    "NAG": dict(solver=SGD(momentum=0.9, nesterov=True), learning_rate_init=0.01),
    "Adagrad": dict(solver=Adagrad(), learning_rate_init=0.05),
    "RMSProp": dict(solver=RMSProp(), learning_rate_init=0.001),
    "Adam": dict(solver=Adam(), learning_rate_init=0.001),
    "L-BFGS": dict(solver="lbfgs"),
    "Newton-CG": dict(solver="newton-cg"),
}

# %%
# Train and time each model
# -------------------------
# Stopping at ``max_iter`` raises a ``ConvergenceWarning``; here that is
# intended, so the warning is silenced.
models, fit_times = {}, {}
for name, params in optimizers.items():
    model = MLPRegressor(**common, **params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        start = time.perf_counter()
        model.fit(X_train, y_train)
        fit_times[name] = time.perf_counter() - start
    models[name] = model

print(
    f"{'optimizer':<10} {'epochs':>6} {'final loss':>11} {'test R^2':>9} {'fit time':>9}"
)
for name, model in models.items():
    print(
        f"{name:<10} {model.n_iter_:>6} {model.loss_curve_[-1]:>11.5f} "
        f"{model.score(X_test, y_test):>9.3f} {fit_times[name]:>8.2f}s"
    )

# %%
# The loss curves
# ---------------
# ``loss_curve_`` holds the training loss (half the mean squared error plus the
# small L2 penalty ``alpha``) after each epoch. For L-BFGS and Newton-CG it
# holds one entry per *iteration* instead: one step computed from the whole
# training set. The x-axis therefore counts epochs for the stochastic
# optimizers and iterations for the full-batch ones (dashed lines). An
# iteration is not the same amount of work as an epoch, especially for
# Newton-CG, which evaluates many Hessian-vector products per iteration: the
# fit times in the table above are the fairer comparison of cost.
#
# A stochastic optimizer's entry is the mean of the mini-batch losses seen
# during the epoch, while the weights were still moving; a full-batch
# optimizer's entry is the loss at the weights reached at the end of the
# iteration.
fig, ax = plt.subplots(figsize=(8, 5))
for name, model in models.items():
    # full-batch solvers dashed; NAG dotted, as it nearly hides Momentum
    style = {"L-BFGS": "--", "Newton-CG": "--", "NAG": ":"}.get(name, "-")
    ax.plot(
        np.arange(1, len(model.loss_curve_) + 1),
        model.loss_curve_,
        style,
        lw=2,
        label=name,
    )
ax.set_yscale("log")
ax.set_xlabel("epoch (iteration for L-BFGS and Newton-CG)")
ax.set_ylabel("training loss")
ax.set_title("Same network, same start, different optimizers")
ax.legend(ncol=2)
fig.tight_layout()

# %%
# What to read from the plot
# --------------------------
# * Plain SGD at this learning rate reaches a plateau after a few epochs and
#   then crawls along it; with the same learning rate, momentum keeps
#   descending. Momentum and NAG
#   differ very little here.
# * Adagrad makes fast progress at first; its effective learning rate then
#   keeps shrinking. RMSProp and Adam at the common default of 0.001 are
#   steady but would need more epochs (or a larger learning rate) to catch up
#   on this problem.
# * The full-batch, second-order solvers reach much lower training losses in
#   100 iterations, which is why scikit-learn recommends ``'lbfgs'`` for small
#   data sets. Newton-CG gets the lowest training loss, at the highest cost
#   per iteration, and its test :math:`R^2` shows that a lower training loss
#   is not always a better model: the network has started to fit the noise.
#   On large data sets, where one pass over all samples is expensive, the
#   mini-batch optimizers (usually Adam) are the practical choice.
plt.show()
