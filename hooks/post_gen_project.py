"""Finish the new project: remove the files of options not chosen, write its sprint plan,
say what to run next."""

import json
import shutil
import sys
from pathlib import Path

# tojson escapes every quote and line break inside a value, so no answer can end this raw string.
ANSWERS = json.loads(r"""{{ cookiecutter | tojson }}""")

# The files that exist only for one answer of an option.
DEMO_APP_FILES = ["app.py", ".streamlit"]

NEXT_STEPS = """
Created {project_slug}/: {task} on the bundled penguins sample, settings in config.toml.

Next:
  cd {project_slug}
  invoke baseline    # builds .venv, snapshots and cleans the data, trains the random baseline, prints its score
  invoke all         # adds the rule-based model and KNN, prints the leaderboard, writes reports/REPORT.html
{demo}
Then point [data] source and target in config.toml at your own data (a file, a database or an API;
secrets go in .env, see .env.example): the same commands work on it. `invoke fetch` fetches it again.
(No invoke? `make baseline` and `make` do the same; `make help` lists every target.)

SPRINTS.md plans your {hackathon_hours} hours in {sprint_hours}-hour sprints:
`invoke sprint --start` when the hackathon starts, `invoke sprint` to see where you stand.
"""
DEMO_STEP = "  invoke demo        # starts the demo app on http://127.0.0.1:8501\n"


def remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink()


def write_sprint_plan() -> None:
    """SPRINTS.md, rendered by the project's own sprint module, so plan and clock agree."""
    sys.dont_write_bytecode = True  # leave no __pycache__ in the new project
    sys.path.insert(0, str(Path("src").resolve()))
    from {{ cookiecutter.module_name }} import sprint

    sections = sprint.plan(float(ANSWERS["hackathon_hours"]), float(ANSWERS["sprint_hours"]))
    Path(sprint.CHECKLIST).write_text(sprint.render(sections, ANSWERS["project_name"]), encoding="utf-8")


if __name__ == "__main__":
    write_sprint_plan()
    if ANSWERS["demo_app"] == "none":
        for name in DEMO_APP_FILES:
            remove(Path(name))
    demo = DEMO_STEP if ANSWERS["demo_app"] != "none" else ""
    print(NEXT_STEPS.format(demo=demo, **ANSWERS))
