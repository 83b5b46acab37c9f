"""Parsers of raw setting values: JSON from cdk.json, or strings from ``cdk synth -c key=value``.

Values given with ``-c`` arrive as strings: lists are comma-separated, tags are ``k=v,k=v``. Each
parser returns the typed value or raises ``ParseError`` saying what it expects.
"""

from __future__ import annotations


class ParseError(ValueError):
    """A raw value that cannot be read as the setting's type; the message says what is expected."""


def parse_str(raw: object) -> str:
    """Accept a string as is."""
    if not isinstance(raw, str):
        raise ParseError("must be a string.")
    return raw


def parse_optional_str(raw: object) -> str | None:
    """Accept a string; JSON null means 'not set'."""
    return None if raw is None else parse_str(raw)


def parse_int(raw: object) -> int:
    """Accept an integer, a whole float such as 30.0, or a string of digits (from ``-c``).

    The CDK CLI reads cdk.json as JavaScript, where 30.0 is 30; a whole float is that integer here
    too, so that every tool reads cdk.json the way ``cdk synth`` does.
    """
    if isinstance(raw, bool):
        raise ParseError("must be an integer, not a boolean.")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if isinstance(raw, str):
        try:
            return int(raw.strip())
        except ValueError:
            pass
    raise ParseError("must be an integer.")


def parse_bool(raw: object) -> bool:
    """Accept a boolean, or 'true'/'false' in any case (from ``-c``)."""
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().lower() in ("true", "false"):
        return raw.strip().lower() == "true"
    raise ParseError("must be true or false.")


def parse_list(raw: object) -> tuple[str, ...]:
    """Accept a JSON list of strings, or a comma-separated string; blanks are dropped."""
    if isinstance(raw, str):
        return tuple(item.strip() for item in raw.split(",") if item.strip())
    if isinstance(raw, list) and all(isinstance(item, str) for item in raw):
        return tuple(item.strip() for item in raw)
    raise ParseError("must be a list of strings or a comma-separated string.")


def parse_ports(raw: object) -> tuple[int, ...]:
    """Accept a JSON list of integers, or a comma-separated string of them (from ``-c``)."""
    items = parse_list(raw) if isinstance(raw, str) else raw
    if isinstance(items, (list, tuple)):
        try:
            return tuple(parse_int(item) for item in items)
        except ParseError:
            pass
    raise ParseError("must be a list of port numbers, or a comma-separated string of them.")


def parse_tags(raw: object) -> tuple[tuple[str, str], ...]:
    """Accept a JSON object of strings, or ``k=v,k=v`` (from ``-c``)."""
    if isinstance(raw, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in raw.items()):
        return tuple(raw.items())
    if isinstance(raw, str):
        pairs = [item.strip() for item in raw.split(",") if item.strip()]
        if all("=" in pair for pair in pairs):
            return tuple((key.strip(), value.strip()) for key, value in (pair.split("=", 1) for pair in pairs))
    raise ParseError("must be an object of strings, or 'Key=Value,Key=Value'.")
