"""Finish the new project: remove the files of options not chosen, write its sprint plan,
say what to run next."""

import ast
import json
import re
import shutil
import sys
from pathlib import Path

# tojson escapes every quote and line break inside a value, so no answer can end this raw string.
ANSWERS = json.loads(r"""{{ cookiecutter | tojson }}""")

# The files that exist only for one answer of an option.
DEMO_APP_FILES = ["app.py", ".streamlit", "src/{{ cookiecutter.module_name }}/demo_filters.py"]
# Each task family's own files, removed from a bake of the other family: its package modules (and
# so its libraries), its tests, its sample data and its output folder. Spark ships with recommendation only.
PACKAGE = "src/{{ cookiecutter.module_name }}"
FAMILY_FILES = {
    "table": [
        *(f"{PACKAGE}/tasks/{name}.py" for name in (
            "tabular", "table_cleanup", "classification", "classification_chart", "regression", "regression_chart",
            "table_submission", "dates", "numbers",
        )),
        *(f"{PACKAGE}/models/{name}.py" for name in (
            "random_baseline", "rules", "rule_learning", "conditions", "condition_parser", "knn", "features",
        )),
        *(f"{PACKAGE}/serve/{name}.py" for name in ("batching", "table_routes")),
        f"{PACKAGE}/tasks/missing.py",
        f"{PACKAGE}/cross_validation.py",
        *(f"tests/{name}.py" for name in (
            "test_clean", "test_clean_record", "test_conditions", "test_config", "test_models",
            "test_row_features", "test_rules_learning", "test_seeds", "test_settings", "test_split", "test_steps",
            "test_submit", "test_submit_config", "test_table_charts", "test_table_metrics", "test_curves",
            "test_learning",
        )),
        "data/sample/penguins.csv",
        "data/sample/README.md",
        "reports/predictions",
    ],
    "recommendation": [
        f"{PACKAGE}/spark",
        f"{PACKAGE}/recommend.py",
        f"{PACKAGE}/item_table.py",
        f"{PACKAGE}/demo_filters.py",
        *(f"{PACKAGE}/tasks/{name}.py" for name in (
            "recommendation", "recommendation_chart", "recommendation_submission", "interaction_columns",
            "interaction_log", "ranking",
        )),
        *(f"{PACKAGE}/models/{name}.py" for name in (
            "interactions", "selection", "candidate_search", "neighbours", "neighbours_without", "random_items",
            "popularity", "item_knn", "als", "validation", "attributes",
        )),
        f"{PACKAGE}/serve/recommendation_routes.py",
        *(f"tests/{name}.py" for name in (
            "test_recommendation", "test_recommendation_config", "test_recommender_basics", "test_recommenders",
            "test_spark_settings", "test_popularity_rules", "test_item_knn",
        )),
        "data/sample/interactions.csv",
        "data/sample/movies.csv",
        "data/sample/make_movies.py",
        "data/sample/MOVIES.md",
        "reports/recommendations",
    ],
}
# Each family's notebook, kept as notebooks/01-explore.ipynb.
NOTEBOOKS = {"table": "notebooks/01-explore.ipynb", "recommendation": "notebooks/01-explore-recommendation.ipynb"}
EXPLORE = "notebooks/01-explore.ipynb"

NEXT_STEPS = """
Created {project_slug}/: {task} on the bundled {sample} sample, settings in config.toml.

Next:
  cd {project_slug}
  invoke baseline    # builds .venv, snapshots and cleans the data, trains the random baseline, prints its score
  invoke all         # adds the rule-based model and KNN, prints the leaderboard, writes reports/REPORT.html
{demo}
Then point [data] source and {columns} in config.toml at your own data (a file, a database or an API;
secrets go in .env, see .env.example): the same commands work on it. `invoke fetch` fetches it again.
(No invoke? `make baseline` and `make` do the same; `make help` lists every target.)

SPRINTS.md plans your {hackathon_hours} hours in {sprint_hours}-hour sprints:
`invoke sprint --start` when the hackathon starts, `invoke sprint` to see where you stand.
"""
DEMO_STEP = "  invoke demo        # starts the demo app on http://127.0.0.1:8501\n"
RECOMMEND_STEP = "  invoke recommend --user u00042   # each model's top 10 for one user, beside their history\n"


# The Makefile's self-documenting targets, `target: ... ## what it does`, as `make help` reads them.
HELP_LINE = re.compile(r"^([a-z-]+):.*?## (.*)$")
COMMANDS_MARKER = "<!-- commands: the post-gen hook writes this table from the Makefile's `## ` comments -->"


def invoke_commands(tasks: Path) -> "set[str]":
    """The names tasks.py gives its @task functions (a `name=` or the function's own)."""
    names = set()
    for node in ast.parse(tasks.read_text(encoding="utf-8")).body:
        for decorator in getattr(node, "decorator_list", []):
            if isinstance(decorator, ast.Name) and decorator.id == "task":
                names.add(node.name)
            elif isinstance(decorator, ast.Call) and getattr(decorator.func, "id", "") == "task":
                named = [k.value.value for k in decorator.keywords if k.arg == "name"]
                names.add(named[0] if named else node.name)
    return names


def commands_table(makefile: Path, tasks: Path) -> str:
    """README's table of commands, from the one list `make help` prints, with each invoke twin."""
    invoke = invoke_commands(tasks)
    rows = ["| invoke | make | What it does |", "|---|---|---|"]
    for target, text in (m.groups() for m in map(HELP_LINE.match, makefile.read_text().splitlines()) if m):
        twin = f"`invoke {target}`" if target in invoke else ""
        rows.append(f"| {twin} | `make {target}` | {text} |")
    return "\n".join(rows)


def write_commands_table() -> None:
    readme = Path("README.md")
    table = commands_table(Path("Makefile"), Path("tasks.py"))
    readme.write_text(readme.read_text(encoding="utf-8").replace(COMMANDS_MARKER, table), encoding="utf-8")


def remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)  # a file of two options (the recommendation demo's) goes once


def write_sprint_plan() -> None:
    """SPRINTS.md, rendered by the project's own sprint module, so plan and clock agree."""
    sys.dont_write_bytecode = True  # leave no __pycache__ in the new project
    sys.path.insert(0, str(Path("src").resolve()))
    from {{ cookiecutter.module_name }}.sprint.checklist import CHECKLIST, render
    from {{ cookiecutter.module_name }}.sprint.plan import schedule

    sections = schedule(float(ANSWERS["hackathon_hours"]), float(ANSWERS["sprint_hours"]))
    Path(CHECKLIST).write_text(render(sections, ANSWERS["project_name"]), encoding="utf-8")


if __name__ == "__main__":
    write_sprint_plan()
    if ANSWERS["demo_app"] == "none":
        for name in DEMO_APP_FILES:
            remove(Path(name))
    family = "recommendation" if ANSWERS["task"] == "recommendation" else "table"
    for other, files in FAMILY_FILES.items():
        if other != family:
            for name in files:
                remove(Path(name))
    for kept, notebook in NOTEBOOKS.items():
        if kept != family:
            remove(Path(notebook))
    Path(NOTEBOOKS[family]).replace(EXPLORE)
    write_commands_table()
    demo = DEMO_STEP if ANSWERS["demo_app"] != "none" else ""
    if family == "recommendation":
        demo = RECOMMEND_STEP + demo
        sample, columns = "synthetic movie", "user, item"
    else:
        sample, columns = "penguins", "target"
    print(NEXT_STEPS.format(demo=demo, sample=sample, columns=columns, **ANSWERS))
