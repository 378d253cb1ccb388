"""HTTP APIs: CSV or JSON over http(s), with retries and pagination by a next link, every input bounded:
[data] timeout bounds each whole response, max_bytes the decompressed bytes, max_pages the pages,
and no configured header (each may be a credential) follows a redirect to another server."""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pandas as pd
import requests
from requests.adapters import HTTPAdapter
from urllib3.util import Retry

from ..errors import StepError
from ..progress import bar
from . import EXTENSIONS, DataSettings, format_of
from .credentials import mask
from .formats import parse, records_frame, value_at
from .stream import Budget, download, time_left

# Content-Type -> format, for responses whose URL has no telling extension
CONTENT_TYPES = {
    "application/json": "json",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "application/x-ndjson": "jsonl",
    "application/jsonl": "jsonl",
    "application/vnd.apache.parquet": "parquet",
}
RETRY_STATUSES = (500, 502, 503, 504)
DEFAULT_PORTS = {"http": 80, "https": 443}
MAX_REDIRECTS = 5


def session(retries: int) -> requests.Session:
    """A session that retries GETs on connection errors and 5xx, `retries` times, backing off a little.

    A slow answer is not retried: waiting again would double the time the user waits
    for the same timeout message.
    """
    retry = Retry(
        total=None,
        connect=retries,
        read=False,
        status=retries,
        other=0,
        redirect=False,  # `follow` judges each redirect: headers must not leak to another origin
        status_forcelist=RETRY_STATUSES,
        backoff_factor=0.5,
        respect_retry_after_header=False,  # a Retry-After of an hour must not hang the pipeline
        raise_on_status=False,  # return the last 5xx response, so its status can be reported
    )
    http = requests.Session()
    adapter = HTTPAdapter(max_retries=retry)
    http.mount("http://", adapter)
    http.mount("https://", adapter)
    return http


def get(
    http: requests.Session, url: str, headers: dict[str, str], wait: float, settings: DataSettings
) -> requests.Response:
    """GET `url` (its headers, the body to come), waiting `wait` s at most; every way it can fail is one
    line that names the URL (masked) and a fix. A redirect is returned as it is, for `follow` to judge."""
    shown, retries = mask(url), settings.retries
    tries = f"{retries + 1} {'try' if retries == 0 else 'tries'}"
    try:
        response = http.get(url, headers=headers, timeout=wait, stream=True, allow_redirects=False)
    except requests.Timeout:
        raise StepError(
            f"no answer from {shown} within {settings.timeout:g} s: check the URL, or raise [data] timeout"
        ) from None
    except requests.ConnectionError as error:
        reason = str(getattr(error.args[0], "reason", error.args[0]) if error.args else error)
        reason = reason.split("): ", 1)[-1]  # drop urllib3's "HTTPConnection(host=..., port=...)" prefix
        raise StepError(
            f"cannot connect to {shown} after {tries} ({mask(reason)}): is the server up, the URL right?"
        ) from None
    except requests.RequestException as error:
        raise StepError(f"cannot GET {shown}: {mask(str(error))}; check [data] source") from None
    if response.ok:
        return response
    status = f"{response.status_code} {response.reason}"
    if response.status_code in (401, 403):
        fix = "check the token in .env and [data] headers"
    elif response.status_code == 404:
        fix = "check the URL in [data] source"
    elif response.status_code >= 500:
        fix = f"the server is failing (after {tries}); try again later"
    else:
        fix = "check the URL and [data] headers"
    raise StepError(f"{shown} answered {status}: {fix}")


