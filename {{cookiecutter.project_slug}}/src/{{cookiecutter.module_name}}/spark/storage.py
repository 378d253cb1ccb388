"""Spark reading a bucket (`[data] engine = "spark"`): the URL Hadoop reads, and the one-line error when
it has no filesystem for it (the endpoint and credentials reach Hadoop's S3A through spark/snapshot.py's
`hadoop_conf`, as pandas uses them).

Hadoop reads s3a:// only with the hadoop-aws jar of its own version (and the AWS SDK bundle it names)
on the cluster's classpath, e.g. [spark] conf = { "spark.jars.packages" =
"org.apache.hadoop:hadoop-aws:3.5.0" }; gs:// needs Google's gcs-connector. Without them Spark
says so in one line.
"""

from __future__ import annotations

from ..errors import StepError

# The fix for a storage URL Spark has no filesystem for (one brace each side: this file is a template).
PACKAGES = (
    '[spark] conf = { "spark.jars.packages" = "org.apache.hadoop:hadoop-aws:<your Spark\'s Hadoop version>" }'
)


def spark_path(source: str) -> str:
    """The URL Spark reads: s3:// is s3a:// to open-source Hadoop (its s3:// filesystem is gone)."""
    return "s3a://" + source[len("s3://") :] if source.lower().startswith("s3://") else source


def missing_filesystem(error: BaseException, path: str) -> StepError | None:
    """The one-line error for a storage URL whose Hadoop filesystem is not on Spark's classpath."""
    text = str(error)
    if "ClassNotFoundException" in text or "No FileSystem for scheme" in text:
        scheme = path.partition("://")[0]
        return StepError(
            f"Spark has no filesystem for {scheme}:// here: put its jars on the classpath, e.g. {PACKAGES} "
            'for s3a:// (gs://: Google\'s gcs-connector), or snapshot the bucket with engine = "pandas"'
        )
    return None
