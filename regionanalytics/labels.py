"""Swedish labels: the one place where the reports' words are defined.

Code speaks English (``budget_deviation``); reports speak Swedish
("Avvikelse mot budget"). Every table header, chart axis and narrative term
comes from here.
"""
from __future__ import annotations

from .privacy import SMALL_GROUP_MAX

METRICS = {
    "result": "Resultat",
    "budget": "Periodbudget",
    "budget_deviation": "Avvikelse mot budget",
    "result_prev_year": "Resultat föregående år",
    "result_change": "Förändring mot föregående år",
    "change": "Förändring mot föregående år",
    "annual_budget": "Årsbudget",
    "forecast": "Helårsprognos",
    "forecast_deviation": "Prognos mot budget",
    "result_prev_full_year": "Resultat helår föregående år",
    "forecast_vs_prev_year": "Prognos mot föregående år",
    "headcount": "Antal månadsanställda",
    "headcount_start": "Antal vid årsskiftet",
    "headcount_change": "Förändring sedan årsskiftet",
    "headcount_change_pct": "Förändring sedan årsskiftet (%)",
    "headcount_change_tillsvidare": "Förändring tillsvidareanställda",
    "headcount_change_visstid": "Förändring visstidsanställda",
    "headcount_prev_year": "Antal föregående år",
    "worked_hours": "Arbetad tid (timmar)",
    "worked_hours_prev_year": "Arbetad tid föregående år",
    "worked_hours_change_pct": "Förändring arbetad tid (%)",
    "worked_fte": "Arbetad tid omräknad till årsarbetare",
    "worked_fte_prev_year": "Arbetad tid i årsarbetare föregående år",
    "sick_leave_pct": "Sjukfrånvaro (%)",
    "sick_leave_pct_prev_year": "Sjukfrånvaro föregående år (%)",
    "sick_leave_change_pp": "Förändring (procentenheter)",
    "long_term_sick_share_pct": "Andel långtidssjukfrånvaro (%)",
    "action_plan_pct": "Handlingsplan genomförd (%)",
    "action_plan_planned_full_year": "Besparingsuppdrag helår",
    "units_without_forecast": "Verksamheter utan prognos",
    "forecast_prev_tertial": "Helårsprognos föregående tertial",
    "forecast_change_since_tertial": "Prognosförändring sedan föregående tertial",
    "personnel_cost": "Personalkostnader",
    "personnel_cost_change_pct": "Förändring personalkostnader (%)",
    "hired_staff_cost": "Inhyrd personal",
    "hired_staff_share_pct": "Inhyrd personal i procent av egna personalkostnader",
    "net_cost": "Verksamhetens nettokostnad",
    "net_cost_change_pct": "Nettokostnadsutveckling (%)",
    "tax_revenue": "Skatteintäkter och generella statsbidrag",
    "tax_revenue_change_pct": "Skatteintäktsutveckling (%)",
    "financial_net": "Finansnetto",
    "region_result": "Regionens resultat",
    "region_result_budget": "Regionens budgeterade resultat",
    "investments": "Investeringar",
    "investment_budget_year": "Investeringsbudget helår",
    "total_assets": "Summa tillgångar",
    "equity": "Eget kapital",
    "equity_ratio_pct": "Soliditet (%)",
    "equity_ratio_incl_pensions_pct": "Soliditet inklusive pensionsåtaganden (%)",
    "liquidity": "Kassalikviditet (%)",
    "balance_requirement_result": "Balanskravsresultat",
    "balance_requirement_forecast": "Balanskravsresultat enligt helårsprognosen",
    "fte": "Årsarbetare, avtalad sysselsättningsgrad",
    "fte_kolada": "Årsarbetare inkl. timavlönade (som Kolada N60065)",
    "fulltime_share_pct": "Andel heltidsanställda (%)",
    "turnover_pct": "Personalomsättning tillsvidareanställda hittills i år (%)",
    "turnover_12m_pct": "Personalomsättning tillsvidareanställda, rullande 12 månader (%)",
    "overtime_hours": "Övertid (timmar)",
    "overtime_per_fte": "Övertid per årsarbetare (timmar)",
    "additional_hours": "Mertid (timmar)",
    "additional_per_fte": "Mertid per årsarbetare (timmar)",
    "value": "Utfall",
    "value_prev_year": "Utfall föregående år",
    "change_pct": "Förändring (%)",
    "persons": "Antal personer",
}

