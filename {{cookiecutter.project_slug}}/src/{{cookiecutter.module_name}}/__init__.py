"""The project's pipeline, one module per step (README.md names them and what they build)."""

import time

# When this process started: cli.run logs each pipeline step's duration from here, so the
# time spent importing pandas and scikit-learn counts, as it does in every rebuild.
STARTED = time.monotonic()
