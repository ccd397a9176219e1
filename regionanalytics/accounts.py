"""The account plan: which line of the income statement each ledger account belongs to.

A finance row's ``account`` is a ledger account number (``4011``), an account
name as a system's report writes it (``Inhyrd personal``) or already one of the
categories below. An ``accounts`` table in the data folder maps accounts to
categories; its ``account`` cells are a number, a range (``5000-5999``) or a
name. Without one, :data:`DEFAULT_RULES` apply: the account classes and groups of
Region-Bas, the regions' shared chart of accounts published by SKR
(https://skr.se, "Region-Bas", successor of L-Bas 19; classes 3 revenue,
4 personnel, 5–7 other operating costs and depreciation, 8 tax revenue,
general grants and financial items), plus the account names regions' reports use.

A region's own table replaces the default entirely (a plan that differs from
Region-Bas in one group would otherwise be half right). The most specific rule
wins: a name or a single number before a range, a narrow range before a wide one.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

#: Operating revenue and costs, then the items below the operating result.
OPERATING_REVENUE = "Verksamhetens intäkter"
PERSONNEL = "Personalkostnader"
HIRED_STAFF = "Inhyrd personal"
PURCHASED = "Köpt verksamhet"
DRUGS = "Läkemedel"
OTHER_COSTS = "Övriga verksamhetskostnader"
DEPRECIATION = "Avskrivningar"
TAX_REVENUE = "Skatteintäkter"
GENERAL_GRANTS = "Generella statsbidrag och utjämning"
FINANCIAL_INCOME = "Finansiella intäkter"
FINANCIAL_COSTS = "Finansiella kostnader"
#: Categories a region's own plan may name for the balanskravsutredning and the full
#: resultaträkning (Region-Bas keeps them inside its classes: the default plan names none
#: of them by number, so without an own plan they are not known, never 0).
REALISATION_GAINS = "Realisationsvinster"
REALISATION_LOSSES = "Realisationsförluster"
UNREALISED_SECURITIES = "Orealiserade vinster och förluster i värdepapper"
EXTRAORDINARY = "Extraordinära poster"
#: A balance account of the equity: the resultatutjämningsreserv (kommunallagen 11 kap. 14 §).
EQUALISATION_RESERVE = "Resultatutjämningsreserv"

#: Every category, in the order of an income statement (resultaträkning).
CATEGORIES = (OPERATING_REVENUE, PERSONNEL, HIRED_STAFF, PURCHASED, DRUGS, OTHER_COSTS,
              DEPRECIATION, TAX_REVENUE, GENERAL_GRANTS, FINANCIAL_INCOME, FINANCIAL_COSTS,
              REALISATION_GAINS, REALISATION_LOSSES, UNREALISED_SECURITIES, EXTRAORDINARY,
              EQUALISATION_RESERVE)
#: The operating costs (verksamhetens kostnader) and the net cost (verksamhetens nettokostnad).
OPERATING_COSTS = (PERSONNEL, HIRED_STAFF, PURCHASED, DRUGS, OTHER_COSTS)
NET_COST = (OPERATING_REVENUE,) + OPERATING_COSTS + (DEPRECIATION,)
#: Skatteintäkter plus generella statsbidrag och utjämning: the region's financing.
TAX_FINANCING = (TAX_REVENUE, GENERAL_GRANTS)
FINANCIAL_ITEMS = (FINANCIAL_INCOME, FINANCIAL_COSTS)

#: The default account plan, Region-Bas's classes and groups (see the module's docstring;
#: docs/assumptions.md lists the groups whose place is the package's choice).
DEFAULT_RULES: tuple[tuple[str, str], ...] = (
    ("3000-3999", OPERATING_REVENUE),
    ("4000-4999", PERSONNEL),
    ("5000-5499", PURCHASED),
    ("5500-5599", HIRED_STAFF),
    ("5600-6399", OTHER_COSTS),
    ("6400-6499", DRUGS),
    ("6500-7799", OTHER_COSTS),
    ("7800-7899", DEPRECIATION),
    ("7900-7999", OTHER_COSTS),
    ("8000-8199", TAX_REVENUE),
    ("8200-8399", GENERAL_GRANTS),
    ("8400-8499", FINANCIAL_INCOME),
    ("8500-8599", FINANCIAL_COSTS),
    # account names as regions' follow-up reports and their exports write them
    ("Personalkostnader", PERSONNEL), ("Löner", PERSONNEL), ("Sociala avgifter", PERSONNEL),
    ("Pensionskostnader", PERSONNEL),
    ("Inhyrd personal", HIRED_STAFF), ("Bemanningsföretag", HIRED_STAFF),
    ("Köpt vård", PURCHASED), ("Köpt verksamhet", PURCHASED), ("Köpta tjänster", PURCHASED),
    ("Läkemedel", DRUGS),
    ("Material och tjänster", OTHER_COSTS), ("Lokalkostnader", OTHER_COSTS),
    ("Övriga kostnader", OTHER_COSTS),
    ("Patientavgifter", OPERATING_REVENUE), ("Försäljning av tjänster", OPERATING_REVENUE),
    ("Regionersättning", OPERATING_REVENUE), ("Statsbidrag", OPERATING_REVENUE),
    ("Riktade statsbidrag", OPERATING_REVENUE), ("Övriga intäkter", OPERATING_REVENUE),
    ("Generella statsbidrag", GENERAL_GRANTS), ("Utjämning", GENERAL_GRANTS),
)

_RANGE = re.compile(r"^\s*(\d+)\s*[-–−]\s*(\d+)\s*$")
_NUMBER = re.compile(r"^\s*(\d+)\s*$")


def _rules_frame(rules) -> pd.DataFrame:
    """Rules as rows: ``name`` (casefolded) or ``low``/``high`` numbers, ``category``, ``width``."""
    rows = []
    for account, category in rules:
        text = str(account).strip()
        if (m := _RANGE.match(text)):
            low, high = int(m.group(1)), int(m.group(2))
            rows.append((None, *sorted((low, high)), category))
        elif (m := _NUMBER.match(text)):
            rows.append((None, int(m.group(1)), int(m.group(1)), category))
        else:
            rows.append((text.casefold(), None, None, category))
    # every category maps to itself, whatever the table says
    rows += [(c.casefold(), None, None, c) for c in CATEGORIES]
    out = pd.DataFrame(rows, columns=["name", "low", "high", "category"])
    out["width"] = out["high"] - out["low"]
    return out


def categorise(accounts: pd.Series, rules=None) -> pd.Series:
    """The category of every account (NaN where no rule maps it).

    Parameters
    ----------
    accounts : Series of str
        Account numbers or names, as the finance rows hold them.
    rules : DataFrame or sequence of (account, category), optional
        The region's ``accounts`` table (columns ``account``, ``category``);
        :data:`DEFAULT_RULES` when None.

    Examples
    --------
    >>> categorise(pd.Series(["4011", "5512", "Läkemedel", "8412", "1930"])).tolist()
    ['Personalkostnader', 'Inhyrd personal', 'Läkemedel', 'Finansiella intäkter', nan]
    >>> own = pd.DataFrame({"account": ["4000-4999", "4711"],
    ...                     "category": ["Personalkostnader", "Inhyrd personal"]})
    >>> categorise(pd.Series(["4011", "4711", "5512"]), own).tolist()
    ['Personalkostnader', 'Inhyrd personal', nan]
    """
    if rules is None:
        rules = DEFAULT_RULES
    elif isinstance(rules, pd.DataFrame):
        rules = list(zip(rules["account"], rules["category"]))
    table = _rules_frame(rules)
    codes, uniques = pd.factorize(accounts)
    text = pd.Series(uniques, dtype=object).astype(str).str.strip()
    names = table.dropna(subset=["name"]).drop_duplicates("name", keep="first")
    found = text.str.casefold().map(dict(zip(names["name"], names["category"])))
    number = pd.to_numeric(text.where(text.str.fullmatch(r"\d+")), errors="coerce")
    ranges = table.dropna(subset=["low"]).sort_values("width", kind="stable")
    # the narrowest range that holds the number (the first in that order), every account
    # against every range at once (a loop over the ranges was three steps per rule)
    value = number.to_numpy("float64", na_value=np.nan)[:, None]
    inside = (value >= ranges["low"].to_numpy("float64")) & (value <= ranges["high"].to_numpy("float64"))
    out = found.to_numpy(object)
    if len(ranges):
        hit = found.isna().to_numpy() & inside.any(axis=1)
        out[hit] = ranges["category"].to_numpy(object)[inside.argmax(axis=1)][hit]
    out = out[codes]
    out[codes < 0] = np.nan
    return pd.Series(out, index=accounts.index, dtype=object)


def split_central(finance: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The divisions' rows and the central level's rows (finansförvaltningen).

    A division that books tax revenue or general grants is the region's central
    level, not a division reported on: its rows (tax revenue, grants, financial
    items, the allocation to the divisions, pensions) count in the region's result
    only.

    >>> fin = pd.DataFrame({"division": ["D", "F", "F"], "category": ["Läkemedel", "Skatteintäkter",
    ...                     "Verksamhetens intäkter"]})
    >>> [len(part) for part in split_central(fin)]
    [1, 2]
    """
    central = set(finance.loc[finance["category"].isin(list(TAX_FINANCING)), "division"].dropna())
    is_central = finance["division"].isin(central)
    return (finance[~is_central].reset_index(drop=True), finance[is_central].reset_index(drop=True))
