"""Baked projects shared across tests: building the pipeline once is the slow part."""

import shutil
from pathlib import Path

import pytest
from baked import TEMPLATE, succeed


@pytest.fixture(scope="session")
def template() -> Path:
    return TEMPLATE


@pytest.fixture(scope="session")
def built_project(cookies_session) -> Path:
    """A default project, fully built once with `make`. Tests that change it use `project`."""
    result = cookies_session.bake(extra_context={"project_name": "Penguin Party"})
    assert result.exit_code == 0, result.exception
    succeed(["make"], result.project_path)
    return result.project_path


@pytest.fixture
def project(built_project, tmp_path) -> Path:
    """A private copy of the built project, timestamps and all, for a test to change."""
    copy = tmp_path / built_project.name
    shutil.copytree(built_project, copy)
    return copy
