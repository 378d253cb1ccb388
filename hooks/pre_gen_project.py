"""Check the answers before cookiecutter writes anything.

A bad answer stops generation with one line that names the field, the bad
value and a valid example; cookiecutter then removes the half-made folder.
The answers arrive as JSON so that no value is ever pasted into code.
"""

import json
import keyword
import math
import re
import sys

ANSWERS = json.loads(r"""{{ cookiecutter | tojson }}""")

SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
MODULE = re.compile(r"[a-z_][a-z0-9_]*")
TASKS = ("classification", "regression")
# The same limits as sprint/plan.py in the generated package: below them a plan cannot hold
# a scope, four sprints, a rebuild and a demo.
MIN_HOURS = 4
MIN_SPRINT_HOURS = 0.5
HOURS_EXAMPLE = {"hackathon_hours": 24, "sprint_hours": 2}
DEMO_APPS = ("streamlit", "none")

# Importing the project's package must never pick up one of these instead.
TAKEN_NAMES = {
    # the project's own folders and files
    "data", "models", "reports", "notebooks", "src", "tasks", "tests", "test",
    # what the generated project installs or is likely to install next
    "dotenv", "duckdb", "hypothesis", "invoke", "ipykernel", "joblib", "jupyter",
    "matplotlib", "notebook", "numpy", "openpyxl", "pandas", "psycopg", "pyarrow",
    "pytest", "requests", "ruff", "scipy", "seaborn", "sklearn", "sqlalchemy",
    "streamlit", "tomli", "urllib3", "uv",
}


def suggestion(name: str) -> str:
    """A valid module name close to `name`, for the example in a message."""
    candidate = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
    if candidate[:1].isdigit():
        candidate = f"project_{candidate}"
    if candidate and problem_with_module(candidate) is None:
        return candidate
    return "penguin_party"


def problem_with_module(name: str) -> "str | None":
    if not MODULE.fullmatch(name):
        return "is not a lowercase Python identifier"
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        return "is a Python keyword"
    if name in sys.stdlib_module_names:
        return "would shadow the standard library module of that name"
    if name in TAKEN_NAMES:
        return "would shadow a dependency or a folder of the project"
    return None


def hours(value) -> "float | None":
    """The answer as a finite number of hours, or None."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def problems_with_hours(answers: dict) -> "list[str]":
    event, sprint = hours(answers["hackathon_hours"]), hours(answers["sprint_hours"])
    found = []
    for name, number, low in (("hackathon_hours", event, MIN_HOURS), ("sprint_hours", sprint, MIN_SPRINT_HOURS)):
        value, example = answers[name], f"e.g. {name}={HOURS_EXAMPLE[name]}"
        if number is None:
            found.append(f"{name} {value!r} is not a number of hours, {example}")
        elif number <= 0:
            found.append(f"{name} {value!r} must be more than zero, {example}")
        elif number < low:
            found.append(f"{name} {value!r} is too short: a plan needs at least {low:g} hours, {example}")
    if not found and sprint > event:
        found.append(
            f"sprint_hours {answers['sprint_hours']!r} is longer than the hackathon "
            f"({answers['hackathon_hours']!r} hours), e.g. sprint_hours={HOURS_EXAMPLE['sprint_hours']}"
        )
    return found


def problems(answers: dict) -> "list[str]":
    name = answers["project_name"].strip()
    slug = answers["project_slug"]
    module = answers["module_name"]
    found = []
    if not re.search(r"[A-Za-z0-9]", name):
        found.append(
            f"project_name {name!r} needs at least one letter or digit, "
            "e.g. project_name='Penguin Party'"
        )
    if not SLUG.fullmatch(slug):
        example = suggestion(slug).replace("_", "-")
        found.append(
            f"project_slug {slug!r} must be lowercase letters, digits and single dashes, "
            f"e.g. project_slug='{example}'"
        )
    why = problem_with_module(module)
    if why:
        found.append(f"module_name {module!r} {why}; use e.g. module_name='{suggestion(module)}'")
    if answers["task"] not in TASKS:
        found.append(f"task {answers['task']!r} is not one of {', '.join(TASKS)}")
    if answers["demo_app"] not in DEMO_APPS:
        found.append(f"demo_app {answers['demo_app']!r} is not one of {', '.join(DEMO_APPS)}, e.g. demo_app='none'")
    return found + problems_with_hours(answers)


if __name__ == "__main__":
    found = problems(ANSWERS)
    if found:
        # One line: the first problem is the root cause of any that follow from it.
        sys.exit(f"error: {found[0]}")
