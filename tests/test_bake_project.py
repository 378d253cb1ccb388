"""Baking: the answers become a complete, lint-clean project with no template left in it."""

import json
import re
import runpy
import subprocess
import sys
import tomllib

import pytest
from baked import MODELS, succeed

TASKS = ["classification", "regression", "recommendation"]


# Every file a project is baked with, whatever the answers; <module> is the package's name.
PROJECT_FILES = {
    "README.md",
    "SPRINTS.md",
    "MUTANTS.md",
    "config.toml",
    "Makefile",
    "tasks.py",
    "pyproject.toml",
    ".gitignore",
    ".env.example",
    ".github/workflows/ci.yml",
    "notebooks/01-explore.ipynb",
    "tools/mutation_score.py",
    "tools/warm.py",
    "tools/warm_server.py",
    "tools/warm_imports.py",
    "tools/warm_step.py",
    "tools/test_mutation_score.py",
    *(
        f"{folder}/.gitkeep"
        for folder in ["data/raw", "data/interim", "data/processed", "models", "reports/metrics", "reports/figures"]
    ),
    *(
        f"src/<module>/{name}.py"
        for name in [
            "__init__",
            "errors",
            "files",
            "cli",
            "progress",
            "config",
            "config_keys",
            "config_checks",
            "step_files",
            "data",
            "clean",
            "cleanup_report",
            "split",
            "train",
            "evaluate",
            "leaderboard",
            "figures",
            "model_figures",
            "learning_figure",
            "report",
            "report_html",
            "results",
            "serve/__init__",
            "serve/__main__",
            "serve/loading",
            "serve/model_file",
            "serve/limits",
            "serve/schemas",
            "sprint/__init__",
            "sprint/plan",
            "sprint/checklist",
            "sprint/clock",
            "sprint/command",
            "tasks/__init__",
            "tasks/step_parts",
            "tasks/cleanup_step",
            "models/__init__",
            "models/configured",
            "models/registry",
            "submit",
            "submit_config",
            "history",
            "history_summary",
            "sources/__init__",
            "sources/settings_file",
            "sources/format_names",
            "sources/masking",
            "sources/credentials",
            "sources/formats",
            "sources/local",
            "sources/sql",
            "sources/stream",
            "sources/web",
            "sources/text",
            "sources/objects",
            "storage",
            "metrics",
            "models/target",
            "ship/__init__",
            "ship/__main__",
            "ship/contents",
            "ship/requirements",
            "ship/probe",
            "ship/platforms",
            "ship/check",
            "bootstrap",
            "intervals",
            "curves",
            "diagnostic_charts",
            "learning",
        ]
    ),
    *(
        f"tests/{name}.py"
        for name in [
            "conftest",
            "test_data",
            "test_report",
            "test_progress",
            "test_results",
            "test_sprint_plan",
            "test_sprint_clock",
            "test_serve",
            "test_history",
            "test_leaderboard_text",
            "test_files",
            "test_tasks",
            "test_messy_files",
            "test_object_sources",
            "test_intervals",
            "test_step_imports",
            "test_good_enough",
        ]
    ),
}
# Each task family's own files: its package modules, tests, sample data and output folder (Spark with
# recommendation only), and the demo app's.
TABLE_FILES = {
    "data/sample/README.md",
    "data/sample/penguins.csv",
    "reports/predictions/.gitkeep",
    *(
        f"src/<module>/{name}.py"
        for name in [
            "tasks/tabular",
            "tasks/table_cleanup",
            "tasks/classification",
            "tasks/classification_chart",
            "tasks/regression",
            "tasks/regression_chart",
            "tasks/table_submission",
            "tasks/dates",
            "tasks/numbers",
            "models/features",
            "models/random_baseline",
            "models/rules",
            "models/conditions",
            "models/condition_parser",
            "models/rule_learning",
            "models/knn",
            "serve/batching",
            "serve/table_routes",
            "tasks/missing",
            "cross_validation",
        ]
    ),
    *(
        f"tests/{name}.py"
        for name in [
            "test_clean",
            "test_clean_record",
            "test_conditions",
            "test_config",
            "test_models",
            "test_row_features",
            "test_rules_learning",
            "test_seeds",
            "test_settings",
            "test_split",
            "test_steps",
            "test_submit",
            "test_submit_config",
            "test_table_charts",
            "test_table_metrics",
            "test_curves",
            "test_learning",
        ]
    ),
}
RECOMMENDATION_FILES = {
    "data/sample/MOVIES.md",
    "data/sample/interactions.csv",
    "data/sample/movies.csv",
    "data/sample/make_movies.py",
    "reports/recommendations/.gitkeep",
    *(
        f"src/<module>/{name}.py"
        for name in [
            "recommend",
            "item_table",
            "tasks/recommendation",
            "tasks/recommendation_chart",
            "tasks/recommendation_submission",
            "tasks/interaction_columns",
            "tasks/interaction_log",
            "tasks/ranking",
            "models/interactions",
            "models/selection",
            "models/candidate_search",
            "models/neighbours",
            "models/neighbours_without",
            "models/random_items",
            "models/popularity",
            "models/item_knn",
            "models/als",
            "serve/recommendation_routes",
            "models/validation",
            "models/attributes",
            "spark/__init__",
            "spark/similarity",
            "spark/datasets",
            "spark/snapshot",
            "spark/cleanup",
            "spark/holdout",
            "spark/storage",
        ]
    ),
    *(
        f"tests/{name}.py"
        for name in [
            "test_recommendation",
            "test_recommendation_config",
            "test_recommender_basics",
            "test_recommenders",
            "test_spark_settings",
            "test_popularity_rules",
            "test_item_knn",
        ]
    ),
}
OPTION_FILES = {
    ("demo_app", "streamlit"): {"app.py", ".streamlit/config.toml"},
    ("task", "classification"): TABLE_FILES,
    ("task", "regression"): TABLE_FILES,
    ("task", "recommendation"): RECOMMENDATION_FILES,
}
# Files of a combination of answers: the recommendation demo's filters ship only beside its app.
COMBINATION_FILES = {
    (("task", "recommendation"), ("demo_app", "streamlit")): {"src/<module>/demo_filters.py"},
}


