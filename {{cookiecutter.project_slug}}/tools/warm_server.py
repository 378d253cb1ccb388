"""The warm server behind tools/warm.py: one per project, it forks each step from warm imports.

Started by tools/warm.py as `python tools/warm_server.py ADDRESS`. It listens first (so a launcher can
connect at once), imports the heavy libraries the steps use, never the project's own package, then
forks a supervisor per request, so steps that make runs side by side run side by side here too. The
supervisor forks the step, tells the launcher its pid (for Ctrl-C), waits for it and sends back how
it ended. The step process leaves the server's code, takes the launcher's stdin/stdout/stderr,
environment, working directory and umask, and then runs as `python -m` does, ending as it would.
The server exits after IDLE_SECONDS without a request.

A step must not copy the server's 200 MB page by page, as the garbage collector visiting the preloaded
objects and the interpreter's teardown at exit would: the server freezes them out of the collector's
sight before it forks (gc.freeze), and a step ends without the teardown (run_and_exit). A leaderboard
step forked took 0.8 s before, against 0.06 s cold.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import io
import json
import os
import random
import runpy
import select
import signal
import socket
import struct
import sys
import threading

from warm_imports import EVERY_STEP, PRELOAD, compile_all, compile_in_background, preload

IDLE_SECONDS = 300
HEADER = struct.Struct("!I")
MAX_REQUEST = 16 * 1024 * 1024  # the arguments and the environment: far below this


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
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    compiler = compile_in_background()
    for name in PRELOAD[:EVERY_STEP]:
        preload(name)
    to_load = list(PRELOAD[EVERY_STEP:])
    compiled = 0 if compiler is not None else len(to_load)  # how many of those the compiler has imported
    while True:
        loadable = bool(to_load) and len(PRELOAD) - EVERY_STEP - len(to_load) < compiled
        progress = [compiler] if compiler is not None and compiled < len(PRELOAD) - EVERY_STEP else []
        waiting, _, _ = select.select([listener, *progress], [], [], 0 if loadable else IDLE_SECONDS)
        if progress and compiler in waiting:
            lines = os.read(compiler, 4096)
            compiled = compiled + lines.count(b"\n") if lines else len(PRELOAD)  # ended: import here
            continue
        if not waiting:
            if loadable:
                preload(to_load.pop(0))
                continue
            if reap_supervisors():
                continue
            break
        connection, _ = listener.accept()
        reap_supervisors()
        if not same_user(connection):
            connection.close()
            continue
        gc.freeze()  # what is loaded so far stays unvisited by the collector, in the server and its steps
        if os.fork() == 0:
            listener.close()
            return supervise(connection)
        connection.close()
    listener.close()
    if not address.startswith("\0"):
        os.unlink(address)
    sys.exit(0)


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


def reap_supervisors() -> bool:
    """Collect the supervisors that ended; whether any is still running."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return False
        if pid == 0:
            return True


def supervise(connection: socket.socket) -> tuple[dict, list[int]]:
    """In a supervisor: fork the step, report its pid, wait for it and report how it ended."""
    try:
        request, fds = receive_request(connection)
    except (OSError, ValueError):
        os._exit(1)
    step = os.fork()
    if step == 0:
        connection.close()
        return request, fds
    for fd in fds:
        os.close(fd)
    threading.Thread(target=stop_when_launcher_leaves, args=(connection, step), daemon=True).start()
    with contextlib.suppress(OSError):  # a launcher gone already: the thread above ends the step
        send_message(connection, {"pid": step})
    _, status = os.waitpid(step, 0)
    ended = {"signal": os.WTERMSIG(status)} if os.WIFSIGNALED(status) else {"code": os.WEXITSTATUS(status)}
    with contextlib.suppress(OSError):  # the launcher is gone: nobody to tell
        send_message(connection, ended)
    os._exit(0)


def stop_when_launcher_leaves(connection: socket.socket, step: int) -> None:
    """The launcher killed outright (its make gone): end its step too, as a cold step would have ended."""
    try:
        while connection.recv(1):
            pass
        os.kill(step, signal.SIGTERM)
    except OSError:
        pass


def standard_stream(fd: int, mode: str, like: io.TextIOWrapper, errors: str) -> io.TextIOWrapper:
    """A sys.stdin/stdout/stderr on `fd` as Python makes one: output unbuffered with `python -u`
    (PYTHONUNBUFFERED), else buffered by line on a terminal, and always for stderr."""
    raw = io.FileIO(fd, mode, closefd=False)
    unbuffered = mode == "w" and like.write_through  # the server's stdout was made as the launcher's is
    buffered = raw if unbuffered else (io.BufferedWriter(raw) if mode == "w" else io.BufferedReader(raw))
    line_buffered = mode == "w" and not unbuffered and (fd == 2 or os.isatty(fd))
    return io.TextIOWrapper(
        buffered, like.encoding, errors, line_buffering=line_buffered, write_through=unbuffered
    )


def become_step(request: dict, fds: list[int]) -> str:
    """Take on the launcher's process state; the module to run."""
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    os.chdir(request["cwd"])
    os.umask(request["umask"])
    os.environ.clear()
    os.environ.update(request["env"])
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    for number in request["ignored"]:
        signal.signal(number, signal.SIG_IGN)
    sys.stdin = sys.__stdin__ = standard_stream(0, "r", sys.stdin, sys.stdin.errors)
    sys.stdout = sys.__stdout__ = standard_stream(1, "w", sys.stdout, sys.stdout.errors)
    sys.stderr = sys.__stderr__ = standard_stream(2, "w", sys.stdout, "backslashreplace")
    sys.path[0] = request["cwd"]  # where `python -m` looks first
    sys.argv = ["-m", *request["args"]]
    # Each cold step draws its own unseeded randomness; forked steps would all share the server's.
    random.seed()
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed()
    return request["module"]


def run_as_main(module: str) -> None:
    """Run `module` as `python -m` does: in a __main__ namespace holding none of this file's names."""
    run = runpy._run_module_as_main
    namespace = sys.modules["__main__"].__dict__
    for name in [name for name in namespace if name != "__builtins__"]:
        del namespace[name]
    run(module)


def run_and_exit(module: str) -> None:
    """Run the step; when it returns or calls sys.exit, end as Python would (threads joined, atexit run,
    output flushed) but without tearing down the preloaded libraries. Any other exception (an error,
    Ctrl-C) takes Python's own way out, which prints it and ends as a cold step would."""
    # Held here: the step runs in this file's namespace, emptied first (run_as_main).
    system, suppress, join_threads, run_atexit, leave = (
        sys, contextlib.suppress, threading._shutdown, atexit._run_exitfuncs, os._exit
    )  # fmt: skip
    try:
        run_as_main(module)
        status = 0
    except SystemExit as error:  # as Python reads sys.exit(code): None is 0, text is printed and 1
        status = error.code
        if status is not None and not isinstance(status, int):
            print(status, file=system.stderr)
            status = 1
    join_threads()  # what the interpreter itself does first at exit
    run_atexit()
    for stream in (system.stdout, system.stderr):
        with suppress(OSError, ValueError):
            stream.flush()
    leave(status or 0)


if __name__ == "__main__":
    if sys.argv[1] == "--compile":  # the background compiler (warm_imports.compile_in_background)
        compile_all()
        sys.exit(0)
    address = sys.argv[1]
    run_and_exit(become_step(*serve("\0" + address[1:] if address.startswith("@") else address)))
