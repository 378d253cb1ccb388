"""Baked projects shared across tests: building the pipeline once is the slow part."""

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy
from baked import TEMPLATE, baked, end_warm_processes, succeed
from servers import HOW_TO_ENABLE, SAMPLE, postgres_programs, postgres_server, sample_api


@pytest.fixture(scope="session", autouse=True)
def no_warm_server_left(tmp_path_factory, cookies_session):
    """Every project's make starts a warm step server, which would wait minutes for its next step: end them,
    and the steps they run, before the baked projects are deleted (cookies_session is set up
    first, so it is torn down after this)."""
    yield
    end_warm_processes(tmp_path_factory.getbasetemp())


@pytest.fixture(scope="session")
def template() -> Path:
    return TEMPLATE


@pytest.fixture(scope="session")
def built_project(cookies_session) -> Path:
    """A default project, fully built once with `make`. Tests that change it use `project`."""
    project = baked(cookies_session, project_name="Penguin Party")
    succeed(["make"], project)
    return project


@pytest.fixture(scope="session")
def built_recommender(cookies_session) -> Path:
    """A recommendation project (the movie sample), fully built once with `make`."""
    project = baked(cookies_session, project_name="Movie Night", task="recommendation")
    succeed(["make"], project)
    return project


@pytest.fixture
def recommender(built_recommender, tmp_path) -> Path:
    """A private copy of the built recommendation project, for a test to change."""
    copy = tmp_path / built_recommender.name
    shutil.copytree(built_recommender, copy)
    return copy


@pytest.fixture
def project(built_project, tmp_path) -> Path:
    """A private copy of the built project, timestamps and all, for a test to change."""
    copy = tmp_path / built_project.name
    shutil.copytree(built_project, copy)
    return copy


@pytest.fixture(scope="session")
def api():
    """A local HTTP API serving the penguins sample (CSV, JSON, pages) and the usual failures."""
    with sample_api() as server:
        yield server


@pytest.fixture(scope="session")
def postgres():
    """A real PostgreSQL on 127.0.0.1 with the penguins sample in the table `penguins`.

    Skipped, saying how to enable it, where PostgreSQL is not installed; never
    skipped where REQUIRE_POSTGRES=1 (.ci/run sets it).
    """
    programs = postgres_programs()
    if programs is None:
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail(HOW_TO_ENABLE)
        pytest.skip(HOW_TO_ENABLE)
    with postgres_server(programs) as server:
        engine = sqlalchemy.create_engine(server.url())
        pd.read_csv(SAMPLE).to_sql("penguins", engine, index=False)
        engine.dispose()
        yield server
