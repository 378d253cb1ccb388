"""Apache Spark for the steps that outgrow one machine (the `spark` extra, installed the first time a
Spark step runs; nothing else imports pyspark).

`session(settings)` starts a SparkSession from the `[spark]` section of config.toml (over
config.py's defaults), which each step that uses Spark carries in its own settings file, so
editing `[spark]` rebuilds only those:

    master = "local[*]"       # or "spark://host:7077", "yarn", "k8s://https://..."
    conf = { "spark.executor.memory" = "4g" }   # any Spark setting, passed through
    ui = true                 # the Spark UI on http://<driver>:4040 while a step runs

Spark needs Java (17 or newer), checked before pyspark is imported.
"""

from __future__ import annotations

import os
import shutil
import sys
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import StepError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

APP_NAME = "{{ cookiecutter.project_slug }}"
# Spark's scratch space (shuffle files, spilled blocks) stays inside the project, git-ignored.
LOCAL_DIR = Path(".spark")
# Only errors on the console: Spark's own default prints its warnings (and a banner) before any step's output.
LOG_SETTINGS = """rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n
"""
LOG_FILE = LOCAL_DIR / "log4j2.properties"
GET_JAVA = (
    "Spark needs Java 17 or newer and `java` is not on PATH (nor in JAVA_HOME): install it "
    "(`sudo apt install openjdk-17-jre-headless`, `brew install openjdk@17`) or set JAVA_HOME, "
    "then run this again"
)


def java_found() -> bool:
    """Whether Spark can start a JVM: JAVA_HOME's java, else a java on PATH."""
    home = os.environ.get("JAVA_HOME")
    return bool(home and Path(home, "bin", "java").is_file()) or shutil.which("java") is not None


def spark_conf(settings: Mapping[str, Any]) -> dict[str, str]:
    """Spark's settings for a step: quiet logs, scratch space in the project, the UI as asked; `conf`
    overrides them."""
    return {
        "spark.log.level": "ERROR",
        # On local[*] the driver's JVM is also the executor, and Spark's 1g default runs out on a few
        # million interactions (ALS stalls with the heap full); on a cluster, spark.executor.memory counts.
        "spark.driver.memory": "4g",
        # A JVM out of memory exits (the step then says so) rather than hang with its scheduler dead.
        "spark.driver.extraJavaOptions": (
            f"-XX:+ExitOnOutOfMemoryError -Dlog4j2.configurationFile={LOG_FILE.resolve().as_uri()}"
        ),
        "spark.local.dir": str((LOCAL_DIR / "tmp").resolve()),
        "spark.ui.enabled": str(bool(settings["ui"])).lower(),
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.execution.arrow.pyspark.enabled": "true",
        **{key: str(value) for key, value in settings["conf"].items()},
    }


@contextmanager
def session(settings: Mapping[str, Any]) -> Iterator[SparkSession]:
    """A SparkSession for `[spark]` `settings`, stopped on the way out; inside another, that one
    (left running)."""
    if not java_found():
        raise StepError(GET_JAVA)
    # pyspark warns on every pandas conversion under pandas 3; the steps convert plain numbers and ids only.
    warnings.filterwarnings("ignore", "PySpark does not yet fully support pandas", FutureWarning)
    from py4j.protocol import Py4JError
    from pyspark.errors import PySparkRuntimeError
    from pyspark.sql import SparkSession

    running = SparkSession.getActiveSession()
    if running is not None:
        yield running
        return
    builder = SparkSession.builder.appName(APP_NAME).master(settings["master"])
    for key, value in spark_conf(settings).items():
        builder = builder.config(key, value)
    if settings["master"].startswith("local"):
        # Python workers on this machine run this environment's Python, not whichever python3 is on PATH
        # (pyspark reads only the environment variable for them).
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    LOCAL_DIR.joinpath("tmp").mkdir(parents=True, exist_ok=True)
    LOG_FILE.write_text(LOG_SETTINGS, encoding="utf-8")
    try:
        started = builder.getOrCreate()
    except (PySparkRuntimeError, Py4JError) as error:
        reason = str(error).strip().splitlines()[-1]
        raise StepError(
            f"Spark did not start ({reason}); check [spark] in config.toml and `java -version`"
        ) from None
    started.sparkContext.setLogLevel("ERROR")
    try:
        yield started
    except (Py4JError, ConnectionError):
        raise StepError(
            "Spark's driver stopped (most often out of memory): give it more with "
            '[spark] conf = { "spark.driver.memory" = "8g" } (or on a cluster "spark.executor.memory")'
        ) from None
    finally:
        with suppress(Py4JError, ConnectionError):  # a driver that died cannot be stopped
            started.stop()
