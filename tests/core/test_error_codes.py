"""Every refusal a service raises carries a stable machine code (core.errors.Code), as the README promises:
clients branch on `code`, people read `detail`. Walks the write layer of every app (services.py and the modules
services delegate to) and fails on a ValidationError built from a bare message — or a dict of bare messages, or a
re-raise through `message_dict`, which drops the codes — all of which the API would answer with `invalid`."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from core.errors import Code

ROOT = Path(__file__).resolve().parents[2]
APPS = ["centres", "loyalty", "gardens", "contests", "murals", "office"]
SERVICE_MODULES = ["services.py", "payments.py", "imports.py"]
GETTEXT = {"_", "gettext", "gettext_lazy", "ngettext", "pgettext", "npgettext", "str"}


def _service_files() -> list[Path]:
    return sorted(p for app in APPS for name in SERVICE_MODULES if (p := ROOT / app / name).exists())


def _is_validation_error(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and (
        (isinstance(node.func, ast.Name) and node.func.id in {"ValidationError", "DjangoValidationError"})
        or (isinstance(node.func, ast.Attribute) and node.func.attr == "ValidationError"))


def _is_message(node: ast.AST) -> bool:
    """A text written here: a literal, an f-string, `_("...")`, `_("...") % {...}`."""
    if (isinstance(node, ast.Constant) and isinstance(node.value, str)) or isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return _is_message(node.left)
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in GETTEXT


def _code_of(call: ast.Call) -> ast.AST | None:
    for keyword in call.keywords:
        if keyword.arg == "code":
            return keyword.value
    return call.args[1] if len(call.args) > 1 else None


def _value_offence(value: ast.AST) -> bool:
    """A field's errors in a dict: ValidationErrors (checked on their own) or variables holding them are fine;
    a bare message is not."""
    items = value.elts if isinstance(value, ast.List | ast.Tuple) else [value]
    return any(_is_message(item) or _drops_codes(item) for item in items)


def _drops_codes(node: ast.AST) -> bool:
    """`exc.message_dict`, `exc.messages` (or an item of them) are plain strings: the codes are gone."""
    if isinstance(node, ast.Subscript):
        node = node.value
    return isinstance(node, ast.Attribute) and node.attr in {"message_dict", "messages"}


def _message_holders(tree: ast.AST) -> set[str]:
    """Names that collect bare messages: `errors["field"] = _("...")` or `errors.append(_("..."))`."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and _is_message(node.value):
            names |= {t.value.id for t in node.targets if isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name)}
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "append"
              and isinstance(node.func.value, ast.Name) and node.args and _is_message(node.args[0])):
            names.add(node.func.value.id)
    return names


def _offences(source: str, name: str) -> list[str]:
    found: list[str] = []
    seen: set[int] = set()
    tree = ast.parse(source)
    functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    for scope in [*functions[::-1], tree]:  # innermost first; each call is checked once, in its own function
        holders = _message_holders(scope)
        for node in ast.walk(scope):
            if _is_validation_error(node) and node.args and id(node) not in seen:
                seen.add(id(node))
                found += _call_offences(node, f"{name}:{node.lineno}", holders)
    return sorted(found, key=lambda line: int(line.split(":")[1]))


def _call_offences(node: ast.Call, where: str, holders: set[str]) -> list[str]:
    found = []
    first, code = node.args[0], _code_of(node)
    if isinstance(first, ast.Name) and first.id in holders and code is None:
        found.append(f"{where}: {first.id} collects bare messages, without codes")
    elif isinstance(first, ast.Dict):
        if any(_value_offence(value) for value in first.values):
            found.append(f"{where}: a field's message without ValidationError(..., code=...)")
    elif isinstance(first, ast.DictComp):
        if _value_offence(first.value):
            found.append(f"{where}: a field's message without ValidationError(..., code=...)")
    elif _drops_codes(first):
        found.append(f"{where}: re-raised through message_dict or messages, which drop the codes (use error_dict)")
    elif _is_message(first) and code is None:
        found.append(f"{where}: ValidationError without a code")
    if isinstance(code, ast.Constant) and code.value not in {str(c) for c in Code}:
        found.append(f"{where}: code {code.value!r} is not in core.errors.Code")
    return found


def test_the_write_layer_of_every_app_is_checked():
    assert {p.parent.name for p in _service_files()} == set(APPS)


@pytest.mark.parametrize("path", _service_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_validation_error_a_service_raises_has_a_code(path):
    offences = _offences(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    assert offences == [], "\n".join(offences)


SAMPLE = '''
def bad(exc):
    raise ValidationError(_("No."))
    raise ValidationError({"field": _("No.")})
    raise ValidationError({f: _("No.") for f in "ab"})
    raise ValidationError(exc.message_dict)
    raise ValidationError(_("No."), code="no_such_code")
    errors = {}
    errors["field"] = _("No.")
    raise ValidationError(errors)

def good(exc, errors):
    raise ValidationError(_("No."), code=str(Code.INVALID_NIP))
    raise ValidationError({"field": ValidationError(_("No."), code="invalid_nip")})
    raise ValidationError({"field": [ValidationError(_("No."), code="rate_overlap")]})
    raise ValidationError(exc.error_dict)
    raise ValidationError(errors)
    raise refusal("field", _("No."), Code.RATE_OVERLAP)
'''


def test_the_check_finds_each_kind_of_refusal_without_a_code():
    assert [line.split(": ", 1)[0] for line in _offences(SAMPLE, "sample")] == [
        "sample:3", "sample:4", "sample:5", "sample:6", "sample:7", "sample:10"]
