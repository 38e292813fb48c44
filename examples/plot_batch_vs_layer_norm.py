"""
===========================================
Batch normalization and layer normalization
===========================================

A normalization layer standardizes the inputs of each activation to mean 0 and
variance 1, then rescales them with a learned gain :math:`\\gamma` and offset
:math:`\\beta`. The two kinds differ in *what* they average over:

* **batch normalization** (``normalization='batch'``) standardizes each unit
  over the samples of the mini-batch. At prediction time there is no batch to
  average over, so it uses moving averages of the batch statistics collected
  during training;
* **layer normalization** (``normalization='layer'``) standardizes each sample
  over the units of the layer, the same way in training and at prediction. It
  does not depend on the batch at all.

In skdeep each hidden block becomes ``Dense -> normalization -> activation``.
This example trains the same network with ``normalization=None``, ``'batch'``
and ``'layer'`` and compares the loss curves recorded in ``history_``.
"""

# %%
# Handwritten digits
# ------------------
# The 8x8 digit images of scikit-learn (1797 images, 10 classes), a small
# cousin of MNIST. The pixel values 0-16 are scaled to [0, 1]; a quarter of the
# images is kept as a test set.
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from skdeep import MLPClassifier

X, y = load_digits(return_X_y=True)
X = X / 16.0
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)
print(f"{len(X_train)} training images, {len(X_test)} test images")

# %%
# Six networks
# ------------
# Every network has 4 hidden layers of 64 ReLU units and is trained with Adam
# (``learning_rate_init=0.001``) on mini-batches of 32 images for 30 epochs.
# The test set is passed as ``X_val``/``y_val``: it is not trained on, only
# evaluated after every epoch, which records ``history_['val_loss']`` and
# ``history_['val_score']`` (the accuracy).
#
# Each normalization is tried with two weight initializations: the default
# ``'glorot_uniform'``, whose scale is matched to the layer sizes, and
# ``'normal'``, random weights of standard deviation 0.05 (Keras'
# ``kernel_initializer='normal'``), less than half the 0.125 of
# ``'glorot_uniform'`` for a 64x64 layer. With such small weights, the signal
# gets weaker with every layer of a network without normalization.
common = dict(
    hidden_layer_sizes=(64, 64, 64, 64),
    activation="relu",
    solver="adam",
    learning_rate_init=0.001,
    batch_size=32,
    max_iter=30,
    tol=0.0,
    n_iter_no_change=np.inf,
    random_state=0,
)
inits = ["glorot_uniform", "normal"]
normalizations = {"none": None, "batch": "batch", "layer": "layer"}
models = {}
for init in inits:
    for name, normalization in normalizations.items():
        model = MLPClassifier(normalization=normalization, weight_init=init, **common)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)  # max_iter reached
            model.fit(X_train, y_train, X_val=X_test, y_val=y_test)
        models[init, name] = model

# %%
# Loss curves
# -----------
# Top row: the default initialization; bottom row: the small ``'normal'``
# weights. Left: the training loss (the cross-entropy averaged over the
# epoch's mini-batches); right: the loss on the test set after each epoch.
fig, axes = plt.subplots(2, 2, figsize=(11, 7), sharex=True, layout="constrained")
for row, init in zip(axes, inits, strict=True):
    for name in normalizations:
        history = models[init, name].history_
        epochs = np.arange(1, len(history["loss"]) + 1)
        row[0].plot(epochs, history["loss"], lw=2, label=f"normalization: {name}")
        row[1].plot(epochs, history["val_loss"], lw=2, label=f"normalization: {name}")
    row[0].set_title(f"training loss, weight_init='{init}'")
    row[1].set_title(f"test loss (val_loss), weight_init='{init}'")
    for ax in row:
        ax.set_yscale("log")
        ax.legend()
for ax in axes[1]:
    ax.set_xlabel("epoch")
plt.show()

# %%
# The numbers behind the curves: the losses after epochs 1, 5 and 30, and the
# test accuracy at the end.
for (init, name), model in models.items():
    history = model.history_
    loss = ", ".join(f"{history['loss'][i]:.3f}" for i in (0, 4, 29))
    val_loss = ", ".join(f"{history['val_loss'][i]:.3f}" for i in (0, 4, 29))
    print(
        f"{init:>14}, {name:>5}: training loss {loss} | test loss {val_loss} | "
        f"test accuracy {model.score(X_test, y_test):.3f}"
    )

