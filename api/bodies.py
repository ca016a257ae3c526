"""Request bodies checked against the OpenAPI document's schemas (issue 9): the JSON type of
every field at any depth, and the fields this console takes only with their default (`const`).

One declarative source: the schema of each body is in api/openapi.py, so what is documented is
what is checked. Ranges, names, IDs and required fields stay the operations' to check, with their
own messages; unknown fields are ignored, as the provider's API does. Types are JSON Schema's
(jsonschema, draft 2020-12): true is not an integer, 1.0 is one, 1.5 and "1" are not; null is no
field's type."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from functools import cache

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from .errors import INVALID, ApiError
from .openapi import DOCUMENT

URI = "urn:vpcep-console:openapi"
REGISTRY = Registry().with_resource(URI, Resource(contents=DOCUMENT, specification=DRAFT202012))

# Only these keywords are checked here: the shape and the types, and the unsupported fields.
TypeValidator = validators.create(
    meta_schema=Draft202012Validator.META_SCHEMA,
    validators={
        keyword: Draft202012Validator.VALIDATORS[keyword]
        for keyword in ("$ref", "properties", "items", "type", "const")
    },
    type_checker=Draft202012Validator.TYPE_CHECKER,
)

EXPECTED = {  # a schema's type, as a message names it
    "boolean": pgettext_lazy("JSON type", "true or false"),
    "integer": pgettext_lazy("JSON type", "an integer"),
    "number": pgettext_lazy("JSON type", "a number"),
    "string": pgettext_lazy("JSON type", "a string"),
    "array": pgettext_lazy("JSON type", "a list"),
    "object": pgettext_lazy("JSON type", "an object"),
}
MAX_MESSAGES = 5


@cache
def _validator(schema: str):
    if schema not in DOCUMENT["components"]["schemas"]:
        raise LookupError(f"No schema {schema} in the OpenAPI document.")
    return TypeValidator({"$ref": f"{URI}#/components/schemas/{schema}"}, registry=REGISTRY)


def check(data: dict, schema: str) -> None:
    """Raise a 400 naming each wrong field (ports[0].client_port) unless data fits the schema."""
    messages, seen = [], set()
    for error in _validator(schema).iter_errors(data):
        field = field_path(error.absolute_path)
        if field not in seen:  # one message a field: its type first
            seen.add(field)
            messages.append(_message(field, error))
    if messages:
        raise ApiError(400, INVALID, " ".join(messages[:MAX_MESSAGES]))


def field_path(parts: Iterable[str | int]) -> str:
    """("ports", 0, "client_port") -> ports[0].client_port"""
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else part)
    return path or "body"


def given(value) -> str:
    """What was sent instead: the literal for null, booleans and numbers, else its JSON type."""
    if value is None or isinstance(value, bool | int | float):
        return json.dumps(value)[:30]
    return str(EXPECTED[{str: "string", list: "array"}.get(type(value), "object")])


def _message(field: str, error: ValidationError) -> str:
    if error.validator == "const":
        return _(
            "%(field)s is not supported by this console: leave it out or send %(default)s."
        ) % {"field": field, "default": json.dumps(error.validator_value)}
    return _("%(field)s must be %(expected)s, not %(given)s.") % {
        "field": field,
        "expected": EXPECTED[error.validator_value],
        "given": given(error.instance),
    }


# A JSON escape of a UTF-16 surrogate: paired (an emoji) it is one character; alone it is none,
# and neither UTF-8 nor the database can store it.
SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def check_text(body: bytes, data) -> None:
    """Raise a 400 naming the field that holds a lone surrogate (\\ud800 alone), which
    json.loads lets through and UTF-8 cannot encode: it used to reach the database, a 500."""
    if not SURROGATE_ESCAPE.search(body):
        return
    for path in _unencodable(data, ()):
        raise ApiError(
            400,
            INVALID,
            _("%(field)s holds a lone surrogate (\\ud800-\\udfff), which is not a character.")
            % {"field": field_path(path)},
        )


def _unencodable(value, path: tuple) -> Iterator[tuple]:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            yield path
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _unencodable(item, (*path, index))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _unencodable(key, path)
            yield from _unencodable(item, (*path, key))
