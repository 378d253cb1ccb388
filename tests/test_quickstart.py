"""The template README's two commands do what it says, from a fresh clone of the template."""

import re
import shutil
import subprocess

import pytest
from baked import TEMPLATE

README = (TEMPLATE / "README.md").read_text(encoding="utf-8")
# The commands of the "Two commands" section, in order: the bake-and-score line, then the test line.
TWO_COMMANDS = re.findall(r"```bash\n(.+)\n```", README.split("## Two commands", 1)[1].split("\n## ", 1)[0])
# The placeholder the README uses for where the template lives.
PUBLISHED = "gh:<org>/cookiecutter-hackathon-ml"


def test_the_readme_test_command_is_the_one_ci_runs():
    """The second command ends with the very command .ci/run runs after its installs."""
    ci_command = (TEMPLATE / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()[-1]
    assert len(TWO_COMMANDS) == 2 and TWO_COMMANDS[1].endswith(f"&& {ci_command}")


@pytest.mark.slow
@pytest.mark.skipif(not (TEMPLATE / ".git").exists() or not shutil.which("uvx"), reason="needs a git clone and uv")
def test_the_one_liner_bakes_a_project_and_prints_its_first_score(tmp_path):
    """The first command, run as written on a fresh clone with uv, make and git, ends with the baseline's score."""
    clone = tmp_path / "template"
    subprocess.run(["git", "clone", "--quiet", str(TEMPLATE), str(clone)], check=True)
    command = TWO_COMMANDS[0].replace(PUBLISHED, str(clone))
    assert command != TWO_COMMANDS[0], "the README's command names the template as " + PUBLISHED
    result = subprocess.run(["bash", "-c", command], cwd=tmp_path, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert re.search(
        r"evaluate random: balanced_accuracy \d\.\d{3} \[\d\.\d{3}, \d\.\d{3}\] on \d+ held-out rows", result.stdout
    )
    assert (tmp_path / "hackathon-ml" / "reports" / "metrics" / "random.json").is_file()
