"""The baked project's own make and invoke build, rebuild and fail the way its README says."""

import json
import sys
from pathlib import Path

import pytest
from baked import DOWNSTREAM_OF_CLEAN, LEARNING_FIGURE, MODELS, REPORTING, model_figure, planned_outputs, run, succeed
from streamlit.testing.v1 import AppTest


def metrics(project: Path, model: str) -> dict:
    return json.loads((project / "reports" / "metrics" / f"{model}.json").read_text())


def test_invoke_baseline_prints_the_score_and_writes_its_metrics(cookies):
    """`invoke baseline` on a fresh project builds up to the random baseline and prints its score."""
    project = cookies.bake().project_path
    output = succeed([sys.executable, "-m", "invoke", "baseline"], project)
    result = metrics(project, "random")
    assert f"random: balanced_accuracy = {result['metrics']['balanced_accuracy']:.3f}" in output
    assert {"model", "task", "n_train", "n_test", "metrics"} <= set(result)
    assert set(result["metrics"]) >= {"accuracy", "balanced_accuracy", "f1_macro"}
    assert not (project / "models" / "knn.joblib").exists()  # baseline builds only what it needs


def test_make_builds_every_model_and_the_leaderboard(built_project):
    """`make` trains all three models, scores them on the same test rows and ranks them."""
    results = {model: metrics(built_project, model) for model in MODELS}
    assert {r["n_test"] for r in results.values()} == {67}
    assert all(r["task"] == "classification" for r in results.values())
    leaderboard = (built_project / "reports" / "leaderboard.md").read_text()
    rows = [line for line in leaderboard.splitlines() if line.startswith("| ") and "Rank" not in line]
    ranked = [row.split("|")[2].strip() for row in rows]
    assert ranked[0] == "knn" and sorted(ranked) == sorted(MODELS)
    assert "(baseline)" in leaderboard


def test_knn_clearly_beats_the_random_baseline_on_the_sample(built_project):
    """On the penguins sample the progression pays off: KNN is far above the floor."""
    knn, random = (metrics(built_project, m)["metrics"]["balanced_accuracy"] for m in ("knn", "random"))
    assert knn > 0.9 and knn > random + 0.3


def test_a_second_make_runs_nothing(built_project):
    """Right after a full build make has nothing to do, and `make -q` agrees."""
    assert run(["make", "-q"], built_project).returncode == 0
    assert "Nothing to be done" in succeed(["make"], built_project)


def test_editing_cleanup_rebuilds_cleanup_and_downstream_only(project):
    """Touching clean.py re-runs cleanup and everything after it, never the raw snapshot."""
    (project / "src" / "penguin_party" / "clean.py").touch()
    assert planned_outputs(project) == DOWNSTREAM_OF_CLEAN


def test_editing_a_chart_redraws_the_figures_and_retrains_nothing(project):
    """A task's chart code is loaded by the model_figures step alone: editing it redraws each model's figure
    and rewrites the report that shows them; no model is retrained or re-scored."""
    (project / "src" / "penguin_party" / "tasks" / "classification_chart.py").touch()
    assert planned_outputs(project) == {*(model_figure(m) for m in MODELS), "reports/REPORT.html"}


def test_editing_the_table_submission_rebuilds_no_step_of_the_pipeline(project):
    """The submission code is loaded by `make submit` alone: the pipeline has nothing to rebuild."""
    (project / "src" / "penguin_party" / "tasks" / "table_submission.py").touch()
    assert planned_outputs(project) == set()


def test_changing_a_knn_setting_retrains_only_knn(project):
    """A new KNN grid re-trains and re-scores KNN and redoes the leaderboard and the report; nothing else."""
    config = project / "config.toml"
    config.write_text(config.read_text().replace("n_neighbors = [1, 3, 5, 9, 15, 25]", "n_neighbors = [3, 7]"))
    assert planned_outputs(project) == {
        "models/knn.joblib",
        "reports/metrics/knn.json",
        "reports/leaderboard.md",
        "reports/learning/knn.json",
        model_figure("knn"),
        LEARNING_FIGURE,
        *REPORTING,
    }
    succeed(["make"], project)
    assert run(["make", "-q"], project).returncode == 0


def test_an_unrelated_config_edit_rebuilds_nothing(project):
    """A comment or a reformatted line in config.toml changes no stage's settings."""
    config = project / "config.toml"
    config.write_text(config.read_text() + "\n# a note for the team\n")
    assert planned_outputs(project) == set()


def test_changing_the_target_keeps_the_raw_snapshot(project):
    """A new target rebuilds from cleanup on (cleanup drops rows without a target), not the snapshot."""
    config = project / "config.toml"
    config.write_text(config.read_text().replace('target = "species"', 'target = "island"'))
    assert planned_outputs(project) == DOWNSTREAM_OF_CLEAN


