"""Finish the new project: write its sprint plan, say what to run next."""

import json
import sys
from pathlib import Path

ANSWERS = json.loads(r"""{{ cookiecutter | tojson }}""")

NEXT_STEPS = """
Created {project_slug}/: {task} on the bundled penguins sample, settings in config.toml.

Next:
  cd {project_slug}
  invoke baseline    # builds .venv, snapshots and cleans the data, trains the random baseline, prints its score
  invoke all         # adds the rule-based model and KNN, prints the leaderboard

Then point [data] source and target in config.toml at your own data: the same commands work on it.
(No invoke? `make baseline` and `make` do the same; `make help` lists every target.)

SPRINTS.md plans your {hackathon_hours} hours in {sprint_hours}-hour sprints:
`invoke sprint --start` when the hackathon starts, `invoke sprint` to see where you stand.
"""


def write_sprint_plan() -> None:
    """SPRINTS.md, rendered by the project's own sprint module, so plan and clock agree."""
    sys.dont_write_bytecode = True  # leave no __pycache__ in the new project
    sys.path.insert(0, str(Path("src").resolve()))
    from {{ cookiecutter.module_name }} import sprint

    sections = sprint.plan(float(ANSWERS["hackathon_hours"]), float(ANSWERS["sprint_hours"]))
    Path(sprint.CHECKLIST).write_text(sprint.render(sections, ANSWERS["project_name"]), encoding="utf-8")


if __name__ == "__main__":
    write_sprint_plan()
    print(NEXT_STEPS.format(**ANSWERS))
