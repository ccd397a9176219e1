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
