"""The package's functions stay short enough to read at once."""

import ast
from pathlib import Path

import skdeep

PACKAGE = Path(skdeep.__file__).parent
MAX_LINES = 80


def code_lines(function: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Lines from the first statement after the docstring to the last one."""
    body = function.body
    first = body[0]
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
        if isinstance(first.value.value, str):
            body = body[1:]
    if not body:
        return 0
    return body[-1].end_lineno - body[0].lineno + 1


def long_functions(root: Path, limit: int) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                n = code_lines(node)
                if n > limit:
                    found.append(f"{path.relative_to(root)}:{node.lineno} {node.name}")
    return found


def test_no_function_is_longer_than_80_lines_of_code():
    assert long_functions(PACKAGE, MAX_LINES) == []


def test_the_count_skips_the_docstring_and_sees_long_bodies(tmp_path):
    body = "\n".join(f"    x{i} = {i}" for i in range(81))
    (tmp_path / "m.py").write_text(
        f'def short():\n    """Doc.\n\n    More.\n    """\n    return 1\n\n'
        f"def long():\n{body}\n"
    )
    assert long_functions(tmp_path, MAX_LINES) == ["m.py:8 long"]
    assert long_functions(tmp_path, 81) == []
