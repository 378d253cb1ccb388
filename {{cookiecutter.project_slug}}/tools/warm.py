"""Run a pipeline step as `python -m MODULE ARGS...` would, but forked from a warm process.

`python tools/warm.py -m <package>.<step> ARGS...` is what make runs for each step (`make WARM=0`
runs `python -m` instead). It hands the step to this project's warm server (tools/warm_server.py),
which has already imported numpy, pandas, pyarrow, scikit-learn, scipy and matplotlib, and forks one
child per step: the child imports the project's own code fresh, so an edit is always seen. The step
gets this process's arguments, environment, working directory, umask and its very stdin, stdout and
stderr (passed over the socket), so make's output and a terminal behave as with `python -m`.
Signals sent here (Ctrl-C) are passed to the step, and its exit status becomes this process's own.

The server is started on demand (`python tools/warm.py --start` starts it ahead, as make does when it
reads config.toml) and exits when idle. One server per project, Python and installed
packages (its socket is named by their hash), so a new `.venv` or a package installed since gets a
new server. When no server can be reached the step runs cold, as `python -m` would.
Only the standard library: this starts in milliseconds.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import socket
import struct
import sys
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import subprocess

SERVER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "warm_server.py")
# Variables read when the preloaded libraries are imported: a server started with others is another server.
IMPORT_TIME_VARIABLES = ("PYTHON", "OMP_", "OPENBLAS_", "MKL_", "MPL", "LANG", "LC_", "NUMEXPR_", "ARROW_")
STARTUP_SECONDS = 60.0  # the longest wait for a new server to take requests (it imports the libraries first)
HEADER = struct.Struct("!I")


def installed() -> list[tuple[str, int]]:
    """This Python's installed distributions, each with when it was installed: an install, upgrade or
    removal changes this list (the folder's own timestamp would also move when bytecode is first cached)."""
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    try:
        with os.scandir(os.path.join(sys.prefix, "lib", version, "site-packages")) as entries:
            return sorted(
                (entry.name, entry.stat().st_mtime_ns)
                for entry in entries
                if entry.name.endswith(".dist-info")
            )
    except OSError:
        return []


def server_address(project: str) -> str:
    """The server's socket for this project, Python and installed packages.

    Linux's abstract sockets have no file (and no 108-byte path limit); elsewhere a short path in /tmp.
    """
    variables = sorted((k, v) for k, v in os.environ.items() if k.startswith(IMPORT_TIME_VARIABLES))
    key = json.dumps([project, sys.executable, sys.prefix, installed(), variables])
    name = "hackathon-warm-" + hashlib.sha256(key.encode()).hexdigest()[:24]
    return "\0" + name if sys.platform.startswith("linux") else f"/tmp/{name}.sock"


def connect(address: str) -> socket.socket | None:
    """A connection to the server at `address`, or None when none is listening."""
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        client.connect(address)
    except OSError:
        client.close()
        return None
    return client


def start_server(address: str) -> subprocess.Popen:
    """Start a server in its own session, detached from make and the terminal; its process."""
    import subprocess

    return subprocess.Popen(
        [sys.executable, SERVER, address.replace("\0", "@", 1)],  # no NUL in a command line
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def connect_or_start(address: str) -> socket.socket | None:
    """A connection to this project's server, starting one if none answers; None if none comes up."""
    client = connect(address)
    if client is not None:
        return client
    # Two steps that race here start two servers: the second cannot bind, and exits 0.
    server = start_server(address)
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline and server.poll() in (None, 0):
        time.sleep(0.02)
        client = connect(address)
        if client is not None:
            return client
    return None  # the server failed to start (or took too long): the step runs cold


def send_message(client: socket.socket, message: dict, fds: list[int] | None = None) -> None:
    data = json.dumps(message).encode()
    payload = HEADER.pack(len(data)) + data
    if fds:
        socket.send_fds(client, [payload], fds)
    else:
        client.sendall(payload)


def receive_message(client: socket.socket) -> dict | None:
    """The next message from the server; None if it closed the connection first."""
    header = receive_exactly(client, HEADER.size)
    if header is None:
        return None
    body = receive_exactly(client, HEADER.unpack(header)[0])
    return None if body is None else json.loads(body)


def receive_exactly(client: socket.socket, size: int) -> bytes | None:
    chunks, left = [], size
    while left:
        chunk = client.recv(left)
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def run_cold(module: str, args: list[str]) -> None:
    """Replace this process by `python -m module args`: the step as if there were no server."""
    os.execv(sys.executable, [sys.executable, "-m", module, *args])


def exit_like(status: dict) -> None:
    """End this process the way the step ended: with its exit code, or killed by its signal."""
    sys.stdout.flush()
    if status.get("signal"):
        signal.signal(status["signal"], signal.SIG_DFL)
        os.kill(os.getpid(), status["signal"])
    os._exit(status.get("code", 1))


def pass_on(step: list[int], number: int) -> None:
    """Send the step the signal this process received; before the step started, end as it would have."""
    if not step:
        exit_like({"signal": number})
    with contextlib.suppress(ProcessLookupError):  # it has just ended
        os.kill(step[0], number)


def standard_fds() -> list[int]:
    """This process's stdin, stdout and stderr, with /dev/null for one that is closed (as Python's own)."""
    fds = []
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
            fds.append(fd)
        except OSError:
            fds.append(os.open(os.devnull, os.O_RDWR))
    return fds


def main(argv: list[str]) -> None:
    if argv == ["--start"]:  # make, as it reads config.toml: the server imports while make reads the settings
        address = server_address(os.getcwd())
        if connect(address) is None:
            start_server(address)
        return
    if len(argv) < 2 or argv[0] != "-m":
        sys.exit("usage: python tools/warm.py --start | -m <package>.<step> ARGS...")
    module, args = argv[1], argv[2:]
    step: list[int] = []  # the step's pid, once the server has started it
    ignored = []  # a signal this process ignores (make run in the background) the step ignores too
    for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
        if signal.getsignal(number) == signal.SIG_IGN:
            ignored.append(int(number))
        else:
            signal.signal(number, lambda number, _frame: pass_on(step, number))
    client = connect_or_start(server_address(os.getcwd()))
    if client is None:
        run_cold(module, args)
    umask = os.umask(0)
    os.umask(umask)
    request = {
        "module": module,
        "args": args,
        "cwd": os.getcwd(),
        "env": dict(os.environ),
        "umask": umask,
        "ignored": ignored,
    }
    try:
        send_message(client, request, standard_fds())
        started = receive_message(client)
    except OSError:
        started = None
    if started is None:  # the server went away before the step started: run it here
        run_cold(module, args)
    step.append(started["pid"])
    ended = receive_message(client)
    if ended is None:
        sys.exit("error: the warm step runner stopped during the step: run it again, or with make WARM=0")
    exit_like(ended)


if __name__ == "__main__":
    main(sys.argv[1:])