#: Short column headers of the report tables (a table may override one for its context).
TABLE_HEADERS = {
    "unit": "Verksamhet", "division": "Division", "measure": "Mått", "perspective": "Perspektiv",
    "employment": "Anställningsform", "figure": "Nyckeltal", "assessment": "Bedömning",
    "result": "Resultat", "budget": "Periodbudget", "budget_deviation": "Avvikelse mot budget",
    "result_prev_year": "Resultat föregående år", "change": "Förändring", "result_change": "Mot föregående år",
    "forecast": "Helårsprognos", "annual_budget": "Årsbudget", "forecast_deviation": "Prognos mot budget",
    "planned": "Planerade åtgärder hittills", "achieved": "Genomförda åtgärder",
    "action_plan_pct": "Måluppfyllelse (%)", "planned_full_year": "Besparingsuppdrag helår",
    "headcount": "Månadsanställda", "headcount_change": "Förändring", "headcount_change_pct": "Förändring (%)",
    "worked_hours": "Arbetad tid (tim)", "worked_hours_prev_year": "Föregående år (tim)",
    "worked_hours_change_pct": "Förändring (%)", "worked_fte": "Årsarbetare (arbetad tid)",
    "worked_fte_prev_year": "Föregående år (årsarbetare)",
    "sick_leave_pct": "Sjukfrånvaro (%)", "sick_leave_pct_prev_year": "Föregående år (%)",
    "sick_leave_change_pp": "Förändring (procentenheter)", "change_pp": "Förändring (procentenheter)",
    "long_term_sick_share_pct": "Andel långtid (%)", "value_prev_year": "Föregående år",
    "change_pct": "Förändring (%)", "met": "Indikatorer uppfyllda", "partly": "Delvis", "not_met": "Ej uppfyllda",
    "month": "Månad", "result_cum": "Ackumulerat resultat", "budget_cum": "Ackumulerad budget",
    "personnel_cost": "Personalkostnader", "personnel_cost_prev_year": "Föregående år",
    "personnel_cost_change_pct": "Förändring (%)", "hired_staff_cost": "Inhyrd personal",
    "hired_staff_share_pct": "Inhyrd av egna personalkostnader (%)",
    "fte": "Årsarbetare, avtalad sysselsättningsgrad", "fte_kolada": "Årsarbetare inkl. timavlönade",
    "fulltime_share_pct": "Heltid (%)",
    "turnover_pct": "Personalomsättning hittills i år (%)",
    "turnover_12m_pct": "Personalomsättning 12 mån (%)", "overtime_per_fte": "Övertid per årsarbetare (tim)",
    "additional_per_fte": "Mertid per årsarbetare (tim)", "project": "Projekt",
    "investments": "Utfall", "investment_budget": "Budget hittills", "investment_budget_year": "Budget helår",
    "investment_pct": "Förbrukat av helårsbudget (%)", "forecast_prev_tertial": "Föregående tertial",
    "forecast_change_since_tertial": "Förändring",
}

#: Units shown after a metric's label in tables.
AMOUNT_UNIT = "mnkr"

DIMENSIONS = {
    "division": "Division",
    "unit": "Verksamhet",
    "account": "Konto",
    "measure": "Mått",
    "perspective": "Perspektiv",
    "employment": "Anställningsform",
    "gender": "Kön",
    "age_group": "Åldersgrupp",
    "month": "Månad",
    "figure": "Nyckeltal",
}

EMPLOYMENT = {"tillsvidare": "Tillsvidareanställda", "visstid": "Visstidsanställda",
              "timavlönad": "Timavlönade"}
GENDER = {"K": "Kvinnor", "M": "Män"}
AGE_GROUPS = {"29_or_younger": "29 år eller yngre", "30_49": "30–49 år", "50_or_older": "50 år eller äldre"}
SICK_LEAVE_FIGURES = {
    "total": "Total sjukfrånvaro",
    "long_term_share": "Andel långtidssjukfrånvaro (60 dagar eller mer)",
    "women": GENDER["K"],
    "men": GENDER["M"],
    **{f"age_{code}": text for code, text in AGE_GROUPS.items()},
}
#: The usual scorecard perspectives, in reading order (a region's data may have others).
PERSPECTIVES = ("medborgare", "verksamhet", "medarbetare", "ekonomi", "samhälle")
ASSESSMENT = {"uppfyllt": "Uppfyllt", "delvis": "Delvis uppfyllt", "ej": "Ej uppfyllt", None: "Ej bedömt"}
#: Numeric score of an assessment, for heatmaps (higher is better).
ASSESSMENT_SCORE = {"uppfyllt": 2, "delvis": 1, "ej": 0}

