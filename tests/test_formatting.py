from regionanalytics.formatting import MINUS, NBSP, fmt_int, fmt_mnkr, fmt_number, fmt_pct, fmt_pp


def test_swedish_number_formats():
    assert fmt_mnkr(-7000) == f"{MINUS}7,0{NBSP}mnkr"
    assert fmt_mnkr(1_234_500) == f"1{NBSP}234,5{NBSP}mnkr"
    assert fmt_mnkr(12_600, sign=True) == f"+12,6{NBSP}mnkr"
    assert fmt_pct(5.25) == f"5,3{NBSP}%"  # half away from zero, as in a report
    assert fmt_pp(-1) == f"{MINUS}1,0{NBSP}procentenheter"
    assert fmt_pp(-1, decimals=0) == f"{MINUS}1{NBSP}procentenhet"
    assert fmt_int(7012) == f"7{NBSP}012"


def test_no_negative_zero_and_missing():
    assert fmt_number(-0.04, 1) == "0,0"
    assert fmt_number(float("nan")) == "–"
    assert fmt_mnkr(None) == "–"
