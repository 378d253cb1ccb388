"""SQL: DuckDB over data already read (the table `source`), and queries against any SQLAlchemy database.

A query reads; it never writes. DuckDB runs one SELECT, and may open files under the project's
folder only (its own settings, locked); a database query is one SELECT (or WITH, VALUES) on a
read-only connection where the database has one (SQLite: mode=ro, PostgreSQL: a read-only session).
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pandas as pd
import sqlalchemy
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, ResourceClosedError

from ..errors import StepError
from .credentials import mask

# How each kind of database is told to give up connecting after `timeout` seconds.
CONNECT_TIMEOUT = {"postgresql": "connect_timeout", "mysql": "connect_timeout", "mariadb": "connect_timeout"}
DRIVER_EXTRAS = {"postgresql": "pip install -e '.[postgres]'"}
# What a database query may start with (after comments): statements that only read.
READING = re.compile(
    r"^\s*(?:(?:--[^\n]*\n|/\*.*?\*/)\s*)*\(*\s*(?:SELECT|WITH|VALUES)\b", re.IGNORECASE | re.DOTALL
)
ONE_SELECT = (
    "[data] query must be one SELECT statement: it reads the data, it cannot write or change anything"
)


def first_line(error: BaseException) -> str:
    """The database's own words, masked: the first line of the driver's error under any wrappers."""
    if isinstance(error, pd.errors.DatabaseError) and error.__cause__ is not None:
        error = error.__cause__  # pandas wraps the SQLAlchemy error, which wraps the driver's
    text = mask(str(getattr(error, "orig", None) or error).strip())  # it may quote a URL from the query
    return text.splitlines()[0] if text else type(error).__name__


def project_only(connection: duckdb.DuckDBPyConnection, root: Path) -> None:
    """Let `connection` open files under `root` only: no other file, no URL, no extension to install;
    locked, so that a query cannot SET it back."""
    connection.execute("SET allowed_directories = ?", [[f"{root.resolve()}/"]])
    for setting in ("enable_external_access", "autoinstall_known_extensions", "autoload_known_extensions"):
        connection.execute(f"SET {setting} = false")
    connection.execute("SET lock_configuration = true")


def query_frame(frame: pd.DataFrame, query: str, root: Path = Path(".")) -> pd.DataFrame:
    """Run `query` with DuckDB, the frame being the table `source`; it may name files under `root`."""
    with duckdb.connect() as connection:
        project_only(connection, root)
        connection.register("source", frame)
        try:
            statements = connection.extract_statements(query)
            if len(statements) != 1 or statements[0].type != duckdb.StatementType.SELECT:
                found = f"{len(statements)} statements" if len(statements) != 1 else statements[0].type.name
                raise StepError(f"{ONE_SELECT}; this is {found}")
            return connection.execute(query).df()
        except duckdb.PermissionException:
            raise StepError(
                "[data] query may read files in the project's folder only (no other file, no URL): "
                "copy the file into data/external/, or make it the [data] source"
            ) from None
        except duckdb.Error as error:
            raise StepError(
                f"[data] query failed: {first_line(error)}; fix the SQL (the data is the table `source`)"
            ) from None


def database_url(url: str, shown: str) -> sqlalchemy.URL:
    """The parsed URL; postgresql:// and postgres:// both mean PostgreSQL through psycopg 3."""
    try:
        parsed = sqlalchemy.make_url(url)
    except ArgumentError:
        raise StepError(
            f"[data] source {shown!r} is not a database URL: use e.g. sqlite:///data/external/app.db "
            "or postgresql://user:${PASSWORD}@host:5432/dbname"
        ) from None
    if parsed.drivername == "postgres":  # the spelling Heroku and others hand out
        parsed = parsed.set(drivername="postgresql")
    in_file = parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:")
    if in_file and not Path(parsed.database).is_file():
        # SQLite would quietly create an empty database there.
        raise StepError(
            f"no SQLite database at {parsed.database!r} ([data] source {shown!r}): check the path "
            "(sqlite:///relative/path.db, or sqlite:////absolute/path.db)"
        )
    return parsed


def read_only(url: sqlalchemy.URL) -> sqlalchemy.URL:
    """SQLite's file opened read-only (a URI with mode=ro); any other database's URL as it is."""
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return url
    uri = Path(url.database).resolve().as_uri()  # percent-encoded: a ? or # in the path stays a path
    return url.set(database=uri, query={**url.query, "mode": "ro", "uri": "true"})


def engine(url: sqlalchemy.URL, shown: str, timeout: float) -> sqlalchemy.Engine:
    backend = url.get_backend_name()
    connect_args = {CONNECT_TIMEOUT[backend]: max(1, round(timeout))} if backend in CONNECT_TIMEOUT else {}
    try:
        return sqlalchemy.create_engine(url, connect_args=connect_args)
    except NoSuchModuleError:
        raise StepError(
            f"unknown kind of database {url.drivername!r} in [data] source {shown!r}: "
            "use a SQLAlchemy URL such as sqlite:///path.db or postgresql://user@host/dbname"
        ) from None
    except ImportError as error:
        install = DRIVER_EXTRAS.get(backend, f"install the Python driver for {backend}")
        raise StepError(
            f"the {backend} driver ({error.name}) for [data] source {shown!r} is not installed: {install}"
        ) from None


def read_database(url: str, query: str | None, shown: str, timeout: float) -> pd.DataFrame:
    """The rows `query` returns from the database at `url` (shown in messages as `shown`)."""
    if not query:
        raise StepError(
            f'[data] source {shown!r} is a database: set [data] query too, e.g. query = "SELECT * FROM sales"'
        )
    if not READING.match(query):
        raise StepError(f"{ONE_SELECT} (it must start with SELECT or WITH)")
    database = engine(read_only(database_url(url, shown)), shown, timeout)
    try:
        try:
            connection = database.connect()
        except DBAPIError as error:
            raise StepError(
                f"cannot connect to {shown}: {first_line(error)}. Is the server up, and are the host, port, "
                "user and password (in .env) right?"
            ) from None
        with connection:
            # no_parameters: % and :name in the query are SQL, not placeholders for values.
            options = {"no_parameters": True}
            if connection.dialect.name == "postgresql":
                options["postgresql_readonly"] = True
            try:
                return pd.read_sql_query(query, connection.execution_options(**options))
            except ResourceClosedError:  # a statement that returns no rows (ATTACH, VACUUM ...)
                raise StepError(f"{ONE_SELECT}; it returned no table") from None
            except (DBAPIError, pd.errors.DatabaseError) as error:
                raise StepError(f"[data] query failed on {shown}: {first_line(error)}; fix the SQL") from None
    finally:
        database.dispose()