def with_sample(project: Path, sample: str) -> None:
    """Set [data] sample in the project's config.toml (its commented example becomes the setting)."""
    config = project / "config.toml"
    config.write_text(config.read_text().replace("# sample = 0.1", f"sample = {sample}", 1))


def test_changing_the_sample_rebuilds_from_cleanup_on(project):
    """A new [data] sample rebuilds from cleanup on (cleanup takes the sample), not the snapshot."""
    with_sample(project, "0.5")
    assert planned_outputs(project) == DOWNSTREAM_OF_CLEAN


def test_a_build_on_a_sample_says_so_in_the_metrics_and_the_report(project):
    """Built on `sample = 200`, the models see at most 200 rows and every metrics file and the report say so."""
    with_sample(project, "200")
    succeed(["make"], project)
    assert {metrics(project, model)["sample"] for model in MODELS} == {200}
    random = metrics(project, "random")
    assert random["n_train"] + random["n_test"] <= 200
    assert "sample: 200 rows" in (project / "reports" / "REPORT.md").read_text()


def scored_without_cost(folder: Path) -> dict[str, dict]:
    """Each metrics file in `folder` but its `cost`: seconds measured, which no two builds share."""
    files = {path.name: json.loads(path.read_text()) for path in folder.glob("*.json")}
    return {name: {key: value for key, value in result.items() if key != "cost"} for name, result in files.items()}


def test_a_parallel_build_writes_the_same_metrics_as_one_job(project):
    """`make -j4` from clean writes the metrics files that a one-job `make` wrote, field for field (all
    but the seconds each model took)."""
    folder = project / "reports" / "metrics"
    one_job = scored_without_cost(folder)
    succeed(["make", "clean"], project)
    succeed(["make", "-j4"], project)
    assert scored_without_cost(folder) == one_job


def test_make_clean_removes_intermediates_and_keeps_the_raw_snapshot(project):
    """`make clean` deletes what the pipeline built, but the raw snapshot survives untouched."""
    raw = project / "data" / "raw" / "snapshot.parquet"
    before = (raw.read_bytes(), raw.stat().st_mtime_ns)
    succeed(["make", "clean"], project)
    assert (raw.read_bytes(), raw.stat().st_mtime_ns) == before
    for built in [
        "data/interim/clean.parquet",
        "data/processed/train.parquet",
        "models/knn.joblib",
        "reports/metrics/random.json",
        "reports/leaderboard.md",
    ]:
        assert not (project / built).exists(), built
    assert "data/raw/snapshot.parquet" not in planned_outputs(project)


def test_the_raw_snapshot_is_read_only(built_project):
    """No step, and no stray script, can overwrite the raw snapshot in place."""
    mode = (built_project / "data" / "raw" / "snapshot.parquet").stat().st_mode
    assert mode & 0o222 == 0


def test_a_failing_step_explains_itself_and_leaves_nothing_that_looks_fresh(project):
    """A bad target stops cleanup with a one-line reason; make still knows the step is to do."""
    config = project / "config.toml"
    config.write_text(config.read_text().replace('target = "species"', 'target = "specie"'))
    result = run(["make"], project)
    assert result.returncode != 0
    assert "error: target column 'specie' is not in the data; set [data] target in config.toml" in result.stderr
    assert "Traceback" not in result.stderr
    assert run(["make", "-q"], project).returncode != 0
    assert list((project / "data" / "interim").glob(".*.tmp")) == []


def test_pointing_config_at_new_data_just_works(project):
    """Two lines of config.toml switch the whole pipeline to the team's own data."""
    (project / "data" / "external").mkdir()
    sample = (project / "data" / "sample" / "penguins.csv").read_text().splitlines()
    own = [line.replace(",NA,", ",,") for line in sample if "Chinstrap" not in line]  # another file, two classes
    (project / "data" / "external" / "birds.csv").write_text("\n".join(own) + "\n")
    config = project / "config.toml"
    config.write_text(
        config.read_text()
        .replace('source = "data/sample/penguins.csv"', 'source = "data/external/birds.csv"')
        .replace('target = "species"', 'target = "sex"')
    )
    output = succeed([sys.executable, "-m", "invoke", "all"], project)
    assert "data/external/birds.csv" in output
    assert metrics(project, "knn")["target"] == "sex"


def test_the_projects_own_tests_pass(built_project):
    """`make test` runs the project's unit, model and property tests, and they pass."""
    output = succeed(["make", "test"], built_project)
    assert " passed" in output and "failed" not in output


