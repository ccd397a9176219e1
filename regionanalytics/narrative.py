"""Short Swedish narrative generated from the figures, in the reference report's style.

Each function takes one row of key metrics (a mapping metric -> value, as in
:func:`regionanalytics.summary.key_metrics_wide`) and returns sentences. A
sick-leave figure that is suppressed is never written out.
"""
from __future__ import annotations

from .formatting import NBSP, fmt_int, fmt_mnkr_text, fmt_number, is_missing
from .periods import MONTH_NAMES_SV, Period


def _known(value) -> bool:
    return not is_missing(value)


def _when(period: Period) -> str:
    return "för helåret" if period.is_full_year else f"per {MONTH_NAMES_SV[period.last_month - 1]}"


def _surplus(value) -> str:
    return "ett överskott" if value >= 0 else "ett underskott"


def economy(row, period: Period) -> list[str]:
    out = []
    if _known(row.get("budget_deviation")):
        dev = row["budget_deviation"]
        if round(dev / 1000, 1) == 0:
            out.append(f"Divisionen redovisar {_when(period)} ett resultat i nivå med budget.")
        else:
            out.append(f"Divisionen redovisar {_when(period)} {_surplus(dev)} med "
                       f"{fmt_mnkr_text(abs(dev))} mot budget.")
    if _known(row.get("result")) and _known(row.get("result_prev_year")):
        change = row["result"] - row["result_prev_year"]
        comparison = ("i nivå med" if round(change / 1000, 1) == 0 else
                      f"{fmt_mnkr_text(abs(change))} {'bättre' if change > 0 else 'sämre'} än")
        out.append(f"Periodens resultat är {fmt_mnkr_text(row['result'], sign=True)}, vilket är "
                   f"{comparison} samma period föregående år.")
    if _known(row.get("forecast_deviation")) and not period.is_full_year:
        fd = row["forecast_deviation"]
        out.append(f"Prognosen för helår {period.year} visar på {_surplus(fd)} om "
                   f"{fmt_mnkr_text(abs(fd))} mot budget.")
    if _known(row.get("action_plan_pct")):
        out.append(f"Måluppfyllelsen för den ekonomiska handlingsplanen är "
                   f"{fmt_number(row['action_plan_pct'], 0)} procent {_when(period)}.")
    return out


def staff(row, period: Period) -> list[str]:
    out = []
    if _known(row.get("headcount")) and _known(row.get("headcount_change")):
        n, change = row["headcount"], int(row["headcount_change"])
        text = f"Divisionen har {fmt_int(n)} månadsanställda {_when(period)}"
        if change:
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
            unit = "procentenhet" if round(abs(pp), 1) == 1 else "procentenheter"
            text += f", vilket är {word} med {fmt_number(abs(pp), 1)}{NBSP}{unit} jämfört med föregående år"
        out.append(text + ".")
    else:
        out.append("Sjukfrånvaro redovisas inte för grupper med tio eller färre anställda.")
    return out


def goals(assessments: dict[str, str | None]) -> list[str]:
    """One sentence over the perspectives' assessments (perspective -> uppfyllt/delvis/ej)."""
    groups = {k: [p for p, a in assessments.items() if a == k] for k in ("uppfyllt", "delvis", "ej")}
    if not any(groups.values()):
        return []
    join = lambda items: items[0] if len(items) == 1 else ", ".join(items[:-1]) + " och " + items[-1]
    parts = []
    if groups["uppfyllt"]:
        parts.append(f"uppnår måluppfyllelsen i perspektiv{'et' if len(groups['uppfyllt']) == 1 else 'en'} "
                     f"{join(groups['uppfyllt'])}")
    if groups["delvis"]:
        parts.append(f"delvis uppfyller den för perspektiv{'et' if len(groups['delvis']) == 1 else 'en'} "
                     f"{join(groups['delvis'])}")
    text = "Den samlade bedömningen är att divisionen " + join(parts) + "."
    if groups["ej"]:
        text += (f" Divisionens måluppfyllelse i perspektiv{'et' if len(groups['ej']) == 1 else 'en'} "
                 f"{join(groups['ej'])} uppnås inte.")
    return [text]


def region(rows, period: Period) -> list[str]:
    """The region's summary: ``rows`` maps division -> key metrics, with the total under "Region"."""
    from .summary import REGION

    total = rows[REGION]
    out = []
    if _known(total.get("result")) and _known(total.get("result_prev_year")):
        change = total["result"] - total["result_prev_year"]
        sign = "positivt" if total["result"] >= 0 else "negativt"
        out.append(f"Divisionerna visar ett {sign} periodresultat med {fmt_mnkr_text(total['result'], sign=True)} "
                   f"vilket är {fmt_mnkr_text(abs(change))} {'bättre' if change >= 0 else 'sämre'} "
                   "än föregående år.")
    better = [d for d, r in rows.items() if d != REGION and _known(r.get("budget_deviation"))
              and r["budget_deviation"] > 0]
    if better:
        names = [f"division {d}" for d in better]
        names[0] = names[0][0].upper() + names[0][1:]
        listing = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " och " + names[-1]
        out.append(f"{listing} har resultat som är bättre än budget.")
    if _known(total.get("forecast_deviation")) and not period.is_full_year:
        fd = total["forecast_deviation"]
        out.append(f"Divisionernas årsprognoser pekar på {_surplus(fd)} på "
                   f"{fmt_mnkr_text(fd, sign=True)} mot budget.")
    return out
