"""
=======================
Training in float32
=======================

skdeep keeps the dtype of its input: float32 data trains float32 weights, and
the model then predicts in float32, for every solver. Half the bytes per number
means half the memory for weights and activations, and faster matrix
products on most machines. This example checks the dtypes and compares the
time per epoch of the same network trained on float64 and on float32 data.
"""

# %%
# A synthetic regression problem
# ------------------------------
# 5000 samples with 50 features. The target is divided by its standard
# deviation so that Adam's default learning rate suits it.
import time
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_regression
from sklearn.exceptions import ConvergenceWarning

from skdeep import MLPRegressor

X, y = make_regression(n_samples=5000, n_features=50, noise=10.0, random_state=0)
y = y / y.std()
X32, y32 = X.astype(np.float32), y.astype(np.float32)
print(X.dtype, X32.dtype)

# %%
# Fit the same network on both
# ----------------------------
# Both fits start from the same initial weights (same ``random_state``) and
# run a fixed budget of 10 epochs of Adam; reaching ``max_iter`` before
# convergence is intended here, so its ``ConvergenceWarning`` is silenced.
# The two fits alternate, three times each, and the fastest of each is kept,
# so that a busy moment on the machine does not count against one of them.
n_epochs = 10


def timed_fit(X, y):
    model = MLPRegressor(
        hidden_layer_sizes=(256, 128), max_iter=n_epochs, random_state=0
    )
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
    return model, time.perf_counter() - start


time64 = time32 = np.inf
for _ in range(3):
    model64, elapsed = timed_fit(X, y)
    time64 = min(time64, elapsed)
    model32, elapsed = timed_fit(X32, y32)
    time32 = min(time32, elapsed)

print(f"float64: {time64:.2f} s ({1000 * time64 / model64.n_iter_:.0f} ms per epoch)")
print(f"float32: {time32:.2f} s ({1000 * time32 / model32.n_iter_:.0f} ms per epoch)")
print(f"float32 is {time64 / time32:.2f}x as fast here")

# %%
# The dtypes
# ----------
# The float32 model's weights, biases and predictions are all float32, and
# it converts float64 input to float32 when it predicts.
print("coefs_:     ", [W.dtype for W in model32.coefs_])
print("intercepts_:", [b.dtype for b in model32.intercepts_])
print("predict(X32):", model32.predict(X32[:5]).dtype)
print("predict(X):  ", model32.predict(X[:5]).dtype)


def weight_bytes(model):
    return sum(a.nbytes for a in model.coefs_ + model.intercepts_)


print(
    f"weights: {weight_bytes(model64) / 1024:.0f} KiB in float64, "
    f"{weight_bytes(model32) / 1024:.0f} KiB in float32"
)

# %%
# The same model, to float32 precision
# ------------------------------------
# The two fits take the same steps from the same start; only rounding differs,
# so the loss curves and the scores agree closely.
print(f"R^2 float64: {model64.score(X, y):.5f}")
print(f"R^2 float32: {model32.score(X32, y32):.5f}")
gap = np.abs(model64.predict(X) - model32.predict(X)).max()
print(f"largest prediction difference: {gap:.2e} (targets have std 1)")

# %%
# The full-batch solver keeps float32 too: SciPy's L-BFGS-B works on a float64
# copy of the parameter vector, but the network is evaluated in float32 and
# its weights stay float32.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    lbfgs32 = MLPRegressor(
        hidden_layer_sizes=(32,), solver="lbfgs", max_iter=20, random_state=0
    ).fit(X32[:1000], y32[:1000])
print("lbfgs coefs_:", lbfgs32.coefs_[0].dtype)

# %%
# Time per epoch and loss curves
# ------------------------------
fig, (ax_time, ax_loss) = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
per_epoch = [1000 * time64 / model64.n_iter_, 1000 * time32 / model32.n_iter_]
bars = ax_time.bar(["float64", "float32"], per_epoch, color=["tab:blue", "tab:orange"])
ax_time.bar_label(bars, fmt="%.0f ms")
ax_time.set_ylabel("fit time per epoch (ms)")
ax_time.set_title("Hidden layers (256, 128), 5000 x 50 data")

ax_loss.plot(
    range(1, n_epochs + 1), model64.loss_curve_, "o-", lw=3, alpha=0.5, label="float64"
)
ax_loss.plot(range(1, n_epochs + 1), model32.loss_curve_, "k.--", label="float32")
ax_loss.set_yscale("log")
ax_loss.set_xlabel("epoch")
ax_loss.set_ylabel("training loss")
ax_loss.set_title("Loss curves")
ax_loss.legend()
plt.show()
