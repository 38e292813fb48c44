"""Recurrent cells: one time step forward and backward, with their weights.

A cell owns the layout of its weights and the arithmetic of one step; the
:class:`~skdeep.nn.recurrent.RNN` layer unrolls any cell over time. The
contract, shared by every cell:

- ``param_shapes(n_in)``: ``kernel (n_in, G * units)``, ``recurrent_kernel
  (units, G * units)``, ``bias (G * units,)`` and any extra bias, for the
  ``G = n_gates`` blocks of the cell (PyTorch's gate order, transposed to
  the ``x @ kernel`` convention of the dense layers);
- ``initialize(params, n_in, rng)``: draw initial values into the views;
- ``new_trajectory(projected)``: the time-major arrays one pass fills
  (states, gates, whatever the backward step needs), given the input
  projections ``x_t @ kernel + bias`` of all steps, shape ``(n_steps, n, G *
  units)``, computed by the layer in one matrix product (the cell may reuse
  that array);
- ``step(t, trajectory, params)``: fill step ``t`` from its input projection
  and the previous step's state;
- ``step_back(t, dh, carry, trajectory, params)``: from ``d loss / d h_t``
  (and the cell's own carried gradient, the cell state's for LSTM), return
  the gradients with respect to the input projection and to the recurrent
  projection ``h_{t-1} @ recurrent_kernel (+ recurrent_bias)`` of step ``t``,
  and ``d loss / d h_{t-1}`` with the carried gradient for step ``t - 1``.

The layer turns those projections' gradients into weight gradients with one
matrix product over all steps, so a cell never sums over time itself.

The formulas are PyTorch's (``torch.nn.RNN``, ``torch.nn.LSTM``,
``torch.nn.GRU``): with weights copied (``kernel = weight_ih.T``,
``recurrent_kernel = weight_hh.T``, LSTM's ``bias = bias_ih + bias_hh``,
GRU's ``bias = bias_ih`` and ``recurrent_bias = bias_hh``) the outputs are
equal.
"""

from __future__ import annotations

import numpy as np

from . import activations as _activations
from . import initializers as _initializers
from ._registry import lookup

__all__ = ["Cell", "SimpleRNNCell", "LSTMCell", "GRUCell", "CELLS", "get"]


class Cell:
    """Base of the recurrent cells (see the module docstring for the contract).

    Parameters
    ----------
    units : int
        Size of the hidden state.
    activation : str, default='tanh'
        Activation of the state (simple cell) or of the candidate (LSTM's
        cell input and output, GRU's new gate); the gates use the logistic
        sigmoid, as in PyTorch and Keras.
    initializer : str, default='glorot_uniform'
        Initializer of the input kernel.
    recurrent_initializer : str, default='orthogonal'
        Initializer of the recurrent kernel (of each gate's block).
    """

    #: gate blocks of the kernels
    n_gates = 1
    #: name in :data:`CELLS`
    name = ""

    def __init__(
        self,
        units: int,
        activation: str = "tanh",
        initializer: str = "glorot_uniform",
        recurrent_initializer: str = "orthogonal",
    ) -> None:
        self.units = int(units)
        self.activation = _activations.get(activation)
        self.initializer = initializer
        self.recurrent_initializer = recurrent_initializer

    def param_shapes(self, n_in: int) -> dict[str, tuple[int, ...]]:
        """Shapes of the cell's parameters for inputs of width ``n_in``."""
        width = self.n_gates * self.units
        return {
            "kernel": (n_in, width),
            "recurrent_kernel": (self.units, width),
            "bias": (width,),
        }

    def initialize(self, params: dict, n_in: int, rng: np.random.RandomState) -> None:
        """Keras' defaults: the kernel by ``initializer`` over all gates, each
        gate's recurrent block by ``recurrent_initializer``, biases zero."""
        act = self.activation.name
        width, u = self.n_gates * self.units, self.units
        kernel, _ = _initializers.get(self.initializer)(n_in, width, rng, act)
        params["kernel"][...] = kernel
        make_recurrent = _initializers.get(self.recurrent_initializer)
        if self.n_gates == 1:
            params["recurrent_kernel"][...] = make_recurrent(u, u, rng, act)[0]
        else:
            for g in range(self.n_gates):
                block = make_recurrent(u, u, rng, act)[0]
                params["recurrent_kernel"][:, g * u : (g + 1) * u] = block
        for name in params:
            if name.endswith("bias"):
                params[name][...] = 0.0

    def new_trajectory(self, projected: np.ndarray) -> dict[str, np.ndarray]:
        """Time-major arrays for one pass: ``projected`` and the states ``h``
        (n_steps, n, units), with the cell's own."""
        raise NotImplementedError

    def step(self, t: int, trajectory: dict, params: dict) -> None:
        """Fill step ``t`` of ``trajectory``."""
        raise NotImplementedError

    def step_back(self, t, dh, carry, trajectory, params):
        """``(d input projection, d recurrent projection, d h_{t-1}, carry)``
        of step ``t``; ``carry`` is None at the last step."""
        raise NotImplementedError

    def previous_state(self, t: int, trajectory: dict) -> np.ndarray:
        """``h_{t-1}`` (zeros before the first step)."""
        h = trajectory["h"]
        return h[t - 1] if t > 0 else np.zeros_like(h[0])