#: The region's total row in tables.
REGION_TOTAL = "Regionen totalt"
#: The unit (and division) of a ledger's amounts that carry no kostnadsställe object.
NO_KOSTNADSSTALLE = "Utan kostnadsställe"
#: The divisions' sum where the region's own result is shown beside it (the index).
DIVISIONS_TOTAL = "Divisionerna totalt"
DIVISION_TOTAL = "Divisionen totalt"
#: The region's central level (finansförvaltningen) as a row of the region's tables.
CENTRAL_LEVEL = "Central nivå (finansförvaltningen)"
MONTHLY_PAID_TOTAL = "Månadsanställda totalt"

#: The small-group rule in words, built from its one threshold.
SMALL_GROUP = f"{SMALL_GROUP_MAX} eller färre anställda"
SUPPRESSED_NOTE = f"* Uppgiften visas inte: gruppen har {SMALL_GROUP} (sjukfrånvaro är hälsouppgifter)."
#: The reason of a figure hidden by secondary suppression: it names no group.
PROTECTS_REASON = "den döljs för att en mindre grupps uppgift inte ska kunna räknas fram"
PROTECTS_NOTE = f"** Uppgiften visas inte: {PROTECTS_REASON} (sjukfrånvaro är hälsouppgifter)."
#: Why a sick-leave figure is not shown, in running text.
SMALL_GROUP_SENTENCE = f"den gäller en grupp med {SMALL_GROUP}, och sjukfrånvaro är hälsouppgifter"
PROTECTS_SENTENCE = f"{PROTECTS_REASON}, och sjukfrånvaro är hälsouppgifter"
#: Why a sick-leave figure is hidden, by the reason code of :func:`regionanalytics.privacy.decide`.
HIDDEN_SENTENCE = {"small": SMALL_GROUP_SENTENCE, "protects": PROTECTS_SENTENCE}

#: The words of the charts: titles, series and axes.
CHARTS = {
    "cumulative_result": "Ackumulerat resultat mot budget",
    "cumulative_result_only": "Ackumulerat resultat",
    "deviation_by_division": "Avvikelse mot budget per division",
    "sick_leave_by_month": "Sjukfrånvaro per månad",
    "sick_leave_by_division": "Sjukfrånvaro per division",
    "goal_heatmap": "Måluppfyllelse per division och perspektiv",
    "result": "Resultat", "budget": "Budget", "this_year": "I år", "last_year": "Föregående år",
    "mnkr": "mnkr", "percent": "procent", "percent_of_scheduled": "procent av schemalagd tid",
    "alt": "Diagram: {title}", "series": "Serier: {series}",
}

