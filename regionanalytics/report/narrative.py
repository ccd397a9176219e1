"""Short Swedish narrative generated from the figures, in the reference report's style.

Each function takes one row of key metrics (a mapping metric -> value, as in
:func:`regionanalytics.summary.key_metrics_wide`) and returns sentences. A
sick-leave figure that is suppressed is never written out.
"""
from __future__ import annotations

from ..formatting import NBSP, fmt_int, fmt_mnkr_text, fmt_number, is_missing, mnkr
from ..labels import HIDDEN_SENTENCE, PERSPECTIVES, SMALL_GROUP_SENTENCE, division_name
from ..periods import Period


def _known(value) -> bool:
    return not is_missing(value)


def _zero(tkr) -> bool:
    """An amount that the text would write as 0 mnkr."""
    return round(mnkr(tkr), 1) == 0


def _result(tkr) -> str:
    """A result in running text, the sign carried by the word, never by the number."""
    if _zero(tkr):
        return "ett nollresultat"
    word = "ett överskott" if tkr > 0 else "ett underskott"
    return f"{word} på {fmt_mnkr_text(abs(tkr))}"


def _against(tkr, what: str) -> str:
    """A deviation: "3 mnkr bättre än budget", "i nivå med budget"."""
    if _zero(tkr):
        return f"i nivå med {what}"
    return f"{fmt_mnkr_text(abs(tkr))} {'bättre' if tkr > 0 else 'sämre'} än {what}"


def _result_sentence(start: str, row) -> str:
    """``start`` and, where last year is known, how the result compares with it."""
    if _known(row.get("result_prev_year")):
        change = row["result"] - row["result_prev_year"]
        start += f", vilket är {_against(change, 'samma period föregående år')}"
    return start + "."


def _list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " och " + items[-1]


def _no_budget(unknown: dict | None) -> str | None:
    """The sentence saying why nothing is compared with budget, when the budget is missing."""
    reason = (unknown or {}).get("budget_deviation")
    return f"Resultatet kan inte jämföras med budget: {reason}." if reason else None


def economy(row, period: Period, unknown: dict[str, str] | None = None) -> list[str]:
    """The economy paragraph of a division; ``unknown`` maps figures the data cannot give
    to the reason (without a budget no sentence claims a deviation, one says why).

    >>> economy({"result": 5_000, "budget_deviation": None}, Period.parse("2021-T1"),
    ...         {"budget_deviation": "budget saknas i underlaget"})[0]
    'Resultatet kan inte jämföras med budget: budget saknas i underlaget.'

    >>> p = Period.parse("2021-T1")
    >>> economy({"result": -11_000, "result_prev_year": -19_000, "budget_deviation": -6_000}, p)
    ['Divisionen redovisar per april ett resultat som är 6\xa0mnkr sämre än budget.', \
'Periodens resultat är ett underskott på 11\xa0mnkr, vilket är 8\xa0mnkr bättre än samma period föregående år.']
    """
    out = []
    when = period.when_sv
    if _known(row.get("budget_deviation")):
        out.append(f"Divisionen redovisar {when} ett resultat som är "
                   f"{_against(row['budget_deviation'], 'budget')}.")
    elif (sentence := _no_budget(unknown)):
        out.append(sentence)
    if _known(row.get("result")):
        out.append(_result_sentence(f"Periodens resultat är {_result(row['result'])}", row))
    if _known(row.get("forecast_deviation")) and not period.is_full_year:
        out.append(f"Prognosen för helår {period.year} är "
                   f"{_against(row['forecast_deviation'], 'budget')}.")
    elif _known(row.get("forecast")) and not period.is_full_year and _no_budget(unknown):
        out.append(f"Prognosen för helår {period.year} är {_result(row['forecast'])}.")
    if _known(row.get("action_plan_pct")):
        out.append(f"Måluppfyllelsen för den ekonomiska handlingsplanen är "
                   f"{fmt_number(row['action_plan_pct'], 0)} procent {when}.")
    return out


