"""The region's figures a batch's main process works out once and hands to every report's
kernel (report/_base.py ``hand_over`` / ``receive_region_figures``): a kernel handed them
shows the same figures as one that worked them out, and figures of other data or another
period are never used."""
import pickle

import pandas as pd
import pytest

from regionanalytics import metrics
from regionanalytics.metrics import shown_sick_leave
from regionanalytics.periods import Period
from regionanalytics.report import _base
from regionanalytics.summary import key_metrics, key_metrics_wide

T1 = Period.parse("2021-T1")


@pytest.fixture()
def fresh_memo():
    """The kernel's memo as a new kernel has it (empty), restored afterwards."""
    saved = dict(_base._MEMO)
    _base._MEMO.clear()
    _base._HANDED.clear()
    yield _base._MEMO
    _base._MEMO.clear()
    _base._HANDED.clear()
    _base._MEMO.update(saved)


@pytest.fixture(scope="module")
def handed(sample):
    """What the main process hands over for the sample's first tertial, and the figures it
    kept itself."""
    saved = dict(_base._MEMO)
    _base._MEMO.clear()
    try:
        payload = _base.hand_over(sample, T1)
        figures = _base._region_figures(sample, T1)
        return {k: figures[k] for k in _base.HANDED_FIGURES}, payload
    finally:
        _base._MEMO.clear()
        _base._MEMO.update(saved)


def _no_working_out(monkeypatch):
    """Working out the region's figures fails from here on: what is shown was handed."""
    def refuse(*args, **kwargs):
        raise AssertionError("the region's figures were worked out again")

    monkeypatch.setattr(metrics, "hours_pair", refuse)
    monkeypatch.setattr(shown_sick_leave, "figures", refuse)


def test_a_kernel_handed_the_figures_shows_what_one_that_worked_them_out_shows(sample, handed, fresh_memo,
                                                                                monkeypatch):
    _, payload = handed
    computed = {k: _base._region_figures(sample, T1)[k] for k in ("key", "unknown", "sick", "sick_figures",
                                                                   "unit_sick_figures")}
    computed_rows = _base.key_metric_rows(sample, T1)
    computed_scopes = _base._scope_figures(sample, T1)
    fresh_memo.clear()  # a new kernel, handed the figures
    assert _base.receive_region_figures(payload) is True
    _no_working_out(monkeypatch)
    got = _base._region_figures(sample, T1)
    for name in ("key", "sick", "sick_figures", "unit_sick_figures"):
        pd.testing.assert_frame_equal(got[name], computed[name], check_exact=True)
    assert got["unknown"] == computed["unknown"]
    pd.testing.assert_frame_equal(_base.key_metric_rows(sample, T1), computed_rows, check_exact=True)
    assert _base._scope_figures(sample, T1) == computed_scopes
    assert "hours" not in got  # person-month rows are never handed over


def test_the_main_process_summary_is_the_metrics_command(sample, handed):
    """The summary the batch writes from the handed figures is ``key_metrics`` itself."""
    figures, _ = handed
    pd.testing.assert_frame_equal(figures["rows"], key_metrics(sample, T1), check_exact=True)


def test_figures_handed_for_other_data_are_never_used(sample, handed, fresh_memo):
    """The data changed between the main process's load and the kernel's (another file):
    the kernel works its own figures out from what it loaded."""
    _, payload = handed
    other = sample.copy()
    finance = other.finance.copy()
    row = finance.index[(finance["division"] == "Service") & (finance["month"] == "2021-02")
                        & finance["actual"].notna()][0]
    finance.loc[row, "actual"] += 5_000.0  # tkr
    other.finance = finance
    other.fingerprint = {**other.fingerprint, "finance": "0" * 64}
    assert _base.receive_region_figures(payload) is True
    shown = _base._region_figures(other, T1)["key"]
    handed_key = pickle.loads(payload)["figures"]["key"]
    pd.testing.assert_frame_equal(shown, key_metrics_wide(other, T1), check_exact=True)
    service = shown["division"] == "Service"
    assert (shown.loc[service, "result"] != handed_key.loc[service, "result"]).all()


def test_figures_handed_for_another_period_are_never_used(sample, handed, fresh_memo):
    _, payload = handed
    assert _base.receive_region_figures(payload) is True
    march = Period.parse("2021-03")
    pd.testing.assert_frame_equal(_base._region_figures(sample, march)["key"], key_metrics_wide(sample, march),
                                  check_exact=True)


@pytest.mark.parametrize("damage", [lambda b: b[: len(b) // 2], lambda b: b"", lambda b: b"not a pickle",
                                    lambda b: pickle.dumps({"key": ("x",), "figures": {}}),
                                    lambda b: pickle.dumps(["key", "figures"])])
def test_a_damaged_or_strange_hand_over_is_ignored_and_never_raises(sample, handed, fresh_memo, damage):
    _, payload = handed
    assert _base.receive_region_figures(damage(payload)) is False
    assert fresh_memo == {} and _base._HANDED == {}


def test_the_sick_leave_figures_are_read_back_from_the_cache_as_they_were_worked_out(sample, monkeypatch):
    """The batch's main process keeps the sick-leave model's figures in the parsed-table
    cache for the next run of the same files and code; read back they are the figures
    worked out, a damaged entry is worked out again, and other data never read them."""
    from regionanalytics import cache
    from regionanalytics.runner.batch import _SICK_PARTS, _sick_leave_figures

    worked = _base._RegionFigures(sample, T1)
    _sick_leave_figures(sample, T1, worked)  # worked out (or read back) and kept
    fresh = {part: worked[part] for part in _SICK_PARTS}
    for part in _SICK_PARTS:  # against the model itself, not against what the cache held
        pd.testing.assert_frame_equal(fresh[part], _base._RegionFigures(sample, T1)[part], check_exact=True)

    def refuse(*args, **kwargs):
        raise AssertionError("worked out again")

    monkeypatch.setattr(shown_sick_leave, "figures", refuse)
    again = _base._RegionFigures(sample, T1)
    _sick_leave_figures(sample, T1, again)  # read back: the model does not run
    for part in _SICK_PARTS:
        pd.testing.assert_frame_equal(again[part], fresh[part], check_exact=True)
    monkeypatch.undo()

    entries = [f for f in cache.cache_dir().iterdir() if f.is_dir() and (f / "sick.parquet").exists()]
    assert entries
    for entry in entries:  # one flipped byte: the entry is absent, and worked out again
        data = bytearray((entry / "sick.parquet").read_bytes())
        data[len(data) // 2] ^= 0xFF
        (entry / "sick.parquet").write_bytes(bytes(data))
    damaged = _base._RegionFigures(sample, T1)
    _sick_leave_figures(sample, T1, damaged)
    pd.testing.assert_frame_equal(damaged["sick"], fresh["sick"], check_exact=True)

    other = sample.copy()
    absence = other.absence.copy()
    other.absence = absence.iloc[: len(absence) // 2]
    other.fingerprint = {**other.fingerprint, "absence": "1" * 64}
    shown = _base._RegionFigures(other, T1)
    _sick_leave_figures(other, T1, shown)
    pd.testing.assert_frame_equal(shown["sick"], _base._RegionFigures(other, T1)["sick"], check_exact=True)
    assert not shown["sick"].equals(fresh["sick"])
