"""`python -m <package>.serve`: start the API (see the package's docstring)."""

import argparse
import sys
from pathlib import Path

import uvicorn

from ..errors import StepError
from . import __doc__ as about
from .app import create_app
from .limits import DEFAULT_MAX_BODY, body_size


def size_option(text: str) -> int:
    """--max-body's value in bytes; argparse shows the error's own words only for this exception."""
    try:
        return body_size(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def main() -> None:
    parser = argparse.ArgumentParser(prog=f"python -m {__package__}", description=about.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1", help="0.0.0.0 to let other machines call it")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument(
        "--model",
        help="the model for requests that name none: a model's name, best (the default) or good_enough",
    )
    parser.add_argument(
        "--max-body",
        type=size_option,
        default=DEFAULT_MAX_BODY,
        help=f"the largest request body, e.g. 20MB (default: {DEFAULT_MAX_BODY:,} bytes); larger is a 413",
    )
    parser.add_argument("--root", type=Path, default=Path("."), help="the project folder")
    options = parser.parse_args()
    try:
        app = create_app(options.root, options.model, options.max_body)
    except StepError as error:
        sys.exit(f"error: {error}")
    print(f"API on http://{options.host}:{options.port}, interactive docs at /docs (Ctrl+C stops it)")
    uvicorn.run(app, host=options.host, port=options.port)


if __name__ == "__main__":
    main()
