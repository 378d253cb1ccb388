"""Secrets hidden from anything shown to a person: every URL's user-info and every query-parameter
value (standard library only, so the lowest modules of the package can mask what they print)."""

from __future__ import annotations

import re

# scheme://USER-INFO@ : up to the last @ before a space or a quote, since a password may hold
# / ? # or @ unescaped (database drivers accept them). An @ further on hides more, never less.
USER_INFO = re.compile(r"(\b[a-zA-Z][a-zA-Z0-9+.-]*://)[^\s'\"]*@")
# ?QUERY of a URL or a bare path (as in an HTTP library's error), up to its fragment, a space or a quote
QUERY = re.compile(r"\?([^\s#'\"]+)")


def mask(text: str) -> str:
    """`text` with the user-info of every URL and the value of every query parameter replaced by ***.

    Whatever a secret is called and wherever it came from (.env, config.toml, a server's next link),
    only the parameter names are left to show which parameter was there.
    """
    without_user_info = USER_INFO.sub(r"\1***@", text)
    return QUERY.sub(lambda query: "?" + masked_parameters(query.group(1)), without_user_info)


def masked_parameters(query: str) -> str:
    """`name=value&...` with every value replaced by *** (a name without a value stays as it is)."""
    parameters = (parameter.partition("=") for parameter in query.split("&"))
    return "&".join(f"{name}=***" if equals else name for name, equals, _ in parameters)