class SimpleRNNCell(Cell):
    """Elman cell: ``h_t = activation(x_t @ kernel + h_{t-1} @
    recurrent_kernel + bias)``.

    Examples
    --------
    >>> import numpy as np
    >>> cell = SimpleRNNCell(2)
    >>> params = {"kernel": np.eye(2), "recurrent_kernel": np.zeros((2, 2)),
    ...           "bias": np.zeros(2)}
    >>> projected = (np.array([[0.5, -0.5]]) @ params["kernel"])[None]  # 1 step
    >>> trajectory = cell.new_trajectory(projected)
    >>> cell.step(0, trajectory, params)
    >>> trajectory["h"][0].round(4)
    array([[ 0.4621, -0.4621]])
    """

    name = "simple"

    def new_trajectory(self, projected):
        # the states overwrite the projections, step by step
        out = {"projected": projected, "h": projected}
        if self.activation.needs_input:
            out["z"] = np.empty_like(projected)
        return out

    def step(self, t, trajectory, params):
        h = trajectory["h"]
        if t > 0:
            h[t] += h[t - 1] @ params["recurrent_kernel"]
        if "z" in trajectory:
            trajectory["z"][t] = h[t]
        self.activation.forward(h[t])

    def step_back(self, t, dh, carry, trajectory, params):
        z = trajectory["z"][t] if "z" in trajectory else None
        self.activation.derivative(trajectory["h"][t], z, dh)  # dh is ours
        return dh, dh, dh @ params["recurrent_kernel"].T, None


def _sigmoid_scale(units: int, blocks: str, dtype) -> np.ndarray:
    """Per column of the gate blocks: 0.5 for a sigmoid block ('s'), 1 for
    the candidate ('a'). ``sigmoid(z) = 0.5 * tanh(z / 2) + 0.5``: one tanh
    over all blocks of the scaled pre-activations is several times faster
    than SciPy's ``expit``, and halving is exact."""
    return np.repeat([0.5 if b == "s" else 1.0 for b in blocks], units).astype(dtype)