def staff(row, period: Period, unknown: dict[str, str] | None = None) -> list[str]:
    """The staff paragraph of a division; ``unknown`` maps figures the data cannot give
    to the reason (see :func:`regionanalytics.summary.unknown_figures`).

    >>> p = Period.parse("2021-T1")
    >>> staff({"sick_leave_pct": None}, p, {"sick_leave_pct": "uppgifter saknas för april 2021"})
    ['Sjukfrånvaron kan inte redovisas: uppgifter saknas för april 2021.']
    """
    unknown = unknown or {}
    out = []
    when = period.when_sv
    if "headcount" in unknown:
        out.append(f"Antalet anställda kan inte redovisas: {unknown['headcount']}.")
    elif _known(row.get("headcount")):
        n = row["headcount"]
        text = f"Divisionen har {fmt_int(n)} månadsavlönade {when}"
        change = row.get("headcount_change")
        if _known(change) and int(change):
            change = int(change)
            word = "en minskning" if change < 0 else "en ökning"
            pct = row.get("headcount_change_pct")
            pct_text = f" ({fmt_number(abs(pct), 1)} procent)" if _known(pct) else ""
            text += f", vilket är {word} med {fmt_int(abs(change))} personer{pct_text} sedan årsskiftet"
            tv = row.get("headcount_change_tillsvidare")
            if _known(tv) and tv and (tv < 0) == (change < 0) and abs(tv) <= abs(change):
                text += f", varav {fmt_int(abs(tv))} tillsvidareanställda"
        out.append(text + ".")
    if _known(row.get("worked_hours_change_pct")):
        pct = row["worked_hours_change_pct"]
        if round(pct, 1) == 0:
            out.append("Den arbetade tiden är i nivå med samma period föregående år.")
        else:
            direction = "ökat" if pct > 0 else "minskat"
            out.append(f"Den arbetade tiden har {direction} med {fmt_number(abs(pct), 1)} procent "
                       "jämfört med samma period föregående år.")
    if _known(row.get("sick_leave_pct")):
        text = f"Sjukfrånvaron ligger på {fmt_number(row['sick_leave_pct'], 1)} procent"
        pp = row.get("sick_leave_change_pp")
        if _known(pp) and round(pp, 1) != 0:
            word = "en minskning" if pp < 0 else "en ökning"
            text += (f", vilket är {word} med {fmt_number(abs(pp), 1)}{NBSP}procentenheter "
                     "jämfört med samma period föregående år")
        elif _known(pp):
            text += ", i nivå med samma period föregående år"
        out.append(text + ".")
    elif "sick_leave_pct" in unknown:
        out.append(f"Sjukfrånvaron kan inte redovisas: {unknown['sick_leave_pct']}.")
    else:
        # the true reason: a small group, or hidden so that a smaller group's cannot be worked out
        reason = HIDDEN_SENTENCE.get(row.get("sick_leave_reason") or "small", SMALL_GROUP_SENTENCE)
        out.append(f"Sjukfrånvaron redovisas inte: {reason}.")
    return out


def goals(assessments: dict[str, str | None], subject: str = "Divisionens mål") -> list[str]:
    """One sentence over the perspectives' assessments (perspective -> uppfyllt/delvis/ej,
    None where a perspective is not assessed), as a regional report writes it: one subject,
    each assessment with the perspectives it holds for.

    >>> goals({"medborgare": "ej", "verksamhet": "delvis", "medarbetare": "ej", "ekonomi": "delvis",
    ...        "samhälle": "uppfyllt"})  # Närsjukvård per april 2021
    ['Divisionens mål bedöms vara uppfyllda i perspektivet samhälle, delvis uppfyllda i perspektiven \
verksamhet och ekonomi samt inte uppfyllda i perspektiven medborgare och medarbetare.']
    >>> goals({"medborgare": "ej", "ekonomi": "ej", "samhälle": None})
    ['Divisionens mål bedöms inte vara uppfyllda i perspektiven medborgare och ekonomi. Perspektivet \
samhälle har inte bedömts.']
    """
    # the scorecard's reading order, whatever order the goals table lists them in
    rank = {p: i for i, p in enumerate(PERSPECTIVES)}
    assessments = dict(sorted(assessments.items(), key=lambda kv: rank.get(kv[0], len(rank))))
    groups = {k: [p for p, a in assessments.items() if a == k] for k in ("uppfyllt", "delvis", "ej")}
    unassessed = [p for p, a in assessments.items() if a not in groups]
    noun = lambda items: ("perspektivet " if len(items) == 1 else "perspektiven ") + _list(items)
    out = []
    if any(groups.values()):
        if not groups["uppfyllt"] and not groups["delvis"]:  # only not met: the verb says it
            out.append(f"{subject} bedöms inte vara uppfyllda i {noun(groups['ej'])}.")
        else:
            words = {"uppfyllt": "uppfyllda", "delvis": "delvis uppfyllda", "ej": "inte uppfyllda"}
            parts = [f"{words[k]} i {noun(items)}" for k, items in groups.items() if items]
            joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " samt " + parts[-1]
            out.append(f"{subject} bedöms vara {joined}.")
    if unassessed and out:
        text = noun(unassessed)
        out.append(f"{text[0].upper()}{text[1:]} har inte bedömts.")
    return [" ".join(out)] if out else []


def region(rows, period: Period, unknown: dict[str, str] | None = None) -> list[str]:
    """The region's summary: ``rows`` maps division -> key metrics, with the total under
    :data:`regionanalytics.summary.REGION_ROW`; ``unknown`` as for :func:`economy`."""
    from ..summary import REGION_ROW

    total = rows[REGION_ROW]
    out = []
    if _known(total.get("result")):
        out.append(_result_sentence(
            f"Divisionerna redovisar tillsammans {_result(total['result'])} {period.when_sv}", total))
    if not _known(total.get("budget_deviation")) and (sentence := _no_budget(unknown)):
        out.append(sentence)
    better = [d for d, r in rows.items() if d != REGION_ROW and _known(r.get("budget_deviation"))
              and not _zero(r["budget_deviation"]) and r["budget_deviation"] > 0]
    if better:
        names = [division_name(d) for d in better]
        names[0] = names[0][0].upper() + names[0][1:]
        out.append(f"{_list(names)} har resultat som är bättre än budget.")
    if _known(total.get("forecast_deviation")) and not period.is_full_year:
        out.append(f"Divisionernas årsprognoser är sammantaget "
                   f"{_against(total['forecast_deviation'], 'budget')}.")
    return out


