"""
=================================
XOR needs a hidden layer
=================================

A single perceptron learns the AND gate: one straight line separates the
inputs whose output is 1 from the others. No straight line does that for XOR,
so a network without a hidden layer cannot learn it; a hidden layer bends the
input plane until the two classes can be separated.

The classic Keras version of the experiment uses a hidden layer of 5 sigmoid
units and a softmax output, trained with Adam for 1000 epochs::

    model = Sequential()
    model.add(Dense(5, input_dim=2, activation="sigmoid"))
    model.add(Dense(2, activation="softmax"))
    model.compile(optimizer="adam", loss="categorical_crossentropy")
    model.fit(X, y_onehot, epochs=1000)

Here the same experiment runs with :class:`skdeep.MLPClassifier`, inside
scikit-learn.
"""

# %%
# The four inputs of a two-input gate
# -----------------------------------
import matplotlib.pyplot as plt
import numpy as np

from skdeep import MLPClassifier, count_parameters

X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
y_and = np.array([0, 0, 0, 1])
y_xor = np.array([0, 1, 1, 0])

# %%
# Without a hidden layer: AND yes, XOR no
# ---------------------------------------
# ``hidden_layer_sizes=()`` gives a network with no hidden layer: the inputs go
# straight to one logistic output unit, which makes it a logistic regression.
# Its decision boundary is a straight line, which is enough for AND.
no_hidden = dict(
    hidden_layer_sizes=(),
    activation="logistic",
    solver="adam",
    learning_rate_init=0.1,
    max_iter=1000,
    random_state=0,
)
and_gate = MLPClassifier(**no_hidden).fit(X, y_and)
print(
    "AND, no hidden layer:", and_gate.predict(X), "accuracy", and_gate.score(X, y_and)
)

# %%
# For XOR the same model cannot get all four points right: a straight line puts
# at most three of them on the correct side. The log-loss is lowest when the
# model answers close to 0.5 everywhere, which is where training ends.
linear = MLPClassifier(**no_hidden).fit(X, y_xor)
print("XOR, no hidden layer:", linear.predict(X), "accuracy", linear.score(X, y_xor))
print("P(y=1):", linear.predict_proba(X)[:, 1].round(2))

# %%
# With a hidden layer of 5 sigmoid units
# --------------------------------------
# This is the network of the Keras code above: a hidden layer of 5 units with
# the sigmoid (``'logistic'``) activation, trained with Adam on the log-loss.
#
# Two details differ from the Keras code. A binary target gets *one* logistic
# output unit here, as in scikit-learn, rather than two softmax units with
# one-hot targets. A two-class softmax is the logistic function of the
# difference of its two inputs, so both can express the same probabilities;
# the single unit needs 21 parameters instead of 27. And instead of a fixed
# 1000 epochs at Adam's default learning rate of 0.001, we use a learning rate
# of 0.1 and let scikit-learn's stopping rule end training once the loss stops
# improving (``max_iter=1000`` is only an upper bound).
mlp = MLPClassifier(
    hidden_layer_sizes=(5,),
    activation="logistic",
    solver="adam",
    learning_rate_init=0.1,
    max_iter=1000,
    random_state=0,
).fit(X, y_xor)
print("XOR, 5 hidden units: ", mlp.predict(X), "accuracy", mlp.score(X, y_xor))
print("P(y=1):", mlp.predict_proba(X)[:, 1].round(2))
print(f"{mlp.n_iter_} epochs, {count_parameters(mlp)} parameters")

# %%
# The weights are scikit-learn's fitted attributes: one matrix per layer.
for i, (W, b) in enumerate(zip(mlp.coefs_, mlp.intercepts_, strict=True)):
    print(f"layer {i + 1}: weights {W.shape}, biases {b.shape}")

# %%
# Decision surfaces
# -----------------
# The colour shows the predicted probability of output 1 over the input plane;
# the black line is where it crosses 0.5. Without a hidden layer that boundary
# is one straight line. With the hidden layer it is not: two boundaries fence
# off a band that holds (0, 0) and (1, 1) and leaves (0, 1) and (1, 0) outside.
grid = np.linspace(-0.5, 1.5, 201)
xx, yy = np.meshgrid(grid, grid)
plane = np.column_stack([xx.ravel(), yy.ravel()])

fig, axes = plt.subplots(1, 3, figsize=(14, 4.4), layout="constrained")
panels = [
    (and_gate, y_and, "AND, no hidden layer"),
    (linear, y_xor, "XOR, no hidden layer"),
    (mlp, y_xor, "XOR, 5 hidden units"),
]
for ax, (model, target, title) in zip(axes, panels, strict=True):
    proba = model.predict_proba(plane)[:, 1].reshape(xx.shape)
    surface = ax.contourf(xx, yy, proba, levels=np.linspace(0, 1, 11), cmap="RdBu_r")
    ax.contour(xx, yy, proba, levels=[0.5], colors="k", linewidths=1.5)
    ax.scatter(
        X[:, 0],
        X[:, 1],
        c=target,
        cmap="RdBu_r",
        vmin=0,
        vmax=1,
        s=120,
        edgecolors="k",
    )
    ax.set_title(f"{title}\naccuracy {model.score(X, target):.2f}")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_aspect("equal")
fig.colorbar(surface, ax=axes, label="P(output = 1)")
plt.show()

# %%
# Training curves
# ---------------
# ``loss_curve_`` holds the log-loss after each epoch. The model without a
# hidden layer stalls near :math:`\log 2 \approx 0.69`, the loss of answering
# 0.5 everywhere. The network with the hidden layer sits on that plateau for a
# while too, then drives the loss towards 0.
fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
ax.plot(linear.loss_curve_, label="no hidden layer")
ax.plot(mlp.loss_curve_, label="5 hidden units")
ax.axhline(np.log(2), color="0.6", ls=":", label="log 2")
ax.set_xlabel("epoch")
ax.set_ylabel("log-loss")
ax.set_title("XOR training loss")
ax.legend()
plt.show()