def origin(url: str) -> tuple[str, str | None, int | None]:
    """Scheme, host and port: what must stay the same for a redirect to keep the configured headers."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, parts.hostname, parts.port or DEFAULT_PORTS.get(scheme)


def follow(
    http: requests.Session, url: str, headers: dict[str, str], settings: DataSettings, deadline: float
) -> tuple[requests.Response, str]:
    """The response at the end of `url`'s redirects, and its URL.

    Every configured header may hold a secret, so none is sent to another origin: a redirect
    there is refused unless [data] follow_redirects = "any", and then followed without them.
    """
    current, sent = url, headers
    for _ in range(MAX_REDIRECTS + 1):
        response = get(http, current, sent, time_left(deadline, current, settings.timeout), settings)
        if not response.is_redirect:
            return response, current
        target = urljoin(current, response.headers["Location"])
        response.close()
        if origin(target) != origin(current):
            if settings.follow_redirects != "any":
                raise StepError(
                    f"{mask(current)} redirects to another server ({mask(target)}): put that URL in "
                    '[data] source, or set [data] follow_redirects = "any" (then no [data] headers go there)'
                )
            sent = {}
        current = target
    raise StepError(f"{mask(url)} redirects more than {MAX_REDIRECTS} times: check [data] source")


def format_of_response(response: requests.Response, url: str, override: str | None) -> str:
    """The format to parse a response as: the override, else its Content-Type, else its URL's extension."""
    if override:
        return override
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if content_type in CONTENT_TYPES:
        return CONTENT_TYPES[content_type]
    if content_type.endswith("+json"):
        return "json"
    path = url.split("?")[0]
    if any(path.lower().endswith(extension) for extension in EXTENSIONS):
        return format_of(path)
    raise StepError(
        f"cannot tell the format of {mask(url)} (Content-Type: {content_type or 'none'}): "
        'set [data] format = "csv" or "json"'
    )


def next_page(document: object, page_url: str, next_path: str, first: bool) -> str | None:
    """The URL of the page after this one, or None when this is the last (no link, or an empty one).

    A first page without the key means [data] next_path is wrong, and says so.
    """
    if not next_path:
        return None
    try:
        link = value_at(document, next_path, mask(page_url), "next_path")
    except StepError:
        if first:
            raise
        return None
    return urljoin(page_url, link) if isinstance(link, str) and link else None


def read_http(url: str, headers: dict[str, str], settings: DataSettings) -> tuple[pd.DataFrame, str]:
    """The records at `url`, and the URL they came from (after redirects); with [data] next_path,
    each JSON page's link is followed to the last, at most [data] max_pages of them.

    Each response is streamed to a temporary file, so memory holds the parsed data only.
    """
    pages = []
    seen = set()
    budget = Budget()
    final = url
    with (
        session(settings.retries) as http,
        tempfile.TemporaryDirectory(prefix="fetch-") as folder,
        bar(None, f"fetching {mask(url)}", unit="page") as progress,
    ):
        body = Path(folder) / "body"
        page_url: str | None = url
        while page_url:
            if page_url in seen:
                raise StepError(f"the pages of {mask(url)} loop back to {mask(page_url)}: check next_path")
            if len(pages) == settings.max_pages:
                raise StepError(
                    f"{mask(url)} has more than [data] max_pages = {settings.max_pages:,} pages: "
                    "check [data] next_path, or raise max_pages"
                )
            seen.add(page_url)
            budget.deadline = time.monotonic() + settings.timeout
            response, answered = follow(http, page_url, headers, settings, budget.deadline)
            final = answered if len(seen) == 1 else final
            with response, open(body, "wb") as file:
                download(response, answered, file, budget, settings.timeout, settings.max_bytes)
            page_format = format_of_response(response, answered, settings.format)
            where = mask(answered)
            if page_format != "json":
                if settings.next_path:
                    raise StepError(f"[data] next_path needs JSON pages, but {where} sent {page_format}")
                return parse(body, page_format, where), final
            try:
                document = json.loads(body.read_bytes())
            except ValueError:  # not JSON, or not UTF-8
                raise StepError(f"{where} did not send valid JSON: check the URL or [data] format") from None
            pages.append(records_frame(document, settings.records_path, where))
            progress.update()
            page_url = next_page(document, answered, settings.next_path, first=len(pages) == 1)
    return (pd.concat(pages, ignore_index=True) if len(pages) > 1 else pages[0]), final
