"""Safe persistence with skops: save a model, load it trusting only skdeep.

``pickle`` and ``joblib`` work too (they keep everything, optimizer state
included), but loading a pickle runs whatever code the file names. skops files
list the types they need; :func:`load` accepts a file only when every type it
would have to trust is one of skdeep's own.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil
from functools import cache
from pathlib import Path

__all__ = ["save", "load", "trusted_types"]


def _skops():
    try:
        import skops.io
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "skdeep.io needs skops: pip install 'skdeep[skops]' (or pip install skops)."
        ) from exc
    return skops.io


@cache
def trusted_types() -> frozenset[str]:
    """Every type a saved skdeep model may contain: skdeep's own classes and the
    functions of its activation registry.

    Returns
    -------
    frozenset of str
        Fully qualified names, as skops reports them.

    Examples
    --------
    >>> "skdeep.mlp.MLPRegressor" in trusted_types()
    True
    """
    import skdeep
    from skdeep.nn import activations

    names = set()
    for module_info in pkgutil.walk_packages(skdeep.__path__, "skdeep."):
        if module_info.name == "skdeep.__main__":
            continue
        module = importlib.import_module(module_info.name)
        for obj in vars(module).values():
            if inspect.isclass(obj) and obj.__module__ == module.__name__:
                names.add(f"{obj.__module__}.{obj.__qualname__}")
    for act in activations.ACTIVATIONS.values():
        for spec in dataclasses.fields(act):
            function = getattr(act, spec.name)
            if callable(function):
                names.add(f"{function.__module__}.{function.__qualname__}")
    return frozenset(names)


def save(estimator, path: str | Path) -> None:
    """Save an estimator (fitted or not) to a skops file.

    Parameters
    ----------
    estimator : estimator
        Any skdeep estimator, or a pipeline of scikit-learn and skdeep steps.
    path : str or Path
        Destination file (conventionally ``*.skops``).

    Examples
    --------
    >>> import tempfile, os
    >>> from skdeep import MLPRegressor
    >>> path = os.path.join(tempfile.mkdtemp(), "model.skops")
    >>> est = MLPRegressor(hidden_layer_sizes=(3,), max_iter=2).fit([[0.0], [1.0]], [0, 1])
    >>> save(est, path)
    >>> load(path).predict([[0.5]]).shape
    (1,)
    """
    _skops().dump(estimator, path)


def load(path: str | Path):
    """Load a skops file, trusting exactly skdeep's own types.

    Types scikit-learn, NumPy and SciPy objects that skops trusts by default
    load as usual; any other type named in the file is refused.

    Parameters
    ----------
    path : str or Path
        A file written by :func:`save` (or ``skops.io.dump``).

    Returns
    -------
    estimator

    Raises
    ------
    ValueError
        If the file needs a type outside skdeep; the message lists them.
    """
    sio = _skops()
    untrusted = sio.get_untrusted_types(file=path)
    foreign = sorted(set(untrusted) - trusted_types())
    if foreign:
        raise ValueError(
            f"{path} needs types that are not skdeep's own, so it was not loaded: "
            f"{', '.join(foreign)}. If you trust the file, use "
            "skops.io.load(path, trusted=[...]) yourself."
        )
    return sio.load(path, trusted=untrusted)
