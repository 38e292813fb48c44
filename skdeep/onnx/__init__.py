"""Export skdeep's models to ONNX, for ONNX Runtime (``pip install 'skdeep[onnx]'``).

skdeep's estimators convert with skl2onnx, alone or inside pipelines with
scikit-learn's transformers: ``skl2onnx.to_onnx(pipeline, X_sample)``. Their
converters are registered with skl2onnx as soon as skl2onnx is imported once
this module is (importing skl2onnx takes a second: ``import skdeep.onnx``
does not import it, the first use of skl2onnx does). :func:`to_onnx` is
skl2onnx's ``to_onnx`` with the converters registered.

Every network converts: every activation, dropout (the identity at
inference), batch and layer normalization, every loss's output link,
several outputs, float32 and float64; the recurrent networks (simple, LSTM
and GRU cells, stacked, many-to-one and many-to-many) as an ONNX ``Scan``
over time, and :class:`~skdeep.SequenceScaler` and
:class:`~skdeep.PolynomialRegression`. A model that cannot be converted
(an activation, layer, cell or link without an ONNX form) raises a
ValueError naming what cannot be, never a graph that computes something else;
so do the tabular networks, whose table encoding has no ONNX form yet.

Conventions (skl2onnx's): the graph computes in its input's float type;
regressors output ``variable`` ``(n, n_outputs)`` (``(n, n_timesteps,
n_outputs)`` with ``return_sequences``); classifiers output ``label`` and
``probabilities``, followed by a ``ZipMap`` unless the option ``zipmap`` is
False. Recurrent networks take ``(n, n_timesteps, n_features)`` input, the
shape of ``X_sample``, or 2-D ``(n, n_timesteps * n_features)`` input read
as the estimator reads it; sequences of different lengths (padding) are not
supported by the graph, but a graph declared with a free time axis
(``initial_types=[("X", FloatTensorType([None, None, n_features]))]``)
takes batches of any one length.

Examples
--------
>>> import numpy as np
>>> import onnxruntime as ort
>>> from skdeep import MLPRegressor
>>> from skdeep.onnx import to_onnx
>>> X = np.random.RandomState(0).normal(size=(50, 3)).astype(np.float32)
>>> reg = MLPRegressor(hidden_layer_sizes=(8,), activation="gelu", max_iter=20,
...                    random_state=0).fit(X, X.sum(axis=1))
>>> session = ort.InferenceSession(to_onnx(reg, X[:1]).SerializeToString(),
...                                providers=["CPUExecutionProvider"])
>>> onnx_pred = session.run(None, {"X": X})[0]
>>> bool(np.allclose(onnx_pred[:, 0], reg.predict(X), atol=1e-5))
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._hook import install_import_hook

if TYPE_CHECKING:  # pragma: no cover
    import onnx

__all__ = ["to_onnx", "register_converters"]


def _skl2onnx():
    try:
        import skl2onnx
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "skdeep.onnx needs skl2onnx and onnxruntime: pip install 'skdeep[onnx]'."
        ) from exc
    return skl2onnx


def register_converters() -> None:
    """Register skdeep's converters with skl2onnx (done by itself as soon as
    skl2onnx is imported; calling it again is harmless).

    Raises
    ------
    ImportError
        If skl2onnx is not installed.

    Examples
    --------
    >>> from skdeep.onnx import register_converters
    >>> register_converters()
    """
    _skl2onnx()
    from ._register import register_converters as register

    register()


def to_onnx(model: Any, X: Any = None, **kwargs: Any) -> onnx.ModelProto:
    """Convert a fitted model (an estimator or a pipeline) to ONNX.

    ``skl2onnx.to_onnx`` with skdeep's converters registered.

    Parameters
    ----------
    model : estimator or Pipeline
        Fitted; skdeep's estimators and scikit-learn's.
    X : array-like, default=None
        A sample of the input, for its type and shape (the number of rows
        is left free); or pass ``initial_types``.
    **kwargs
        Passed to ``skl2onnx.to_onnx``: ``target_opset``, ``options`` (for
        example ``{MLPClassifier: {"zipmap": False}}``), ``initial_types``...

    Returns
    -------
    onnx.ModelProto

    Raises
    ------
    ValueError
        If the model has a part without an ONNX form; the message names it.
    """
    skl2onnx = _skl2onnx()
    register_converters()
    return skl2onnx.to_onnx(model, X, **kwargs)


install_import_hook()
