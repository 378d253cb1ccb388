"""Jinja filters that write an answer into a generated file with the escaping that file's language needs.

cookiecutter loads this module through `_extensions` in cookiecutter.json (it puts the template's
folder on sys.path while it renders).
"""

import json

from cookiecutter.utils import simple_filter


@simple_filter
def toml_string(value: str) -> str:
    """`value` as a TOML basic string, quotes included, its characters kept as they are.

    TOML's basic-string escapes are a superset of the ones json.dumps writes, except that TOML also
    refuses a raw DEL, and has no surrogates: Jinja's `tojson` writes an emoji as a surrogate pair,
    which TOML rejects, so non-ASCII text is written as itself (the file is UTF-8).
    """
    if any("\ud800" <= character <= "\udfff" for character in value):
        raise ValueError(f"{value!r} holds a lone surrogate, which no TOML file can hold")
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