def baked_files(project) -> set[str]:
    return {str(path.relative_to(project)) for path in project.rglob("*") if path.is_file()}


@pytest.mark.parametrize("task", TASKS)
@pytest.mark.parametrize("demo_app", ["streamlit", "none"])
def test_bake_creates_exactly_the_documented_files(cookies, task, demo_app):
    """Each combination of answers gives exactly its files: none missing, none stray, no bytecode."""
    result = cookies.bake(extra_context={"project_name": "Penguin Party", "task": task, "demo_app": demo_app})
    assert result.exit_code == 0, result.exception
    answers = {"task": task, "demo_app": demo_app}
    expected = {name.replace("<module>", "penguin_party") for name in PROJECT_FILES}
    expected |= set().union(*(files for (option, value), files in OPTION_FILES.items() if answers[option] == value))
    for combination, files in COMBINATION_FILES.items():
        if all(answers[option] == value for option, value in combination):
            expected |= files
    expected = {name.replace("<module>", "penguin_party") for name in expected}
    assert baked_files(result.project_path) == expected


def test_the_task_choices_are_the_projects_tasks(cookies, template):
    """cookiecutter.json offers exactly the tasks the baked project's registry knows."""
    choices = json.loads((template / "cookiecutter.json").read_text())["task"]
    registry = cookies.bake().project_path / "src" / "hackathon_ml" / "models" / "registry.py"
    assert choices == list(runpy.run_path(str(registry))["TASKS"])


def test_slug_and_module_name_derive_from_the_project_name(cookies):
    """'Penguin Party' gives the folder penguin-party and the package penguin_party."""
    result = cookies.bake(extra_context={"project_name": "Penguin Party"})
    assert result.project_path.name == "penguin-party"
    assert (result.project_path / "src" / "penguin_party" / "__init__.py").is_file()


def test_a_recommendation_project_reads_the_movie_sample(cookies):
    """task=recommendation: config.toml names the sample log's columns and item table, and no target."""
    project = cookies.bake(extra_context={"task": "recommendation"}).project_path
    config = tomllib.loads((project / "config.toml").read_text())
    assert config["task"] == "recommendation"
    assert config["data"]["source"] == "data/sample/interactions.csv"
    assert (config["data"]["user"], config["data"]["item"], config["data"]["items"]) == (
        "user",
        "item",
        "data/sample/movies.csv",
    )
    assert "target" not in config["data"]
    assert config["evaluate"]["k"] == 10
    assert set(config["models"]) == set(MODELS)