def test_regression_project_builds_in_parallel(cookies):
    """A regression project builds from scratch with `make -j2`, ranked by RMSE, KNN beating random."""
    project = cookies.bake(extra_context={"task": "regression"}).project_path
    succeed(["make", "-j2"], project)
    knn, random = (metrics(project, m) for m in ("knn", "random"))
    assert knn["primary_metric"] == "rmse" and set(knn["metrics"]) >= {"mae", "rmse", "r2"}
    assert knn["metrics"]["rmse"] < 0.7 * random["metrics"]["rmse"]
    assert "ranked by **rmse** (lower is better)" in (project / "reports" / "leaderboard.md").read_text()


def test_invoke_report_brings_the_report_up_to_date_and_says_where_it_is(built_project):
    """`invoke report` ends by printing the address of the page to open."""
    output = succeed([sys.executable, "-m", "invoke", "report"], built_project)
    assert (built_project / "reports" / "REPORT.html").resolve().as_uri() in output


def test_make_help_lists_the_targets(built_project):
    """`make help` documents itself from the Makefile's ## comments."""
    output = succeed(["make", "help"], built_project)
    for target in [
        "data",
        "clean-data",
        "split",
        "baseline",
        "rules",
        "knn",
        "leaderboard",
        "test",
        "lint",
        "clean",
        "fetch",
    ]:
        assert f"  {target} " in output, target


def test_invoke_without_make_says_how_to_get_it(built_project, tmp_path):
    """With no make on PATH, invoke says so in one line and how to install it, without a traceback."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python").symlink_to(sys.executable)
    result = run([sys.executable, "-m", "invoke", "baseline"], built_project, PATH=str(bin_dir))
    assert result.returncode != 0
    assert "make is not installed" in result.stderr and "WSL" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "built",
    [
        "data/interim/clean.parquet",
        "data/interim/clean.json",
        "data/processed/train.parquet",
        "data/processed/test.parquet",
        "data/processed/features.json",
        "models/knn.joblib",
        "reports/metrics/rules.json",
        "reports/predictions/knn.parquet",
        "reports/figures/knn.png",
        "reports/REPORT.md",
        "reports/REPORT.html",
    ],
)
def test_a_deleted_intermediate_is_rebuilt(project, built):
    """Whatever the pipeline built and someone deleted, one `make` builds again, with all that follows it."""
    (project / built).unlink()
    assert run(["make", "-q"], project).returncode != 0
    succeed(["make"], project)
    assert (project / built).is_file()
    assert run(["make", "-q"], project).returncode == 0


TREE_MODEL = '''"""A shallow decision tree: one more step in the progression."""

from sklearn.pipeline import Pipeline
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from .features import preprocessor


def build(task: str, seed: int, max_depth: int = 3) -> Pipeline:
    tree = DecisionTreeClassifier if task == "classification" else DecisionTreeRegressor
    return Pipeline([("features", preprocessor()), ("tree", tree(max_depth=max_depth, random_state=seed))])
'''


def test_a_model_added_as_the_readme_says_is_trained_scored_and_shown(project, monkeypatch):
    """A module, a registry line and a config section: make trains and ranks it; editing it rebuilds only it."""
    models = project / "src" / "penguin_party" / "models"
    (models / "tree.py").write_text(TREE_MODEL)
    registry = models / "registry.py"
    registry.write_text(registry.read_text().replace('"knn": "knn",', '"knn": "knn",\n    "tree": "tree",'))
    config = project / "config.toml"
    config.write_text(config.read_text() + "\n[models.tree]\nmax_depth = 3\n")

    assert planned_outputs(project) == {
        "models/tree.joblib",
        "reports/metrics/tree.json",
        "reports/leaderboard.md",
        "reports/learning/tree.json",
        model_figure("tree"),
        LEARNING_FIGURE,
        *REPORTING,
    }
    succeed(["make"], project)
    assert metrics(project, "tree")["metrics"]["balanced_accuracy"] > 0.8
    assert "| tree |" in (project / "reports" / "leaderboard.md").read_text()
    assert "### tree" in (project / "reports" / "REPORT.md").read_text()
    monkeypatch.syspath_prepend(str(project / "src"))
    app = AppTest.from_file(str(project / "app.py"), default_timeout=60).run()
    assert any("| tree |" in block.value for block in app.markdown)

    (models / "tree.py").touch()
    assert planned_outputs(project) == {
        "models/tree.joblib",
        "reports/metrics/tree.json",
        "reports/leaderboard.md",
        "reports/learning/tree.json",
        model_figure("tree"),
        LEARNING_FIGURE,
        *REPORTING,
    }
