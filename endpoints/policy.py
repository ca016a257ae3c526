"""Gateway endpoint policies (终端节点策略) in the provider's `policy_statement` shape, and the
endpoint's own access-control whitelist: one checker each, used by the pages and the API.

A statement is {"Effect": "Allow"|"Deny", "Action": [...], "Resource": [...], "Condition": {...},
"Sid": "..."} (the SDK's PolicyStatement); errors name the statement and the field,
policy_statement[1].Effect, as the API names a field."""

from __future__ import annotations

import ipaddress
import json
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from console.ui.forms import refuse_json_constant

MAX_STATEMENTS = 20
MAX_ITEMS = 50  # actions or resources in one statement
MAX_TEXT = 512
MAX_WHITELIST = 20  # source CIDRs of one endpoint, as the provider allows

FIELDS = ("Effect", "Action", "Resource", "Condition", "Sid")
EFFECTS = ("Allow", "Deny")
# service:resource-type:operation (obs:object:GetObject, obs:*:*), or * for everything.
ACTION = re.compile(r"\*|[a-z][a-z0-9-]*:[A-Za-z0-9*]+:[A-Za-z0-9*]+")
FIELD = "policy_statement"


def load_json(text: str):
    """The page's textarea as JSON; a ValidationError saying where it is not JSON."""
    try:
        return json.loads(text, parse_constant=refuse_json_constant)
    except RecursionError:
        raise ValidationError(_("This JSON is nested too deeply.")) from None
    except ValueError as exc:
        raise ValidationError(
            _("This is not JSON: %(error)s (line %(line)d, column %(column)d).")
            % {
                "error": getattr(exc, "msg", str(exc)),
                "line": getattr(exc, "lineno", 1),
                "column": getattr(exc, "colno", 1),
            }
        ) from None


def clean_policy(value) -> list[dict]:
    """The statements checked and in canonical order of fields; a ValidationError keyed
    "policy_statement" lists every problem, each naming its statement and field."""
    errors: list[str] = []
    if not isinstance(value, list):
        raise ValidationError(
            {FIELD: _("%(field)s must be a list of statements.") % {"field": FIELD}}
        )
    if _has_nul(value):  # no database keeps one in JSON text
        raise ValidationError({FIELD: _("%(field)s contains a NUL character.") % {"field": FIELD}})
    if not value:
        errors.append(
            _("%(field)s needs at least one statement; delete the policy to allow everything.")
            % {"field": FIELD}
        )
    if len(value) > MAX_STATEMENTS:
        errors.append(
            _("%(field)s has %(count)d statements; at most %(max)d are allowed.")
            % {"field": FIELD, "count": len(value), "max": MAX_STATEMENTS}
        )
    statements = []
    for index, statement in enumerate(value[:MAX_STATEMENTS]):
        where = f"{FIELD}[{index}]"
        if not isinstance(statement, dict):
            errors.append(_("%(where)s must be an object.") % {"where": where})
            continue
        errors += _statement_errors(statement, where)
        statements.append({k: statement[k] for k in FIELDS if k in statement})
    if errors:
        raise ValidationError({FIELD: errors})
    return statements


def _has_nul(value) -> bool:
    """A NUL character anywhere in the JSON (iteratively: nesting depth cannot overflow)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str) and "\x00" in item:
            return True
        if isinstance(item, dict):
            stack += [*item.keys(), *item.values()]
        elif isinstance(item, list):
            stack += item
    return False


def _statement_errors(statement: dict, where: str) -> list[str]:
    errors = [
        _("%(where)s.%(key)s is not a field of a statement (%(fields)s).")
        % {"where": where, "key": str(key)[:40], "fields": ", ".join(FIELDS)}
        for key in statement
        if key not in FIELDS
    ]
    if statement.get("Effect") not in EFFECTS:
        errors.append(_("%(where)s.Effect must be Allow or Deny.") % {"where": where})
    for key in ("Action", "Resource"):
        items = statement.get(key)
        name = f"{where}.{key}"
        if not isinstance(items, list) or not items:
            errors.append(_("%(name)s must be a list of at least one string.") % {"name": name})
            continue
        if len(items) > MAX_ITEMS:
            errors.append(
                _("%(name)s has %(count)d entries; at most %(max)d are allowed.")
                % {"name": name, "count": len(items), "max": MAX_ITEMS}
            )
        for i, item in enumerate(items):
            if not isinstance(item, str) or not item.strip() or len(item) > MAX_TEXT:
                errors.append(
                    _("%(name)s[%(index)d] must be a text of 1 to %(max)d characters.")
                    % {"name": name, "index": i, "max": MAX_TEXT}
                )
            elif key == "Action" and not ACTION.fullmatch(item):
                errors.append(
                    _(
                        "%(name)s[%(index)d] is not an action: write service:resource:operation "
                        "(obs:object:GetObject, obs:*:*) or *."
                    )
                    % {"name": name, "index": i}
                )
    if "Condition" in statement and not isinstance(statement["Condition"], dict):
        errors.append(_("%(where)s.Condition must be an object.") % {"where": where})
    if "Sid" in statement and (
        not isinstance(statement["Sid"], str) or len(statement["Sid"]) > MAX_TEXT
    ):
        errors.append(
            _("%(where)s.Sid must be a text of at most %(max)d characters.")
            % {"where": where, "max": MAX_TEXT}
        )
    return errors


def policy_text(statements: list[dict] | None) -> str:
    """What the textarea shows for a stored policy."""
    return json.dumps(statements, indent=2, ensure_ascii=False) if statements else ""


def parse_whitelist_text(text: str) -> list[str]:
    """One source address or CIDR block per line (or separated by commas); blanks ignored."""
    return [part.strip() for line in text.splitlines() for part in line.split(",") if part.strip()]


def clean_whitelist(entries) -> list[str]:
    """IPv4 addresses or CIDR blocks, at most MAX_WHITELIST, each once; every bad line named
    (line 1 is the first entry)."""
    if not isinstance(entries, list):
        raise ValidationError({"whitelist": _("Give a list of IPv4 addresses or CIDR blocks.")})
    errors, cleaned = [], []
    if len(entries) > MAX_WHITELIST:
        errors.append(
            _("At most %(max)d addresses or CIDR blocks; you entered %(count)d.")
            % {"max": MAX_WHITELIST, "count": len(entries)}
        )
    for line, entry in enumerate(entries, start=1):
        where = {"line": line, "value": str(entry)[:60]}
        try:
            if not isinstance(entry, str):
                raise ValueError
            text = entry.strip()
            value = (
                str(ipaddress.IPv4Network(text, strict=True))
                if "/" in text
                else str(ipaddress.IPv4Address(text))
            )
        except ValueError:
            network = _loose_network(entry)
            errors.append(
                _("Line %(line)d: %(value)s has host bits set; did you mean %(network)s?")
                % {**where, "network": network}
                if network
                else _("Line %(line)d: %(value)s is not an IPv4 address or CIDR block.") % where
            )
            continue
        if value in cleaned:
            errors.append(_("Line %(line)d: %(value)s is entered twice.") % where)
        else:
            cleaned.append(value)
    if errors:
        raise ValidationError({"whitelist": errors})
    return cleaned


def _loose_network(entry) -> str | None:
    try:
        return str(ipaddress.IPv4Network(entry.strip(), strict=False)) if "/" in entry else None
    except (ValueError, AttributeError):
        return None
