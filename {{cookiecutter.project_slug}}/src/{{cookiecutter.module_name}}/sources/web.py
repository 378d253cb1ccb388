"""HTTP APIs: CSV or JSON over http(s), with a timeout, retries and pagination by a next link."""

from __future__ import annotations

from urllib.parse import urljoin

import pandas as pd
import requests
from requests.adapters import HTTPAdapter
from urllib3.util import Retry

from ..errors import StepError
from ..progress import bar
from . import EXTENSIONS, format_of
from .credentials import mask
from .formats import parse, records_frame, value_at

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
        redirect=5,
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
    http: requests.Session, url: str, headers: dict[str, str], timeout: float, retries: int
) -> requests.Response:
    """GET `url`, turning every way it can fail into one line that names the URL (masked) and a fix."""
    shown = mask(url)
    tries = f"{retries + 1} {'try' if retries == 0 else 'tries'}"
    try:
        response = http.get(url, headers=headers, timeout=timeout)
    except requests.Timeout:
        raise StepError(
            f"no answer from {shown} within {timeout:g} s: check the URL, or raise [data] timeout"
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


def read_http(
    url: str,
    headers: dict[str, str],
    timeout: float,
    retries: int,
    fmt: str | None = None,
    records_path: str = "",
    next_path: str = "",
) -> pd.DataFrame:
    """The records at `url`; with `next_path`, follow each JSON page's link to the next, to the last."""
    pages = []
    seen = set()
    with session(retries) as http, bar(None, f"fetching {mask(url)}", unit="page") as progress:
        page_url: str | None = url
        while page_url:
            if page_url in seen:
                raise StepError(f"the pages of {mask(url)} loop back to {mask(page_url)}: check next_path")
            seen.add(page_url)
            response = get(http, page_url, headers, timeout, retries)
            page_format = format_of_response(response, page_url, fmt)
            where = mask(page_url)
            if page_format != "json":
                if next_path:
                    raise StepError(f"[data] next_path needs JSON pages, but {where} sent {page_format}")
                return parse(response.content, page_format, where)
            try:
                document = response.json()
            except requests.JSONDecodeError:
                raise StepError(f"{where} did not send valid JSON: check the URL or [data] format") from None
            pages.append(records_frame(document, records_path, where))
            progress.update()
            page_url = next_page(document, page_url, next_path, first=len(pages) == 1)
    return pd.concat(pages, ignore_index=True) if len(pages) > 1 else pages[0]
