"""Learning-rate schedules: a registry of functions of the training progress.

Each schedule is a function ``rate(learning_rate, learning_rate_init, *, t,
epoch, max_iter, power_t) -> float`` giving the rate of the next epoch from the
current one; the stochastic training loop calls it once after every epoch.
``t`` counts the samples seen, ``epoch`` the epochs run (over every call), and
``max_iter`` is the epoch budget of the call. A schedule marked with
:func:`reduces_on_plateau` keeps its rate, and the stopping rules
(:mod:`skdeep.nn.stopping`) divide it when the monitored quantity stalls.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from ._registry import lookup

__all__ = [
    "SCHEDULES",
    "get",
    "reduces_on_plateau",
    "scheduled_learning_rate",
]

Schedule = Callable[..., float]


def _divides_on_plateau(schedule: Schedule) -> Schedule:
    schedule.reduces_on_plateau = True
    return schedule


def constant(learning_rate, learning_rate_init, *, t, epoch, max_iter, power_t):
    """Keep the current rate."""
    return learning_rate


@_divides_on_plateau
def adaptive(learning_rate, learning_rate_init, *, t, epoch, max_iter, power_t):
    """Keep the current rate; a plateau divides it (scikit-learn's 'adaptive')."""
    return learning_rate


def invscaling(learning_rate, learning_rate_init, *, t, epoch, max_iter, power_t):
    """``learning_rate_init / (t + 1) ** power_t``, ``t`` the samples seen
    (scikit-learn's rule)."""
    return learning_rate_init / (t + 1) ** power_t


def cosine(learning_rate, learning_rate_init, *, t, epoch, max_iter, power_t):
    """Anneal from ``learning_rate_init`` to 0 over ``max_iter`` epochs:
    ``0.5 * learning_rate_init * (1 + cos(pi * epoch / max_iter))``."""
    progress = min(epoch, max_iter) / max_iter
    return 0.5 * learning_rate_init * (1.0 + math.cos(math.pi * progress))


def coslog4(learning_rate, learning_rate_init, *, t, epoch, max_iter, power_t):
    """Four cosine cycles, each twice as long as the one before (RealMLP's
    schedule): ``0.5 * learning_rate_init * (1 - cos(2 pi log2(1 + 15 p)))``
    at the middle of the next epoch, ``p = (epoch + 0.5) / max_iter``. The
    rate falls back to 0 at ``p`` = 1/15, 3/15, 7/15 and 1. It sets the rate
    of each epoch after the first, which runs at ``learning_rate_init``."""
    progress = min((epoch + 0.5) / max_iter, 1.0)
    cycles = math.log2(1.0 + 15.0 * progress)
    return 0.5 * learning_rate_init * (1.0 - math.cos(2.0 * math.pi * cycles))


SCHEDULES: dict[str, Schedule] = {
    "constant": constant,
    "invscaling": invscaling,
    "adaptive": adaptive,
    "cosine": cosine,
    "coslog4": coslog4,
}


def get(name: str) -> Schedule:
    """Return the schedule registered under ``name``.

    Raises
    ------
    ValueError
        If ``name`` is unknown; the message lists the valid names.
    """
    return lookup(SCHEDULES, name, "learning-rate schedule")


def reduces_on_plateau(name: str) -> bool:
    """Whether the schedule ``name`` is divided when training stalls.

    Examples
    --------
    >>> reduces_on_plateau("adaptive"), reduces_on_plateau("constant")
    (True, False)
    """
    return getattr(get(name), "reduces_on_plateau", False)


def scheduled_learning_rate(
    schedule: str,
    learning_rate: float,
    learning_rate_init: float,
    *,
    t: int,
    epoch: int,
    max_iter: int,
    power_t: float = 0.5,
) -> float:
    """Learning rate for the next epoch under the schedule named ``schedule``.

    Examples
    --------
    >>> scheduled_learning_rate("cosine", 0.1, 0.1, t=0, epoch=5, max_iter=10)
    0.05
    """
    rate = get(schedule)
    return rate(
        learning_rate,
        learning_rate_init,
        t=t,
        epoch=epoch,
        max_iter=max_iter,
        power_t=power_t,
    )
