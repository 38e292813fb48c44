"""Warnings that point at the user's code, however deep the engine warns."""

from __future__ import annotations

import os
import sys
import warnings

__all__ = ["warn"]

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
#: the file of scikit-learn's ``_fit_context`` wrapper around every ``fit``
_FIT_WRAPPER = os.path.join("sklearn", "base.py")


def _internal(filename: str) -> bool:
    return filename.startswith(_PACKAGE_DIR) or filename.endswith(_FIT_WRAPPER)


def warn(message: str, category: type[Warning] = UserWarning) -> None:
    """``warnings.warn`` with the stack level of the first caller outside
    this package (and outside scikit-learn's fit wrapper), so the warning
    names the line that called ``fit``, and Python's once-per-location
    filters count each such line apart."""
    frame, level = sys._getframe(1), 1
    while frame is not None and _internal(frame.f_code.co_filename):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)
