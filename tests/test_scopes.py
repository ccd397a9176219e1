"""Each report's data digest (:mod:`regionanalytics.runner.scopes`): a unit's digest moves
with its own rows and with no other unit's."""
import pandas as pd

from regionanalytics import load_region
from regionanalytics.periods import Period
from regionanalytics.runner.scopes import _scope_keys, report_scopes

from .conftest import write_two_divisions


def test_a_rows_scope_is_its_division_and_unit_joined_as_written():
    df = pd.DataFrame({"division": ["Service", "Länssjukvård", "Service", "Service"],
                       "unit": ["Kost", "Akut – Sunderby", None, "Kost\x1fx"]}).astype("str")
    df.loc[2, "unit"] = pd.NA
    assert list(_scope_keys(df, ["division", "unit"])) == [
        "Service\x1fKost", "Länssjukvård\x1fAkut – Sunderby", "Service\x1f", "Service\x1fKost\x1fx"]
    assert list(_scope_keys(df, ["division"])) == ["Service", "Länssjukvård", "Service", "Service"]


def test_a_change_in_one_units_row_moves_only_its_units_and_its_divisions_digests(tmp_path):
    period = Period.parse("2021-T1")
    folder = write_two_divisions(tmp_path / "data", [("Kost", 12), ("Städ", 12)])
    before = report_scopes(load_region(folder), period, units=True)
    path = folder / "finance.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    i = lines.index("2021-02;Service;Städ;Konto;-100;-100")
    lines[i] = "2021-02;Service;Städ;Konto;-101;-100"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    after = report_scopes(load_region(folder), period, units=True)
    assert set(before) == set(after) == {"region", "division:Service", "division:Revision", "unit:Service\x1fKost",
                                         "unit:Service\x1fStäd", "unit:Revision\x1fRevisionskontoret"}
    moved = {key for key in before if before[key] != after[key]}
    assert moved == {"region", "division:Service", "unit:Service\x1fStäd"}
