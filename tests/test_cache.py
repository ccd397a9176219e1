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


# --------------------------------------------------------------------------- attacks on the cache

import random  # noqa: E402

import pytest  # noqa: E402

from regionanalytics import cache, data as data_module, personnummer  # noqa: E402
from regionanalytics.iorw import fingerprint  # noqa: E402
from regionanalytics.schema import table_files  # noqa: E402


def _entry_files(root):
    return {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_a_flipped_bit_anywhere_in_an_entry_makes_it_absent(tmp_path, monkeypatch, sample):
    """300 random single-bit flips over every file of a cached entry (the sample's
    production and goals tables): each read gives no tables (the entry is parsed
    again), never other figures."""
    monkeypatch.setenv("REGIONANALYTICS_CACHE", str(tmp_path / "cache"))
    digests = {"production": "a" * 64, "goals": "b" * 64}
    tables = {"production": sample.production, "goals": sample.goals}
    cache.write(digests, tables, ["a note"])
    good = cache.read(digests)
    assert good is not None
    files = _entry_files(tmp_path / "cache")
    names = sorted(files)
    rng = random.Random(19)
    for _ in range(300):
        target = rng.choice(names)
        data = bytearray(files[target])
        bit = rng.randrange(len(data) * 8)
        data[bit // 8] ^= 1 << (bit % 8)
        for path, content in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(bytes(data) if path == target else content)
        assert cache.read(digests) is None, f"bit {bit} of {target.name} went unnoticed"
        assert not target.exists()  # the damaged entry is removed, so it is written anew
    for path, content in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    again, notes = cache.read(digests)
    for name, frame in tables.items():
        pd.testing.assert_frame_equal(again[name], frame.reset_index(drop=True), check_dtype=False)
    assert notes == ["a note"]


def test_a_damaged_entry_is_parsed_again_with_the_same_figures(tmp_path, monkeypatch):
    monkeypatch.setenv("REGIONANALYTICS_CACHE", str(tmp_path / "cache"))
    parsed = load_region(SAMPLE)
    [employees] = (tmp_path / "cache").rglob("employees.parquet")
    data = bytearray(employees.read_bytes())
    data[len(data) // 2] ^= 0x10
    employees.write_bytes(bytes(data))
    data_module._LOADED.clear()
    again = load_region(SAMPLE)
    for name, frame in parsed.tables().items():
        pd.testing.assert_frame_equal(frame, again.tables()[name], check_dtype=False)
    assert cache.read(fingerprint(table_files(SAMPLE))) is not None  # written anew


PNR_EMP = ("Månad;Personnummer;Division;Verksamhet;Anställningsform;Sysselsättningsgrad;"
           "Schemalagd tid;Arbetad tid\n2021-01;196106055004.0;Service;Kost;Tillsvidare;1;160;150\n")
FIN = "Månad;Division;Verksamhet;Konto;Utfall;Budget\n" + "".join(
    f"2021-{m:02d};Service;Kost;Personalkostnader;{'-100' if m <= 4 else ''};-90\n" for m in range(1, 13))


def test_a_new_pseudonym_key_is_never_served_old_pseudonyms(tmp_path, monkeypatch):
    monkeypatch.setenv("REGIONANALYTICS_CACHE", str(tmp_path / "cache"))
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "finance.csv").write_text(FIN, encoding="utf-8")
    (folder / "employees.csv").write_text(PNR_EMP, encoding="utf-8")
    monkeypatch.setenv(personnummer.KEY_ENV, "first key")
    first = load_region(folder).employees["person_id"].tolist()
    monkeypatch.setenv(personnummer.KEY_ENV, "second key")
    second = load_region(folder).employees["person_id"].tolist()
    expected = personnummer.pseudonymise(pd.Series(["196106055004"]), key=b"second key").tolist()
    assert second == expected and first != second
    # and the key file route: a new key file is a new key
    monkeypatch.delenv(personnummer.KEY_ENV)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    third = load_region(folder).employees["person_id"].tolist()
    personnummer.key_file().write_text("another key\n")
    fourth = load_region(folder).employees["person_id"].tolist()
    assert fourth == personnummer.pseudonymise(pd.Series(["196106055004"]), key=b"another key").tolist()
    assert third != fourth


EMP = ("Månad;Person-id;Division;Verksamhet;Anställningsform;Kön;Födelseår;Sysselsättningsgrad;"
       "Schemalagd tid;Arbetad tid\n2021-01;P1;Service;Kost;Tillsvidare;K;1980;1;160;150\n")


def _partitioned(root, unit):
    part = root / "production.parquet" / f"unit={unit}"
    part.mkdir(parents=True)
    pd.DataFrame({"month": ["2021-01"], "division": ["Service"],
                  "measure": ["Besök"], "value": [5.0]}).to_parquet(part / "part-0.parquet", index=False)


def test_parquet_folders_that_differ_in_a_partition_name_do_not_share_an_entry(tmp_path, monkeypatch):
    monkeypatch.setenv("REGIONANALYTICS_CACHE", str(tmp_path / "cache"))
    for unit in ("Kost", "Städ"):
        root = tmp_path / unit
        root.mkdir()
        (root / "finance.csv").write_text(FIN, encoding="utf-8")
        (root / "employees.csv").write_text(EMP, encoding="utf-8")
        _partitioned(root, unit)
    # the same bytes in both files: only the partition folder's name differs
    assert ((tmp_path / "Kost/production.parquet/unit=Kost/part-0.parquet").read_bytes()
            == (tmp_path / "Städ/production.parquet/unit=Städ/part-0.parquet").read_bytes())
    assert (fingerprint(table_files(tmp_path / "Kost"))["production"]
            != fingerprint(table_files(tmp_path / "Städ"))["production"])
    got = [load_region(tmp_path / unit).production for unit in ("Kost", "Städ")]
    assert [g["unit"].tolist() for g in got] == [["Kost"], ["Städ"]]
    assert len([p for p in (tmp_path / "cache").iterdir() if not p.name.startswith(".")]) == 2


@pytest.mark.parametrize("value", ["", "  "])
def test_an_empty_cache_variable_is_unset(tmp_path, monkeypatch, value):
    monkeypatch.setenv("REGIONANALYTICS_CACHE", value)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    assert cache.cache_dir() == tmp_path / "home" / ".cache" / "regionanalytics"
    data_module._LOADED.clear()
    load_region(SAMPLE)
    assert list(work.iterdir()) == []
    assert any((tmp_path / "home" / ".cache" / "regionanalytics").iterdir())


def test_preload_keeps_a_cached_data_set_and_never_parses(tmp_path, monkeypatch):
    """A kernel preloads the data set as it starts only from the parsed-table cache: a data
    set not yet cached is not parsed (the main process does that once) and nothing is
    written; a cached one is kept, and the next load reads nothing; a broken folder is left
    to load_region to say what is wrong."""
    import shutil

    from regionanalytics import cache, data
    from regionanalytics.data import load_region, preload

    monkeypatch.setenv("REGIONANALYTICS_CACHE", str(tmp_path / "cache"))
    folder = tmp_path / "data"
    shutil.copytree(SAMPLE, folder)
    data._LOADED.clear()
    assert preload(folder) is False
    assert not (tmp_path / "cache").exists() or not any((tmp_path / "cache").rglob("*.parquet"))
    parsed = load_region(folder)  # parses and fills the cache
    data._LOADED.clear()
    assert preload(folder) is True
    with monkeypatch.context() as m:
        m.setattr(cache, "read", lambda *a, **k: pytest.fail("read the cache again"))
        kept = load_region(folder)
    assert kept.finance["actual"].sum() == parsed.finance["actual"].sum()
    (folder / "finance.csv").write_bytes(b"\xff\xfe garbage;;\n")
    data._LOADED.clear()
    assert preload(folder) is False


def test_derived_figures_are_served_only_whole_and_for_their_own_files_and_name(tmp_path, monkeypatch):
    """The key figures a batch keeps beside the tables (cache.read_derived): a flipped bit
    or a missing file makes the entry absent (and removes it); other files or another name
    (another period, another version of the code) never find it."""
    monkeypatch.setenv("REGIONANALYTICS_CACHE", str(tmp_path / "cache"))
    digests = {"finance": "a" * 64, "employees": "b" * 64}
    files = {"wide.parquet": cache.frame_bytes(pd.DataFrame({"division": ["Service"], "result": [-1.5]})),
             "unknown.json": b"[{}, {}]"}
    cache.write_derived(digests, "key figures of 2021-T1 by the package X", files)
    assert cache.read_derived(digests, "key figures of 2021-T1 by the package X") == files
    assert cache.read_derived(digests, "key figures of 2021-T2 by the package X") is None
    assert cache.read_derived(digests, "key figures of 2021-T1 by the package Y") is None
    assert cache.read_derived({**digests, "finance": "c" * 64}, "key figures of 2021-T1 by the package X") is None
    frame = cache.frame_from_bytes(cache.read_derived(digests, "key figures of 2021-T1 by the package X")["wide.parquet"])
    assert frame["result"].tolist() == [-1.5]

    [stored] = (tmp_path / "cache").rglob("wide.parquet")
    damaged = bytearray(stored.read_bytes())
    damaged[len(damaged) // 2] ^= 0x01
    stored.write_bytes(bytes(damaged))
    assert cache.read_derived(digests, "key figures of 2021-T1 by the package X") is None
    assert not stored.parent.exists()  # removed: the next run works the figures out and stores them again
