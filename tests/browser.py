"""A real headless Chromium for the demo-app tests: start it on a page, read the page's text as it draws.

The demo app (Streamlit) draws its page over its own websocket after the load, so the text is read
over the DevTools protocol until it shows what a test waits for.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from servers import free_port
from tornado.websocket import websocket_connect

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def wait_for_port(port: int, process: subprocess.Popen, seconds: float = 60) -> None:
    """Return once something listens on 127.0.0.1:`port`; fail if `process` ends or time runs out first."""
    deadline = time.monotonic() + seconds
    while True:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        assert process.poll() is None and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.2)


def chromium() -> str:
    """The Chromium program; the test is skipped without one, unless REQUIRE_CHROMIUM says it must run."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("REQUIRE_CHROMIUM"):
            pytest.fail("REQUIRE_CHROMIUM is set but chromium is not installed (apt-get install chromium)")
        pytest.skip("chromium is not installed (Debian: apt-get install chromium); .ci/run installs it")
    return found


@contextmanager
def open_page(url: str, profile: Path) -> Iterator[str]:
    """Headless Chromium showing `url` (with its profile in the folder `profile`): yields the page's
    DevTools websocket address, and closes the browser afterwards."""
    browser = chromium()
    devtools_port = free_port()
    viewer = subprocess.Popen(
        [browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--remote-debugging-port={devtools_port}", url],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(devtools_port, viewer)
        with urllib.request.urlopen(f"http://127.0.0.1:{devtools_port}/json/list") as response:
            page = next(target for target in json.load(response) if target["type"] == "page")
        yield page["webSocketDebuggerUrl"]
    finally:
        viewer.terminate()
        viewer.wait(timeout=30)


async def page_text_once_it_shows(devtools: str, expected: str, seconds: float = 60) -> str:
    """The page's visible text, read over the DevTools protocol until it contains `expected`.

    Streamlit draws the page after loading it, over its own websocket, so the text
    is polled rather than dumped at the load event (as --dump-dom would).
    """
    connection = await websocket_connect(devtools)
    deadline = time.monotonic() + seconds
    for request in itertools.count(1):
        command = {
            "id": request,
            "method": "Runtime.evaluate",
            "params": {"expression": "document.body.innerText", "returnByValue": True},
        }
        await connection.write_message(json.dumps(command))
        reply = {}
        while reply.get("id") != request:
            reply = json.loads(await connection.read_message())
        text = reply["result"]["result"].get("value", "")
        if expected in text or time.monotonic() > deadline:
            connection.close()
            return text
        await asyncio.sleep(0.5)


def page_text(devtools: str, expected: str, seconds: float = 60) -> str:
    """`page_text_once_it_shows`, run to its end."""
    return asyncio.run(page_text_once_it_shows(devtools, expected, seconds))