def forecast_change(tkr, since: str) -> str:
    """The reference report's sentence on a forecast's move since the previous tertial.

    >>> [forecast_change(t, "april").replace(NBSP, " ") for t in (-12000, 3400, 20)]
    ['Prognosen har försämrats med 12 mnkr sedan april.', 'Prognosen har förbättrats med 3,4 mnkr sedan april.', 'Prognosen är oförändrad sedan april.']
    """
    if not _known(tkr):
        return ""
    if _zero(tkr):
        return f"Prognosen är oförändrad sedan {since}."
    verb = "förbättrats" if tkr > 0 else "försämrats"
    return f"Prognosen har {verb} med {fmt_mnkr_text(abs(tkr))} sedan {since}."


def region_result(row, period: Period) -> list[str]:
    """Sentences on the region's result and its development (empty without tax revenue).

    >>> region_result({"region_result": 220_000, "region_result_budget": None}, Period.parse("2021-T1"))
    ['Regionens resultat per april 2021 är ett överskott på 220\xa0mnkr.']
    """
    if not _known(row.get("region_result")):
        return []
    if _known(row.get("region_result_budget")):
        out = [f"Regionens resultat {period.label_sv} är {_result(row['region_result'])}, "
               f"{_against(row['region_result'] - row['region_result_budget'], 'budget')}."]
    else:  # without a budget the text claims no deviation
        out = [f"Regionens resultat {period.label_sv} är {_result(row['region_result'])}."]
    net, tax = row.get("net_cost_change_pct"), row.get("tax_revenue_change_pct")
    if _known(net) and _known(tax):
        relation = "lägre än" if net < tax else ("högre än" if net > tax else "lika med")
        out.append(f"Nettokostnadsutvecklingen är {fmt_number(net, 1)}{NBSP}procent, {relation} "
                   f"skatteintäktsutvecklingen på {fmt_number(tax, 1)}{NBSP}procent.")
    return out


def balance_requirement(tkr, period: Period, missing: list[str] | None = None) -> list[str]:
    """The förvaltningsberättelse's sentence on the balanskrav: for the year (its result) or
    from the full-year forecast ("bedöms"), and what the figure could not take into account.

    >>> balance_requirement(12_300.0, Period.parse("2021-T2"))
    ['Balanskravet bedöms uppfyllas för 2021: balanskravsresultatet enligt helårsprognosen är 12,3\xa0mnkr.']
    >>> balance_requirement(-500.0, Period.parse("2021"), ["realisationsvinster"])[0]
    'Balanskravet uppfylls inte för 2021: balanskravsresultatet är −0,5\xa0mnkr.'
    """
    if not _known(tkr):
        return ["Balanskravsresultatet för helåret kan inte bedömas: prognos och budget saknas."]
    year = period.year
    met = tkr >= 0
    if period.is_full_year:
        out = [f"Balanskravet {'uppfylls' if met else 'uppfylls inte'} för {year}: "
               f"balanskravsresultatet är {fmt_mnkr_text(tkr, sign=tkr < 0)}."]
    else:
        out = [f"Balanskravet {'bedöms uppfyllas' if met else 'bedöms inte uppfyllas'} för {year}: "
               f"balanskravsresultatet enligt helårsprognosen är {fmt_mnkr_text(tkr, sign=tkr < 0)}."]
    if missing:
        out.append(f"Justeringarna för {_list(missing)} ingår inte: underlaget skiljer inte ut dem.")
    return out


def financial_goals(assessments: list[str | None], period: Period) -> list[str]:
    """How many financial goals the forecast meets.

    >>> financial_goals(["uppfyllt", "delvis", "ej"], Period.parse("2021-T2"))
    ['Av 3 finansiella mål bedöms 1 uppfyllas, 1 delvis uppfyllas och 1 inte uppfyllas för 2021.']
    """
    counts = {k: assessments.count(k) for k in ("uppfyllt", "delvis", "ej", None)}
    parts = [f"{counts['uppfyllt']} uppfyllas"]
    if counts["delvis"]:
        parts.append(f"{counts['delvis']} delvis uppfyllas")
    if counts["ej"]:
        parts.append(f"{counts['ej']} inte uppfyllas")
    if counts[None]:
        parts.append(f"{counts[None]} inte bedömas (uppgifter saknas)")
    return [f"Av {len(assessments)} finansiella mål bedöms {_list(parts)} för {period.year}."]
