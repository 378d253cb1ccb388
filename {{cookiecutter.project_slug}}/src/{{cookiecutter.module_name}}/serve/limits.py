"""What the API accepts from a client: a bounded body, bounded text, and errors that never echo it back.

A body over `--max-body` bytes (`make serve MAX_BODY=20MB`) is a 413 before it is read in full
(FastAPI's own limit, `FastAPI(max_body_size=...)`: a Content-Length over it is refused unread); a
text value (a category, an item id) is at most MAX_TEXT characters of valid Unicode; a 422 names
the field and the rule broken, never the value sent (a client's data may be large, private, or not
even representable in JSON: NaN, a lone surrogate).
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import AfterValidator, BeforeValidator, Field, PlainValidator, WithJsonSchema

# 10 MB: 10,000 rows (the most a request may hold) of about 50 numbers each; raise it for wider tables.
DEFAULT_MAX_BODY = 10_000_000
MAX_TEXT = 1_000  # characters in a text value: a category, an item or user id
LARGEST_ID = 2**63  # ids are read as 64-bit integers: a larger number cannot be one
UNITS = {"": 1, "k": 1_000, "m": 1_000_000, "g": 1_000_000_000}


def body_size(text: str) -> int:
    """A size in bytes from "20000000", "500k", "20MB" or "1G" (argparse calls it for --max-body)."""
    found = re.fullmatch(r"\s*(\d+)\s*([kmg]?)b?\s*", text.lower())
    if not found or int(found[1]) < 1:
        raise ValueError("a size in bytes, e.g. 20000000, 500k, 20MB or 1G")
    return int(found[1]) * UNITS[found[2]]


def valid_unicode(text: str) -> str:
    """`text` if it can be written as UTF-8 (JSON's `\\ud800` cannot: a lone half of a surrogate pair)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode text (a lone surrogate is not)") from None
    return text


def nan_as_missing(value: Any) -> Any:
    """NaN (which JSON clients such as Python's json send) means a missing value, as null does."""
    return None if isinstance(value, float) and math.isnan(value) else value


# A text value of a request: bounded, valid Unicode.
Text = Annotated[str, Field(max_length=MAX_TEXT), AfterValidator(valid_unicode)]


def as_id(value: Any) -> int | str:
    """An id as a request sent it: a whole number (not true, not 1.5) or text, bounded like any text."""
    if isinstance(value, str):
        if len(value) > MAX_TEXT:
            raise ValueError(f"an id as text has at most {MAX_TEXT} characters")
        return valid_unicode(value)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) < LARGEST_ID:
        return value
    raise ValueError(f"an id is a whole number (below 2**63 in size) or text (at most {MAX_TEXT} characters)")


# An id sent as a JSON number or as text: one check, so a 422 names the id's position and nothing else.
Id = Annotated[
    int | str,
    PlainValidator(as_id),
    WithJsonSchema({"anyOf": [{"type": "integer"}, {"type": "string", "maxLength": MAX_TEXT}]}),
]
# Put first in a feature's Annotated: NaN becomes None before the type is checked.
NAN_AS_MISSING = BeforeValidator(nan_as_missing)


def error_line(error: dict[str, Any]) -> dict[str, Any]:
    """One validation error as the client sees it: where (`loc`), which rule (`type`) and why (`msg`),
    without the `input` and `ctx` pydantic adds (they would carry the value back)."""
    return {"loc": list(error["loc"]), "type": error["type"], "msg": error["msg"]}


async def invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
    """FastAPI's 422 with each error's field and rule but never the value sent."""
    return JSONResponse({"detail": [error_line(line) for line in error.errors()]}, status_code=422)
