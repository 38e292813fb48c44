"""The table encoding of the tabular networks in ONNX: what
:meth:`TabularEncoder.transform <skdeep.tabular._encoder.TabularEncoder.transform>`
computes, in float64, from the graph's inputs.

The graph's inputs hold the table's columns: one input per column (named as
the DataFrame's columns, in any order, skl2onnx's convention for a
DataFrame), or inputs of one or more columns each that hold them from left
to right (a single ``(n, n_columns)`` array, say). Each column arrives in
its input's type: float32, float64, int32, int64, bool or string.

Each part of the fitted ``ColumnTransformer`` becomes its formulas, in the
order of its output columns:

- numeric columns: ``(x - median) / iqr``, then ``x / sqrt(1 + (x / 3)**2)``,
  missing values 0, then the missing indicators of the columns that had
  missing values in fit;
- categorical columns: each value's index among the fitted categories
  (an ``ai.onnx.ml`` ``LabelEncoder`` for strings; for numbers, an
  ``Equal`` against the categories that the input's values print as, as
  the encoder compares their :func:`~skdeep.tabular._encoder.label_text`),
  then its one-hot columns or its code (missing and unknown values get the
  codes the encoder gives them).

A string input has no missing value: the empty string stands for one (a
model whose categories include the empty string does not convert). A part,
step or setting of the encoder that this module does not write raises a
ValueError naming it, so a change of the recipe cannot convert to a
silently different graph.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder

from ..tabular._encoder import (
    _as_float,
    _as_labels,
    _Codes,
    _RobustScale,
    label_text,
    smooth_clip,
)
from ._graph import Graph, tensor_type

__all__ = ["Column", "table_columns", "emit_table", "MISSING_STRING"]

#: the value of a string input that stands for a missing value
MISSING_STRING = ""
#: the numpy dtype of each skl2onnx tensor type a column may arrive in
INPUT_DTYPES = {
    "FloatTensorType": np.dtype(np.float32),
    "DoubleTensorType": np.dtype(np.float64),
    "Int64TensorType": np.dtype(np.int64),
    "Int32TensorType": np.dtype(np.int32),
    "BooleanTensorType": np.dtype(bool),
    "StringTensorType": np.dtype(object),
}
#: the steps of each part of the encoder that this module writes
PARTS = {
    "numeric": (
        (FunctionTransformer, _as_float),
        (_RobustScale, None),
        (FunctionTransformer, smooth_clip),
        (SimpleImputer, None),
    ),
    "one_hot": ((FunctionTransformer, _as_labels), (OneHotEncoder, None)),
    "codes": ((FunctionTransformer, _as_labels), (_Codes, None)),
}


@dataclass(frozen=True)
class Column:
    """One column of the table: column ``index`` of the graph input
    ``variable`` (``width`` columns of ``dtype``)."""

    variable: str
    index: int
    width: int
    dtype: np.dtype
    name: str


def _dtype(variable) -> np.dtype:
    kind = type(variable.type).__name__
    if kind not in INPUT_DTYPES:
        raise ValueError(
            f"Cannot convert a tabular network for the input {variable.raw_name!r} "
            f"of type {kind}: its columns must be one of "
            f"{', '.join(INPUT_DTYPES)}."
        )
    return INPUT_DTYPES[kind]


def _width(variable, n_columns: int, n_inputs: int) -> int:
    shape = list(variable.type.shape)
    if len(shape) != 2:
        raise ValueError(
            f"The input {variable.raw_name!r} of a tabular network must be 2-D "
            f"(n_samples, n_columns); it is declared with shape {shape}."
        )
    if shape[1] is None or not isinstance(shape[1], int):
        if n_inputs == 1:
            return n_columns
        raise ValueError(
            f"The input {variable.raw_name!r} has no fixed number of columns; "
            "declare it with shape [None, k] when the table comes in several inputs."
        )
    return shape[1]


def table_columns(encoder, inputs) -> list[Column]:
    """Where each column of the table seen in fit is among the graph's
    ``inputs``: by name when the inputs are one column each, named as the
    columns of the fitted DataFrame; otherwise left to right.

    Raises
    ------
    ValueError
        If the inputs do not hold as many columns as the fitted table.
    """
    transformer = encoder.column_transformer_
    n = transformer.n_features_in_
    names = getattr(transformer, "feature_names_in_", None)
    names = [f"column {j}" for j in range(n)] if names is None else list(names)
    widths = [_width(v, n, len(inputs)) for v in inputs]
    by_name = {v.raw_name: v for v in inputs}
    if len(inputs) == n and set(widths) == {1} and set(by_name) == set(names):
        chosen = [by_name[name] for name in names]
        return [Column(v.full_name, 0, 1, _dtype(v), v.raw_name) for v in chosen]
    if sum(widths) != n:
        raise ValueError(
            f"The graph's inputs hold {sum(widths)} columns, the table seen in fit "
            f"{n} ({', '.join(map(str, names))}): give one input per column (named "
            "as the columns), or inputs that hold them from left to right."
        )
    columns = []
    for variable, width in zip(inputs, widths, strict=True):
        for j in range(width):
            name = names[len(columns)]
            columns.append(Column(variable.full_name, j, width, _dtype(variable), name))
    return columns


def _check_part(name: str, part) -> None:
    """Raise unless ``part`` is a pipeline of the steps :data:`PARTS` lists."""
    expected = PARTS.get(name)
    steps = [step for _, step in part.steps] if isinstance(part, Pipeline) else []
    same = expected is not None and len(steps) == len(expected)
    for step, (cls, func) in zip(steps, expected or (), strict=False):
        same = same and type(step) is cls
        same = same and (func is None or getattr(step, "func", None) is func)
        if isinstance(step, FunctionTransformer):
            same = same and step.kw_args is None
    if not same:
        raise ValueError(
            f"Cannot convert the table encoding to ONNX: its part {name!r} is "
            f"{part!r}, which skdeep.onnx does not write (it writes the parts "
            f"{', '.join(PARTS)} of skdeep.tabular's TabularEncoder)."
        )


def _refuse(name: str, step, setting: str) -> ValueError:
    return ValueError(
        f"Cannot convert the table encoding to ONNX: its {name} step "
        f"{type(step).__name__} has {setting}, which skdeep.onnx does not write."
    )


def _check_settings(name: str, last) -> None:
    """Raise for the settings of the last step that the graph would not
    reproduce."""
    if isinstance(last, SimpleImputer):
        if not (
            last.strategy == "constant"
            and last.fill_value == 0
            and _is_missing(last.missing_values)
            and (last.indicator_ is None or last.indicator_.features == "missing-only")
        ):
            raise _refuse(name, last, "other settings than the recipe's")
        return
    if isinstance(last, OneHotEncoder):
        encoder, unknown = last, last.handle_unknown == "ignore"
    else:
        encoder = last.encoder_
        unknown = (encoder.handle_unknown, encoder.unknown_value) == (
            "use_encoded_value",
            -1,
        ) and encoder.encoded_missing_value == -2
    if not unknown:
        raise _refuse(name, encoder, "another handling of unknown categories")
    if getattr(encoder, "drop_idx_", None) is not None:
        raise _refuse(name, encoder, "dropped categories")
    infrequent = getattr(encoder, "infrequent_categories_", None)
    if infrequent is not None and any(c is not None for c in infrequent):
        raise _refuse(name, encoder, "infrequent categories")
    for categories in encoder.categories_:
        known, _ = _known(categories)
        if not all(isinstance(c, str) for c in known):
            raise _refuse(name, encoder, f"the categories {list(categories)[:5]}")


def _is_missing(value) -> bool:
    return isinstance(value, float) and bool(np.isnan(value))


def _parts(encoder):
    """The fitted parts ``(name, steps, column indices)``, checked."""
    parts = []
    for name, part, indices in encoder.column_transformer_.transformers_:
        if name == "remainder" and (part == "drop" or not len(indices)):
            continue
        _check_part(name, part)
        steps = [step for _, step in part.steps]
        _check_settings(name, steps[-1])
        parts.append((name, steps, list(indices)))
    return parts


def _selected(graph: Graph, columns: list[Column], dtype=None) -> str:
    """The ``columns`` side by side, ``(n, len(columns))``, cast to
    ``dtype`` (else in their input's type: they must share it)."""
    blocks, run = [], []
    for column in [*columns, None]:
        if run and (column is None or column.variable != run[0].variable):
            blocks.append(_gathered(graph, run, dtype))
            run = []
        if column is not None:
            run.append(column)
    if len(blocks) == 1:
        return blocks[0]
    return graph.node("Concat", blocks, axis=1)


def _gathered(graph: Graph, run: list[Column], dtype) -> str:
    """Columns of one input, cast to ``dtype`` (None: as they are)."""
    first = run[0]
    x = first.variable
    if [c.index for c in run] != list(range(first.width)):
        indices = graph.constant([c.index for c in run], "columns", dtype=np.int64)
        x = graph.node("Gather", [x, indices], axis=1)
    if dtype is None or first.dtype == np.dtype(dtype):
        return x
    return graph.node("Cast", [x], to=tensor_type(dtype))


def _numeric(graph: Graph, steps, columns: list[Column]) -> list[str]:
    """The scaled, clipped and imputed numeric columns, then the missing
    indicators: the formulas of ``_RobustScale``, ``smooth_clip`` and the
    ``SimpleImputer``, in their order of operations. A missing value is one
    of the input; an infinite one (which skdeep refuses) gives NaN."""
    strings = [c.name for c in columns if c.dtype == object]
    if strings:
        raise ValueError(
            f"The numeric columns {strings} of the table come in a string input: "
            "give them numeric inputs (float, int or bool)."
        )
    _, scaler, _, imputer = steps
    x = _selected(graph, columns, np.float64)
    scaled = graph.node("Sub", [x, graph.constant(scaler.center_, "center")])
    scaled = graph.node("Div", [scaled, graph.constant(scaler.scale_, "scale")])
    third = graph.node("Div", [scaled, graph.constant(3.0, "three")])
    square = graph.node("Mul", [third, third])
    root = graph.node("Sqrt", [graph.node("Add", [square, graph.constant(1.0)])])
    clipped = graph.node("Div", [scaled, root])
    missing = graph.node("IsNaN", [x])
    blocks = [graph.node("Where", [missing, graph.constant(0.0, "zero"), clipped])]
    indicator = imputer.indicator_
    if indicator is not None and len(indicator.features_):
        features = graph.constant(indicator.features_, "missing", dtype=np.int64)
        chosen = graph.node("Gather", [missing, features], axis=1)
        blocks.append(graph.node("Cast", [chosen], to=tensor_type(np.float64)))
    return blocks


def _one_hot(graph: Graph, steps, columns: list[Column]) -> list[str]:
    """One indicator per fitted category (a missing value is the category
    NaN if fit saw one); unknown values are all zeros."""
    blocks = []
    for column, categories in zip(columns, steps[-1].categories_, strict=True):
        known, seen_missing = _known(categories)
        missing = len(known) if seen_missing else -1
        codes = _category_codes(graph, column, known, missing, -1)
        every = graph.constant(np.arange(len(categories)), "categories", np.int64)
        hot = graph.node("Equal", [codes, every])
        blocks.append(graph.node("Cast", [hot], to=tensor_type(np.float64)))
    return blocks


def _codes(graph: Graph, steps, columns: list[Column]) -> list[str]:
    """The code of each value, ``0 .. k-1`` for the ``k`` known categories,
    ``k`` for a missing value and ``k + 1`` for an unknown one."""
    codes = steps[-1]
    blocks = []
    for column, categories in zip(columns, codes.encoder_.categories_, strict=True):
        known, _ = _known(categories)
        code = _category_codes(graph, column, known, len(known), len(known) + 1)
        blocks.append(graph.node("Cast", [code], to=tensor_type(np.float64)))
    return blocks


def _known(categories) -> tuple[list[str], bool]:
    """The fitted categories but NaN (always the last), and whether NaN was
    one."""
    values = list(categories)
    seen_missing = bool(values) and _is_missing(values[-1])
    return (values[:-1] if seen_missing else values), seen_missing


#: each part's writer
WRITERS = {"numeric": _numeric, "one_hot": _one_hot, "codes": _codes}


def _category_codes(
    graph: Graph, column: Column, known: list[str], missing: int, unknown: int
) -> str:
    """int64 ``(n, 1)``: ``i`` for a value equal to ``known[i]``,
    ``missing`` for a missing one, ``unknown`` for any other."""
    x = _selected(graph, [column])
    if column.dtype == object:
        return _string_codes(graph, column, x, known, missing, unknown)
    keys, values = _numeric_keys(known, column)
    if keys:
        table = graph.constant(keys, "category_values", dtype=column.dtype)
        hits = graph.node(
            "Cast", [graph.node("Equal", [x, table])], to=tensor_type(np.int64)
        )
        shifts = graph.constant(np.subtract(values, unknown), "codes", np.int64)
        shifted = graph.node("Mul", [hits, shifts])
        axes = graph.constant([1], "axes", dtype=np.int64)
        code = graph.node("ReduceSum", [shifted, axes], keepdims=1)
        code = graph.node("Add", [code, graph.constant([unknown], "unknown", np.int64)])
    else:  # no value of the input's type prints as a fitted category
        from onnx import helper

        fill = helper.make_tensor("value", tensor_type(np.int64), [1], [unknown])
        code = graph.node("ConstantOfShape", [graph.node("Shape", [x])], value=fill)
    if column.dtype.kind != "f":
        return code
    missing_code = graph.constant([missing], "missing_code", np.int64)
    return graph.node("Where", [graph.node("IsNaN", [x]), missing_code, code])


def _string_codes(graph, column, x, known, missing, unknown) -> str:
    """An ``ai.onnx.ml`` ``LabelEncoder`` from the strings to the codes, the
    empty string to ``missing``."""
    if MISSING_STRING in known:
        raise ValueError(
            f"Cannot convert the column {column.name!r} to ONNX: the empty string "
            "is one of its categories, and a string input holds a missing value "
            "as the empty string."
        )
    opset = graph.container.target_opset_any_domain("ai.onnx.ml")
    if opset is not None and opset < 2:
        raise ValueError(
            "The categorical columns of a tabular network need target_opset "
            f"'ai.onnx.ml' >= 2; got {opset}."
        )
    return graph.node(
        "LabelEncoder",
        [x],
        op_domain="ai.onnx.ml",
        op_version=2,
        keys_strings=[*known, MISSING_STRING],
        values_int64s=[*range(len(known)), missing],
        default_int64=unknown,
    )


def _numeric_keys(known: list[str], column: Column) -> tuple[list, list[int]]:
    """The values of the column's type that print as a fitted category (the
    encoder compares :func:`~skdeep.tabular._encoder.label_text`), and those
    categories' indices.

    Raises
    ------
    ValueError
        If two categories print as equal values (``0.0`` and ``-0.0``).
    """
    keys, values = [], []
    for index, label in enumerate(known):
        value = _value_printed_as(label, column.dtype)
        if value is not None:
            keys.append(value)
            values.append(index)
    if len(set(keys)) < len(keys):
        raise ValueError(
            f"Cannot convert the categorical column {column.name!r} to ONNX for a "
            f"{column.dtype} input: two of its categories are equal numbers."
        )
    return keys, values


def _value_printed_as(label: str, dtype: np.dtype):
    """The value of ``dtype`` whose ``str`` is ``label``, or None."""
    if dtype.kind == "b":
        return {"True": True, "False": False}.get(label)
    try:
        number = float(label) if dtype.kind == "f" else int(label)
    except ValueError:
        return None
    if dtype.kind == "f":
        value = dtype.type(number)
        return value if not np.isnan(value) and label_text(value) == label else None
    info = np.iinfo(dtype)
    return number if info.min <= number <= info.max and str(number) == label else None


def emit_table(graph: Graph, encoder, inputs) -> str:
    """Write the encoding of the table in the graph's ``inputs``.

    Parameters
    ----------
    graph : Graph
        Where to write, in float64.
    encoder : skdeep.tabular._encoder.TabularEncoder
        Fitted.
    inputs : list of skl2onnx variables
        The graph's inputs, holding the table's columns (see
        :func:`table_columns`).

    Returns
    -------
    str
        The encoded table, float64 ``(n, n_dense_ + len(cardinalities_))``.

    Raises
    ------
    ValueError
        If the inputs do not hold the table, a column's input cannot hold
        it, or the encoder has a part this module does not write.
    """
    columns = table_columns(encoder, inputs)
    blocks = []
    for name, steps, indices in _parts(encoder):
        blocks.extend(WRITERS[name](graph, steps, [columns[j] for j in indices]))
    if len(blocks) == 1:
        return graph.node("Identity", blocks)
    return graph.node("Concat", blocks, axis=1)
