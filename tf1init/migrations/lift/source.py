"""Positions and edits on a source text: the lifter moves whole statements and rewrites pieces of
them, and must keep everything else (comments, spacing, odd style) as the author wrote it."""
import ast
from typing import List, Sequence, Tuple

Edit = Tuple[int, int, str]  # (start, end) character offsets in the text, and the new text


class Source:
    def __init__(self, text: str):
        self.text = text
        self.lines = text.splitlines(keepends=True)
        self._starts = [0]
        for line in self.lines:
            self._starts.append(self._starts[-1] + len(line))

    def offset(self, lineno: int, col_byte: int) -> int:
        """Character offset of an ast position (1-based line, column in UTF-8 bytes)."""
        line = self.lines[lineno - 1] if lineno <= len(self.lines) else ""
        return self._starts[lineno - 1] + len(line.encode("utf-8")[:col_byte].decode("utf-8", "ignore"))

    def span(self, node: ast.AST) -> Tuple[int, int]:
        return self.offset(node.lineno, node.col_offset), self.offset(node.end_lineno, node.end_col_offset)

    def code(self, node: ast.AST) -> str:
        start, end = self.span(node)
        return self.text[start:end]

    def first_line(self, stmt: ast.stmt) -> int:
        return min([stmt.lineno] + [d.lineno for d in getattr(stmt, "decorator_list", ())])

    def leading_comments(self, stmt: ast.stmt, floor: int) -> int:
        """The first line of the comment lines right above ``stmt`` (no blank line between),
        not above line ``floor``: they describe it and move with it."""
        first = self.first_line(stmt)
        while first - 1 > floor and self.lines[first - 2].strip().startswith("#"):
            first -= 1
        return first

    def statement(self, stmt: ast.stmt, edits: Sequence[Edit] = (), first: int = 0) -> str:
        """The statement's full lines (from ``first``, for its leading comments), with ``edits``
        applied, without the final line break."""
        first = first or self.first_line(stmt)
        start = self._starts[first - 1]
        # the rest of the last line (a trailing comment) belongs to the statement
        end = self._starts[stmt.end_lineno] if stmt.end_lineno < len(self._starts) else len(self.text)
        return apply(self.text, start, end, edits).rstrip("\r\n")


def apply(text: str, start: int, end: int, edits: Sequence[Edit]) -> str:
    """``text[start:end]`` with the edits inside it applied (edits may not overlap)."""
    out: List[str] = []
    at = start
    for a, b, new in sorted((e for e in edits if start <= e[0] and e[1] <= end), key=lambda e: e[0]):
        if a < at:
            raise ValueError("overlapping edits")
        out.append(text[at:a])
        out.append(new)
        at = b
    out.append(text[at:end])
    return "".join(out)


def reindent(block: str, remove: str, add: str) -> str:
    """Each line of ``block`` with the prefix ``remove`` taken off (where it has it) and ``add``
    put in front (blank lines stay blank)."""
    out = []
    for line in block.split("\n"):
        if line.startswith(remove):
            line = line[len(remove):]
        out.append(add + line if line.strip() else "")
    return "\n".join(out)
