"""The warm server behind tools/warm.py: one per project, it forks each step from warm imports.

Started by tools/warm.py as `python tools/warm_server.py ADDRESS`. It listens first (so a launcher can
connect at once), imports the heavy libraries the steps use, never the project's own package, then
forks a step per request, so steps that make runs side by side run side by side here too. It tells the
launcher the step's pid (for Ctrl-C) and, when the step ends, how it ended. The step process leaves the
server's code, takes the launcher's stdin/stdout/stderr, environment, working directory and umask, and
then runs as `python -m` does, ending as it would (warm_step.py). The server exits after IDLE_SECONDS
without a request.

A step must not copy the server's 200 MB page by page, as the garbage collector visiting the preloaded
objects and the interpreter's teardown at exit would: the server freezes them out of the collector's
sight before it forks (gc.freeze), and a step ends without the teardown (warm_step.run_and_exit). A
leaderboard step forked took 0.8 s before, against 0.06 s cold.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import select
import signal
import socket
import struct
import sys

from warm_imports import EVERY_STEP, PRELOAD, preload
from warm_step import become_step, run_and_exit

IDLE_SECONDS = 300
HEADER = struct.Struct("!I")
MAX_REQUEST = 16 * 1024 * 1024  # the arguments and the environment: far below this
REQUEST_SECONDS = 10  # the longest wait for a launcher's request once it has connected
# Each running step's pid and its launcher's connection (None once the launcher has left).
Steps = dict[int, socket.socket | None]


def receive_request(connection: socket.socket) -> tuple[dict, list[int]]:
    """The launcher's request and its stdin, stdout and stderr."""
    data, fds, _flags, _address = socket.recv_fds(connection, 65536, 3)
    while len(data) < HEADER.size or len(data) < HEADER.size + HEADER.unpack(data[: HEADER.size])[0]:
        if len(data) > HEADER.size + MAX_REQUEST:
            raise ValueError("a request larger than any launcher sends")
        more = connection.recv(65536)
        if not more:
            raise ConnectionError("the launcher left before its request was whole")
        data += more
    return json.loads(data[HEADER.size :]), fds


def send_message(connection: socket.socket, message: dict) -> None:
    data = json.dumps(message).encode()
    connection.sendall(HEADER.pack(len(data)) + data)


def serve(address: str) -> tuple[dict, list[int]]:
    """Answer requests until idle (then exit); return only in a forked step, with its request.

    The libraries every step needs are imported first (a request waits for them); the rest one at a time
    between requests, in the order the steps need them: a step that comes early forks with what is loaded
    so far (the data steps need only the first few) and imports the rest itself. Never during a fork: this
    process has one thread, so a fork never copies an import half done.
    """
    listener = listen(address)
    ended = child_ended_pipe()
    for name in PRELOAD[:EVERY_STEP]:
        preload(name)
    to_load = list(PRELOAD[EVERY_STEP:])
    steps: Steps = {}
    while True:
        launchers = [connection for connection in steps.values() if connection is not None]
        readable = [listener, ended, *launchers]
        waiting, _, _ = select.select(readable, [], [], 0 if to_load else IDLE_SECONDS)
        if ended in waiting:
            report_ended(ended, steps)
        stop_steps_of_gone_launchers([connection for connection in launchers if connection in waiting], steps)
        if not waiting:
            if to_load:
                preload(to_load.pop(0))
            elif not steps:
                break
        elif listener in waiting and (started := start_step(listener, steps)) is not None:
            # This is the step's process: the server's descriptors are not its own.
            os.close(signal.set_wakeup_fd(-1))
            for resource in [listener, *(c for c in steps.values() if c is not None)]:
                resource.close()
            os.close(ended)
            return started
    listener.close()
    if not address.startswith("\0"):
        os.unlink(address)
    sys.exit(0)


def listen(address: str) -> socket.socket:
    """The server's socket, listening; exit if another server of this project listens there already."""
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    os.umask(0o077)  # each step takes its launcher's umask; the socket file is the owner's alone
    try:
        listener.bind(address)
    except OSError:
        # Another server took the address first (it serves this project), or one that died left its file.
        if address.startswith("\0") or answers(address):
            sys.exit(0)
        os.unlink(address)
        listener.bind(address)
    listener.listen(64)
    return listener


def child_ended_pipe() -> int:
    """A pipe that gets a byte whenever a child (a step) ends, so the server's select wakes up to tell its
    launcher; its read end."""
    read, write = os.pipe()
    os.set_blocking(read, False)
    os.set_blocking(write, False)
    signal.set_wakeup_fd(write)
    signal.signal(signal.SIGCHLD, lambda _number, _frame: None)  # a handler: the signal reaches the pipe
    return read


def start_step(listener: socket.socket, steps: Steps) -> tuple[dict, list[int]] | None:
    """Accept a launcher's request and fork its step, forked from this process directly (a fork of the
    server costs 10 ms): in the step, return the request; in the server, tell the launcher the step's pid."""
    connection, _ = listener.accept()
    try:
        if not same_user(connection):
            raise PermissionError("a launcher of another user")
        connection.settimeout(REQUEST_SECONDS)  # a launcher sends its request as it connects
        request, fds = receive_request(connection)
    except (OSError, ValueError):
        connection.close()
        return None
    gc.freeze()  # what is loaded so far stays unvisited by the collector, in the server and its steps
    step = os.fork()
    if step == 0:
        connection.close()
        return request, fds
    for fd in fds:
        os.close(fd)
    steps[step] = connection
    with contextlib.suppress(OSError):  # a launcher gone already: the select loop ends the step
        send_message(connection, {"pid": step})
    return None


def report_ended(ended: int, steps: Steps) -> None:
    """Collect the children that ended and tell each step's launcher how its step ended."""
    with contextlib.suppress(BlockingIOError):
        os.read(ended, 4096)
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        connection = steps.pop(pid, None)
        if connection is not None:
            ended_by = {"signal": os.WTERMSIG(status)} if os.WIFSIGNALED(status) else {}
            with contextlib.suppress(OSError):  # the launcher is gone: nobody to tell
                send_message(connection, ended_by or {"code": os.WEXITSTATUS(status)})
            connection.close()


def stop_steps_of_gone_launchers(readable: list[socket.socket], steps: Steps) -> None:
    """A launcher killed outright (its make gone) closes its connection, which is then readable: end its step
    too, as a cold step would have ended. (A launcher sends nothing after its request.)"""
    for pid, connection in list(steps.items()):
        if connection in readable:
            with contextlib.suppress(OSError):
                if connection.recv(1):
                    continue
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
            connection.close()
            steps[pid] = None


def same_user(connection: socket.socket) -> bool:
    """Whether the launcher runs as this server's user. Anyone on the machine may connect to an abstract
    socket, and a step runs whatever module it is asked to: only its owner may ask. (A socket file is
    made for its owner alone, by the umask set before it is bound.)"""
    if not hasattr(socket, "SO_PEERCRED"):
        return True
    credentials = connection.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    _pid, uid, _gid = struct.unpack("3i", credentials)
    return uid == os.getuid()


def answers(address: str) -> bool:
    """Whether a server listens at `address`."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        return probe.connect_ex(address) == 0


if __name__ == "__main__":
    address = sys.argv[1]
    run_and_exit(become_step(*serve("\0" + address[1:] if address.startswith("@") else address)))
