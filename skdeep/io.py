"""Safe persistence with skops: save a model, load it trusting only skdeep.

``pickle`` and ``joblib`` work too (they keep everything, optimizer state
included), but loading a pickle runs whatever code the file names. skops files
list the types they need; :func:`load` accepts a file only when every type it
would have to trust is one of skdeep's own, and only after checking that the
file is a well-formed skops archive whose arrays fit in a size limit.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import json
import math
import numbers
import os
import pkgutil
import zipfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import IO, Any

__all__ = ["DEFAULT_MAX_BYTES", "save", "load", "trusted_types"]

#: default ``max_bytes`` of :func:`load`: 1 GiB of uncompressed array data
DEFAULT_MAX_BYTES = 1 << 30

# json.loads needs up to about 30 times the size of its text (e.g. for "[[]]"
# repeated), so schema.json may be at most max_bytes / _JSON_EXPANSION.
_JSON_EXPANSION = 32
_NPY_MAGIC = b"\x93NUMPY"
# what np.load (and so scipy.sparse.load_npz) reads as an .npz archive
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")


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
    """Every type a saved skdeep model may contain: skdeep's own classes and
    functions (the activation registry's, the tabular encoder's), and
    ``numpy.dtype``, which scikit-learn's ``SimpleImputer`` keeps.

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
            own = getattr(obj, "__module__", None) == module.__name__
            if own and (inspect.isclass(obj) or inspect.isfunction(obj)):
                names.add(f"{obj.__module__}.{obj.__qualname__}")
    for act in activations.ACTIVATIONS.values():
        for spec in dataclasses.fields(act):
            function = getattr(act, spec.name)
            if callable(function):
                names.add(f"{function.__module__}.{function.__qualname__}")
    names.add("numpy.dtype")  # a data type: constructs nothing else
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


def load(path: str | Path, *, max_bytes: int | None = DEFAULT_MAX_BYTES):
    """Load a skops file, trusting exactly skdeep's own types.

    Types scikit-learn, NumPy and SciPy objects that skops trusts by default
    load as usual; any other type named in the file is refused. Before skops
    reads anything, the file is checked: it must be a zip archive with a JSON
    ``schema.json``, every member the schema refers to must exist and every
    ``.npy`` header must match the size of its member; the sizes read from the
    zip directory must fit in ``max_bytes``, so that a small, highly compressed
    file cannot make loading use a lot of memory.

    Parameters
    ----------
    path : str or Path
        A file written by :func:`save` (or ``skops.io.dump``).
    max_bytes : int or None, default=DEFAULT_MAX_BYTES
        Most bytes of uncompressed array data the file may hold (1 GiB by
        default); ``None`` means no limit. An array referred to twice counts
        twice (skops reads it twice), and the arrays inside a nested ``.npz``
        archive (SciPy sparse matrices) count as well. ``schema.json`` may be
        at most ``max_bytes / 32``: parsing JSON takes up to about 30 times its
        size in memory.

    Returns
    -------
    estimator

    Raises
    ------
    ValueError
        If the file is not a valid skdeep model: it is a directory, or it is
        empty, truncated or damaged, not a zip archive, not a skops file, or
        skops cannot rebuild an object from it. The message names the path and
        the reason, and the exception that revealed the problem is chained.
        Also if the file holds more data than ``max_bytes`` (the message gives
        both sizes), if it needs a type outside skdeep (the message lists
        them), or if ``max_bytes`` is not positive.
    TypeError
        If ``max_bytes`` is neither an int nor None, or ``path`` is not a path.
    FileNotFoundError
        If there is no file at ``path``; other errors opening the file (such
        as :class:`PermissionError`) propagate as well.

    Examples
    --------
    >>> import tempfile, os
    >>> from skdeep import MLPRegressor
    >>> path = os.path.join(tempfile.mkdtemp(), "model.skops")
    >>> est = MLPRegressor(hidden_layer_sizes=(3,), max_iter=2).fit([[0.0], [1.0]], [0, 1])
    >>> save(est, path)
    >>> load(path).n_features_in_
    1
    >>> load(path, max_bytes=1024)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: ...model.skops has a ... more than the limit of 1.0 KiB, so it was not loaded. If you trust the file, raise the limit: load(path, max_bytes=...) in bytes, or max_bytes=None for no limit.
    """
    limit = _check_max_bytes(max_bytes)
    sio = _skops()
    with _open_model(path) as file:
        _check_archive(file, path, limit)
        file.seek(0)
        return _load_skdeep_only(sio, file, path)


