"""
=======================
Overfitting and dropout
=======================

A network with many more weights than there are training samples can learn
the noise of its training set by heart: the training loss keeps falling while
the loss on new data rises again. This is **overfitting**.

**Dropout** is one of the cures: in every training step each hidden unit is
switched off with probability ``dropout``, so the network cannot rely on any
single unit and behaves like an average of many thinned networks. At
prediction time all units are used. **Early stopping**, which ends training
when the loss on held-out data stops improving, is another.

This example trains a wide network on a small noisy data set with and without
dropout, and follows the training and held-out losses epoch by epoch in
``history_``.
"""

# %%
# A small noisy data set
# ----------------------
# 50 training points of :math:`y = \sin(x)` with Gaussian noise of standard
# deviation 0.5, and 200 more points from the same distribution as a test set.
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.exceptions import ConvergenceWarning

from skdeep import MLPRegressor, count_parameters

rng = np.random.RandomState(0)


def make_data(n_samples):
    X = rng.uniform(-3, 3, size=(n_samples, 1))
    y = np.sin(X[:, 0]) + 0.5 * rng.normal(size=n_samples)
    return X, y


X_train, y_train = make_data(50)
X_test, y_test = make_data(200)

# %%
# A wide network, with and without dropout
# ----------------------------------------
# Two hidden layers of 128 ReLU units, trained with Adam for 600 epochs (the
# stopping rule is switched off with ``tol=0`` and ``n_iter_no_change=np.inf``
# so that both models train equally long). The L2 penalty is switched off too
# (``alpha=0``), so that dropout is the only regularization. The second model
# drops 30% of the units of each hidden layer (``dropout=0.3``).
#
# The test set is passed as ``X_val``/``y_val``. skdeep does not train on it:
# it only evaluates the model on it after every epoch and records the loss in
# ``history_['val_loss']``, next to the training loss in
# ``history_['loss']``.
common = dict(
    hidden_layer_sizes=(128, 128),
    learning_rate_init=0.01,
    alpha=0.0,
    max_iter=600,
    tol=0.0,
    n_iter_no_change=np.inf,
    random_state=0,
)
models = {}
for label, rate in [("no dropout", 0.0), ("dropout=0.3", 0.3)]:
    model = MLPRegressor(dropout=rate, **common)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # max_iter reached
        model.fit(X_train, y_train, X_val=X_test, y_val=y_test)
    models[label] = model
print(f"{count_parameters(models['no dropout'])} parameters, 50 training samples")

# %%
# Training and held-out loss curves
# ---------------------------------
# The loss is half the squared error. Even a perfect model would score about
# :math:`0.5 \times 0.5^2 = 0.125` on new data: that is the noise (dotted
# line). Without dropout the held-out loss is lowest after 16 epochs and
# then slowly climbs again while the training loss keeps falling far below
# the noise level: from there on the network learns the noise. With dropout
# the training loss falls less far and the held-out loss rises much less, so
# the two curves stay closer together.
#
# ``history_['loss']`` is measured *during* training, so for the dropout model
# it is the loss of the thinned networks, with units switched off. That is why
# its curve is noisy, and a little higher than the training loss of the final
# model, which uses all its units (printed further below).
noise_loss = 0.5 * 0.5**2
fig, axes = plt.subplots(1, 2, figsize=(11, 4), sharey=True, layout="constrained")
for ax, (label, model) in zip(axes, models.items(), strict=True):
    history = model.history_
    epochs = np.arange(1, len(history["loss"]) + 1)
    best = int(np.argmin(history["val_loss"])) + 1
    ax.plot(epochs, history["loss"], lw=1, label="training loss ('loss')")
    ax.plot(epochs, history["val_loss"], lw=2, label="held-out loss ('val_loss')")
    ax.axhline(noise_loss, color="k", ls=":", lw=1, label="noise level")
    ax.axvline(
        best, color="0.5", ls="--", lw=1, label=f"lowest held-out (epoch {best})"
    )
    ax.set_ylim(0, 0.4)
    ax.set_xlabel("epoch")
    ax.set_title(label)
    ax.legend()
