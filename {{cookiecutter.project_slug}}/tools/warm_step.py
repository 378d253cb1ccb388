"""How a process forked by the warm server (warm_server.py) becomes the step it was asked to run: it takes
on the launcher's process state, then runs the step's module as `python -m` does and ends as it would."""

from __future__ import annotations

import atexit
import contextlib
import io
import os
import random
import runpy
import signal
import sys
import threading


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
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
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
    """Run `module` as `python -m` does: in a __main__ namespace holding none of the server's names (the
    server runs as __main__; this module's own names are in a namespace of their own)."""
    namespace = sys.modules["__main__"].__dict__
    for name in [name for name in namespace if name != "__builtins__"]:
        del namespace[name]
    runpy._run_module_as_main(module)


def run_and_exit(module: str) -> None:
    """Run the step; when it returns or calls sys.exit, end as Python would (threads joined, atexit run,
    output flushed) but without tearing down the preloaded libraries. Any other exception (an error,
    Ctrl-C) takes Python's own way out, which prints it and ends as a cold step would."""
    try:
        run_as_main(module)
        status = 0
    except SystemExit as error:  # as Python reads sys.exit(code): None is 0, text is printed and 1
        status = error.code
        if status is not None and not isinstance(status, int):
            print(status, file=sys.stderr)
            status = 1
    threading._shutdown()  # what the interpreter itself does first at exit: join the threads
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(status or 0)