def _check_max_bytes(max_bytes: Any) -> int | None:
    if max_bytes is None:
        return None
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, numbers.Integral):
        raise TypeError(f"max_bytes must be a positive int or None, got {max_bytes!r}.")
    if max_bytes <= 0:
        raise ValueError(
            f"max_bytes must be a positive number of bytes (or None for no "
            f"limit), got {max_bytes}."
        )
    return int(max_bytes)


def _open_model(path: str | Path) -> IO[bytes]:
    """Open ``path`` for reading; a directory is not a valid model."""
    os.fspath(path)  # a TypeError for what is not a path (an int is a descriptor)
    try:
        return open(path, "rb")
    except OSError as exc:
        if not os.path.isdir(path):
            raise
        raise ValueError(
            f"{path} is not a valid skdeep model: it is a directory."
        ) from exc


@contextmanager
def _invalid_on_error(path: str | Path, what: str) -> Iterator[None]:
    """Report whatever goes wrong reading the file's content as a ValueError
    saying the file is not a valid model because of ``what``. Only lack of
    memory passes through: malformed zip archives raise BadZipFile, KeyError,
    EOFError, OSError, NotImplementedError and RuntimeError; malformed schemas
    and arrays almost anything."""
    try:
        yield
    except MemoryError:
        raise
    except Exception as exc:
        raise ValueError(
            f"{path} is not a valid skdeep model: {_reason(what, exc)}."
        ) from exc


def _reason(what: str, exc: Exception) -> str:
    if isinstance(exc, RecursionError):
        return "its content is nested too deeply"
    lines = str(exc).strip().splitlines()
    detail = lines[0] if lines else ""
    if len(detail) > 120:
        detail = detail[:117] + "..."
    name = type(exc).__name__
    return f"{what} ({name}: {detail})" if detail else f"{what} ({name})"


def _too_large(path: str | Path, found: str, limit: int) -> ValueError:
    return ValueError(
        f"{path} {found}, more than the limit of {_format_bytes(limit)}, so it was "
        "not loaded. If you trust the file, raise the limit: "
        "load(path, max_bytes=...) in bytes, or max_bytes=None for no limit."
    )


def _format_bytes(n: int) -> str:
    from skdeep.nn._memory import format_bytes

    return format_bytes(n)


def _check_archive(file: IO[bytes], path: str | Path, limit: int | None) -> None:
    """Check that ``file`` is a skops archive whose members match its schema
    and fit in ``limit`` bytes, reading only schema.json and array headers."""
    empty = os.fstat(file.fileno()).st_size == 0
    with _invalid_on_error(
        path, "it is empty" if empty else "it is not a complete zip archive"
    ):
        archive = zipfile.ZipFile(file)
    with archive:
        references = _schema_references(archive, path, limit)
        with _invalid_on_error(path, "its schema names a member it does not contain"):
            infos = {name: archive.getinfo(name) for name in references}
        # sizes from the zip directory: nothing decompressed yet
        _check_array_size(
            path, references, {n: i.file_size for n, i in infos.items()}, limit
        )
        sizes = {}
        for name, info in infos.items():
            with _invalid_on_error(path, f"its member {name!r} is damaged"):
                sizes[name] = _loaded_size(archive, info, nested=True)
        _check_array_size(path, references, sizes, limit)


