"""The settings an input optimization may choose: bounds per input, inputs held
fixed, discrete inputs searched by enumeration."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

#: a column with at most this many distinct integer values in the data is read
#: as discrete by ``categories="auto"``
AUTO_CATEGORY_MAX_VALUES = 10
#: more combinations of discrete values than this must be narrowed by ``fixed``
MAX_COMBINATIONS = 256


@dataclass
class SettingsSpace:
    """Bounds of every input, the fixed and the discrete ones.

    ``low``/``high`` are arrays over all columns; ``fixed`` maps a column index
    to its value; ``discrete`` maps a column index to the values enumerated;
    ``free`` lists the continuous columns the optimizer moves.
    """

    columns: list[str]
    low: np.ndarray
    high: np.ndarray
    fixed: dict[int, float]
    discrete: dict[int, list[float]]

    @property
    def free(self) -> np.ndarray:
        held = set(self.fixed) | set(self.discrete)
        return np.array([i for i in range(len(self.columns)) if i not in held], int)

    def combinations(self) -> list[dict[int, float]]:
        """Every assignment of the discrete inputs, with the fixed ones."""
        keys = sorted(self.discrete)
        return [
            {**self.fixed, **dict(zip(keys, values, strict=True))}
            for values in itertools.product(*(self.discrete[k] for k in keys))
        ]

    def settings(
        self, u: np.ndarray, held: dict[int, float] | np.ndarray
    ) -> np.ndarray:
        """Full settings from the free inputs scaled to [0, 1] (rows of ``u``)
        and the held ones: a dict of column index to value for every row, or
        rows of settings whose held columns are copied."""
        if isinstance(held, dict):
            Z = np.empty((u.shape[0], len(self.columns)))
            for index, value in held.items():
                Z[:, index] = value
        else:
            Z = held.copy()
        free = self.free
        Z[:, free] = self.low[free] + u * (self.high[free] - self.low[free])
        return Z

    def scaled(self, Z: np.ndarray) -> np.ndarray:
        """The free inputs of settings ``Z``, scaled to [0, 1]."""
        free = self.free
        width = np.where(self.high > self.low, self.high - self.low, 1.0)
        return np.clip((Z[:, free] - self.low[free]) / width[free], 0.0, 1.0)


def _index(columns, name, what):
    if name not in columns:
        raise ValueError(
            f"{what} names {name!r}, which is not an input; the inputs are "
            f"{', '.join(map(str, columns))}."
        )
    return columns.index(name)


def _data_bounds(Xa, columns, bounds, extrapolate, labels):
    low, high = Xa.min(axis=0), Xa.max(axis=0)
    if isinstance(bounds, str):
        if bounds != "data":
            raise ValueError(f"bounds must be 'data' or a dict, got {bounds!r}.")
        return low, high
    if not isinstance(bounds, dict):
        raise TypeError(
            f"bounds must be 'data' or a dict, got {type(bounds).__name__}."
        )
    new_low, new_high = low.copy(), high.copy()
    for name, (lo, hi) in bounds.items():
        i = _index(columns, name, "bounds")
        if i in labels.values:
            labels.refuse_range(i, "bounds")
        new_low[i] = low[i] if lo is None else float(lo)
        new_high[i] = high[i] if hi is None else float(hi)
        if not new_low[i] <= new_high[i]:
            raise ValueError(f"bounds of {name!r}: low {lo} is above high {hi}.")
        outside = new_low[i] < low[i] or new_high[i] > high[i]
        if outside and not extrapolate:
            raise ValueError(
                f"bounds of {name!r} ({new_low[i]:g}, {new_high[i]:g}) reach outside "
                f"the data ({low[i]:g}, {high[i]:g}), where the model extrapolates; "
                "pass extrapolate=True to search there anyway."
            )
    return new_low, new_high


def _discrete(Xa, columns, categories, fixed, labels):
    """The values enumerated for each discrete input: those of
    ``categories``, and every value of each label column not held fixed."""
    found = _listed(Xa, columns, categories, fixed, labels)
    for i in labels.values:
        if i not in fixed:
            found.setdefault(i, labels.codes(i))
    return found


def _listed(Xa, columns, categories, fixed, labels):
    if isinstance(categories, str):
        if categories != "auto":
            raise ValueError(
                f"categories must be 'auto', a list or a dict, got {categories!r}."
            )
        found = {}
        for i in range(len(columns)):
            values = np.unique(Xa[:, i])
            if values.size <= AUTO_CATEGORY_MAX_VALUES and np.all(
                values == np.round(values)
            ):
                found[i] = values.tolist()
        return {i: v for i, v in found.items() if i not in fixed}
    if isinstance(categories, dict):
        listed = {}
        for name, values in categories.items():
            i = _index(columns, name, "categories")
            listed[i] = [
                labels.code(i, v, "categories") if i in labels.values else float(v)
                for v in values
            ]
        return listed
    return {
        (i := _index(columns, name, "categories")): np.unique(Xa[:, i]).tolist()
        for name in categories
    }


def make_space(
    Xa, columns, *, bounds, fixed, categories, extrapolate, input_ranges, labels
):
    """Build the :class:`SettingsSpace` from the user's arguments (all
    checked); the label columns (:class:`~skdeep._label_columns.LabelColumns`)
    are searched by enumeration of their codes."""
    low, high = _data_bounds(Xa, columns, bounds, extrapolate, labels)
    for name, (lo, hi) in input_ranges.items():  # constraints on inputs
        i = _index(columns, name, "constraints")
        if i in labels.values:
            labels.refuse_range(i, "constraints")
        low[i] = max(low[i], -np.inf if lo is None else lo)
        high[i] = min(high[i], np.inf if hi is None else hi)
        if not low[i] <= high[i]:
            raise ValueError(
                f"the constraint on {name!r} leaves no value within its bounds."
            )
    held = {}
    for name, value in (fixed or {}).items():
        i = _index(columns, name, "fixed")
        if i in labels.values:
            held[i] = labels.code(i, value, "fixed")
            continue
        value = float(value)
        if not (low[i] <= value <= high[i] or extrapolate):
            raise ValueError(
                f"fixed {name}={value:g} is outside its bounds ({low[i]:g}, "
                f"{high[i]:g}); pass extrapolate=True to allow it."
            )
        held[i] = value
    discrete = {
        i: [v for v in values if low[i] <= v <= high[i]]
        for i, values in _discrete(Xa, columns, categories, held, labels).items()
    }
    empty = [columns[i] for i, values in discrete.items() if not values]
    if empty:
        raise ValueError(f"no value of {', '.join(empty)} lies within its bounds.")
    space = SettingsSpace(list(columns), low, high, held, discrete)
    n_combinations = int(np.prod([len(v) for v in discrete.values()]))
    if n_combinations > MAX_COMBINATIONS:
        raise ValueError(
            f"the discrete inputs make {n_combinations} combinations (more than "
            f"{MAX_COMBINATIONS}); fix some of them with fixed=... or list fewer "
            "in categories."
        )
    return space
