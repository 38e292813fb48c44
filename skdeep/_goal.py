"""What an input optimization aims at: an objective of the predicted outputs,
its trade-off against the ensemble's spread, and ranges on outputs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

#: relative step of the central differences of a callable objective (in the
#: outputs only: the model's own derivatives are exact)
OBJECTIVE_STEP = 1e-6


@dataclass
class Goal:
    """The objective and the output constraints, evaluated on the members'
    predictions ``P`` of shape (n_members, n_settings, n_outputs).

    ``score = sign * mean(objective) - uncertainty * std(objective)`` over the
    members; ``violations`` are ``(low - p) / scale`` and ``(p - high) /
    scale`` of the members' mean ``p`` (<= 0 where a range holds).
    """

    output_names: list[str]
    objective: int | Callable
    sign: float
    uncertainty: float
    ranges: list[tuple[int, float, float]]  # (output, low, high)
    scales: np.ndarray  # per output, for the violations

    @property
    def differentiated_outputs(self) -> np.ndarray | None:
        """The outputs whose gradients the score and the violations use
        (None: all, for a callable objective)."""
        if callable(self.objective):
            return None
        return np.unique([self.objective] + [k for k, _, _ in self.ranges])

    def objective_values(self, P: np.ndarray) -> np.ndarray:
        if not callable(self.objective):
            return P[:, :, self.objective]
        values = [self._call(p) for p in P]
        return np.stack(values)

    def _call(self, p):
        value = np.asarray(
            self.objective(pd.DataFrame(p, columns=self.output_names)), dtype=float
        ).reshape(-1)
        if value.shape != (p.shape[0],):
            raise ValueError(
                "objective must return one number per row of predictions, got "
                f"shape {value.shape} for {p.shape[0]} rows."
            )
        return value

    def objective_gradients(self, P, J) -> np.ndarray:
        """``d objective / d inputs`` of every member: (n_members, n, n_inputs)."""
        if not callable(self.objective):
            return J[:, :, self.objective, :]
        slopes = np.empty_like(P)
        for k in range(P.shape[2]):
            step = OBJECTIVE_STEP * np.maximum(1.0, np.abs(P[:, :, k]))
            up, down = P.copy(), P.copy()
            up[:, :, k] += step
            down[:, :, k] -= step
            slopes[:, :, k] = (
                self.objective_values(up) - self.objective_values(down)
            ) / (2 * step)
        return np.einsum("mnk,mnkf->mnf", slopes, J)

    def score(self, P):
        """``(score, objective mean, objective std)`` per setting."""
        values = self.objective_values(P)
        mean, std = values.mean(axis=0), values.std(axis=0)
        return self.sign * mean - self.uncertainty * std, mean, std

    def score_and_gradient(self, P, J):
        """The score per setting and its gradient w.r.t. the inputs."""
        values = self.objective_values(P)
        slopes = self.objective_gradients(P, J)
        mean, std = values.mean(axis=0), values.std(axis=0)
        d_std = _spread_gradient(values, slopes)
        score = self.sign * mean - self.uncertainty * std
        return score, self.sign * slopes.mean(axis=0) - self.uncertainty * d_std

    @property
    def bounded_sides(self) -> np.ndarray:
        """Which columns of :meth:`violations` have a finite limit (the others
        are -inf everywhere)."""
        sides = [[np.isfinite(low), np.isfinite(high)] for _, low, high in self.ranges]
        return np.array(sides, dtype=bool).reshape(-1)

    def violations(self, P: np.ndarray) -> np.ndarray:
        """(n_settings, 2 * n_ranges): <= 0 where the ranges hold. For an
        ensemble with ``uncertainty``, a range must hold for the members'
        mean minus and plus ``uncertainty`` standard deviations."""
        mean = P.mean(axis=0)
        spread = self.uncertainty * P.std(axis=0) if self.uncertainty else 0 * mean
        columns = []
        for k, low, high in self.ranges:
            columns.append((low - mean[:, k] + spread[:, k]) / self.scales[k])
            columns.append((mean[:, k] + spread[:, k] - high) / self.scales[k])
        return np.column_stack(columns) if columns else np.zeros((P.shape[1], 0))

    def violation_gradients(self, P: np.ndarray, J: np.ndarray) -> np.ndarray:
        """(n_settings, 2 * n_ranges, n_inputs)."""
        mean_J = J.mean(axis=0)
        if not self.ranges:
            return np.zeros((J.shape[1], 0, J.shape[3]))
        outputs = [k for k, _, _ in self.ranges]
        d_spread = 0 * mean_J[:, outputs]
        if self.uncertainty:
            d_spread = self.uncertainty * _spread_gradient(
                P[:, :, outputs], J[:, :, outputs]
            )
        rows = []
        for j, k in enumerate(outputs):
            rows += [
                (d_spread[:, j] - mean_J[:, k]) / self.scales[k],
                (mean_J[:, k] + d_spread[:, j]) / self.scales[k],
            ]
        return np.stack(rows, axis=1)


def _spread_gradient(values: np.ndarray, slopes: np.ndarray) -> np.ndarray:
    """Gradient of the members' standard deviation of ``values`` (shape
    (n_members, n, ...)), given their gradients ``slopes`` (one more axis,
    the inputs); 0 where the members agree exactly."""
    mean, std = values.mean(axis=0), values.std(axis=0)
    d_std = ((values - mean)[..., None] * (slopes - slopes.mean(axis=0))).mean(axis=0)
    return d_std / np.maximum(std, 1e-300)[..., None]


def _output_index(name, output_names, what):
    if isinstance(name, int | np.integer) and not isinstance(name, bool):
        if not 0 <= name < len(output_names):
            raise ValueError(
                f"{what} {name} is not an output index (0-{len(output_names) - 1})."
            )
        return int(name)
    if name not in output_names:
        raise ValueError(
            f"{what} {name!r} is not an output; the outputs are "
            f"{', '.join(map(str, output_names))} (name them with output_names=)."
        )
    return output_names.index(name)


def make_goal(objective, output_names, *, maximize, uncertainty, output_ranges, scales):
    """Build the :class:`Goal` from the user's arguments (all checked)."""
    if not callable(objective):
        objective = _output_index(objective, output_names, "objective")
    if not (np.isfinite(uncertainty) and uncertainty >= 0):
        raise ValueError(f"uncertainty must be a number >= 0, got {uncertainty!r}.")
    ranges = []
    for name, (low, high) in output_ranges.items():
        k = _output_index(name, output_names, "constraints")
        low = -np.inf if low is None else float(low)
        high = np.inf if high is None else float(high)
        if not low <= high:
            raise ValueError(
                f"the constraint on {name!r} has low {low} above high {high}."
            )
        ranges.append((k, low, high))
    scales = np.where(np.asarray(scales) > 0, scales, 1.0)
    return Goal(list(output_names), objective, 1.0 if maximize else -1.0,
                float(uncertainty), ranges, scales)  # fmt: skip
