"""Where a converter writes its ONNX nodes: skl2onnx's graph, or a loop body.

Every converter of this package writes through a :class:`Graph`: ``node``
adds one operator and returns the names of its outputs, ``constant`` adds one
initializer (in the graph's float type unless told otherwise). The same
converters of activations and cells then write into skl2onnx's main graph
(:class:`Graph`) or into the body of a ``Scan`` (:class:`Body`), whose
nodes and constants stay in the body's own ``GraphProto``.

Like every module of :mod:`skdeep.onnx`, it imports ``onnx`` only where it
writes a graph: importing the modules needs neither onnx nor skl2onnx (and
:func:`skdeep.io.trusted_types` imports every module of skdeep).
"""

from __future__ import annotations

import numpy as np

__all__ = ["Graph", "Body", "MIN_OPSET", "tensor_type", "affine"]

#: oldest ONNX opset the converters write for: ``Squeeze``, ``ReduceSum`` and
#: ``Split`` take their axes as inputs from opset 13 on, and ``Softmax``
#: normalizes along one axis only
MIN_OPSET = 13


def tensor_type(dtype) -> int:
    """The ONNX element type of a NumPy dtype."""
    from onnx import helper

    return helper.np_dtype_to_tensor_dtype(np.dtype(dtype))


class Graph:
    """The main graph of a conversion, through skl2onnx's scope and container.

    Parameters
    ----------
    scope : skl2onnx.common._topology.Scope
        Gives unique names.
    container : skl2onnx.common._container.ModelComponentContainer
        Receives the nodes and initializers.
    dtype : numpy dtype
        The float type the graph computes in (float32 or float64).
    """

    def __init__(self, scope, container, dtype) -> None:
        self.scope = scope
        self.container = container
        self.dtype = np.dtype(dtype)
        opset = container.target_opset
        if opset is not None and opset < MIN_OPSET:
            raise ValueError(
                f"skdeep's ONNX converters need target_opset >= {MIN_OPSET}; "
                f"got {opset}."
            )

    def fresh(self, hint: str) -> str:
        """A new unique variable name."""
        return self.scope.get_unique_variable_name(hint)

    def node(
        self,
        op: str,
        inputs: list[str],
        outputs: int | list[str] = 1,
        **attrs,
    ) -> str | list[str]:
        """Add the operator ``op``; return its output name (or names).

        ``outputs`` is the number of outputs to name, or their names.
        """
        names = outputs
        if isinstance(outputs, int):
            names = [self.fresh(op.lower()) for _ in range(outputs)]
        self._add(op, list(inputs), list(names), attrs)
        return names[0] if len(names) == 1 else list(names)

    def _add(self, op, inputs, outputs, attrs) -> None:
        name = self.scope.get_unique_operator_name(op)
        self.container.add_node(op, inputs, outputs, name=name, **attrs)

    def constant(self, value, hint: str = "c", dtype=None) -> str:
        """Add ``value`` as an initializer, in the graph's float type unless
        ``dtype`` is given (then as is); return its name."""
        array = np.asarray(value, dtype=self.dtype if dtype is None else dtype)
        name = self.fresh(hint)
        self._initializer(name, array)
        return name

    def _initializer(self, name: str, array: np.ndarray) -> None:
        from onnx import numpy_helper

        if array.dtype.kind in "OU":  # strings: skl2onnx copies raw data only
            content = [str(s).encode("utf-8") for s in array.ravel()]
            kind = tensor_type(object)
            self.container.add_initializer(name, kind, list(array.shape), content)
            return
        tensor = numpy_helper.from_array(np.ascontiguousarray(array), name)
        self.container.add_initializer(
            name, tensor.data_type, list(array.shape), tensor
        )

    def body(self) -> Body:
        """A new loop body that computes in this graph's float type."""
        return Body(self.scope, self.dtype)


class Body(Graph):
    """The body of a ``Scan``: its own nodes and constants.

    Parameters
    ----------
    scope : skl2onnx.common._topology.Scope
        Gives names unique across the whole model.
    dtype : numpy dtype
        The float type of the body's values.
    """

    def __init__(self, scope, dtype) -> None:
        self.scope = scope
        self.dtype = np.dtype(dtype)
        self.nodes: list = []
        self.initializers: list = []

    def _add(self, op, inputs, outputs, attrs) -> None:
        from onnx import helper

        name = self.scope.get_unique_operator_name(op)
        self.nodes.append(helper.make_node(op, inputs, outputs, name=name, **attrs))

    def _initializer(self, name: str, array: np.ndarray) -> None:
        from onnx import numpy_helper

        self.initializers.append(numpy_helper.from_array(array, name))

    def proto(self, inputs: list[str], outputs: list[str]):
        """The body as an ``onnx.GraphProto`` of ``inputs`` and ``outputs``,
        all of the body's float type."""
        from onnx import helper

        kind = tensor_type(self.dtype)
        return helper.make_graph(
            self.nodes,
            self.fresh("body"),
            [helper.make_tensor_value_info(name, kind, None) for name in inputs],
            [helper.make_tensor_value_info(name, kind, None) for name in outputs],
            self.initializers,
        )


def affine(graph: Graph, x: str, kernel: np.ndarray, bias: np.ndarray, hint: str):
    """Write ``x @ kernel + bias`` (inputs of any rank: the leading axes are
    rows); return the output's name."""
    product = graph.node("MatMul", [x, graph.constant(kernel, f"{hint}_kernel")])
    return graph.node("Add", [product, graph.constant(bias, f"{hint}_bias")])