#: Captions, headings and sentences of the reports ({placeholders} filled by the report).
TEXTS = {
    "division_title": "{title} – {division}",
    "region_title": "{title} – Regionen, sammanställning av divisionerna",
    "index_title": "{title} – rapporter",
    "index_totals_note": ("Divisionerna totalt är divisionernas summa (länken leder till regionens "
                          "sammanställning); regionens resultat räknar dessutom in skatteintäkter, "
                          "generella statsbidrag, finansnetto och den centrala nivån."),
    "header": ("<b>Period:</b> {period_sv} ({period}), ackumulerat från januari, jämfört med samma "
               "period föregående år.<br><b>Datakälla:</b> {source} ({files})<br><b>Framtagen:</b> {when}"),
    "economy_caption": "Resultat {period_sv} (mnkr)",
    "forecast_caption": "Helårsprognos {year} (mnkr), senast lämnad {month}",
    "action_plan_caption": "Ekonomisk handlingsplan (mnkr)",
    "no_action_plan": "Divisionen har ingen ekonomisk handlingsplan i underlaget.",
    "staff_caption": "Antal anställda (personer)",
    "hours_caption": "Arbetad tid, alla anställda inklusive timavlönade",
    "sick_caption": "Sjukfrånvaro i procent av schemalagd tid, månadsanställda",
    "sick_by_unit_caption": "Sjukfrånvaro per verksamhet",
    "sick_to_date_note": ("Sjukfrånvaron avser {span}, hittills i år. Lagens nyckeltal (11 kap. 9 § lagen "
                          "om kommunal bokföring och redovisning) avser hela räkenskapsåret och "
                          "redovisas i årsredovisningen."),
    "sick_year_note": ("Sjukfrånvaron avser hela året ({span}), som lagens nyckeltal (11 kap. 9 § lagen "
                       "om kommunal bokföring och redovisning)."),
    "sick_chart_hidden": "Sjukfrånvaron per månad visas inte: {reason}.",
    "production_caption": "Produktion {period_sv} jämfört med samma period föregående år",
    "no_production": "Produktionsdata saknas för {subject}.",
    "scorecard_caption": "Måluppfyllelse enligt styrkortet ({goals_period})",
    "no_scorecard": "Styrkortet saknas för perioden.",
    "divisions_caption": "Divisionerna {period_sv} (mnkr, procent, personer)",
    "missing": "Uppgiften kan inte redovisas: {reason}.",
    "no_forecast_units": "Prognos saknas {when} för {units}; årsbudgeten har räknats som prognos.",
    "finance_gap": "Ekonomiunderlaget har inga rader för {unit} för {months}.",
    "staff_missing": "Personal- eller sjukfrånvarouppgifter saknas: {reason}.",
    "data_complete": "Underlaget täcker perioden; inga anmärkningar.",
    "production_missing": "produktionsuppgifter saknas för {months}",
    "this_year_pct": "I år (%)",
    "last_year_pct": "Föregående år (%)",
    "deviation": "Avvikelse",
    "outcome": "Utfall",
    "december": "December {year}",
    "chart_numbers": "Diagrammets siffror",
    "unit_title": "{title} – {unit}, {division}",
    "unit_total": "Verksamheten totalt",
    "unit_reports": "Verksamheternas rapporter",
    "division_subject": "Divisionen", "unit_subject": "Verksamheten",
    "staff_costs_caption": "Personalkostnader och inhyrd personal {period_sv} (mnkr)",
    "staff_structure_caption": "Årsarbetare, heltid, personalomsättning och övertid {period_sv}",
    "staff_structure_note": ("Årsarbetare, avtalad sysselsättningsgrad: månadsanställdas avtalade "
                             "sysselsättningsgrader i {end}. Årsarbetare inkl. timavlönade räknas som "
                             "Kolada (N60065): {rates} plus timavlönades arbetade timmar omräknade till "
                             "heltid, i {month} (Kolada mäter november). Personalomsättning hittills i år: "
                             "tillsvidareanställda som lämnat regionen sedan årsskiftet, av det genomsnittliga "
                             "antalet. Rullande 12 månader, jämförbar med Kolada (N60084): "
                             "tillsvidareanställda i {twelve} som inte är anställda i {end}, av antalet "
                             "tillsvidareanställda i {twelve}."),
    "kolada_actual": "månadsanställdas faktiska sysselsättningsgrader (avtalad minus tjänstledighet)",
    "kolada_contracted": ("månadsanställdas avtalade sysselsättningsgrader (underlaget saknar faktisk "
                          "sysselsättningsgrad)"),
    "hired_share_note": ("Inhyrd personal i procent av de egna personalkostnaderna (SKR:s mått), "
                         "inte av personalkostnader och inhyrd personal tillsammans."),
    "region_staff_costs_caption": "Personalkostnader och inhyrd personal {period_sv} (mnkr): {rows}",
    "staff_cost_rows": "divisionerna och regionens centrala nivå (finansförvaltningen: pensioner m.m.)",
    "staff_cost_rows_divisions": ("divisionerna; regionens centrala nivå har inga personalkostnader i "
                                  "underlaget"),
    "investments_caption": "Investeringar {period_sv} (mnkr)",
    "no_investments": "Investeringar saknas i underlaget för {subject}.",
    "forecast_changes_caption": "Helårsprognos {year}: förändring sedan {since} (mnkr)",
    "no_previous_tertial": "Första tertialet: det finns ingen tidigare prognos under året att jämföra med.",
    "region_result_caption": "Regionens resultat {period_sv} (mnkr, procent)",
    "budget_missing": "Budget och avvikelse mot budget kan inte redovisas: {reason}.",
    "annual_budget_missing": ("Årsbudget och prognos mot budget kan inte redovisas: {reason}; en verksamhet "
                              "utan egen prognos har då ingen prognos, och inte heller summan."),
    "no_budget_note": "Jämförelser med budget kan inte redovisas: {reason}.",
    "no_forecast_no_budget": "Prognos och budget saknas {when} för {units}; deras prognos kan inte redovisas.",
    "no_budget_units": "Budget saknas för {items}; budgeten räknas som 0, så avvikelsen är hela utfallet.",
    "no_actuals_units": "Budget men inget utfall {when} för {items}.",
    "unplaced_account": ("Kontot {account} finns inte i kontoplanen ({amount} {period_sv}): det räknas i "
                         "resultatet och i nettokostnaden, men i ingen rad som personalkostnader eller "
                         "köpt verksamhet."),
}