class LSTMCell(Cell):
    """Long short-term memory cell, PyTorch's formulas and gate order
    (input, forget, cell, output)::

        i, f, g, o = sigmoid, sigmoid, act, sigmoid of (x_t @ kernel +
                     h_{t-1} @ recurrent_kernel + bias), block by block
        c_t = f * c_{t-1} + i * g
        h_t = o * act(c_t)

    ``unit_forget_bias`` (Keras' default) starts the forget gate's bias at 1,
    so that the cell remembers from the first epoch.

    Examples
    --------
    >>> import numpy as np
    >>> cell = LSTMCell(3)
    >>> cell.param_shapes(2)["recurrent_kernel"]
    (3, 12)
    """

    name = "lstm"
    n_gates = 4

    def __init__(self, units, activation="tanh", initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", unit_forget_bias=True):  # fmt: skip
        super().__init__(units, activation, initializer, recurrent_initializer)
        self.unit_forget_bias = bool(unit_forget_bias)

    def initialize(self, params, n_in, rng):
        super().initialize(params, n_in, rng)
        if self.unit_forget_bias:
            params["bias"][self.units : 2 * self.units] = 1.0

    def new_trajectory(self, projected):
        n_steps, n, _ = projected.shape
        dtype, u = projected.dtype, self.units
        scale = _sigmoid_scale(u, "ssas", dtype)
        projected *= scale  # the tanh form of the sigmoid blocks (exact)
        out = {"projected": projected, "scale": scale}
        out["offset"] = np.where(scale == 0.5, 0.5, 0.0).astype(dtype)
        out["tanh"], out["gates"] = np.empty_like(projected), np.empty_like(projected)
        for name in ("h", "c", "act_c"):
            out[name] = np.empty((n_steps, n, u), dtype=dtype)
        if self.activation.name != "tanh":  # g is recomputed from its input
            out["g_in"] = np.empty((n_steps, n, u), dtype=dtype)
        out["tmp"], out["dc"] = np.empty((n, u), dtype), np.empty((n, u), dtype)
        out["d"], out["slope"] = (
            np.empty_like(projected[0]),
            np.empty_like(projected[0]),
        )
        return out

    def step(self, t, trajectory, params):
        u = self.units
        tt = trajectory["tanh"][t]
        if t == 0:  # the recurrent kernel scaled like the projections
            trajectory["scaled_kernel"] = (
                params["recurrent_kernel"] * trajectory["scale"]
            )
            tt[...] = trajectory["projected"][0]
        else:
            np.matmul(trajectory["h"][t - 1], trajectory["scaled_kernel"], out=tt)
            tt += trajectory["projected"][t]
        if "g_in" in trajectory:
            trajectory["g_in"][t] = tt[:, 2 * u : 3 * u]
        np.tanh(tt, out=tt)
        gates = trajectory["gates"][t]  # 0.5 * tanh + 0.5 on i, f, o; tanh on g
        np.multiply(tt, trajectory["scale"], out=gates)
        gates += trajectory["offset"]
        if "g_in" in trajectory:
            gates[:, 2 * u : 3 * u] = trajectory["g_in"][t]
            self.activation.forward(gates[:, 2 * u : 3 * u])
        self._cell_state(t, trajectory, gates)

    def _cell_state(self, t, trajectory, gates):
        """``c_t = f * c_{t-1} + i * g`` and ``h_t = o * act(c_t)``."""
        u = self.units
        c = trajectory["c"][t]
        np.multiply(gates[:, :u], gates[:, 2 * u : 3 * u], out=c)
        if t > 0:
            tmp = trajectory["tmp"]
            np.multiply(gates[:, u : 2 * u], trajectory["c"][t - 1], out=tmp)
            c += tmp
        act_c = trajectory["act_c"][t]
        act_c[...] = c
        self.activation.forward(act_c)
        np.multiply(gates[:, 3 * u :], act_c, out=trajectory["h"][t])

    def step_back(self, t, dh, carry, trajectory, params):
        u, act = self.units, self.activation
        if carry is None:  # the last step: the first of this backward pass
            trajectory["kernel_t"] = np.ascontiguousarray(params["recurrent_kernel"].T)
        gates = trajectory["gates"][t]
        i, f, g, o = (gates[:, k * u : (k + 1) * u] for k in range(4))
        act_c, d, dc = trajectory["act_c"][t], trajectory["d"], trajectory["dc"]
        np.multiply(dh, o, out=dc)
        act.derivative(act_c, trajectory["c"][t] if act.needs_input else None, dc)
        if carry is not None:
            dc += carry
        np.multiply(dh, act_c, out=d[:, 3 * u :])  # d o
        np.multiply(dc, g, out=d[:, :u])  # d i
        if t > 0:
            np.multiply(dc, trajectory["c"][t - 1], out=d[:, u : 2 * u])  # d f
        else:
            d[:, u : 2 * u] = 0.0  # c_{-1} = 0
        np.multiply(dc, i, out=d[:, 2 * u : 3 * u])  # d g
        self._through_gates(t, trajectory, d)
        return d, d, d @ trajectory["kernel_t"], dc * f

    def _through_gates(self, t, trajectory, d):
        """``d`` times the gates' derivatives, from the stored tanh values:
        ``sigmoid' = 0.25 * (1 - tanh(z/2)**2)``, ``tanh' = 1 - tanh(z)**2``."""
        u, tt, scale = self.units, trajectory["tanh"][t], trajectory["scale"]
        slope = trajectory["slope"]
        np.multiply(tt, tt, out=slope)
        np.subtract(1.0, slope, out=slope)
        slope *= scale * scale
        if "g_in" in trajectory:  # another activation than tanh on g
            slope[:, 2 * u : 3 * u] = 1.0
            act, g = self.activation, trajectory["gates"][t][:, 2 * u : 3 * u]
            g_in = trajectory["g_in"][t] if act.needs_input else None
            act.derivative(g, g_in, d[:, 2 * u : 3 * u])
        d *= slope


class GRUCell(Cell):
    """Gated recurrent unit, PyTorch's formulas and gate order (reset,
    update, new), the reset gate applied after the recurrent product (Keras'
    ``reset_after=True``)::

        r, z = sigmoid(x_t @ kernel + bias + h_{t-1} @ recurrent_kernel +
                       recurrent_bias), first two blocks
        n = act(x_t @ kernel_n + bias_n + r * (h_{t-1} @ recurrent_kernel_n
                + recurrent_bias_n))
        h_t = (1 - z) * n + z * h_{t-1}

    Examples
    --------
    >>> cell = GRUCell(3)
    >>> sorted(cell.param_shapes(2))
    ['bias', 'kernel', 'recurrent_bias', 'recurrent_kernel']
    """

    name = "gru"
    n_gates = 3

    def param_shapes(self, n_in):
        shapes = super().param_shapes(n_in)
        shapes["recurrent_bias"] = (3 * self.units,)
        return shapes

    def new_trajectory(self, projected):
        n_steps, n, _ = projected.shape
        dtype, u = projected.dtype, self.units
        scale = _sigmoid_scale(u, "ssa", dtype)
        projected *= scale  # the tanh form of the sigmoid blocks (exact)
        out = {"projected": projected, "scale": scale}
        # recurrent: h_{t-1} @ recurrent_kernel + recurrent_bias (scaled too)
        out["gates"], out["recurrent"] = (
            np.empty_like(projected),
            np.empty_like(projected),
        )
        # diff: h_{t-1} - n, the update gate's slope
        for name in ("h", "diff") + (("n_in",) if self.activation.needs_input else ()):
            out[name] = np.empty((n_steps, n, u), dtype=dtype)
        out["dhz"], out["slope"] = np.empty((n, u), dtype), np.empty((n, 2 * u), dtype)
        out["d"], out["d_rec"] = (
            np.empty_like(projected[0]),
            np.empty_like(projected[0]),
        )
        return out

    def step(self, t, trajectory, params):
        u = self.units
        recurrent, gates = trajectory["recurrent"][t], trajectory["gates"][t]
        if t == 0:
            scale = trajectory["scale"]
            trajectory["scaled_kernel"] = params["recurrent_kernel"] * scale
            trajectory["scaled_bias"] = params["recurrent_bias"] * scale
            recurrent[...] = trajectory["scaled_bias"]
        else:
            np.matmul(
                trajectory["h"][t - 1], trajectory["scaled_kernel"], out=recurrent
            )
            recurrent += trajectory["scaled_bias"]
        projected = trajectory["projected"][t]
        rz = gates[:, : 2 * u]
        np.add(projected[:, : 2 * u], recurrent[:, : 2 * u], out=rz)
        np.tanh(rz, out=rz)
        rz *= 0.5
        rz += 0.5
        n = gates[:, 2 * u :]
        np.multiply(gates[:, :u], recurrent[:, 2 * u :], out=n)
        n += projected[:, 2 * u :]
        if "n_in" in trajectory:
            trajectory["n_in"][t] = n
        self.activation.forward(n)
        diff, h = trajectory["diff"][t], trajectory["h"][t]
        np.subtract(self.previous_state(t, trajectory), n, out=diff)
        np.multiply(diff, gates[:, u : 2 * u], out=h)
        h += n  # (1 - z) * n + z * h_prev

    def step_back(self, t, dh, carry, trajectory, params):
        u = self.units
        if carry is None:  # the last step: the first of this backward pass
            trajectory["kernel_t"] = np.ascontiguousarray(params["recurrent_kernel"].T)
        gates = trajectory["gates"][t]
        r, z, n = gates[:, :u], gates[:, u : 2 * u], gates[:, 2 * u :]
        d, d_rec, dhz = trajectory["d"], trajectory["d_rec"], trajectory["dhz"]
        dr, dz, dn = d[:, :u], d[:, u : 2 * u], d[:, 2 * u :]
        np.multiply(dh, z, out=dhz)
        np.subtract(dh, dhz, out=dn)  # dh * (1 - z)
        n_in = trajectory["n_in"][t] if "n_in" in trajectory else None
        self.activation.derivative(n, n_in, dn)  # the new gate's input
        np.multiply(dn, trajectory["recurrent"][t][:, 2 * u :], out=dr)
        np.multiply(dh, trajectory["diff"][t], out=dz)
        slope = trajectory["slope"]  # sigmoid' of r and z at once
        np.subtract(1.0, gates[:, : 2 * u], out=slope)
        slope *= gates[:, : 2 * u]
        d[:, : 2 * u] *= slope
        d_rec[:, : 2 * u] = d[:, : 2 * u]
        np.multiply(dn, r, out=d_rec[:, 2 * u :])
        dh_prev = d_rec @ trajectory["kernel_t"]
        dh_prev += dhz
        return d, d_rec, dh_prev, None


#: the recurrent cells by name
CELLS: dict[str, type[Cell]] = {
    cls.name: cls for cls in (SimpleRNNCell, LSTMCell, GRUCell)
}


def get(name: str) -> type[Cell]:
    """The cell class registered as ``name`` (ValueError naming the options)."""
    return lookup(CELLS, name, "cell")
