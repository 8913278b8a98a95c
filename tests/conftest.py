from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LABELED = ROOT / "labeled"
SHARED = ROOT.parent / "shared"
SEED = SHARED / "seed" / "000_f59c2b7049d4ea33.txt"

needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared (the research corpora) is not beside this checkout")


@pytest.fixture(scope="session")
def labeled_pages():
    from linesift.train import read_corpus

    return read_corpus([LABELED])


@pytest.fixture(scope="session")
def small_model(labeled_pages):
    """A model trained on the project's own labeled pages (quick: few epochs)."""
    from linesift.train import train_model

    return train_model(labeled_pages, {"epochs": 5, "context_folds": 2})


@pytest.fixture(scope="session")
def small_model_file(small_model, tmp_path_factory):
    from linesift.model_file import save_model

    path = tmp_path_factory.mktemp("model") / "small.npz"
    save_model(small_model, path, {"training": {"note": "test"}})
    return path


@pytest.fixture(scope="session")
def spark_session():
    """One local Spark session for every test that needs Spark (starting one costs ~10 s);
    skips, saying why, without pyspark, pyarrow or Java."""
    import os
    import shutil
    import sys

    pytest.importorskip("pyspark", reason="pyspark is not installed (pip install -e '.[spark]')")
    pytest.importorskip("pyarrow", reason="pyarrow is not installed (pip install -e '.[spark]')")
    if not shutil.which("java") and not os.environ.get("JAVA_HOME"):
        pytest.skip("Spark needs Java: no java on PATH and no JAVA_HOME")
    from pyspark.sql import SparkSession

    # Workers must run this interpreter (it has linesift); Spark stays on the loopback address.
    saved = {name: os.environ.get(name) for name in ("PYSPARK_PYTHON", "SPARK_LOCAL_IP")}
    os.environ.update(PYSPARK_PYTHON=sys.executable, SPARK_LOCAL_IP="127.0.0.1")
    session = (SparkSession.builder.master("local[2]").appName("linesift-test")
               .config("spark.ui.enabled", "false").config("spark.driver.memory", "512m")
               .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
               .config("spark.sql.shuffle.partitions", "2").getOrCreate())
    yield session
    session.stop()
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
