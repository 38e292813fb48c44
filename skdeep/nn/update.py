"""One parameter update from a mini-batch gradient: clip, step, proximal step."""

from __future__ import annotations

import numpy as np

from .network import Sequential
from .optimizers import Optimizer
from .penalties import Penalty

__all__ = ["ParameterUpdate", "clip_by_global_norm"]


def clip_by_global_norm(grads: np.ndarray, max_norm: float) -> float:
    """Scale ``grads`` in place so its L2 norm is at most ``max_norm``.

    The scale is ``max_norm / (norm + 1e-6)`` when the norm exceeds
    ``max_norm``, as torch's ``clip_grad_norm_``. Returns the norm before
    clipping.

    Examples
    --------
    >>> import numpy as np
    >>> g = np.array([3.0, 4.0])
    >>> clip_by_global_norm(g, 1.0)
    5.0
    >>> np.round(g, 4)
    array([0.6, 0.8])
    """
    norm = float(np.sqrt(np.einsum("i,i->", grads, grads)))
    if norm > max_norm:
        grads *= max_norm / (norm + 1e-6)
    return norm


class ParameterUpdate:
    """Applies one update to the network's flat parameters in place.

    With ``clip_grad_norm`` the gradient is first rescaled to that global L2
    norm at most; then the optimizer steps; then, for a penalty with an L1
    part, a proximal step (soft-thresholding: exact zeros) of size
    ``step * alpha / sw_sum`` acts on the kernels, where ``step`` is the
    optimizer's effective step (``lr / (1 - momentum)`` for SGD, per weight
    for the adaptive methods; see
    :meth:`~skdeep.nn.optimizers.Optimizer.effective_step`) and ``sw_sum`` the
    batch's sample-weight sum: so the fixed points are those of the penalized
    objective.

    Parameters
    ----------
    network : Sequential
        The network whose ``params`` and ``grads`` are used.
    optimizer : Optimizer
    optimizer_state : dict
        The optimizer's state, updated in place.
    penalty : Penalty or None
    alpha : float
    clip_grad_norm : float or None
    """

    def __init__(
        self,
        network: Sequential,
        optimizer: Optimizer,
        optimizer_state: dict,
        penalty: Penalty | None,
        alpha: float,
        clip_grad_norm: float | None,
    ) -> None:
        self.params, self.grads = network.params, network.grads
        self.kernels = network.params[: network.n_penalized]
        self.optimizer, self.state = optimizer, optimizer_state
        self.penalty, self.alpha = penalty, alpha
        self.clip_grad_norm = clip_grad_norm
        self.proximal = penalty is not None and alpha > 0 and not penalty.smooth

    def apply(self, lr: float, batch) -> None:
        """Update from the gradient in ``network.grads`` of ``batch``."""
        if self.clip_grad_norm is not None:
            clip_by_global_norm(self.grads, self.clip_grad_norm)
        self.optimizer.step(self.params, self.grads, self.state, lr)
        if self.proximal:
            sw = batch.sample_weight
            sw_sum = batch.n_rows if sw is None else sw.sum()
            if sw_sum > 0:
                n = self.kernels.size
                step = self.optimizer.effective_step(self.state, lr, n)
                self.penalty.prox(self.kernels, step * (self.alpha / float(sw_sum)))
