"""Reading one HTTP response's body into a file, within [data] timeout and [data] max_bytes.

requests' timeout bounds each read, not the whole body, and a compressed body can expand a
thousandfold: here the deadline covers the whole response and the cap counts decompressed bytes.
"""

from __future__ import annotations

import socket
import time
from dataclasses import dataclass
from typing import BinaryIO

import requests
import urllib3

from ..errors import StepError
from .masking import mask

CHUNK = 1 << 16  # bytes per read: a decompressed piece is never bigger, so a gzip bomb stops at the cap


@dataclass
class Budget:
    """What one fetch may still spend: the deadline of the response being read, and the bytes so far."""

    deadline: float = 0.0
    used: int = 0


def time_left(deadline: float, url: str, timeout: float) -> float:
    """Seconds until `deadline`; past it, the one line that names [data] timeout."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise too_slow(url, timeout)
    return left


def too_slow(url: str, timeout: float) -> StepError:
    return StepError(
        f"the answer from {mask(url)} took longer than [data] timeout = {timeout:g} s in all "
        "(the whole response counts): raise [data] timeout, or check the server"
    )


def socket_of(response: requests.Response) -> socket.socket | None:
    """The socket a streamed response reads from (urllib3 2 over http.client), or None if hidden.

    requests' timeout bounds each read, not the whole body: a server sending a byte a second would
    never time out. Shortening the socket's timeout to the time left before each read bounds it all.
    """
    try:
        return response.raw._fp.fp.raw._sock
    except AttributeError:
        return None


def download(
    response: requests.Response, url: str, file: BinaryIO, budget: Budget, timeout: float, max_bytes: int
) -> None:
    """Write the body (decompressed) to `file`, stopping at the deadline or past [data] max_bytes."""
    sock = socket_of(response)
    while True:
        wait = time_left(budget.deadline, url, timeout)
        if sock is not None and sock.fileno() != -1:  # -1: the body is all read, the socket closed
            sock.settimeout(wait)
        chunk = read_piece(response, url, timeout)
        if not chunk:
            return
        budget.used += len(chunk)
        if budget.used > max_bytes:
            raise StepError(
                f"the answer from {mask(url)} passed [data] max_bytes = {max_bytes:,} bytes "
                "(counted after decompression): raise max_bytes if the data really is that big"
            )
        file.write(chunk)


def read_piece(response: requests.Response, url: str, timeout: float) -> bytes:
    """The next piece of the decompressed body, as soon as some arrives; b"" at its end."""
    try:
        return response.raw.read1(CHUNK, decode_content=True)
    except (urllib3.exceptions.ReadTimeoutError, TimeoutError):
        raise too_slow(url, timeout) from None  # the read waited out the time left
    except (urllib3.exceptions.HTTPError, OSError) as error:
        raise StepError(
            f"the answer from {mask(url)} could not be read to the end ({type(error).__name__}): "
            "try again, or check the server"
        ) from None
