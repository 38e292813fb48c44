"""Dataset helpers: sliding windows over a series."""

from __future__ import annotations

import numpy as np

__all__ = ["make_windows"]


def make_windows(
    series, lookback: int, horizon: int = 1
) -> tuple[np.ndarray, np.ndarray]:
    """Cut a series into ``(X, y)`` windows for sequence models.

    Window ``i`` holds the ``lookback`` steps ``series[i : i + lookback]``; its
    target is the value ``horizon`` steps after the window's last step,
    ``series[i + lookback + horizon - 1]``.

    Parameters
    ----------
    series : array-like of shape (n_steps,) or (n_steps, n_features)
        The series, oldest first.
    lookback : int
        Window length (time steps per sample), >= 1.
    horizon : int, default=1
        How far ahead the target lies, >= 1 (1: the next step).

    Returns
    -------
    X : ndarray of shape (n_windows, lookback, n_features)
        ``n_windows = n_steps - lookback - horizon + 1``; a copy.
    y : ndarray of shape (n_windows,) or (n_windows, n_features)
        1-D for a 1-D series.

    Raises
    ------
    ValueError
        If the series is too short for one window, or an argument is invalid.

    Examples
    --------
    >>> X, y = make_windows([0, 1, 2, 3, 4, 5], lookback=3)
    >>> X[:, :, 0]
    array([[0, 1, 2],
           [1, 2, 3],
           [2, 3, 4]])
    >>> y
    array([3, 4, 5])
    """
    values = np.asarray(series)
    if values.ndim not in (1, 2):
        raise ValueError(
            f"series must be 1-D or 2-D (n_steps, n_features), got shape {values.shape}."
        )
    for name, value in (("lookback", lookback), ("horizon", horizon)):
        if (
            isinstance(value, bool)
            or not isinstance(value, int | np.integer)
            or value < 1
        ):
            raise ValueError(f"{name} must be an integer >= 1, got {value!r}.")
    n_windows = len(values) - lookback - horizon + 1
    if n_windows < 1:
        raise ValueError(
            f"A series of {len(values)} steps is too short for lookback={lookback} "
            f"and horizon={horizon}: it needs at least {lookback + horizon} steps."
        )
    matrix = values.reshape(len(values), -1)
    windows = np.lib.stride_tricks.sliding_window_view(matrix, lookback, axis=0)
    X = np.ascontiguousarray(windows[:n_windows].transpose(0, 2, 1))
    y = values[lookback + horizon - 1 :].copy()
    return X, y
