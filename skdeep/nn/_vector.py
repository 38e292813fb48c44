"""One-pass, in-place updates of flat vectors: ``y += a * x`` and ``x *= a``.

Contiguous float32/float64 vectors go through BLAS level 1 (``axpy``,
``scal``), which reads and writes each element once, where NumPy's
``y += a * x`` allocates a temporary and passes over memory twice. Both are
element-wise, so the result never depends on the BLAS thread count.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import blas as _blas

__all__ = ["axpy", "scale"]

_LEVEL1 = {
    np.dtype(np.float64): (_blas.daxpy, _blas.dscal),
    np.dtype(np.float32): (_blas.saxpy, _blas.sscal),
}


def _level1(*arrays: np.ndarray):
    """The (axpy, scal) pair for ``arrays``, or None if BLAS cannot take them
    in place (another dtype, more than one axis, not contiguous)."""
    dtype = arrays[0].dtype
    for a in arrays:
        if a.dtype != dtype or a.ndim != 1 or not a.flags.c_contiguous:
            return None
    return _LEVEL1.get(dtype)


def axpy(a: float, x: np.ndarray, y: np.ndarray) -> None:
    """``y += a * x`` in place.

    Examples
    --------
    >>> import numpy as np
    >>> y = np.array([1.0, 2.0])
    >>> axpy(0.5, np.array([2.0, 4.0]), y)
    >>> y
    array([2., 4.])
    """
    funcs = _level1(x, y)
    if funcs is None or x.size == 0:
        y += a * x
    else:
        funcs[0](x, y, a=a)


def scale(a: float, x: np.ndarray) -> None:
    """``x *= a`` in place.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([1.0, 2.0])
    >>> scale(3.0, x)
    >>> x
    array([3., 6.])
    """
    funcs = _level1(x)
    if funcs is None or x.size == 0:
        x *= a
    else:
        funcs[1](a, x)
