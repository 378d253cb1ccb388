"""Spark reading a bucket (`[data] engine = "spark"`): the endpoint and credentials of `[data]
storage_options` and `.env`, as pandas uses them, handed to Hadoop's S3A filesystem.

Hadoop reads s3a:// only with the hadoop-aws jar of its own version (and the AWS SDK bundle it names)
on the cluster's classpath, e.g. [spark] conf = { "spark.jars.packages" =
"org.apache.hadoop:hadoop-aws:3.5.0" }; gs:// needs Google's gcs-connector. Without them Spark
says so in one line.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..errors import StepError
from ..sources import DataSettings
from ..sources.objects import options_of

# The fix for a storage URL Spark has no filesystem for (one brace each side: this file is a template).
PACKAGES = (
    '[spark] conf = { "spark.jars.packages" = "org.apache.hadoop:hadoop-aws:<your Spark\'s Hadoop version>" }'
)


def spark_path(source: str) -> str:
    """The URL Spark reads: s3:// is s3a:// to open-source Hadoop (its s3:// filesystem is gone)."""
    return "s3a://" + source[len("s3://") :] if source.lower().startswith("s3://") else source


def hadoop_conf(settings: DataSettings, variables: Mapping[str, str]) -> dict[str, str]:
    """The S3A settings for an s3:// or s3a:// source: endpoint (path-style, as S3-compatible stores
    want), credentials from storage_options or AWS_* in .env / the environment; else nothing."""
    if not spark_path(settings.source).lower().startswith("s3a://"):
        return {}
    options = options_of(settings, variables)
    conf = {}
    if endpoint := options.get("endpoint_url"):
        conf["spark.hadoop.fs.s3a.endpoint"] = endpoint
        conf["spark.hadoop.fs.s3a.path.style.access"] = "true"
        conf["spark.hadoop.fs.s3a.connection.ssl.enabled"] = str(endpoint.startswith("https://")).lower()
    key = options.get("key") or variables.get("AWS_ACCESS_KEY_ID")
    secret = options.get("secret") or variables.get("AWS_SECRET_ACCESS_KEY")
    token = options.get("token") or variables.get("AWS_SESSION_TOKEN")
    if options.get("anon"):
        conf["spark.hadoop.fs.s3a.aws.credentials.provider"] = (
            "org.apache.hadoop.fs.s3a.AnonymousAWSCredentialsProvider"
        )
    elif key and secret:
        conf["spark.hadoop.fs.s3a.access.key"] = key
        conf["spark.hadoop.fs.s3a.secret.key"] = secret
        if token:
            conf["spark.hadoop.fs.s3a.session.token"] = token
            conf["spark.hadoop.fs.s3a.aws.credentials.provider"] = (
                "org.apache.hadoop.fs.s3a.TemporaryAWSCredentialsProvider"
            )
    return conf


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
