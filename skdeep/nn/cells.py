"""Recurrent cells: one time step forward and backward, with their weights.

A cell owns the layout of its weights, the arithmetic of one step and the
matrix products over all steps around it; the
:class:`~skdeep.nn.recurrent.RNN` layer unrolls any cell over time. The
contract, shared by every cell:

- ``param_shapes(n_in)``: ``kernel (n_in, G * units)``, ``recurrent_kernel
  (units, G * units)``, ``bias (G * units,)`` and any extra bias, for the
  ``G = n_gates`` blocks of the cell (PyTorch's gate order, transposed to
  the ``x @ kernel`` convention of the dense layers). This public layout is
  the one users read and copy weights into; a cell may work on other
  layouts internally, rebuilt from it at every pass;
- ``initialize(params, n_in, rng)``: draw initial values into the views;
- ``project(xt, params)``: the trajectory of one pass, a dict of arrays with
  the states ``h (n_steps, n, units)``, given the time-major inputs ``xt
  (n_steps, n, n_in)``: what the steps need of the inputs (their projections
  ``xt @ kernel + bias``, in one matrix product, or the inputs themselves
  beside the states) and every buffer of the pass. A pass keeps all its
  state in its trajectory, so that concurrent inference passes share
  nothing;
- ``step(t, trajectory, params)``: fill step ``t`` from its inputs and the
  previous step's state;
- ``step_back(t, dh, carry, trajectory, params)``: from ``d loss / d h_t``
  (left unmodified) and the cell's own carried gradient (None at the last
  step; the cell state's for LSTM), record in the trajectory the gradients
  with respect to the step's pre-activations (its input and recurrent
  projections), and return ``d loss / d h_{t-1}`` (None at step 0) with the
  carry for step ``t - 1``;
- ``weight_gradients(xt, trajectory, grads)``: after the backward pass,
  write the parameter gradients into the public ``grads`` views, one matrix
  product over all steps per weight, so a cell never sums over time itself;
- ``input_gradient(trajectory, params)``: ``d loss / d xt``, ``(n_steps, n,
  n_in)``.

:class:`Cell` implements ``project``, ``weight_gradients`` and
``input_gradient`` on the public layout, around ``new_trajectory(projected)``
and the trajectory's ``"d"``, the gradients w.r.t. the input projections
``(n_steps, n, G * units)`` (``"d_recurrent"`` those w.r.t. the recurrent
projections, where they differ); the simple cell uses them. The LSTM and GRU
cells work gate-major (:class:`GateMajorCell`): per pass they copy their
weights into per-gate blocks, the recurrent kernel, the kernel and the bias
stacked ``(G, units + n_in + 1, units)``, and keep ``[h_{t-1}, x_t, 1]`` side
by side, so that a step's pre-activations are one batched matrix product
(no input projection to add) and the weight gradients of a pass one more; a
step's gates are one contiguous ``(G, n, units)`` array and the recorded
gradients ``(G, n_steps, n, units)``, each gate's one contiguous matrix.

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

__all__ = [
    "Cell",
    "SimpleRNNCell",
    "GateMajorCell",
    "LSTMCell",
    "GRUCell",
    "CELLS",
    "get",
]


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

    def project(self, xt: np.ndarray, params: dict) -> dict[str, np.ndarray]:
        """The trajectory of one pass over the time-major inputs ``xt``.

        Parameters
        ----------
        xt : ndarray of shape (n_steps, n, n_in)
            The inputs, time-major.
        params : dict
            The cell's parameters (public layout).

        Returns
        -------
        dict
            ``new_trajectory`` of the input projections ``xt @ kernel +
            bias``, shape ``(n_steps, n, G * units)``.
        """
        n_steps, n, _ = xt.shape
        projected = np.matmul(xt.reshape(n_steps * n, -1), params["kernel"])
        projected = projected.reshape(n_steps, n, -1)
        projected += params["bias"]
        return self.new_trajectory(projected)

    def new_trajectory(self, projected: np.ndarray) -> dict[str, np.ndarray]:
        """Time-major arrays for one pass: ``projected`` and the states ``h``
        (n_steps, n, units), with the cell's own."""
        raise NotImplementedError

    def step(self, t: int, trajectory: dict, params: dict) -> None:
        """Fill step ``t`` of ``trajectory``."""
        raise NotImplementedError

    def step_back(self, t, dh, carry, trajectory, params):
        """Record the gradients of step ``t`` in ``trajectory``; return
        ``(d h_{t-1}, carry)``. ``carry`` is None at the last step."""
        raise NotImplementedError

    def weight_gradients(self, xt: np.ndarray, trajectory: dict, grads: dict):
        """Write the parameter gradients of a pass into ``grads``.

        Parameters
        ----------
        xt : ndarray of shape (n_steps, n, n_in)
            The inputs of the pass, time-major.
        trajectory : dict
            The pass, after :meth:`step_back` went through every step.
        grads : dict
            The gradient views, public layout (overwritten).
        """
        h, d = trajectory["h"], trajectory["d"]
        d_recurrent = trajectory.get("d_recurrent", d)
        n_steps, n, u = h.shape
        flat = d.reshape(n_steps * n, d.shape[2])
        np.matmul(xt.reshape(n_steps * n, -1).T, flat, out=grads["kernel"])
        np.sum(flat, axis=0, out=grads["bias"])
        np.matmul(  # h_{-1} = 0: step 0 adds nothing
            h[:-1].reshape((n_steps - 1) * n, u).T,
            d_recurrent[1:].reshape((n_steps - 1) * n, d.shape[2]),
            out=grads["recurrent_kernel"],
        )
        if "recurrent_bias" in grads:
            np.sum(d_recurrent, axis=(0, 1), out=grads["recurrent_bias"])

    def input_gradient(self, trajectory: dict, params: dict) -> np.ndarray:
        """``d loss / d xt``, shape ``(n_steps, n, n_in)``, after
        :meth:`step_back` went through every step of ``trajectory``."""
        d = trajectory["d"]
        n_steps, n, width = d.shape
        dx = np.matmul(d.reshape(n_steps * n, width), params["kernel"].T)
        return dx.reshape(n_steps, n, -1)

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
        out["d"] = np.empty_like(projected)  # d input projection = d recurrent
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
        d = trajectory["d"][t]
        d[...] = dh
        z = trajectory["z"][t] if "z" in trajectory else None
        self.activation.derivative(trajectory["h"][t], z, d)
        return d @ params["recurrent_kernel"].T, None


