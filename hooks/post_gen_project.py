"""Finish the new project: say what to run next."""

import json

ANSWERS = json.loads(r"""{{ cookiecutter | tojson }}""")

NEXT_STEPS = """
Created {project_slug}/: {task} on the bundled penguins sample, settings in config.toml.

Next:
  cd {project_slug}
  invoke baseline    # builds .venv, snapshots and cleans the data, trains the random baseline, prints its score
  invoke all         # adds the rule-based model and KNN, prints the leaderboard

Then point [data] source and target in config.toml at your own data (a file, a database or an API;
secrets go in .env, see .env.example): the same commands work on it. `invoke fetch` fetches it again.
(No invoke? `make baseline` and `make` do the same; `make help` lists every target.)
"""

if __name__ == "__main__":
    print(NEXT_STEPS.format(**ANSWERS))
