"""Baking: the answers become a complete, lint-clean project with no template left in it."""

import re
import tomllib

import pytest
from baked import succeed


def test_bake_with_defaults_creates_the_documented_layout(cookies):
    """The default answers give hackathon-ml/ with the package hackathon_ml and every part the README names."""
    result = cookies.bake()
    assert result.exit_code == 0, result.exception
    project = result.project_path
    assert project.name == "hackathon-ml"
    for path in [
        "README.md", "config.toml", "Makefile", "tasks.py", "pyproject.toml", ".gitignore", ".env.example",
        ".github/workflows/ci.yml", "data/sample/penguins.csv", "data/sample/README.md",
        "src/hackathon_ml/clean.py", "src/hackathon_ml/models/knn.py", "tests/test_models.py",
        "SPRINTS.md", "src/hackathon_ml/sprint/plan.py",
        "notebooks/01-explore.ipynb", "app.py", ".streamlit/config.toml",
        "src/hackathon_ml/clean.py", "src/hackathon_ml/models/knn.py", "src/hackathon_ml/sources/web.py",
        "tests/test_models.py", "tests/test_data.py",
    ]:
        assert (project / path).is_file(), path
    for folder in ["data/raw", "data/interim", "data/processed", "models", "reports/metrics", "reports/figures"]:
        assert (project / folder).is_dir(), folder
    assert list(project.rglob("__pycache__")) == []  # writing SPRINTS.md at bake time leaves no bytecode


def test_slug_and_module_name_derive_from_the_project_name(cookies):
    """'Penguin Party' gives the folder penguin-party and the package penguin_party."""
    result = cookies.bake(extra_context={"project_name": "Penguin Party"})
    assert result.project_path.name == "penguin-party"
    assert (result.project_path / "src" / "penguin_party" / "__init__.py").is_file()


@pytest.mark.parametrize(("task", "target"), [("classification", "species"), ("regression", "body_mass_g")])
def test_each_task_gets_its_settings_and_default_target(cookies, task, target):
    """config.toml carries the chosen task and the sample's matching target column."""
    result = cookies.bake(extra_context={"task": task})
    config = tomllib.loads((result.project_path / "config.toml").read_text())
    assert config["task"] == task
    assert config["data"]["target"] == target
    assert config["data"]["source"] == "data/sample/penguins.csv"
    assert set(config["models"]) == {"random", "rules", "knn"}


@pytest.mark.parametrize("task", ["classification", "regression"])
def test_no_template_syntax_survives_in_any_file(cookies, task):
    """Every generated file is fully rendered: no '{{' or '{%' is left for the team to trip over."""
    result = cookies.bake(extra_context={"task": task, "project_name": "Penguin Party"})
    leftovers = [
        str(path.relative_to(result.project_path))
        for path in result.project_path.rglob("*")
        if path.is_file() and re.search(r"\{\{|\{%", path.read_text(encoding="utf-8"))
    ]
    assert leftovers == []


def test_quotes_in_answers_keep_pyproject_valid(cookies):
    """Answers are written into TOML safely, whatever characters they hold."""
    result = cookies.bake(extra_context={"description": 'Say "hi" \\ wave', "author_name": "O'Brien & Co"})
    project = tomllib.loads((result.project_path / "pyproject.toml").read_text())["project"]
    assert project["description"] == 'Say "hi" \\ wave'
    assert project["authors"] == [{"name": "O'Brien & Co"}]


@pytest.mark.parametrize("task", ["classification", "regression"])
def test_generated_code_passes_its_own_lint(cookies, task):
    """`make lint` (ruff, as configured in the project's pyproject.toml) passes on a fresh project."""
    result = cookies.bake(extra_context={"task": task})
    succeed(["make", "lint"], result.project_path)


def test_bake_prints_the_next_commands(cookies, capfd):
    """After baking, the team is told exactly what to type next."""
    cookies.bake(extra_context={"project_name": "Penguin Party"})
    output = capfd.readouterr().out
    assert "cd penguin-party" in output
    assert "invoke baseline" in output and "invoke all" in output