axes[0].set_ylabel("loss (half squared error)")
plt.show()

# %%
# For each model: the epoch of the lowest held-out loss, the held-out loss
# there and at the end of training, and its mean and range over the last 100
# epochs (it moves from epoch to epoch, with dropout most).
for label, model in models.items():
    val_loss = np.array(model.history_["val_loss"])
    best = int(np.argmin(val_loss))
    last = val_loss[-100:]
    print(
        f"{label:>12}: lowest held-out loss {val_loss[best]:.3f} in epoch "
        f"{best + 1}, {val_loss[-1]:.3f} after {len(val_loss)} epochs; "
        f"last 100 epochs: mean {last.mean():.3f}, from {last.min():.3f} to "
        f"{last.max():.3f}"
    )

# %%
# The lowest held-out loss of all belongs to the network *without* dropout,
# in epoch 16: stopped there, it would have been the better of the two.
# Dropout does not beat that minimum here; what it does is keep the network
# from drifting far away from it as training goes on. Stopping at the right
# epoch is the job of early stopping (last section).
#
# The train/test gap
# ------------------
# The losses of the final models (all units on) on the training and test
# sets, the last recorded ``history_['loss']``, and the R² scores. A large gap
# between training and test is the sign of overfitting. Dropout cuts the R²
# gap by more than half and raises the test R². (The last epoch happens to be
# the lowest held-out loss of the dropout model's last 100 epochs, so its test
# numbers are at the favourable end of their range; but even the mean over
# those epochs, 0.159, is well below the 0.193 without dropout.)


def half_squared_error(model, X, y):
    return 0.5 * np.mean((y - model.predict(X)) ** 2)


for label, model in models.items():
    train_loss = half_squared_error(model, X_train, y_train)
    test_loss = half_squared_error(model, X_test, y_test)
    train, test = model.score(X_train, y_train), model.score(X_test, y_test)
    print(
        f"{label:>12}: loss train {train_loss:.3f}, test {test_loss:.3f} "
        f"(last history_['loss'] {model.history_['loss'][-1]:.3f}); "
        f"R² train {train:.3f}, test {test:.3f}, gap {train - test:.3f}"
    )

# %%
# The other cure: early stopping
# ------------------------------
# With ``early_stopping=True`` the estimator holds out ``validation_fraction``
# of the training data (here 20%, 10 points) and stops once the validation
# score (R²) has not improved for more than ``n_iter_no_change`` epochs; it
# keeps the weights of the best epoch. This needs neither the test set nor
# dropout.
stopped = MLPRegressor(
    hidden_layer_sizes=(128, 128),
    learning_rate_init=0.01,
    alpha=0.0,
    max_iter=600,
    early_stopping=True,
    validation_fraction=0.2,
    n_iter_no_change=20,
    random_state=0,
).fit(X_train, y_train)
models["early stopping"] = stopped
best_epoch = int(np.argmax(stopped.validation_scores_)) + 1
print(
    f"early stopping: stopped after {stopped.n_iter_} epochs with the weights of "
    f"epoch {best_epoch}; R² train {stopped.score(X_train, y_train):.3f}, "
    f"test {stopped.score(X_test, y_test):.3f}"
)

# %%
# It trained on 40 of the 50 points only, and its test R² is close to that of
# the dropout model, well above that of the network trained for 600 epochs
# without dropout.

# %%
# Fitted curves
# -------------
# Without dropout the curve bends towards individual noisy training points;
# with dropout, and with early stopping, it stays closer to :math:`\sin(x)`.
grid = np.linspace(-3, 3, 400).reshape(-1, 1)
fig, ax = plt.subplots(figsize=(7, 4.5), layout="constrained")
ax.scatter(X_train[:, 0], y_train, color="k", s=15, label="training data")
ax.plot(grid[:, 0], np.sin(grid[:, 0]), "k--", lw=1, label="sin(x)")
for label, model in models.items():
    ax.plot(grid[:, 0], model.predict(grid), lw=2, label=label)
ax.set_xlabel("x")
ax.set_ylabel("y")
ax.legend()
plt.show()
