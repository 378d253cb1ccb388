"""Which format a file name means, and the formats a source may be read as (standard library only:
the parsers in formats.py and the settings in __init__.py both read them)."""

# extension -> format; `[data] format` takes one of the formats to override the extension
EXTENSIONS = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".parquet": "parquet",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".xlsx": "excel",
}
FORMATS = sorted(set(EXTENSIONS.values()))
