"""Validation of HTTP traffic against Discord's official OpenAPI spec (v10).

The spec is the copy carried in ``tests/fixtures/discord-api-spec/openapi.json``; it is
loaded once per process. Given a method and a concrete request path, :func:`find_operation`
finds the documented operation by matching the spec's path templates (a literal segment
beats a ``{parameter}`` segment), and :func:`request_errors` checks a JSON body against that
operation's ``requestBody.content["application/json"].schema`` with a JSON Schema 2020-12
validator, the spec's ``components`` placed beside the schema so ``$ref`` s resolve.
A method or path the spec does not document is itself a violation.
"""

from __future__ import annotations

import functools
import json
import re
import reprlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

SPEC_PATH = Path(__file__).resolve().parent.parent / "fixtures" / "discord-api-spec" / "openapi.json"

_API_PREFIX = re.compile(r"^/api/v10(?=/)")
_MAX_MESSAGE = 300


class SpecViolation(AssertionError):
    """A request that Discord's OpenAPI spec does not allow; ``errors`` lists each violation."""

    def __init__(self, method: str, path: str, errors: list[str]) -> None:
        self.method, self.path, self.errors = method, path, errors
        super().__init__(f"{method} {path} violates Discord's OpenAPI spec:\n  - " + "\n  - ".join(errors))


@dataclass(frozen=True)
class Operation:
    """One documented operation: its path template (e.g. ``/channels/{channel_id}/messages``)."""

    method: str
    template: str
    definition: dict[str, Any]
    path_params: dict[str, str]


@functools.cache
def load_spec() -> dict[str, Any]:
    """The parsed spec, read from the fixture once per process."""
    with SPEC_PATH.open(encoding="utf-8") as fh:
        return json.load(fh)


def split_path(path: str) -> list[str]:
    """Segments of a request path with the ``/api/v10`` prefix and query removed, each URL-decoded."""
    path = _API_PREFIX.sub("", path.split("?", 1)[0])
    return [unquote(segment) for segment in path.strip("/").split("/")]


def template_matches(template: str, segments: list[str]) -> dict[str, str] | None:
    """Path parameters if ``template`` (``{name}`` segments match any one segment) fits, else None."""
    parts = template.strip("/").split("/")
    if len(parts) != len(segments):
        return None
    params: dict[str, str] = {}
    for part, segment in zip(parts, segments, strict=True):
        if part.startswith("{") and part.endswith("}"):
            params[part[1:-1]] = segment
        elif part != segment:
            return None
    return params


def find_operation(method: str, path: str) -> Operation | None:
    """The documented operation for ``method`` on a concrete ``path``, or None if the spec has none."""
    segments = split_path(path)
    best: Operation | None = None
    for template, item in load_spec()["paths"].items():
        definition = item.get(method.lower())
        params = template_matches(template, segments) if definition else None
        if params is not None and (best is None or len(params) < len(best.path_params)):
            best = Operation(method.upper(), template, definition, params)
    return best


@functools.cache
def _components(integer_snowflakes: bool) -> dict[str, Any]:
    """The spec's components; with ``integer_snowflakes``, ``SnowflakeType`` also admits a
    non-negative integer. Discord answers with string snowflakes but accepts integers in
    requests, and discord.py sends integers (``message_reference``, ``allowed_mentions``...)."""
    components = load_spec()["components"]
    if not integer_snowflakes:
        return components
    snowflake = components["schemas"]["SnowflakeType"]
    loose = {"anyOf": [snowflake, {"type": "integer", "minimum": 0, "maximum": 2**64 - 1}]}
    return {**components, "schemas": {**components["schemas"], "SnowflakeType": loose}}


@functools.cache
def _validator(schema_json: str, integer_snowflakes: bool) -> Draft202012Validator:
    """A validator for one schema (given as JSON text so it can be cached) with ``components`` beside it."""
    schema = {**json.loads(schema_json), "components": _components(integer_snowflakes)}
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def schema_errors(schema: dict[str, Any], instance: Any, *, integer_snowflakes: bool = False) -> list[str]:
    """Violations of ``schema`` (which may ``$ref`` the spec's components) by ``instance``, readable.
    ``integer_snowflakes`` admits integer snowflakes, as Discord does in request bodies."""
    validator = _validator(json.dumps(schema, sort_keys=True), integer_snowflakes)
    errors = sorted(validator.iter_errors(instance), key=lambda e: e.json_path)
    return [line for error in errors for line in _describe(error)]


def component_errors(name: str, instance: Any) -> list[str]:
    """Violations of ``#/components/schemas/{name}`` by ``instance`` (e.g. ``"MessageResponse"``)."""
    if name not in load_spec()["components"]["schemas"]:
        raise KeyError(f"the spec has no component schema {name!r}")
    return schema_errors({"$ref": f"#/components/schemas/{name}"}, instance)