class GateMajorCell(Cell):
    """Base of the gated cells: gate-major passes over the public weights.

    At every pass the weights are copied into per-gate blocks, in the
    cell's internal order :attr:`order` of the public (PyTorch) blocks,
    with the recurrent kernel, the input kernel and the bias stacked as
    rows ``(G, units + n_in + 1, units)``; the trajectory's ``"hx"``
    ``(n_steps + 1, n, units + n_in + 1)`` holds ``[h_{t-1}, x_t, 1]`` at
    row block ``t``, so that a step's pre-activations are one batched
    matrix product (no separate input projection to add) and so are all
    the weight gradients of a pass. A step's gates are one contiguous
    ``(G, n, units)`` array; the gradients recorded by the backward steps
    are gate-major, ``(G, n_steps, n, units)``, so that each gate's are one
    ``(n_steps * n, units)`` matrix. The sigmoid gates :attr:`sigmoid` go
    through one tanh of the halved pre-activations, ``sigmoid(z) = 0.5 *
    tanh(z / 2) + 0.5`` (several times faster than SciPy's ``expit``): the
    blocks of those gates are halved, which is exact.

    Parameters
    ----------
    units, activation, initializer, recurrent_initializer
        See :class:`Cell`.
    """

    #: internal block ``k`` is the public block ``order[k]``
    order: tuple[int, ...] = ()
    #: public blocks that are sigmoid gates
    sigmoid: tuple[int, ...] = ()

    def _blocks(self, w, order, factor=1.0, dtype=None):
        """Public ``(rows, G * units)`` -> ``(G, rows, units)`` in ``order``
        (a new contiguous array), the sigmoid blocks times ``factor``."""
        rows = w.shape[0]
        blocks = w.reshape(rows, self.n_gates, self.units).transpose(1, 0, 2)
        blocks = np.ascontiguousarray(blocks[list(order)], dtype=dtype)
        if factor != 1.0:
            blocks[[k in self.sigmoid for k in order]] *= factor
        return blocks

    def _scatter(self, blocks, flat, order):
        """Write ``(G, rows, units)`` blocks in ``order`` into the public
        ``(rows, G * units)`` (or ``(G * units,)``) view ``flat``."""
        public = flat.reshape(-1, self.n_gates, self.units)
        public[:, list(order)] = blocks.transpose(1, 0, 2)

    def _inputs(self, xt, params):
        """``"hx"``: ``[h_{t-1}, x_t, 1]`` at row block ``t``, ``h_{-1} = 0``;
        the states go into ``hx[1:, :, :units]`` as the steps run."""
        n_steps, n, n_in = xt.shape
        u = self.units
        dtype = np.result_type(xt, params["kernel"])
        hx = np.empty((n_steps + 1, n, u + n_in + 1), dtype=dtype)
        hx[0, :, :u] = 0.0
        hx[:n_steps, :, u:-1] = xt
        hx[:n_steps, :, -1] = 1.0
        return hx

    def _stacked(self, params, bias, order, factor=1.0, dtype=None):
        """The blocks of ``[recurrent_kernel; kernel; bias]`` in ``order``."""
        rows = [params["recurrent_kernel"], params["kernel"], bias[None]]
        return self._blocks(np.concatenate(rows), order, factor, dtype)

    def _backward_blocks(self, params, order, dtype):
        """``recurrent_kernel.T``'s blocks in ``order`` (contiguous)."""
        blocks = self._blocks(params["recurrent_kernel"], order, dtype=dtype)
        return np.ascontiguousarray(blocks.transpose(0, 2, 1))

    def _products(self, trajectory, d):
        """``[h_{t-1}, x_t, 1].T @ d`` summed over all steps, for gate-major
        gradients ``d`` ``(G', n_steps, n, units)``: ``(G', units + n_in + 1,
        units)``."""
        hx = trajectory["hx"]
        G, n_steps, n, u = d.shape
        rows = hx[:n_steps].reshape(n_steps * n, hx.shape[2])
        return np.matmul(rows.T, d.reshape(G, n_steps * n, u))

    def input_gradient(self, trajectory, params):
        d_input = trajectory["d_input"]
        G, n_steps, n, u = d_input.shape
        kernel = self._blocks(params["kernel"], self.order)
        dx = np.matmul(d_input.reshape(G, n_steps * n, u), kernel.transpose(0, 2, 1))
        return dx.sum(axis=0).reshape(n_steps, n, -1)


