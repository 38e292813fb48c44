"""
====================================
Vanishing gradients with the sigmoid
====================================

Backpropagation computes the gradient of the loss layer by layer, from the
output back to the input. At every layer the gradient is multiplied by the
derivative of the activation, and the derivative of the sigmoid
:math:`\\sigma(z) = 1 / (1 + e^{-z})` is at most 0.25. Through many sigmoid
layers these factors multiply: the gradient reaching the first layers becomes
tiny, their weights hardly change, and the network stops learning. This is
the **vanishing gradient** problem, and the reason the ReLU replaced the
sigmoid in the hidden layers of deep networks.

skdeep records the size of the gradient of every layer during training in
``history_['grad_norm']``, so the problem can be watched directly.
"""

# %%
# A deep network on the digits data
# ---------------------------------
# The 8x8 digit images of scikit-learn (10 classes), pixel values scaled to
# [0, 1], with a quarter kept as a test set.
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

# %%
# The same network, 8 hidden layers of 32 units, is trained with three hidden
# activations: the sigmoid (``'logistic'``), ``'tanh'`` and ``'relu'``. The
# solver is mini-batch gradient descent (``solver='sgd'``, with the default
# momentum of 0.9, learning rate 0.01, batches of 32), for 50 epochs. The
# weight penalty is switched off (``alpha=0``) so that the recorded gradients
# are those of the loss alone.
activations = ["logistic", "tanh", "relu"]
models = {}
for activation in activations:
    model = MLPClassifier(
        hidden_layer_sizes=(32,) * 8,
        activation=activation,
        solver="sgd",
        learning_rate_init=0.01,
        batch_size=32,
        alpha=0.0,
        max_iter=50,
        tol=0.0,
        n_iter_no_change=np.inf,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # max_iter reached
        model.fit(X_train, y_train, X_val=X_test, y_val=y_test)
    models[activation] = model

# %%
# The gradient of each layer
# --------------------------
# ``history_['grad_norm']`` has one entry per epoch: an array with one value
# per layer of ``coefs_`` (the 8 hidden layers, then the output layer): the
# L2 norm of that layer's weight-and-bias gradient, averaged over the epoch's
# mini-batches (the norm of the mean gradient).
n_layers = len(models["relu"].coefs_)
print(f"{n_layers} layers with weights; gradient norms in epoch 1:")
for activation, model in models.items():
    grad_norm = model.history_["grad_norm"][0]
    print(f"{activation:>8}: " + " ".join(f"{g:.1e}" for g in grad_norm))

# %%
# With the sigmoid, from the output layer down to layer 2, the gradient of
# each layer is about 5 to 10 times smaller than that of the layer above it
# (the ratios are printed below, from the top of the network down; layer 1
# gets about as much as layer 2). The first hidden layer ends up with a
# gradient about a million times smaller than the output layer. With ``tanh``
# and ReLU the gradients of all layers stay within a factor of a few of each
# other.
for activation, model in models.items():
    first_epoch = model.history_["grad_norm"][0]
    ratios = first_epoch[1:] / first_epoch[:-1]
    print(
        f"{activation:>8}: first hidden layer / output layer = "
        f"{first_epoch[0] / first_epoch[-1]:.1e}; layer above / layer below: "
        + " ".join(f"{r:.1f}" for r in ratios[::-1])
    )

# %%
# The same picture on a log scale, after the first epoch and later in
# training. With the sigmoid the slope stays as steep for all 50 epochs. With
# ``tanh`` and ReLU the gradients of all layers shrink *together* by epoch 50,
# as the training loss approaches 0 (see below): the network is converging,
# and the first layers still get as much gradient as the last ones.
layers = np.arange(1, n_layers + 1)
epochs_to_show = [1, 10, 50]
fig, axes = plt.subplots(1, 3, figsize=(13, 4), sharey=True, layout="constrained")
for ax, (activation, model) in zip(axes, models.items(), strict=True):
    for epoch in epochs_to_show:
        ax.plot(
            layers,
            model.history_["grad_norm"][epoch - 1],
            "o-",
            label=f"epoch {epoch}",
        )
    ax.set_yscale("log")
    ax.set_xticks(layers, [*map(str, layers[:-1]), "out"])
    ax.set_xlabel("layer (1 = first hidden layer)")
    ax.set_title(f"activation='{activation}'")
    ax.legend()
axes[0].set_ylabel("gradient norm")
plt.show()

# %%
# Loss curves
# -----------
# The sigmoid network does not learn: its loss stays at
# :math:`\log 10 \approx 2.30`, the cross-entropy of guessing each of the 10
# classes with probability 0.1, and its test accuracy is that of a guess. The
# ``tanh`` and ReLU networks, with gradients that reach every layer, learn the
# task.
for activation, model in models.items():
    loss = model.history_["loss"]
    print(
        f"{activation:>8}: training loss {loss[0]:.4f} after epoch 1, "
        f"{loss[-1]:.4f} after epoch {len(loss)}; "
        f"test accuracy {model.score(X_test, y_test):.3f}"
    )

fig, (ax_loss, ax_score) = plt.subplots(1, 2, figsize=(11, 4), layout="constrained")
for activation, model in models.items():
    history = model.history_
    epochs = np.arange(1, len(history["loss"]) + 1)
    ax_loss.plot(epochs, history["loss"], lw=2, label=activation)
    ax_score.plot(epochs, history["val_score"], lw=2, label=activation)
ax_loss.axhline(np.log(10), color="0.5", ls=":", label="log 10")
ax_loss.set_yscale("log")
ax_loss.set_xlabel("epoch")
ax_loss.set_ylabel("training loss (cross-entropy)")
ax_loss.legend()
ax_score.set_xlabel("epoch")
ax_score.set_ylabel("test accuracy (history_['val_score'])")
ax_score.legend()
plt.show()