# %%
# With the default initialization the three networks end up close: between
# 0.971 and 0.978 test accuracy. With the small ``'normal'`` weights the
# network without normalization learns much more slowly and ends lower (0.944),
# while both normalized networks train as well as before: they rescale the
# inputs of every activation to unit variance, whatever the scale of the
# weights. Being less sensitive to the initialization is one of the
# advantages of normalization.
#
# Layer normalization reaches the lowest training loss in both rows. The
# training loss of the batch-normalized network stays well above it and jumps
# around. It is recorded during training, with the statistics of each
# mini-batch: 32 images, and only 1347 - 42 x 32 = 3 images in the last batch
# of each epoch. The final network, which predicts with the moving averages,
# has a much lower loss on the same training images:
for init in inits:
    model = models[init, "batch"]
    proba = model.predict_proba(X_train)
    train_loss = -np.mean(np.log(proba[np.arange(len(y_train)), y_train]))
    print(
        f"batch normalization, weight_init='{init}': last recorded training loss "
        f"{model.history_['loss'][-1]:.4f}, loss of the final network "
        f"{train_loss:.4f}"
    )

# %%
# Why the batch-normalized test loss lags behind
# ----------------------------------------------
# In the first epochs the *test* loss of the batch-normalized network is the
# highest of the three, and far above its own training loss (after 5 epochs,
# 0.425 against 0.220 with the default weights, 1.497 against 0.166 with the
# small ones). At
# prediction time batch normalization uses the moving averages of the batch
# means and variances, which start at 0 and 1 and are updated after every
# mini-batch as ``moving = 0.99 * moving + 0.01 * batch_statistic``. One epoch
# is 43 mini-batches, so after the first epoch the moving averages still hold
# :math:`0.99^{43} \approx 0.65` of their starting values, after 5 epochs
# :math:`0.99^{215} \approx 0.12`. Until they have caught up with the real
# statistics, predictions are made with the wrong ones. This shows most with the
# ``'normal'`` weights, whose small activations are far from variance 1: the
# test loss only drops between epochs 5 and 10.
print(f"0.99 ** 43 = {0.99**43:.2f}, 0.99 ** 215 = {0.99**215:.2f}")

# %%
# A prediction does not depend on the rest of the batch
# -----------------------------------------------------
# Because it uses the moving averages, the batch-normalized network predicts
# each sample on its own: predicting the whole test set at once, one image at
# a time, or only the images of the digit 0 (a batch with very different
# statistics) gives the same probabilities, up to floating-point rounding
# (the matrix products of one row and of many rows round differently), and
# the same labels.
model = models["glorot_uniform", "batch"]
proba_all = model.predict_proba(X_test)
proba_one_by_one = np.vstack([model.predict_proba(x.reshape(1, -1)) for x in X_test])
zeros = y_test == 0
proba_zeros = model.predict_proba(X_test[zeros])
print(
    "whole test set vs one image at a time: largest difference "
    f"{np.max(np.abs(proba_all - proba_one_by_one)):.1e}, same labels: "
    f"{np.array_equal(proba_all.argmax(1), proba_one_by_one.argmax(1))}"
)
print(
    f"whole test set vs the {zeros.sum()} zeros alone: largest difference "
    f"{np.max(np.abs(proba_all[zeros] - proba_zeros)):.1e}"
)

# %%
# Test accuracy, epoch by epoch
# -----------------------------
# ``history_['val_score']`` holds the accuracy on the validation data (here
# the test set) after each epoch.
fig, axes = plt.subplots(1, 2, figsize=(11, 4), sharey=True, layout="constrained")
for ax, init in zip(axes, inits, strict=True):
    for name in normalizations:
        model = models[init, name]
        scores = model.history_["val_score"]
        ax.plot(
            np.arange(1, len(scores) + 1),
            scores,
            lw=2,
            label=f"{name} (final {scores[-1]:.3f})",
        )
    ax.set_title(f"weight_init='{init}'")
    ax.set_xlabel("epoch")
    ax.legend(title="normalization", loc="lower right")
axes[0].set_ylabel("test accuracy")
plt.show()
