"""Looking up a name in one of the engine's registries.

Every concept of the engine (activations, initializers, losses, penalties,
optimizers) has one registry, a plain dict from name to entry, and a ``get()``
that accepts a name or an object of the concept itself. The lookup and its
error message are written once, here.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["lookup"]


def lookup(registry: Mapping, name, kind: str, *, plural: str | None = None):
    """Return ``registry[name]``, or raise a ValueError listing the valid names.

    Parameters
    ----------
    registry : Mapping
        The registry, name to entry.
    name : object
        The name asked for; unhashable values are unknown names too.
    kind : str
        What the registry holds, singular (``"loss"``), for the message.
    plural : str, default=None
        Plural of ``kind`` when it is not ``kind + "s"``.

    Examples
    --------
    >>> lookup({"a": 1}, "a", "letter")
    1
    >>> lookup({"a": 1}, "b", "letter")
    Traceback (most recent call last):
    ...
    ValueError: Unknown letter 'b'; valid letters are: a.
    """
    try:
        return registry[name]
    except (KeyError, TypeError):
        valid = ", ".join(sorted(registry))
        plural = plural or f"{kind}s"
        raise ValueError(
            f"Unknown {kind} {name!r}; valid {plural} are: {valid}."
        ) from None
