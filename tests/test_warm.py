"""Plain `make` is parallel, the config step runs once per change, and steps run warm as they would cold."""

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import sysconfig
import time
from datetime import datetime
from pathlib import Path

import pytest
from baked import run, succeed, warm_servers

MODULE = "penguin_party"
# What the pipeline builds from the data, compared byte for byte. KNN's model file holds its grid search's
# fit times (cv_results_), new on every run: its predictions, compared here, show it is the same model.
BUILT = [
    "models/random.joblib",
    "models/rules.joblib",
    "reports/metrics/*.json",
    "reports/predictions/*.parquet",
    "reports/leaderboard.md",
]
BUILT += ["reports/learning/*.json", "data/interim/*", "data/processed/*", "reports/REPORT.md"]
# The figures (the warm server has drawn one of its own first: warm_imports.draw_once), but for cost.png,
# which draws the seconds no two runs share: leaderboard, learning-curve, knn, knn-validation, rules, random.
BUILT += ["reports/figures/[lkr]*.png"]


# A step make runs warm, quick to redo, whose code the tests edit (the leaderboard and the report run cold).
WARM_STEP = Path("src") / MODULE / "figures.py"
# Its line that says what it drew, and the same line edited.
DREW = '    print(f"figures: '
EDITED = '    print(f"edited: '


def digests(project: Path) -> dict[str, str]:
    """Each built file's SHA-256; a metrics file's without its `cost`, the seconds no two runs share."""
    return {
        str(path.relative_to(project)): hashlib.sha256(without_cost(path)).hexdigest()
        for pattern in BUILT
        for path in sorted(project.glob(pattern))
    }


def without_cost(path: Path) -> bytes:
    if path.parent.name != "metrics":
        return path.read_bytes()
    scores = json.loads(path.read_text())
    scores.pop("cost")
    return json.dumps(scores, sort_keys=True).encode()


def build_log(project: Path) -> list[dict]:
    return [json.loads(line) for line in (project / "reports" / "build-log.jsonl").read_text().splitlines()]


def ran(step_line: str, output: str) -> list[str]:
    """The command lines make printed that run the step `step_line` names (e.g. "config")."""
    return [line for line in output.splitlines() if re.search(rf"-m {MODULE}\.{step_line} ", line)]


def test_one_config_edit_runs_the_config_step_once(project):
    """Editing config.toml reads it once: one config run, before the steps that the change affects."""
    config = project / "config.toml"
    config.write_text(config.read_text().replace("n_neighbors = [1, 3, 5, 9, 15, 25]", "n_neighbors = [3, 7]"))
    logged = len(build_log(project))
    output = succeed(["make"], project)
    assert len(ran("config", output)) == 1
    assert [record["step"] for record in build_log(project)[logged:]].count("config") == 1


def test_plain_make_trains_two_models_side_by_side(project):
    """A plain `make` (no -j) runs independent steps at once: the trainings' runs overlap in the build log."""
    # A first build starts this copy's warm server, which imports the libraries between requests: a request
    # that comes during an import waits for it (up to a second on a busy machine), the step forked before
    # it may be done by then. The build measured is the next one, on a server done importing.
    for build in (["make", "clean"], ["make"], ["make", "clean"]):
        succeed(build, project)
    logged = len(build_log(project))
    succeed(["make"], project)
    spans = [
        (end - record["seconds"], end)
        for record in build_log(project)[logged:]
        if record["step"] == "train"
        for end in [datetime.fromisoformat(record["finished_at"]).timestamp()]
    ]
    assert len(spans) == 3
    assert any(a[0] < b[1] and b[0] < a[1] for a in spans for b in spans if a != b)


def test_make_takes_the_costliest_model_first(built_project):
    """make goes through the models last to first, so a parallel build starts the progression's slowest
    training (KNN) at once instead of leaving it to run alone after the others."""
    output = succeed(["make", "-n", "-W", "data/processed/train.parquet"], built_project)
    trained = [re.search(r"\.settings/(\w+)\.json", line)[1] for line in ran("train", output)]
    assert trained == ["knn", "rules", "random"]


def test_one_job_builds_the_same_files_as_plain_make(project):
    """`make -j1` from clean writes byte for byte what the parallel `make` wrote."""
    parallel = digests(project)
    succeed(["make", "clean"], project)
    succeed(["make", "-j1"], project)
    assert digests(project) == parallel


