"""Where the Spark engine runs: the master and spark-defaults settings from the environment
(decision 0119). No cluster is needed: one test starts a local session in a child process
to see the settings reach it."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from nestguard.linkage.engine.spark_settings import (
    SparkSettingsError,
    check_master,
    check_reachable,
    spark_settings,
)

JAR = "/opt/splink/similarity.jar"


def _needs_java() -> None:
    if shutil.which("java") is None:
        if os.environ.get("NESTGUARD_REQUIRE_SPARK") == "1":
            pytest.fail("NESTGUARD_REQUIRE_SPARK=1 but no Java runtime is installed")
        pytest.skip("no Java runtime: the Spark engine cannot run here")


def test_unset_is_local_two_threads_with_the_similarity_jar():
    settings = spark_settings({}, JAR)
    assert settings.master == "local[2]"
    assert settings.is_local
    assert settings.conf["spark.jars"] == JAR
    assert settings.conf["spark.sql.shuffle.partitions"] == "4"
    assert settings.conf["spark.driver.memory"] == "2g"


@pytest.mark.parametrize(
    "master",
    [
        "local",
        "local[4]",
        "local[*]",
        "local[4,2]",
        "spark://10.0.0.5:7077",
        "spark://a.example:7077,b.example:7077",
        "yarn",
        "k8s://https://10.0.0.1:443",
    ],
)
def test_master_urls_spark_accepts(master):
    assert check_master(master) == master


@pytest.mark.parametrize(
    "master",
    [
        "local[0]",
        "local[two]",
        "spark://",
        "spark://host",
        "spark://h:99999",
        "mesos://h:5050",
        "cluster",
    ],
)
def test_a_bad_master_is_refused_naming_the_variable(master):
    with pytest.raises(SparkSettingsError, match="NESTGUARD_SPARK_MASTER"):
        spark_settings({"NESTGUARD_SPARK_MASTER": master}, JAR)


def test_a_cluster_master_leaves_partitions_to_the_cluster():
    settings = spark_settings({"NESTGUARD_SPARK_MASTER": "spark://10.0.0.5:7077"}, JAR)
    assert not settings.is_local
    assert "spark.sql.shuffle.partitions" not in settings.conf
    assert "spark.ui.enabled" not in settings.conf


def test_a_conf_file_overrides_and_keeps_the_similarity_jar(tmp_path):
    conf = tmp_path / "spark-defaults.conf"
    conf.write_text(
        "# our cluster\n"
        "spark.executor.memory   8g\n"
        "spark.sql.shuffle.partitions=64\n"
        "\n"
        "spark.jars  /opt/extra.jar\n",
        encoding="utf-8",
    )
    settings = spark_settings({"NESTGUARD_SPARK_CONF": str(conf)}, JAR)
    assert settings.conf["spark.executor.memory"] == "8g"
    assert settings.conf["spark.sql.shuffle.partitions"] == "64"
    assert settings.conf["spark.jars"] == f"/opt/extra.jar,{JAR}"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("executor.memory 8g\n", "line 1"),
        ("spark.executor.memory\n", "line 1"),
        ("spark.master cluster\n", "spark.master='cluster' is not a Spark master URL"),
    ],
)
def test_a_bad_conf_file_is_refused(tmp_path, text, message):
    conf = tmp_path / "spark-defaults.conf"
    conf.write_text(text, encoding="utf-8")
    with pytest.raises(SparkSettingsError, match=message):
        spark_settings({"NESTGUARD_SPARK_CONF": str(conf)}, JAR)


def test_the_files_master_is_used_unless_the_variable_says_otherwise(tmp_path):
    # As an EMR or Dataproc node's own /etc/spark/conf/spark-defaults.conf has it.
    conf = tmp_path / "spark-defaults.conf"
    conf.write_text("spark.master yarn\nspark.executor.memory 8g\n", encoding="utf-8")
    named = spark_settings({"NESTGUARD_SPARK_CONF": str(conf)}, JAR)
    assert named.master == "yarn"
    assert "spark.master" not in named.conf
    assert "spark.sql.shuffle.partitions" not in named.conf
    both = spark_settings(
        {"NESTGUARD_SPARK_CONF": str(conf), "NESTGUARD_SPARK_MASTER": "local[2]"}, JAR
    )
    assert both.master == "local[2]"
    assert both.conf["spark.executor.memory"] == "8g"


def test_a_missing_conf_file_is_refused(tmp_path):
    with pytest.raises(SparkSettingsError, match="no such file"):
        spark_settings({"NESTGUARD_SPARK_CONF": str(tmp_path / "absent.conf")}, JAR)


def test_a_standalone_master_that_does_not_answer_is_refused_at_once():
    with socket.socket() as probe:  # a port nobody listens on: bound, then let go
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(SparkSettingsError, match=f"no Spark master answers at 127.0.0.1:{port}"):
        check_reachable(f"spark://127.0.0.1:{port}", timeout=2.0)


_SESSION_PROBE = """
import json
from nestguard.linkage.engine.backend import spark_session
spark = spark_session()
conf = spark.sparkContext.getConf()
print(json.dumps({
    "master": spark.sparkContext.master,
    "partitions": spark.conf.get("spark.sql.shuffle.partitions"),
    "codegen": spark.conf.get("spark.sql.codegen.wholeStage"),
    "jars": conf.get("spark.jars"),
}))
spark.stop()
"""


def test_settings_from_the_environment_reach_the_session(tmp_path):
    # A child process: this process may hold a session already, made with other settings.
    _needs_java()
    conf = tmp_path / "spark-defaults.conf"
    conf.write_text(
        "spark.sql.shuffle.partitions 3\nspark.sql.codegen.wholeStage false\n"
        "spark.driver.memory 1g\n",
        encoding="utf-8",
    )
    environ = {
        **os.environ,
        "NESTGUARD_SPARK_MASTER": "local[1]",
        "NESTGUARD_SPARK_CONF": str(conf),
    }
    done = subprocess.run(  # noqa: S603 (our own interpreter and script)
        [sys.executable, "-c", _SESSION_PROBE],
        capture_output=True,
        text=True,
        env=environ,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["master"] == "local[1]"
    assert seen["partitions"] == "3"
    assert seen["codegen"] == "false"
    assert Path(seen["jars"].split(",")[-1]).name.endswith(".jar")
