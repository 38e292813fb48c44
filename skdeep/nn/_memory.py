"""How much memory this machine has, and sizes a person can read."""

from __future__ import annotations

import os

__all__ = ["check_fits_in_memory", "format_bytes", "physical_memory"]

#: assumed when the operating system does not say (64 GiB)
FALLBACK_MEMORY = 64 << 30


def physical_memory() -> int:
    """Total physical memory in bytes (``FALLBACK_MEMORY`` if unknown)."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, ValueError, OSError):  # pragma: no cover - non-POSIX
        return FALLBACK_MEMORY


def format_bytes(n: int) -> str:
    """``n`` bytes in binary units.

    Examples
    --------
    >>> format_bytes(48 << 40)
    '48.0 TiB'
    """
    value = float(n)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if value < 1024 or unit == "PiB":
            return f"{value:.1f} {unit}" if value < 1e4 else f"{value:.3g} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def check_fits_in_memory(n_bytes: int, what: str) -> None:
    """Raise a ValueError when ``n_bytes`` (a Python int: never overflows)
    exceed this machine's physical memory; ``what`` says what needs them."""
    total = physical_memory()
    if n_bytes > total:
        raise ValueError(
            f"{what} needs about {format_bytes(n_bytes)}, more than this "
            f"machine's {format_bytes(total)} of memory."
        )