class LSTMCell(GateMajorCell):
    """Long short-term memory cell, PyTorch's formulas and gate order
    (input, forget, cell, output)::

        i, f, g, o = sigmoid, sigmoid, act, sigmoid of (x_t @ kernel +
                     h_{t-1} @ recurrent_kernel + bias), block by block
        c_t = f * c_{t-1} + i * g
        h_t = o * act(c_t)

    ``unit_forget_bias`` (Keras' default) starts the forget gate's bias at 1,
    so that the cell remembers from the first epoch. Internally the blocks
    run in the order i, f, o, g, the three sigmoid gates side by side.

    Examples
    --------
    >>> import numpy as np
    >>> cell = LSTMCell(3)
    >>> cell.param_shapes(2)["recurrent_kernel"]
    (3, 12)
    """

    name = "lstm"
    n_gates = 4
    order = (0, 1, 3, 2)
    sigmoid = (0, 1, 3)

    def __init__(self, units, activation="tanh", initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", unit_forget_bias=True):  # fmt: skip
        super().__init__(units, activation, initializer, recurrent_initializer)
        self.unit_forget_bias = bool(unit_forget_bias)

    def initialize(self, params, n_in, rng):
        super().initialize(params, n_in, rng)
        if self.unit_forget_bias:
            params["bias"][self.units : 2 * self.units] = 1.0

    def project(self, xt, params):
        hx = self._inputs(xt, params)
        (n_steps, n, _), u, dtype = xt.shape, self.units, hx.dtype
        out = {"hx": hx, "h": hx[1:, :, :u]}
        out["weights"] = self._stacked(params, params["bias"], self.order, 0.5, dtype)
        out["backward"] = self._backward_blocks(params, self.order, dtype)
        # i, f, o, g; g's pre-activation for another activation than tanh,
        # g itself then in "g"
        out["gates"] = np.empty((n_steps, 4, n, u), dtype)
        for name in ("c", "act_c") + (() if self.activation.name == "tanh" else ("g",)):
            out[name] = np.empty((n_steps, n, u), dtype)
        out["d_input"] = np.empty((4, n_steps, n, u), dtype)
        for name in ("tmp", "dc", "carry", "dh0", "dh1"):
            out[name] = np.empty((n, u), dtype)
        out["rec"], out["slope"] = np.empty((2, 4, n, u), dtype)
        return out

    def step(self, t, trajectory, params):
        hx, gates = trajectory["hx"], trajectory["gates"][t]
        np.matmul(hx[t], trajectory["weights"], out=gates)
        if "g" in trajectory:  # another activation than tanh on g
            np.tanh(gates[:3], out=gates[:3])
            g = trajectory["g"][t]
            g[...] = gates[3]
            self.activation.forward(g)
        else:
            np.tanh(gates, out=gates)
            g = gates[3]
        ifo = gates[:3]  # 0.5 * tanh(z / 2) + 0.5
        ifo *= 0.5
        ifo += 0.5
        c = trajectory["c"][t]
        np.multiply(gates[0], g, out=c)
        if t > 0:
            tmp = trajectory["tmp"]
            np.multiply(gates[1], trajectory["c"][t - 1], out=tmp)
            c += tmp
        act_c = trajectory["act_c"][t]
        if "g" in trajectory:
            act_c[...] = c
            self.activation.forward(act_c)
        else:
            np.tanh(c, out=act_c)
        np.multiply(gates[2], act_c, out=hx[t + 1, :, : self.units])

    def step_back(self, t, dh, carry, trajectory, params):
        gates, d = trajectory["gates"][t], trajectory["d_input"][:, t]
        act_c, dc = trajectory["act_c"][t], trajectory["dc"]
        if "g" in trajectory:
            np.multiply(dh, gates[2], out=dc)
            c = trajectory["c"][t] if self.activation.needs_input else None
            self.activation.derivative(act_c, c, dc)
            g = trajectory["g"][t]
        else:  # dh * o * (1 - tanh(c)**2)
            np.multiply(act_c, act_c, out=dc)
            np.subtract(1.0, dc, out=dc)
            dc *= gates[2]
            dc *= dh
            g = gates[3]
        if carry is not None:
            dc += carry
        np.multiply(dc, g, out=d[0])  # d i
        if t > 0:
            np.multiply(dc, trajectory["c"][t - 1], out=d[1])  # d f
        else:
            d[1] = 0.0  # c_{-1} = 0
        np.multiply(dh, act_c, out=d[2])  # d o
        np.multiply(dc, gates[0], out=d[3])  # d g
        self._through_gates(t, trajectory, d)
        if t == 0:
            return None, None
        rec, dh_prev = trajectory["rec"], trajectory[f"dh{t & 1}"]
        np.matmul(d, trajectory["backward"], out=rec)
        np.add(rec[0], rec[1], out=dh_prev)
        dh_prev += rec[2]
        dh_prev += rec[3]
        np.multiply(dc, gates[1], out=trajectory["carry"])
        return dh_prev, trajectory["carry"]

    def _through_gates(self, t, trajectory, d):
        """``d`` times the gates' slopes, from their values: ``s * (1 - s)``
        for the sigmoids i, f, o, ``1 - g**2`` for tanh."""
        gates, slope = trajectory["gates"][t], trajectory["slope"]
        if "g" in trajectory:  # another activation than tanh on g
            np.multiply(gates[:3], gates[:3], out=slope[:3])
        else:
            np.multiply(gates, gates, out=slope)
            np.subtract(1.0, slope[3], out=slope[3])
        np.subtract(gates[:3], slope[:3], out=slope[:3])
        if "g" not in trajectory:
            d *= slope
            return
        d[:3] *= slope[:3]
        act, g = self.activation, trajectory["g"][t]
        act.derivative(g, gates[3] if act.needs_input else None, d[3])

    def weight_gradients(self, xt, trajectory, grads):
        blocks = self._products(trajectory, trajectory["d_input"])
        u, order = self.units, self.order
        self._scatter(blocks[:, :u], grads["recurrent_kernel"], order)
        self._scatter(blocks[:, u:-1], grads["kernel"], order)
        self._scatter(blocks[:, -1:], grads["bias"], order)


class GRUCell(GateMajorCell):
    """Gated recurrent unit, with PyTorch's formulas.

    The gates come in PyTorch's order (reset, update, new), the reset gate
    applied after the recurrent product, as Keras' ``reset_after=True``. One
    step, block by block::

        r, z = sigmoid(x_t @ kernel + bias + h_{t-1} @ recurrent_kernel +
                       recurrent_bias), the first two blocks
        n = act(x_t @ kernel_n + bias_n +
                r * (h_{t-1} @ recurrent_kernel_n + recurrent_bias_n))
        h_t = (1 - z) * n + z * h_{t-1}

    With ``timescale`` (the length of the sequences, set by the recurrent
    estimators) the update gate's bias starts at ``log(U(1, timescale - 1))``
    per unit, the chrono initialization (Tallec and Ollivier, 2018): units
    then keep their state over up to ``timescale`` steps at first, where a
    zero bias (Keras' and PyTorch's default, ``timescale=None``) halves it at
    every step.

    Examples
    --------
    >>> cell = GRUCell(3)
    >>> sorted(cell.param_shapes(2))
    ['bias', 'kernel', 'recurrent_bias', 'recurrent_kernel']
    """

    #: sequence length of the chrono initialization (None: zero biases)
    timescale: int | None = None

    name = "gru"
    n_gates = 3
    order = (0, 1, 2)
    sigmoid = (0, 1)
    # the recorded gradients d[:, t]: d (h_{t-1} @ recurrent_kernel_n +
    # recurrent_bias_n), d r, d z, d n (pre-activations): public blocks
    # RECURRENT of the recurrent side, d[1:] the input side's (order)
    RECURRENT = (2, 0, 1)

    def param_shapes(self, n_in):
        shapes = super().param_shapes(n_in)
        shapes["recurrent_bias"] = (3 * self.units,)
        return shapes

    def initialize(self, params, n_in, rng):
        super().initialize(params, n_in, rng)
        if self.timescale is not None and self.timescale > 2:
            u = self.units
            chrono = np.log(rng.uniform(1.0, self.timescale - 1.0, size=u))
            params["bias"][u : 2 * u] = chrono

    def _step_weights(self, params, dtype):
        """The stacked blocks of a step: r and z whole (both biases), the
        new gate's recurrent part only (its input rows zero)."""
        u, n_in = self.units, params["kernel"].shape[0]
        bias = params["bias"] + params["recurrent_bias"]
        bias[2 * u :] = params["recurrent_bias"][2 * u :]
        weights = self._stacked(params, bias, self.order, 0.5, dtype)
        weights[2, u : u + n_in] = 0.0
        return weights

    def project(self, xt, params):
        hx = self._inputs(xt, params)
        (n_steps, n, n_in), u, dtype = xt.shape, self.units, hx.dtype
        out = {"hx": hx, "h": hx[1:, :, :u]}
        out["weights"] = self._step_weights(params, dtype)
        out["backward"] = self._backward_blocks(params, self.RECURRENT, dtype)
        new = np.concatenate([params["kernel"], params["bias"][None]])[:, 2 * u :]
        inputs = hx[:n_steps, :, u:].reshape(n_steps * n, n_in + 1)
        out["new_input"] = np.matmul(inputs, new.astype(dtype)).reshape(n_steps, n, u)
        # r, z, h_{t-1} @ recurrent_kernel_n + recurrent_bias_n, n
        out["gates"] = np.empty((n_steps, 4, n, u), dtype)
        # diff: h_{t-1} - n, the update gate's slope
        for name in ("diff",) + (("n_in",) if self.activation.needs_input else ()):
            out[name] = np.empty((n_steps, n, u), dtype)
        out["d"] = np.empty((4, n_steps, n, u), dtype)
        out["d_input"] = out["d"][1:]
        for name in ("tmp", "dhz", "dh0", "dh1"):
            out[name] = np.empty((n, u), dtype)
        out["rec"], out["slope"] = (
            np.empty((3, n, u), dtype),
            np.empty((2, n, u), dtype),
        )
        return out

    def step(self, t, trajectory, params):
        hx, gates = trajectory["hx"], trajectory["gates"][t]
        np.matmul(hx[t], trajectory["weights"], out=gates[:3])
        rz = gates[:2]
        np.tanh(rz, out=rz)
        rz *= 0.5
        rz += 0.5
        n = gates[3]
        np.multiply(gates[0], gates[2], out=n)
        n += trajectory["new_input"][t]
        if "n_in" in trajectory:
            trajectory["n_in"][t] = n
        self.activation.forward(n)
        u, diff = self.units, trajectory["diff"][t]
        if t > 0:
            np.subtract(hx[t, :, :u], n, out=diff)
        else:
            np.negative(n, out=diff)
        tmp = trajectory["tmp"]
        np.multiply(diff, gates[1], out=tmp)
        np.add(tmp, n, out=hx[t + 1, :, :u])  # (1 - z) * n + z * h_prev

    def step_back(self, t, dh, carry, trajectory, params):
        gates, d = trajectory["gates"][t], trajectory["d"][:, t]
        dhz, dn = trajectory["dhz"], d[3]
        np.multiply(dh, gates[1], out=dhz)
        np.subtract(dh, dhz, out=dn)  # dh * (1 - z)
        if self.activation.name == "tanh":
            tmp = trajectory["tmp"]
            np.multiply(gates[3], gates[3], out=tmp)
            np.subtract(1.0, tmp, out=tmp)
            dn *= tmp
        else:
            n_in = trajectory["n_in"][t] if "n_in" in trajectory else None
            self.activation.derivative(gates[3], n_in, dn)
        np.multiply(dn, gates[2], out=d[1])  # d r
        np.multiply(dh, trajectory["diff"][t], out=d[2])  # d z
        slope = trajectory["slope"]  # sigmoid' of r and z at once
        np.subtract(1.0, gates[:2], out=slope)
        slope *= gates[:2]
        d[1:3] *= slope
        np.multiply(dn, gates[0], out=d[0])  # d recurrent_n
        if t == 0:
            return None, None
        rec, dh_prev = trajectory["rec"], trajectory[f"dh{t & 1}"]
        np.matmul(d[:3], trajectory["backward"], out=rec)
        np.add(rec[0], rec[1], out=dh_prev)
        dh_prev += rec[2]
        dh_prev += dhz
        return dh_prev, None

    def weight_gradients(self, xt, trajectory, grads):
        u, n_in, d = self.units, xt.shape[2], trajectory["d"]
        blocks = self._products(trajectory, d[:3])  # n (recurrent), r, z
        self._scatter(blocks[:, :u], grads["recurrent_kernel"], self.RECURRENT)
        self._scatter(blocks[:, -1:], grads["recurrent_bias"], self.RECURRENT)
        kernel = np.empty((3, n_in + 1, u), dtype=blocks.dtype)
        kernel[:2] = blocks[1:, u:]  # r, z: both biases alike
        hx, n_steps = trajectory["hx"], d.shape[1]
        inputs = hx[:n_steps, :, u:].reshape(n_steps * d.shape[2], n_in + 1)
        np.matmul(inputs.T, d[3].reshape(-1, u), out=kernel[2])
        self._scatter(kernel[:, :-1], grads["kernel"], self.order)
        self._scatter(kernel[:, -1:], grads["bias"], self.order)


#: the recurrent cells by name
CELLS: dict[str, type[Cell]] = {
    cls.name: cls for cls in (SimpleRNNCell, LSTMCell, GRUCell)
}


def get(name: str) -> type[Cell]:
    """The cell class registered as ``name`` (ValueError naming the options)."""
    return lookup(CELLS, name, "cell")
