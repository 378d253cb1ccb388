"""`make data` on Spark: the source (a file, a glob, a storage URL) into a read-only Parquet folder."""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..cli import run
from ..errors import StepError
from ..files import write_json
from ..sources import URL, DataSettings, format_of, kind
from ..sources.credentials import environment, mask
from ..sources.formats import DELIMITED
from ..sources.local import matching_files
from ..sources.objects import options_of
from ..sources.settings_file import load_settings
from ..sources.text import names_not_needed, unnamed_fields
from . import session
from .datasets import ORDER, checksum, columns_of, mark, with_file_order, write_folder
from .storage import missing_filesystem, spark_path

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

# Where Spark reads from besides local files: storage it has a filesystem for (s3a needs hadoop-aws in conf).
STORAGE = ("s3a://", "s3://", "gs://", "hdfs://", "abfs://", "abfss://", "wasbs://", "file://")
# The formats Spark reads itself, and how.
READ_OPTIONS = {
    "csv": {"header": True, "inferSchema": True},
    "tsv": {"header": True, "inferSchema": True, "sep": "\t"},
    "parquet": {},
    "json": {"multiLine": True},
    "jsonl": {},
}
SPARK_FORMAT = {"tsv": "csv", "jsonl": "json"}


def source_path(settings: DataSettings) -> str:
    """The path or URL Spark reads: a local file or glob (checked here, for a clear error), or storage."""
    source = settings.source
    if settings.query:
        raise StepError(
            '[data] query is not read by [data] engine = "spark": filter in cleanup, or use "pandas"'
        )
    if source.lower().startswith(STORAGE):
        return spark_path(source)
    if kind(source) != "files" or URL.match(source):
        raise StepError(
            f'[data] engine = "spark" reads files, globs and storage URLs ({", ".join(STORAGE[:4])}), not '
            f'{mask(source)!r}: snapshot it with engine = "pandas", or export it to Parquet files'
        )
    matching_files(source)
    return str(Path(source).resolve())


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


def read_source(spark: Any, settings: DataSettings) -> DataFrame:
    """The source as a Spark table, in a format Spark reads (Excel is not one)."""
    path = source_path(settings)
    fmt = format_of(path, settings.format)
    if fmt not in READ_OPTIONS:
        raise StepError(f'[data] engine = "spark" cannot read {fmt} files; convert them to Parquet or CSV')
    if settings.columns and fmt not in DELIMITED:
        raise StepError(names_not_needed(fmt, settings.text))
    # a file without a header row ([data] columns): its first line is a row too
    options = {**READ_OPTIONS[fmt], **({"header": False} if settings.columns else {})}
    try:
        frame = spark.read.format(SPARK_FORMAT.get(fmt, fmt)).options(**options).load(path)
    except Exception as error:  # noqa: BLE001 (py4j's Java errors have no Python type of their own)
        jars_missing = missing_filesystem(error, path)
        if jars_missing is None:
            raise
        raise jars_missing from None
    names = settings.columns
    if names and len(frame.columns) != len(names):
        where = repr(mask(settings.source))
        raise StepError(unnamed_fields(len(names), len(frame.columns), where, settings.text))
    return frame.toDF(*names) if names else frame


def snapshot(settings: DataSettings, spark_settings: Mapping[str, Any], output: Path) -> None:
    """The source into the Parquet folder OUTPUT, read-only, with OUTPUT.json describing it."""
    # A bucket's endpoint and credentials reach Hadoop as they reach pandas; [spark] conf overrides them.
    conf = {**hadoop_conf(settings, environment()), **spark_settings["conf"]}
    with session({**spark_settings, "conf": conf}) as spark:
        frame = with_file_order(read_source(spark, settings))
        metadata = output.with_suffix(".json")
        metadata.unlink(missing_ok=True)  # the description of the snapshot being replaced
        # In the source's order, so that cleanup's "the last in the file" means the same as with pandas.
        table = write_folder(frame.orderBy(ORDER), output)
        columns = columns_of(frame)
    if table.empty:
        raise StepError(f"data source {mask(settings.source)!r} gave no rows: check [data] source")
    description = {
        "source": mask(settings.source),
        "query": None,
        "taken_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "rows": table.rows,
        "columns": table.columns,
        "column_names": columns,
        "sha256": checksum(output),
    }
    write_json(description, metadata)
    mark(output, table, columns)  # last, once the folder and its description are in place
    # Every file read-only; the folder stays writable, so that a new snapshot can replace it.
    for written in (*output.iterdir(), metadata):
        os.chmod(written, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    print(
        f"data: {table.rows} rows, {table.columns} columns from {mask(settings.source)} -> {output}/ "
        "(Spark, read-only)"
    )


def main(settings: Path, output: Path) -> None:
    """`make data` with [data] engine = "spark": the source named in SETTINGS into the folder OUTPUT."""
    data_settings = load_settings(settings)
    snapshot(data_settings, data_settings.spark, output)


if __name__ == "__main__":
    run(main)