def request_errors(method: str, path: str, body: Any | None) -> list[str]:
    """Every way a request breaks the spec; empty when it conforms.

    ``body`` is the parsed JSON body (for multipart requests, the parsed ``payload_json`` part),
    or None when the request carried no body. Checked: the operation exists, path parameters
    fit their schemas, a required body is present, no body is sent where none is documented,
    and the body fits the ``application/json`` request schema (snowflakes may be integers there,
    as Discord accepts them).
    """
    operation = find_operation(method, path)
    if operation is None:
        return [f"{method.upper()} /{'/'.join(split_path(path))} is not an operation in Discord's OpenAPI spec"]
    errors = _path_param_errors(operation)
    request_body = operation.definition.get("requestBody")
    if request_body is None:
        if body is not None:
            errors.append(f"{operation.template} documents no request body, but one was sent")
        return errors
    if body is None:
        if request_body.get("required"):
            errors.append(f"{operation.template} requires a request body, none was sent")
        return errors
    schema = request_body.get("content", {}).get("application/json", {}).get("schema")
    if schema is None:
        return errors + [f"{operation.template} documents no application/json body"]
    return errors + schema_errors(schema, body, integer_snowflakes=True) + documented_limit_errors(operation, body)


def documented_limit_errors(operation: Operation, body: Any) -> list[str]:
    """Limits Discord documents and enforces that the spec's schemas do not express: the 6000
    characters of all embeds of a message together, and 2000 characters of ``content`` for a
    bot's channel message (the spec's ``MessageCreateRequest`` says 4000, a Nitro user's limit)."""
    if not isinstance(body, dict):
        return []
    errors = []
    for where, message in (("$", body), ("$.data", body.get("data"))):
        if not isinstance(message, dict):
            continue
        content = message.get("content")
        if where == "$" and operation.template.startswith("/channels/") and isinstance(content, str) \
                and len(content) > 2000:
            errors.append(f"$.content: {len(content)} characters, Discord allows a bot 2000")
        total = sum(_embed_chars(e) for e in message.get("embeds") or [] if isinstance(e, dict))
        if total > 6000:
            errors.append(f"{where}.embeds: {total} characters in all embeds together, Discord allows 6000")
    return errors


def _embed_chars(embed: dict[str, Any]) -> int:
    """Characters Discord counts toward the 6000 limit: title, description, field names and
    values, footer text and author name."""
    parts = [embed.get("title"), embed.get("description"), (embed.get("footer") or {}).get("text"),
             (embed.get("author") or {}).get("name")]
    parts += [f.get(k) for f in embed.get("fields") or [] if isinstance(f, dict) for k in ("name", "value")]
    return sum(len(part) for part in parts if isinstance(part, str))


def response_errors(method: str, path: str, status: int, body: Any | None) -> list[str]:
    """Violations of the documented response schema for ``status`` (used to keep the stub honest)."""
    operation = find_operation(method, path)
    if operation is None:
        return [f"{method.upper()} {path} is not an operation in Discord's OpenAPI spec"]
    responses = operation.definition.get("responses", {})
    documented = responses.get(str(status)) or responses.get(f"{str(status)[0]}XX")
    if documented is None:
        return [f"{operation.template} documents no {status} response"]
    schema = documented.get("content", {}).get("application/json", {}).get("schema")
    if schema is None:
        return [] if body is None else [f"{operation.template} documents no body for {status}"]
    return schema_errors(schema, body)


def validate_request(method: str, path: str, body: Any | None) -> None:
    """Raise :class:`SpecViolation` listing every violation, if :func:`request_errors` finds any."""
    errors = request_errors(method, path, body)
    if errors:
        raise SpecViolation(method.upper(), path, errors)


def _path_param_errors(operation: Operation) -> list[str]:
    declared = operation.definition.get("parameters", []) + load_spec()["paths"][operation.template].get(
        "parameters", []
    )
    errors = []
    for param in declared:
        value = operation.path_params.get(param["name"])
        if param.get("in") == "path" and value is not None and "schema" in param:
            errors += [f"path parameter {param['name']}: {e}" for e in schema_errors(param["schema"], value)]
    return errors


def _describe(error: ValidationError) -> list[str]:
    """``$.json.path: message`` lines, the offending value abbreviated; an anyOf/oneOf that matched
    no branch is explained by the errors of its closest branch, not by a dump of the instance."""
    return [f"{leaf.json_path}: {_message(leaf)}" for leaf in _leaves(error)]


def _leaves(error: ValidationError) -> list[ValidationError]:
    """The concrete errors behind ``error``, following the closest branch of each anyOf/oneOf:
    the branch whose shallowest error lies deepest in the instance (it matched the most)."""
    if not error.context:
        return [error]
    branches: dict[Any, list[ValidationError]] = {}
    for sub in error.context:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)
    candidates = [[leaf for sub in subs for leaf in _leaves(sub)] for subs in branches.values()]
    return max(candidates, key=lambda leaves: (min(len(e.absolute_path) for e in leaves), -len(leaves)))


_REPR = reprlib.Repr()  # Python 3.11's Repr takes no keyword arguments
_REPR.maxstring, _REPR.maxother, _REPR.maxlist, _REPR.maxdict, _REPR.maxlevel = 40, 40, 3, 3, 2


def _message(error: ValidationError) -> str:
    message = error.message.replace(repr(error.instance), _REPR.repr(error.instance), 1)
    if isinstance(error.instance, (str, list, dict)) and error.validator in _SIZE_VALIDATORS:
        message += f" (size {len(error.instance)}, limit {error.validator_value})"
    return message if len(message) <= _MAX_MESSAGE else message[: _MAX_MESSAGE - 3] + "..."


_SIZE_VALIDATORS = {"maxLength", "minLength", "maxItems", "minItems", "maxProperties", "minProperties"}
