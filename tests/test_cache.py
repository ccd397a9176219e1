import pandas as pd

from regionanalytics.data import load_region

from .conftest import SAMPLE


def test_cached_load_equals_parsed_load(tmp_path, monkeypatch):
    monkeypatch.setenv("REGIONANALYTICS_CACHE", str(tmp_path / "cache"))
    parsed = load_region(SAMPLE)           # parses, validates, stores
    assert any((tmp_path / "cache").iterdir())
    cached = load_region(SAMPLE)           # reads parquet
    for name, frame in parsed.tables().items():
        pd.testing.assert_frame_equal(frame, cached.tables()[name], check_dtype=False)


def test_changed_file_is_not_served_from_cache(tmp_path, monkeypatch):
    import shutil

    monkeypatch.setenv("REGIONANALYTICS_CACHE", str(tmp_path / "cache"))
    folder = tmp_path / "data"
    shutil.copytree(SAMPLE, folder)
    first = load_region(folder)
    text = (folder / "production.csv").read_text(encoding="utf-8").splitlines()
    cells = text[1].split(",")
    cells[-1] = str(int(cells[-1]) + 1000)
    text[1] = ",".join(cells)
    (folder / "production.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    second = load_region(folder)
    assert second.production["value"].iloc[0] == first.production["value"].iloc[0] + 1000