@pytest.mark.parametrize(("task", "target"), [("classification", "species"), ("regression", "body_mass_g")])
def test_each_task_gets_its_settings_and_default_target(cookies, task, target):
    """config.toml carries the chosen task and the sample's matching target column."""
    result = cookies.bake(extra_context={"task": task})
    config = tomllib.loads((result.project_path / "config.toml").read_text())
    assert config["task"] == task
    assert config["data"]["target"] == target
    assert config["data"]["source"] == "data/sample/penguins.csv"
    assert set(config["models"]) == set(MODELS)


@pytest.mark.parametrize("task", TASKS)
@pytest.mark.parametrize("demo_app", ["streamlit", "none"])
def test_no_template_syntax_survives_in_any_file(cookies, task, demo_app):
    """Every generated file is fully rendered: no '{{' or '{%' is left for the team to trip over (GitHub
    Actions' own `${{ }}` expressions in the workflow are not Jinja)."""
    result = cookies.bake(extra_context={"task": task, "demo_app": demo_app, "project_name": "Penguin Party"})
    leftovers = [
        str(path.relative_to(result.project_path))
        for path in result.project_path.rglob("*")
        if path.is_file() and re.search(r"(?<!\$)\{\{|\{%", path.read_text(encoding="utf-8"))
    ]
    assert leftovers == []


def test_quotes_in_answers_keep_pyproject_valid(cookies):
    """Answers are written into TOML safely, whatever characters they hold."""
    result = cookies.bake(extra_context={"description": 'Say "hi" \\ wave', "author_name": "O'Brien & Co"})
    project = tomllib.loads((result.project_path / "pyproject.toml").read_text())["project"]
    assert project["description"] == 'Say "hi" \\ wave'
    assert project["authors"] == [{"name": "O'Brien & Co"}]


@pytest.mark.parametrize("task", TASKS)
def test_generated_code_passes_its_own_lint(cookies, task):
    """`make lint` (ruff, as configured in the project's pyproject.toml) passes on a fresh project."""
    result = cookies.bake(extra_context={"task": task})
    succeed(["make", "lint"], result.project_path)


@pytest.mark.parametrize("command", [["check"], ["format", "--check"]])
def test_the_templates_own_python_passes_ruff(template, command):
    """The template's tests and benchmarks pass `ruff check` and `ruff format --check` (ruff.toml)."""
    result = subprocess.run([sys.executable, "-m", "ruff", *command, "."], cwd=template, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("task", ["classification", "regression", "recommendation"])
def test_every_task_family_has_the_shared_invoke_commands(cookies, task):
    """The commands every project has (explore, report, serve...) are invoke commands whatever the task."""
    project = cookies.bake(extra_context={"task": task}).project_path
    listed = succeed([sys.executable, "-m", "invoke", "--list"], project)
    for command in ("baseline", "all", "report", "explore", "serve", "ship", "submit", "history", "sprint", "clean"):
        assert f"  {command} " in listed, command


def test_bake_prints_the_next_commands(cookies, capfd):
    """After baking, the team is told exactly what to type next."""
    cookies.bake(extra_context={"project_name": "Penguin Party"})
    output = capfd.readouterr().out
    assert "cd penguin-party" in output
    assert "invoke baseline" in output and "invoke all" in output


def test_the_readme_commands_table_is_what_make_help_lists(cookies):
    """README's commands and `make help` come from one list, and each invoke twin really exists."""
    project = cookies.bake().project_path
    helped = [line.split(None, 1) for line in succeed(["make", "help"], project).splitlines() if line.startswith("  ")]
    readme = (project / "README.md").read_text()
    rows = [[cell.strip() for cell in row.split("|")[1:-1]] for row in readme.splitlines() if "| `make " in row]
    assert [[make.removeprefix("`make ").rstrip("`"), text] for _, make, text in rows] == helped
    invoke_list = succeed([sys.executable, "-m", "invoke", "--list"], project)
    for twin in (row[0] for row in rows if row[0]):
        assert twin.strip("`").removeprefix("invoke ") in invoke_list, twin
