"""Export skdeep's models to ONNX, for ONNX Runtime (``pip install 'skdeep[onnx]'``).

skdeep's estimators convert with skl2onnx, alone or inside pipelines with
scikit-learn's transformers: ``skl2onnx.to_onnx(pipeline, X_sample)``. Their
converters are registered with skl2onnx as soon as skl2onnx is imported once
this module is (importing skl2onnx takes a second: ``import skdeep.onnx``
does not import it, the first use of skl2onnx does). :func:`to_onnx` is
skl2onnx's ``to_onnx`` with the converters registered and the inputs of
DataFrames and sequences declared by :func:`input_types`;
:func:`input_feed` gives ONNX Runtime the arrays for those inputs.

Every network converts: every activation, dropout (the identity at
inference), batch and layer normalization, every loss's output link,
several outputs, float32 and float64; the recurrent networks (simple, LSTM
and GRU cells, stacked, many-to-one and many-to-many) as an ONNX ``Scan``
over time, and :class:`~skdeep.SequenceScaler` and
:class:`~skdeep.PolynomialRegression`; the tabular networks
(:class:`~skdeep.TabularMLPRegressor`, :class:`~skdeep.TabularMLPClassifier`)
with their table encoding in the graph. A model that cannot be converted
(an activation, layer, cell or link without an ONNX form) raises a
ValueError naming what cannot be, never a graph that computes something
else.

Conventions (skl2onnx's): the graph computes in its input's float type;
regressors output ``variable`` ``(n, n_outputs)`` (``(n, n_timesteps,
n_outputs)`` with ``return_sequences``); classifiers output ``label`` and
``probabilities``, followed by a ``ZipMap`` unless the option ``zipmap`` is
False (the probabilities are then float32: ONNX's ``ZipMap`` takes no
other type). Recurrent networks take ``(n, n_timesteps, n_features)``
input, or 2-D ``(n, n_timesteps * n_features)`` input read as the estimator
reads it; padded sequences of different lengths are not supported by the
graph, but :func:`to_onnx` leaves the time axis of a 3-D sample (or of a
list of sequences) free, so the graph takes batches of any one length (with
``skl2onnx.to_onnx``, declare ``initial_types=[("X", FloatTensorType([None,
None, n_features]))]``).

The tabular networks read a DataFrame as skl2onnx declares one, one input
per column named as the column (:func:`input_types`: numbers as they are,
categorical and text columns as strings, the empty string for a missing
value), or a plain array as one input ``X``; categorical columns given as
integer codes (``categorical_features``) may come as numbers. Unknown and
missing categories get the codes skdeep gives them. The graph encodes the
table in float64, runs the network in its own float type (float64 for a
network fitted on fewer than 1000 rows with ``dtype='auto'``, float32
above), maps a regressor's outputs back to the targets' scale and range in
float64, and outputs the network's float type. A row with an infinite
value, which skdeep refuses, gives NaN.

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

import numpy as np

from ._hook import install_import_hook
from ._inputs import input_feed, input_types

if TYPE_CHECKING:  # pragma: no cover
    import onnx

__all__ = ["to_onnx", "register_converters", "input_types", "input_feed"]


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


def _declares_its_inputs(X: Any) -> bool:
    """Whether :func:`input_types` declares the inputs of the sample ``X``:
    a DataFrame, a 3-D array or a list of sequences (skl2onnx's own guess
    otherwise)."""
    import pandas as pd

    if isinstance(X, pd.DataFrame):
        return True
    if isinstance(X, list | tuple):
        return True
    return isinstance(X, np.ndarray) and X.ndim == 3


def to_onnx(model: Any, X: Any = None, **kwargs: Any) -> onnx.ModelProto:
    """Convert a fitted model (an estimator or a pipeline) to ONNX.

    ``skl2onnx.to_onnx`` with skdeep's converters registered, and for a
    DataFrame or sequences the inputs of :func:`input_types`: one per
    column of a DataFrame, named as the column (categorical and text
    columns as strings); a free time axis for sequences. Feed ONNX Runtime
    with :func:`input_feed`.

    Parameters
    ----------
    model : estimator or Pipeline
        Fitted; skdeep's estimators and scikit-learn's.
    X : DataFrame, array-like or list of arrays, default=None
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

    Examples
    --------
    A tabular network on a DataFrame with a text column and missing values:

    >>> import numpy as np, pandas as pd
    >>> import onnxruntime as ort
    >>> from skdeep import TabularMLPClassifier
    >>> from skdeep.onnx import input_feed, to_onnx
    >>> rng = np.random.RandomState(0)
    >>> X = pd.DataFrame({"temp": rng.normal(800, 50, 100),
    ...                   "alloy": rng.choice(["Ti64", "In718", None], 100)})
    >>> y = np.where(X["temp"] > 800, "pass", "fail")
    >>> clf = TabularMLPClassifier(hidden_layer_sizes=(16,), max_iter=5,
    ...                            random_state=0).fit(X, y)
    >>> onx = to_onnx(clf, X[:1], options={TabularMLPClassifier: {"zipmap": False}})
    >>> session = ort.InferenceSession(onx.SerializeToString(),
    ...                                providers=["CPUExecutionProvider"])
    >>> [i.name for i in session.get_inputs()]
    ['temp', 'alloy']
    >>> labels, proba = session.run(None, input_feed(X))
    >>> bool((labels == clf.predict(X)).all())
    True
    >>> bool(np.allclose(proba, clf.predict_proba(X), atol=1e-10))
    True
    """
    skl2onnx = _skl2onnx()
    register_converters()
    if kwargs.get("initial_types") is None and _declares_its_inputs(X):
        kwargs["initial_types"], X = input_types(X), None
    return skl2onnx.to_onnx(model, X, **kwargs)


install_import_hook()