#: The words of the people's texts (``texts/<period>/*.md``) in the reports and the index.
WRITTEN = {
    "comment_missing": "Divisionens kommentar saknas.",
    "byline": "Text: {author}",
    "unit_comment_missing": "Verksamhetens kommentar saknas.",
    "region_text_missing": "Regiondirektörens text saknas ({file}).",
    "figure_hidden": "uppgiften visas inte ({reason})",
    "figure_unknown": "uppgiften kan inte redovisas ({reason})",
    "figure_none": "uppgiften saknas",
    "unit_figure_none": "nyckeltalet tas fram per division, inte per verksamhet",
    "director_title": "{title} – Regiondirektörens rapport",
    "director_short": "Regiondirektörens rapport",
    "divisions_heading": "Divisionernas delårsrapporter",
    "bilaga": "För mer information se bilaga {n}: Delårsrapport {division}",
    "bilaga_title": "Bilaga {n}: Delårsrapport {division}",
    "review_heading": "Att se över i texterna",
    "review_none": "Inga skrivna siffror avviker från underlaget.",
    "review_disagrees": "”{typed}” stämmer inte med något nyckeltal för {scope}{nearest}.",
    "review_nearest": "; närmast: {label} {value}",
    "review_hidden": ("”{typed}” gäller sjukfrånvaron för {scope}, som inte visas ({reason}); "
                      "skriv ingen siffra för den."),
    "review_error": "texten kan inte användas: {message}",
    "unit_scope": "verksamheten {unit} i {division}",
    "review_format": ("”{typed}” är skrivet med punkt och kan inte kontrolleras; skriv decimaler med komma "
                      "(7,5 mnkr) och tusental med mellanslag (1 234 mnkr)."),
    "text_column": "Text",
    "status": {"saknas": "saknas", "utkast": "utkast", "klar": "klar"},
}
#: The sections of a division report a text's heading can name (its text follows the
#: section's figures); other headings become sections of their own at the end.
TEXT_SECTIONS = ("Ekonomi", "Medarbetare", "Sjukfrånvaro", "Produktion", "Måluppfyllelse")
#: The unit words a figure is written with in running text, by the key metric's unit.
FIGURE_UNITS = {"tkr": "mnkr", "percent": "procent", "procentenheter": "procentenheter",
                "persons": "personer", "hours": "timmar", "årsarbetare": "årsarbetare",
                "units": "verksamheter"}

def division_name(name: str, capital: bool = False) -> str:
    """A division as running text names it, "division Service"; a name that already
    says so (``Division Älvdal``) is not prefixed again.

    >>> division_name("Service"), division_name("Division Älvdal"), division_name("Service", capital=True)
    ('division Service', 'Division Älvdal', 'Division Service')
    """
    text = name if name.casefold().startswith("division ") else f"division {name}"
    return text[0].upper() + text[1:] if capital else text


def metric(name: str, unit: str | None = None) -> str:
    """The Swedish label of a metric, with its unit in parentheses when given."""
    text = METRICS.get(name, DIMENSIONS.get(name, name))
    return f"{text} ({unit})" if unit else text