def test_cold_steps_write_the_same_files_as_warm_ones(project):
    """`make WARM=0` runs every step as `python -m` and writes byte for byte what the warm steps wrote."""
    warm = digests(project)
    succeed(["make", "clean"], project)
    output = succeed(["make", "WARM=0"], project)
    assert "tools/warm.py" not in output and len(ran("train", output)) == 3
    assert digests(project) == warm


def test_a_build_with_no_bytecode_cached_writes_the_same_files(project, tmp_path):
    """On an environment with no bytecode cached (`make PYTHON=` on one never compiled; here an empty
    PYTHONPYCACHEPREFIX), the warm server and its steps compile as they import: the build writes byte for
    byte what it writes on a compiled one."""
    used = digests(project)
    succeed(["make", "clean"], project)
    bytecode = tmp_path / "bytecode"
    output = succeed(["make"], project, PYTHONPYCACHEPREFIX=str(bytecode))
    assert len(ran("train", output)) == 3 and digests(project) == used
    assert warm_servers(project) and list(bytecode.glob("**/sklearn/dummy.*.pyc"))


def test_an_edited_module_is_seen_by_the_next_warm_step(project):
    """The warm server never holds the project's code: an edit between two builds runs, on the same server."""
    code = project / WARM_STEP
    code.touch()
    succeed(["make"], project)
    servers = warm_servers(project)
    assert len(servers) == 1
    code.write_text(code.read_text().replace(DREW, EDITED))
    output = succeed(["make"], project)
    assert "edited: leaderboard and" in output
    assert warm_servers(project) == servers


