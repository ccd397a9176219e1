import io
import json
import shutil
from contextlib import redirect_stderr, redirect_stdout

import pandas as pd

from regionanalytics.cli import main

from .conftest import SAMPLE


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def test_validate_ok():
    code, out, _ = run("validate", str(SAMPLE))
    assert code == 0 and "employees" in out and "167" in out


def test_validate_reports_every_problem(tmp_path):
    shutil.copytree(SAMPLE, tmp_path / "data")
    path = tmp_path / "data" / "absence.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].rsplit(",", 1)[0] + ",1.7"   # values in percent on rows 2 and 3 in a
    lines[2] = lines[2].rsplit(",", 1)[0] + ",170"   # column of shares: neither fits
    lines[3] = ",".join(["P999999"] + lines[3].split(",")[1:])  # unknown person on row 4
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, _, err = run("validate", str(tmp_path / "data"))
    assert code == 1
    assert "absence.csv, row 2, column 'extent': found '1.7', expected a share of 1" in err
    assert "absence.csv, row 3, column 'extent': found '170', expected a share of 1" in err
    assert "absence.csv, row 4, column 'person_id': found 'P999999'" in err


def test_metrics_csv_and_json():
    code, out, _ = run("metrics", "--period", "2021-T1", "--data", str(SAMPLE))
    assert code == 0
    rows = pd.read_csv(io.StringIO(out))
    assert list(rows.columns) == ["division", "metric", "value", "flag", "note"]
    value = rows.set_index(["division", "metric"])["value"]
    assert value[("Länsteknik", "headcount")] == 131
    assert value[("Region", "result")] == 1000.0
    code, out, _ = run("metrics", "--period", "2021-T1", "--data", str(SAMPLE), "--format", "json")
    assert code == 0 and {"division", "metric", "value"} <= set(json.loads(out)[0])


def test_period_outside_data_is_a_clear_error():
    code, _, err = run("metrics", "--period", "2022-T1", "--data", str(SAMPLE))
    assert code == 1 and "The data starts in 2020-01 and ends in 2021-12; 2022-T1 runs to 2022-04" in err
    code, _, err = run("metrics", "--period", "2019-T1", "--data", str(SAMPLE))
    assert code == 1 and err.strip() == "error: The data starts in 2020-01 and ends in 2021-12; 2019-T1 is before it."


def test_a_data_folder_that_does_not_exist_says_so(tmp_path):
    code, _, err = run("validate", str(tmp_path / "nowhere"))
    assert code == 1 and "nowhere: expected a folder with the region's exports; it does not exist" in err
    code, _, err = run("metrics", "--period", "2021-T1", "--data", str(tmp_path / "nowhere"))
    assert code == 1 and "does not exist" in err and "Traceback" not in err


def test_piping_metrics_into_head_ends_quietly():
    import subprocess
    import sys

    command = (f"{sys.executable} -m regionanalytics.cli metrics --period 2021-T1 --data {SAMPLE} "
               "| head -n 2")
    done = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=120)
    assert done.stdout.splitlines()[0] == "division,metric,value,flag,note"
    assert done.stderr == ""


def test_run_help_documents_every_option_with_its_default(capsys):
    import pytest

    with pytest.raises(SystemExit):
        main(["run", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for option, default in [("--data", "data/sample"), ("--out", "outputs"), ("--jobs", "2"),
                            ("--timeout", "600")]:
        assert option in text and f"(default: {default})" in text
    assert "--force" in text and "--scheduler" in text and "--division" in text



def test_jobs_and_timeout_below_one_are_refused(capsys):
    import pytest

    for option, value in [("--jobs", "0"), ("--jobs", "-1"), ("--timeout", "0"), ("--jobs", "2.5"),
                          ("--wait", "-5")]:
        with pytest.raises(SystemExit) as exit_:
            main(["run", "--period", "2021-T1", option, value])
        assert exit_.value.code == 2
        err = capsys.readouterr().err
        assert f"argument {option}: expected a whole number" in err and repr(value) in err, err


def test_help_says_which_options_are_required_and_never_default_none(capsys):
    import pytest

    for command in ("run", "metrics"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        text = " ".join(capsys.readouterr().out.split())
        assert "(default: None)" not in text and "(default: False)" not in text
        assert "(January up to that month) (required)" in text


def test_a_missing_table_is_named_with_its_article(tmp_path):
    (tmp_path / "data").mkdir()
    shutil.copy(SAMPLE / "absence.csv", tmp_path / "data")
    code, _, err = run("validate", str(tmp_path / "data"))
    assert code == 1 and "expected an 'employees' table" in err and "expected a 'finance' table" in err


def test_an_unknown_division_is_one_line_with_the_nearest_name(tmp_path):
    code, _, err = run("run", "--period", "2021-T1", "--data", str(SAMPLE), "--out", str(tmp_path),
                       "--division", "Servic")
    assert code == 1 and "Traceback" not in err
    assert err.startswith("error: Unknown division(s): 'Servic' (did you mean 'Service'?). The data has:")
    assert not list(tmp_path.rglob("*.ipynb"))