#: Why a figure of the statements (regionanalytics.metrics.statements) is missing.
STATEMENT_REASONS = {
    "no_budget": "budget saknas i underlaget",
    "no_months": "uppgifter saknas för {months}",
    "no_balance": "balansräkningen saknas i underlaget för {months}",
    "not_in_plan": "kontoplanen skiljer inte ut {what}",
    "no_reserve": "kontoplanen anger inget konto för resultatutjämningsreserven",
    "forecast_per_unit": "prognosen lämnas per verksamhet som resultat, inte per rad",
    "no_forecast": "prognos saknas för någon verksamhet och budget saknas i underlaget",
    "no_goals": "finansiella mål saknas i underlaget",
}

#: The lines of the resultaträkning, the balansräkning and the balanskravsutredning.
STATEMENT_LINES = {
    "operating_revenue": "Verksamhetens intäkter",
    "operating_costs": "Verksamhetens kostnader",
    "depreciation": "Avskrivningar",
    "net_cost": "Verksamhetens nettokostnad",
    "tax_revenue": "Skatteintäkter",
    "general_grants": "Generella statsbidrag och utjämning",
    "operating_result": "Verksamhetens resultat",
    "financial_income": "Finansiella intäkter",
    "financial_costs": "Finansiella kostnader",
    "result_after_financial": "Resultat efter finansiella poster",
    "extraordinary": "Extraordinära poster",
    "period_result": "Periodens resultat",
    "fixed_assets": "Anläggningstillgångar",
    "current_assets": "Omsättningstillgångar",
    "total_assets": "Summa tillgångar",
    "equity": "Eget kapital",
    "of_which_result": "därav periodens resultat",
    "provisions": "Avsättningar (pensioner och liknande förpliktelser)",
    "liabilities": "Skulder",
    "long_term_liabilities": "därav långfristiga skulder",
    "current_liabilities": "därav kortfristiga skulder",
    "total_equity_liabilities": "Summa eget kapital, avsättningar och skulder",
    "result": "Periodens resultat",
    "realisation_gains": "Avgår samtliga realisationsvinster",
    "unrealised_securities": "Orealiserade vinster och förluster i värdepapper",
    "result_after_adjustments": "Resultat efter balanskravsjusteringar",
    "to_reserve": "Reservering till resultatutjämningsreserv",
    "from_reserve": "Disposition från resultatutjämningsreserv",
    "balance_requirement_result": "Balanskravsresultat",
}

#: Column headers of the statements' tables.
STATEMENT_HEADERS = {
    "line": "Post", "actual": "Utfall", "actual_prev_year": "Utfall föregående år",
    "annual_budget": "Årsbudget", "forecast": "Helårsprognos", "at_end": "Periodens slut",
    "at_prev_year_end": "31 december föregående år", "period": "Perioden",
    "goal": "Mål", "indicator": "Indikator", "target": "Målvärde", "value": "Prognos",
    "assessment": "Bedömning",
}

#: The financial goals' indicators (the financial_goals table's indicator column).
GOAL_INDICATORS = {
    "result_share": "Resultat i procent av skatteintäkter och generella statsbidrag",
    "self_financing": "Självfinansieringsgrad av investeringar (%)",
    "equity_ratio": "Soliditet (%)",
    "equity_ratio_incl_pensions": "Soliditet inklusive pensionsåtaganden (%)",
}

TEXTS.update({
    "income_statement_caption": "Resultaträkning {period_sv} (mnkr)",
    "balance_sheet_caption": "Balansräkning per {when} och per den 31 december året före (mnkr)",
    "balance_requirement_caption": "Balanskravsutredning {period_sv} och helårsprognos {year} (mnkr)",
    "balance_requirement_caption_forecast": "Balanskravsutredning utifrån helårsprognosen {year} (mnkr)",
    "financial_goals_caption": "Finansiella mål för god ekonomisk hushållning {year}, bedömda utifrån "
                               "helårsprognosen (procent)",
    "statements_half_year": "Resultaträkning, balansräkning och finansiella mål redovisas i delårsrapporten "
                            "per augusti och i årsredovisningen.",
    "statement_notes": "Saknas: {notes}.",
    "central_forecast_from_budget": "Helårsprognosen räknar centrala nivåns årsbudget som dess prognos "
                                    "(den har ingen egen prognos).",
    "units_forecast_from_budget": "Verksamheter utan prognos räknas med sin årsbudget: {units} stycken.",
    "no_balance_sheet": "Uppgiften kan inte redovisas: {reason}.",
})
