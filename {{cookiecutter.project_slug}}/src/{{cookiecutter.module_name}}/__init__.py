"""{{ cookiecutter.project_name }}: {{ cookiecutter.description }}"""

import time

# When this process started: cli.run logs each pipeline step's duration from here, so the
# time spent importing pandas and scikit-learn counts, as it does in every rebuild.
STARTED = time.monotonic()
