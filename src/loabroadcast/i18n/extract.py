"""Babel extractor for click commands (``babel.cfg``: ``loabroadcast.i18n.extract:extract_cli``).

For every file under ``cli/`` it yields what Babel's Python extractor finds (``_()``,
``N_()``, ``ngettext()``) and also, without any marking in the code:

- the docstring of each function decorated by ``….command(…)`` or ``….group(…)``:
  each paragraph and the first sentence (``helptext.docstring_msgids``);
- every string literal given as ``help=``, ``short_help=`` or ``epilog=`` to a call
  (``click.option``, ``click.command`` …);
- the one-line help of each entry of a ``COMMANDS = {name: (module, attr, help)}`` table.

So a command someone adds is in the next ``scripts/i18n update`` with nothing to do.
Developer tool: needs Babel (the ``dev`` extra); never imported when ``loa`` runs.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from .helptext import docstring_msgids, fold

HELP_KEYWORDS = ("help", "short_help", "epilog")
COMMAND_DECORATORS = ("command", "group")


def extract_cli(fileobj, keywords, comment_tags, options) -> Iterator[tuple]:
    from babel.messages.extract import extract_python

    yield from extract_python(fileobj, keywords, comment_tags, options)
    fileobj.seek(0)
    source = fileobj.read().decode(options.get("encoding", "utf-8"))
    yield from click_help(source)


def click_help(source: str) -> Iterator[tuple[int, None, str, list[str]]]:
    """``(line, None, message id, comments)`` of the click help in ``source``."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef) and _is_command(node):
            doc = ast.get_docstring(node, clean=False)
            if doc:
                line = node.body[0].lineno
                for msgid in docstring_msgids(doc):
                    yield line, None, msgid, [f"help of command function {node.name}()"]
        elif isinstance(node, ast.Call):
            for kw in node.keywords:
                text = _string(kw.value)
                if kw.arg in HELP_KEYWORDS and text and text.strip():
                    yield kw.value.lineno, None, fold(text), [_what(node, kw.arg)]
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            yield from _command_table(node)


def _is_command(node: ast.FunctionDef) -> bool:
    for deco in node.decorator_list:
        func = deco.func if isinstance(deco, ast.Call) else deco
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name in COMMAND_DECORATORS:
            return True
    return False


def _string(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _what(call: ast.Call, keyword: str) -> str:
    names = [_string(a) for a in call.args]
    flags = [n for n in names if n and n.startswith("-")]
    if flags:
        return f"{keyword} of option {'/'.join(flags)}"
    if names and names[0]:
        return f"{keyword} of {names[0]}"
    return keyword


def _command_table(node: ast.Assign | ast.AnnAssign) -> Iterator[tuple]:
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    if not any(isinstance(t, ast.Name) and t.id == "COMMANDS" for t in targets):
        return
    if not isinstance(node.value, ast.Dict):
        return
    for key, value in zip(node.value.keys, node.value.values, strict=True):
        name = _string(key) if key is not None else None
        if isinstance(value, ast.Tuple) and value.elts:
            text = _string(value.elts[-1])
            if name and text:
                yield value.elts[-1].lineno, None, fold(text), [f"`loa --help`: {name}"]
