"""[spark] reaches only the models that train on Spark; a missing Java is one line (no Spark needed)."""

import json

import pytest

from {{ cookiecutter.module_name }}.config import main
from {{ cookiecutter.module_name }}.errors import StepError
from {{ cookiecutter.module_name }}.spark import session

CONFIG = """
task = "recommendation"

[data]
source = "data/sample/interactions.csv"
user = "user"
item = "item"

[models.random]
[models.knn]
neighbors = 20
{knn_engine}

[spark]
master = "{master}"

[models.als]
rank = 8
engine = "spark"
"""


def settings_after(tmp_path, master: str, knn_engine: str = "") -> dict[str, dict]:
    """Each stage's settings, written by config.py from CONFIG with this [spark] master."""
    path = tmp_path / "config.toml"
    path.write_text(CONFIG.format(master=master, knn_engine=knn_engine))
    main(path, tmp_path / "settings")
    return {p.stem: json.loads(p.read_text()) for p in (tmp_path / "settings").glob("*.json")}


def test_a_new_spark_master_changes_only_the_spark_models_settings(tmp_path):
    """Pointing [spark] master elsewhere retrains ALS, not the models that never use Spark."""
    before = settings_after(tmp_path, "local[*]")
    after = settings_after(tmp_path, "spark://10.0.0.5:7077")
    changed = {stage for stage in after if after[stage] != before[stage]}
    assert changed == {"als"}
    assert after["als"]["params"]["spark"] == {"master": "spark://10.0.0.5:7077", "conf": {}, "ui": True}


def test_knn_on_spark_gets_the_spark_settings_too(tmp_path):
    """`engine = "spark"` in [models.knn] makes KNN a Spark model: it gets [spark], and the extra."""
    settings = settings_after(tmp_path, "local[2]", 'engine = "spark"')
    assert settings["knn"]["params"]["spark"]["master"] == "local[2]"
    assert "spark" not in settings["random"]["params"]
    assert "SPARK_MODELS := knn als" in (tmp_path / "settings" / "settings.mk").read_text()


def test_als_in_process_is_not_a_spark_model(tmp_path):
    """Without `engine = "spark"`, ALS trains in-process: no [spark] in its settings, no spark extra."""
    path = tmp_path / "config.toml"
    path.write_text(CONFIG.format(master="local[2]", knn_engine="").replace('engine = "spark"\n', ""))
    main(path, tmp_path / "settings")
    assert "spark" not in json.loads((tmp_path / "settings" / "als.json").read_text())["params"]
    assert "SPARK_MODELS := \n" in (tmp_path / "settings" / "settings.mk").read_text()


def test_without_java_a_spark_step_stops_with_how_to_get_it(monkeypatch):
    """No java on PATH and no JAVA_HOME: one line naming the packages to install, before pyspark is used."""
    monkeypatch.setenv("PATH", "")
    monkeypatch.delenv("JAVA_HOME", raising=False)
    no_java = pytest.raises(StepError, match="sudo apt install openjdk-17-jre-headless")
    with no_java, session({"master": "local[1]", "conf": {}, "ui": False}):
        pass


def test_the_data_steps_on_spark_get_the_spark_settings_and_make_sees_markers(tmp_path):
    """[data] engine = "spark" gives the snapshot, cleanup and split [spark]; make sees markers."""
    path = tmp_path / "config.toml"
    config = CONFIG.replace('item = "item"', 'item = "item"\nengine = "spark"')
    path.write_text(config.format(master="local[2]", knn_engine=""))
    main(path, tmp_path / "settings")
    for stage in ("data", "clean", "split"):
        values = json.loads((tmp_path / "settings" / f"{stage}.json").read_text())
        assert values["engine"] == "spark" and values["spark"]["master"] == "local[2]"
    assert "\nDONE := /_DONE\n" in (tmp_path / "settings" / "settings.mk").read_text()


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (CONFIG.replace('item = "item"', 'item = "item"\nengine = "dask"'), 'must be "pandas" or "spark"'),
        (
            CONFIG.replace('item = "item"', 'item = "item"\nengine = "spark"').replace("[spark]", "[later]"),
            r'engine = "spark" needs task = "recommendation" and a \[spark\] section',
        ),
    ],
)
def test_a_data_engine_spark_cannot_run_is_a_one_line_error(tmp_path, config, message):
    """An unknown [data] engine, or "spark" without [spark], stops at the settings saying how to fix it."""
    path = tmp_path / "config.toml"
    path.write_text(config.format(master="local[2]", knn_engine=""))
    with pytest.raises(StepError, match=message):
        main(path, tmp_path / "settings")


def test_spark_reads_a_bucket_with_the_endpoint_and_credentials_pandas_uses():
    """[data] storage_options' endpoint and the AWS keys of .env reach Hadoop's S3A; s3:// is read as s3a://."""
    from {{ cookiecutter.module_name }}.sources import DataSettings
    from {{ cookiecutter.module_name }}.spark.snapshot import hadoop_conf
    from {{ cookiecutter.module_name }}.spark.storage import spark_path

    settings = DataSettings(source="s3://plays/*.parquet", storage_options={"endpoint_url": "${S3_ENDPOINT}"})
    variables = {"S3_ENDPOINT": "http://127.0.0.1:9000", "AWS_ACCESS_KEY_ID": "AK"}
    variables["AWS_SECRET_ACCESS_KEY"] = "SK"
    assert spark_path(settings.source) == "s3a://plays/*.parquet"
    assert hadoop_conf(settings, variables) == {
        "spark.hadoop.fs.s3a.endpoint": "http://127.0.0.1:9000",
        "spark.hadoop.fs.s3a.path.style.access": "true",
        "spark.hadoop.fs.s3a.connection.ssl.enabled": "false",
        "spark.hadoop.fs.s3a.access.key": "AK",
        "spark.hadoop.fs.s3a.secret.key": "SK",
    }
    assert hadoop_conf(DataSettings(source="data/plays.csv"), variables) == {}
