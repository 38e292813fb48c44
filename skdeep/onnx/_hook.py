"""Register skdeep's converters when skl2onnx is imported, not before.

Importing skl2onnx takes over a second (it imports all of its converters),
longer than the rest of ``import skdeep``. So the converters are not
registered when skdeep is imported but right after skl2onnx is, by whoever
imports it: :func:`install_import_hook` puts a finder at the front of
``sys.meta_path`` that answers only for ``skl2onnx``, finds it as Python
would, and wraps the loader's ``exec_module`` so that the registration runs
once the module is complete. The finder then takes itself out of
``sys.meta_path``: every later import pays nothing.
"""

from __future__ import annotations

import sys
import warnings

__all__ = ["install_import_hook", "register_quietly"]

_TARGET = "skl2onnx"


def register_quietly() -> None:
    """Register the converters; warn instead of raising (an import of
    skl2onnx must not fail because of skdeep)."""
    try:
        from ._register import register_converters

        register_converters()
    except Exception as exc:  # any failure is reported, never raised
        warnings.warn(
            f"skdeep could not register its ONNX converters with skl2onnx: {exc!r}; "
            "import skdeep.onnx and call skdeep.onnx.register_converters() to see "
            "the error.",
            RuntimeWarning,
            stacklevel=2,
        )


class _RegisterOnImport:
    """A meta path finder that answers for skl2onnx only, once."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != _TARGET:
            return None
        _remove_finder()
        import importlib.util

        spec = importlib.util.find_spec(fullname)  # the remaining finders
        loader = getattr(spec, "loader", None)
        if loader is not None and hasattr(loader, "exec_module"):
            execute = loader.exec_module

            def exec_module(module):
                execute(module)
                register_quietly()

            loader.exec_module = exec_module
        return spec


def _remove_finder() -> None:
    sys.meta_path[:] = [
        f for f in sys.meta_path if not isinstance(f, _RegisterOnImport)
    ]


def install_import_hook() -> None:
    """Register the converters now if skl2onnx is imported, else as soon as
    it is; calling it again does nothing more."""
    if _TARGET in sys.modules:
        register_quietly()
    elif not any(isinstance(f, _RegisterOnImport) for f in sys.meta_path):
        sys.meta_path.insert(0, _RegisterOnImport())