def _schema_references(
    archive: zipfile.ZipFile, path: str | Path, limit: int | None
) -> Counter[str]:
    """How many times schema.json names each zip member: skops reads a member
    once per node that names it in a ``"file"`` entry."""
    with _invalid_on_error(path, "it is not a skops file"):
        info = archive.getinfo("schema.json")
    if limit is not None and info.file_size * _JSON_EXPANSION > limit:
        raise _too_large(
            path,
            f"has a {_format_bytes(info.file_size)} schema.json, which can take "
            f"{_format_bytes(info.file_size * _JSON_EXPANSION)} of memory to parse",
            limit,
        )
    references: Counter[str] = Counter()

    def count(node: dict) -> dict:  # called for every JSON object, innermost first
        if isinstance(node.get("file"), str):
            references[node["file"]] += 1
        return node

    with _invalid_on_error(path, "its schema.json cannot be read"):
        json.loads(archive.read(info), object_hook=count)
    return references


def _check_array_size(
    path: str | Path, references: Counter[str], sizes: dict[str, int], limit: int | None
) -> None:
    total = sum(count * sizes[name] for name, count in references.items())
    if limit is not None and total > limit:
        raise _too_large(
            path, f"holds {_format_bytes(total)} of array data once uncompressed", limit
        )


def _loaded_size(archive: zipfile.ZipFile, info: zipfile.ZipInfo, nested: bool) -> int:
    """Uncompressed size of a member, plus that of the members of an archive
    it holds if ``nested``; checks the header of an ``.npy`` member."""
    with archive.open(info) as stream:
        magic = stream.read(len(_NPY_MAGIC) + 2)
        if magic.startswith(_NPY_MAGIC):
            _check_npy_header(stream, magic, info.file_size)
            return info.file_size
    if not (nested and magic.startswith(_ZIP_MAGICS)):
        return info.file_size
    with archive.open(info) as stream, zipfile.ZipFile(stream) as inner:
        # np.load reads the members of an .npz but not archives inside those
        members = inner.infolist()
        return info.file_size + sum(_loaded_size(inner, m, False) for m in members)


def _check_npy_header(stream: IO[bytes], magic: bytes, file_size: int) -> None:
    """Raise a ValueError unless the ``.npy`` header that follows ``magic``
    describes exactly the data that remains of the member."""
    from numpy.lib import format as npy

    version = (magic[-2], magic[-1])
    if version == (1, 0):
        shape, _, dtype = npy.read_array_header_1_0(stream)
    elif version in ((2, 0), (3, 0)):
        # 3.0 differs from 2.0 only in encoding field names as UTF-8 instead of
        # latin-1, which leaves the item size unchanged
        shape, _, dtype = npy.read_array_header_2_0(stream)
    else:
        raise ValueError(f"unknown .npy format version {version[0]}.{version[1]}")
    described = math.prod(shape) * dtype.itemsize
    remaining = file_size - stream.tell()
    if described != remaining:
        raise ValueError(
            f"its header describes {described} bytes of data, but {remaining} follow"
        )


def _load_skdeep_only(sio, file: IO[bytes], path: str | Path):
    """Load the (checked) skops archive ``file``, trusting skdeep's types."""
    with _invalid_on_error(path, "its schema.json is malformed"):
        # skops opens ``file`` with zipfile.ZipFile, which takes an open file
        # as well as a path: reading the file checked, not one put in its place
        untrusted = sio.get_untrusted_types(file=file)
    foreign = sorted(set(untrusted) - trusted_types())
    if foreign:
        raise ValueError(
            f"{path} needs types that are not skdeep's own, so it was not loaded: "
            f"{', '.join(foreign)}. If you trust the file, use "
            "skops.io.load(path, trusted=[...]) yourself."
        )
    file.seek(0)
    with _invalid_on_error(path, "skops cannot rebuild an object from it"):
        return sio.load(file, trusted=untrusted)
