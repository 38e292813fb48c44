"""Run the code blocks of the documentation pages and check their output.

Usage, from the repository root::

    python docs/run_snippets.py                      # every page of the guide
    python docs/run_snippets.py docs/guide/rnn.rst   # some pages

Each block runs on its own, in a fresh namespace, unless the block is preceded
by the comment ``.. continues``: then it runs in the namespace of the block
before it. Doctest blocks (``>>>``) must print what the page shows (with
doctest's ELLIPSIS and NORMALIZE_WHITESPACE, and durations such as ``0.01s``
compared loosely); ``.. code-block:: python`` blocks must run without error.
Other blocks (bash, text) are listed as skipped. Warnings are silenced.
"""

from __future__ import annotations

import doctest
import os
import re
import sys
import textwrap
import time
import traceback
import warnings
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")

DOCS = Path(__file__).resolve().parent
PAGES = ["index.rst", "user_guide.rst", "migrating.rst", "guide/*.rst"]
DURATION = re.compile(r"\b\d+\.\d\ds\b")
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


class _Checker(doctest.OutputChecker):
    """Compares outputs with durations (``0.01s``) replaced by a placeholder."""

    def check_output(self, want, got, optionflags):
        return super().check_output(
            DURATION.sub("T.TTs", want), DURATION.sub("T.TTs", got), optionflags
        )


def _continues(lines, index):
    j = index - 1
    while j >= 0 and not lines[j].strip():
        j -= 1
    return j >= 0 and lines[j].strip() == ".. continues"


def blocks(path):
    """Yield ``(line number, language, code, continues)`` for each block."""
    lines = Path(path).read_text().splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        directive = re.match(r"^(\s*)\.\. code-block::\s*(\w+)", line)
        if directive:
            indent = len(directive.group(1))
            j = i + 1
            while j < len(lines) and (
                not lines[j].strip() or lines[j].strip().startswith(":")
            ):
                j += 1
            k = j
            while k < len(lines) and (
                not lines[k].strip() or len(lines[k]) - len(lines[k].lstrip()) > indent
            ):
                k += 1
            code = textwrap.dedent("\n".join(lines[j:k])).strip("\n")
            yield i + 1, directive.group(2), code, _continues(lines, i)
            i = k
            continue
        if line.strip().startswith(">>>") and (i == 0 or not lines[i - 1].strip()):
            k = i
            while k < len(lines) and lines[k].strip():
                k += 1
            code = textwrap.dedent("\n".join(lines[i:k]))
            yield i + 1, "pycon", code, _continues(lines, i)
            i = k
            continue
        i += 1


def run(paths) -> int:
    """Run the blocks of ``paths``; return the number of failed blocks."""
    parser = doctest.DocTestParser()
    failed = total = 0
    for path in paths:
        namespace = None
        for lineno, language, code, continues in blocks(path):
            where = f"{path}:{lineno}"
            if language not in ("python", "pycon"):
                print(f"skip {where} ({language})")
                continue
            if not continues or namespace is None:
                namespace = {"__name__": "__main__"}
            total += 1
            start = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if ">>>" in code:
                    test = parser.get_doctest(code, namespace, where, str(path), lineno)
                    runner = doctest.DocTestRunner(
                        checker=_Checker(), optionflags=FLAGS
                    )
                    runner.run(test, clear_globs=False)
                    namespace.update(test.globs)
                    ok = not runner.summarize(verbose=False).failed
                else:
                    try:
                        exec(compile(code, where, "exec"), namespace)
                        ok = True
                    except Exception:
                        traceback.print_exc()
                        ok = False
            failed += not ok
            status = "ok  " if ok else "FAIL"
            print(f"{status} {where} ({time.perf_counter() - start:.1f}s)", flush=True)
    print(f"{total} blocks run, {failed} failed")
    return failed


def main(argv: list[str]) -> int:
    paths = argv or [p for pattern in PAGES for p in sorted(DOCS.glob(pattern))]
    return 1 if run(paths) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
