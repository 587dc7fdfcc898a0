"""Where the Spark engine runs and with what settings, read from the environment.

`NESTGUARD_SPARK_MASTER` is the master URL (default `local[2]`): `local`, `local[N]`,
`local[*]`, `spark://host:port` (a standalone cluster), `yarn` (EMR, Dataproc) or
`k8s://https://host:port`. `NESTGUARD_SPARK_CONF` is the path of a file in the form of
Spark's own `spark-defaults.conf` (one `key value` or `key=value` a line, `#` comments),
whose settings override ours (its `spark.master` is used when the variable is unset).
Splink's similarity jar is always added to `spark.jars`.
A bad value is refused with the variable's name before any JVM starts (decision 0119).
"""

from __future__ import annotations

import re
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

MASTER_VARIABLE = "NESTGUARD_SPARK_MASTER"
CONF_VARIABLE = "NESTGUARD_SPARK_CONF"
DEFAULT_MASTER = "local[2]"

# `local`, `local[4]`, `local[*]`, `local[4,2]` (threads, failures allowed).
_LOCAL = re.compile(r"local(\[(\*|[1-9][0-9]*)(,[1-9][0-9]*)?\])?")
_STANDALONE_HOST = re.compile(r"[A-Za-z0-9.\-]+:[0-9]{1,5}")

# On one machine: few partitions (Spark's 200 would be 200 tiny tasks on two cores) and a
# driver that holds the whole job. On a cluster these are the cluster's to decide.
_LOCAL_DEFAULTS = {
    "spark.sql.shuffle.partitions": "4",
    "spark.default.parallelism": "4",
    "spark.ui.enabled": "false",
}
_DEFAULTS = {
    "spark.app.name": "nestguard-linkage",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.driver.memory": "2g",
}


class SparkSettingsError(ValueError):
    """A Spark setting from the environment that cannot work; the message says which."""


@dataclass(frozen=True)
class SparkSettings:
    master: str
    conf: dict[str, str] = field(default_factory=dict)

    @property
    def is_local(self) -> bool:
        return self.master.startswith("local")


def check_master(master: str, source: str = MASTER_VARIABLE) -> str:
    """`master` if Spark would accept it as a master URL, else SparkSettingsError naming
    `source`, where the value came from."""
    value = master.strip()
    if _LOCAL.fullmatch(value) or value == "yarn":
        return value
    if value.startswith("spark://"):
        hosts = value.removeprefix("spark://").split(",")
        if all(_STANDALONE_HOST.fullmatch(h) and int(h.rpartition(":")[2]) < 65536 for h in hosts):
            return value
    if value.startswith("k8s://") and len(value) > len("k8s://"):
        return value
    raise SparkSettingsError(
        f"{source}={master!r} is not a Spark master URL: use local[N], local[*], "
        "spark://host:port (a standalone cluster), yarn or k8s://https://host:port"
    )


def read_conf_file(path: str) -> dict[str, str]:
    """Settings from a file in the form of `spark-defaults.conf`."""
    file = Path(path)
    if not file.is_file():
        raise SparkSettingsError(f"{CONF_VARIABLE}={path!r}: no such file")
    conf: dict[str, str] = {}
    for number, raw in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, value = _split_conf_line(line)
        if not key.startswith("spark.") or not value:
            raise SparkSettingsError(
                f"{CONF_VARIABLE}={path!r}, line {number}: expected 'spark.<key> <value>', "
                f"found {raw.strip()!r}"
            )
        conf[key] = value
    return conf


def _split_conf_line(line: str) -> tuple[str, str]:
    # Spark's own file separates key and value by whitespace; `=` is accepted as well.
    match = re.match(r"([^\s=]+)\s*[=\s]\s*(.*)", line)
    if match is None:
        return line, ""
    return match.group(1), match.group(2).strip()


def spark_settings(environ: Mapping[str, str], similarity_jar: str) -> SparkSettings:
    """The master and the full configuration: our defaults (more of them on one machine),
    then the file's settings, then the similarity jar appended to whatever `spark.jars`
    the file gave (Splink's Jaro-Winkler and the like are Java functions in that jar).

    The master is NESTGUARD_SPARK_MASTER, else the file's `spark.master` (so a service's
    own /etc/spark/conf/spark-defaults.conf can be named as it is), else local[2]."""
    path = environ.get(CONF_VARIABLE)
    from_file = read_conf_file(path) if path else {}
    if environ.get(MASTER_VARIABLE):
        master = check_master(environ[MASTER_VARIABLE])
    elif "spark.master" in from_file:
        master = check_master(from_file["spark.master"], f"{CONF_VARIABLE}={path!r}: spark.master")
    else:
        master = DEFAULT_MASTER
    from_file.pop("spark.master", None)
    conf = dict(_DEFAULTS)
    if master.startswith("local"):
        conf.update(_LOCAL_DEFAULTS)
    conf.update(from_file)
    jars = [j for j in conf.get("spark.jars", "").split(",") if j.strip()]
    if similarity_jar and similarity_jar not in jars:
        jars.append(similarity_jar)
    conf["spark.jars"] = ",".join(jars)
    return SparkSettings(master=master, conf=conf)


def check_environment(environ: Mapping[str, str]) -> None:
    """SparkSettingsError for a bad NESTGUARD_SPARK_MASTER or NESTGUARD_SPARK_CONF, checked
    by the commands before any work (the jar's path does not matter to the check)."""
    spark_settings(environ, similarity_jar="")


def check_reachable(master: str, timeout: float = 5.0) -> None:
    """For a standalone master, that something listens at one of its addresses: Spark itself
    would retry for a minute and then fail with a message that does not name the setting."""
    if not master.startswith("spark://"):
        return
    hosts = master.removeprefix("spark://").split(",")
    for host_port in hosts:
        host, _, port = host_port.rpartition(":")
        try:
            with socket.create_connection((host, int(port)), timeout=timeout):
                return
        except OSError:
            continue
    raise SparkSettingsError(
        f"{MASTER_VARIABLE}={master!r}: no Spark master answers at {', '.join(hosts)}"
    )