def test_ctrl_c_during_a_warm_step_stops_it_and_leaves_nothing_fresh(project):
    """Ctrl-C (SIGINT to make and the launcher) ends the warm step, leaves no figure make takes for
    fresh, and the next `make` draws it with the server still serving."""
    code = project / WARM_STEP
    original = code.read_text()
    started = project / "started.pid"
    hang = f'    Path("{started}").write_text(str(__import__("os").getpid()))\n    __import__("time").sleep(120)\n'
    reading = "    results = [read_json(path) for path in metrics]\n"
    code.write_text(original.replace(reading, reading + hang))
    built = project / "reports" / "figures" / "leaderboard.png"
    before = (built.read_bytes(), built.stat().st_mtime_ns)
    environment = {**os.environ, "PYTHON": sys.executable}
    # as a terminal starts its foreground job: Ctrl-C not ignored, whatever this test process inherited (an
    # xdist worker was once seen to pass SIGINT on ignored: the launcher and the step then rightly ignore it)
    in_terminal = "import os, signal; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execvp('make', ['make'])"
    started_make = [sys.executable, "-c", in_terminal]
    make = subprocess.Popen(started_make, cwd=project, env=environment, start_new_session=True, stdout=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not started.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    step = int(started.read_text())
    os.killpg(make.pid, signal.SIGINT)  # what a terminal's Ctrl-C does to the foreground job
    try:
        make.communicate(timeout=60)
    except subprocess.TimeoutExpired:  # seen once in CI under load: say what was still running
        running = subprocess.run(["ps", "-eo", "pid,ppid,pgid,stat,args"], capture_output=True, text=True).stdout
        os.killpg(make.pid, signal.SIGKILL)
        inherited = signal.getsignal(signal.SIGINT)
        pytest.fail(f"make still ran 60 s after Ctrl-C (step {step}, SIGINT here: {inherited}); processes:\n{running}")
    assert make.returncode != 0
    assert (built.read_bytes(), built.stat().st_mtime_ns) == before
    assert run(["make", "-q"], project).returncode != 0
    deadline = time.monotonic() + 10
    while Path(f"/proc/{step}").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not Path(f"/proc/{step}").exists()
    servers = warm_servers(project)
    code.write_text(original)
    succeed(["make"], project)
    assert built.stat().st_mtime_ns > before[1]
    assert warm_servers(project) == servers


def test_a_failing_warm_step_exits_and_explains_itself_as_a_cold_one(built_project, tmp_path):
    """A step that refuses its input ends with the same exit code and the same one-line error, warm or cold."""
    settings = json.loads((built_project / ".settings" / "clean.json").read_text())
    (tmp_path / "clean.json").write_text(json.dumps({**settings, "target": "specie"}))
    step = ["-m", f"{MODULE}.clean", str(tmp_path / "clean.json"), "data/raw/snapshot.parquet"]
    source = {"PYTHONPATH": str(built_project / "src")}
    warm = run([sys.executable, "tools/warm.py", *step, str(tmp_path / "warm.parquet")], built_project, **source)
    cold = run([sys.executable, *step, str(tmp_path / "cold.parquet")], built_project, **source)
    assert cold.returncode == 1 and cold.stderr.startswith("error: target column 'specie' is not in the data")
    assert (warm.returncode, warm.stdout, warm.stderr) == (cold.returncode, cold.stdout, cold.stderr)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["clean.json"]


def test_two_projects_never_share_a_warm_server(project, tmp_path):
    """Each project's steps go to its own server, even when both projects are built at once."""
    other = tmp_path / "other" / project.name
    shutil.copytree(project, other)
    for copy in (project, other):
        (copy / WARM_STEP).touch()
        succeed(["make"], copy)
    ours, theirs = warm_servers(project), warm_servers(other)
    assert len(ours) == 1 and len(theirs) == 1 and ours != theirs


def test_a_step_runs_cold_when_the_warm_server_cannot_start(project):
    """A warm server that fails to start costs nothing but its speed: the step runs as `python -m`."""
    (project / "tools" / "warm_server.py").write_text('raise SystemExit("cannot start")\n')
    code = project / WARM_STEP
    code.write_text(code.read_text().replace(DREW, EDITED))
    output = succeed(["make", "reports/figures/leaderboard.png"], project)
    assert "edited: leaderboard and" in output
    assert warm_servers(project) == []


# Run as another user: connect to the project's server and ask it to run a module that leaves a mark.
INTRUDER = """
import os, sys
sys.path.insert(0, "tools")
import warm
os.setuid(65534)
client = warm.connect("\\0" + sys.argv[2][1:])  # the server's own command line names its address
try:  # the server may hang up before the request is even sent: it checks who connected first
    warm.send_message(client, {"module": "mark", "args": [], "cwd": sys.argv[1], "env": {}, "umask": 0,
                               "ignored": []}, warm.standard_fds())
    print("refused" if warm.receive_message(client) is None else "served")
except (BrokenPipeError, ConnectionResetError):
    print("refused")
"""


def test_a_warm_server_runs_steps_for_its_own_user_alone(project, tmp_path):
    """Any local user can reach a Linux abstract socket: the server runs nothing another user asks for."""
    if os.getuid() != 0:
        pytest.skip("changing to another user needs root (CI runs as root)")
    (project / WARM_STEP).touch()
    succeed(["make"], project)  # the server is up
    [server] = warm_servers(project)
    address = Path(f"/proc/{server}/cmdline").read_bytes().split(b"\0")[2].decode()
    (tmp_path / "mark.py").write_text(f"open({str(tmp_path / 'marked')!r}, 'w').close()\n")
    tmp_path.chmod(0o777)
    intruder = succeed([sys.executable, "-c", INTRUDER, str(tmp_path), address], project)
    assert intruder.strip() == "refused"
    assert not (tmp_path / "marked").exists()


def test_a_rebuilt_environment_gets_a_new_warm_server(project, tmp_path):
    """A `.venv` rebuilt in place (same path, its packages installed anew) is served by a new server, so
    no step runs on libraries imported from the environment that was removed."""
    environment = tmp_path / ".venv"
    libraries = sysconfig.get_paths()["purelib"]  # this test environment's, shared through a .pth file
    servers = []
    for _ in range(2):
        shutil.rmtree(environment, ignore_errors=True)
        succeed([sys.executable, "-m", "venv", str(environment)], project)
        site_packages = next(environment.glob("lib/python*/site-packages"))
        (site_packages / "test-environment.pth").write_text(libraries + "\n")
        (project / WARM_STEP).touch()
        succeed(["make", "reports/figures/leaderboard.png"], project, PYTHON=str(environment / "bin" / "python"))
        servers.append(set(warm_servers(project)))
    first, second = servers
    assert len(first) == 1 and len(second - first) == 1
