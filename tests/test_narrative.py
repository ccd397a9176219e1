"""The Swedish sentences, as a regional report writes them (expected text written by hand)."""
import itertools
import re

import pytest

from regionanalytics import narrative
from regionanalytics.formatting import MINUS, NBSP
from regionanalytics.periods import Period

T1 = Period.parse("2021-T1")
YEAR = Period.parse("2021")


def text(sentences):
    return " ".join(sentences).replace(NBSP, " ")


def test_deficit_and_deviation_without_double_signs():
    out = text(narrative.economy({"budget_deviation": -7_000, "result": -111_500, "result_prev_year": -100_000,
                                  "forecast_deviation": -49_000}, T1))
    assert out == ("Divisionen redovisar per april ett resultat som är 7 mnkr sämre än budget. "
                   "Periodens resultat är ett underskott på 111,5 mnkr, vilket är 11,5 mnkr sämre än "
                   "samma period föregående år. Prognosen för helår 2021 är 49 mnkr sämre än budget.")
    assert MINUS not in out and "+" not in out


def test_zero_is_in_level_never_a_surplus_of_zero():
    out = text(narrative.economy({"budget_deviation": 30, "result": 0, "result_prev_year": 20}, T1))
    assert out == ("Divisionen redovisar per april ett resultat som är i nivå med budget. "
                   "Periodens resultat är ett nollresultat, vilket är i nivå med samma period föregående år.")
    region = text(narrative.region({"Region": {"result": 0, "result_prev_year": 0, "forecast_deviation": 0}}, T1))
    assert region == ("Divisionerna redovisar tillsammans ett nollresultat per april, vilket är i nivå med "
                      "samma period föregående år. Divisionernas årsprognoser är sammantaget i nivå med budget.")


def test_full_year_is_per_den_31_december():
    out = text(narrative.economy({"budget_deviation": 12_600, "action_plan_pct": 146.0}, YEAR))
    assert out == ("Divisionen redovisar per den 31 december ett resultat som är 12,6 mnkr bättre än budget. "
                   "Måluppfyllelsen för den ekonomiska handlingsplanen är 146 procent per den 31 december.")


def test_staff_sentences():
    row = {"headcount": 131, "headcount_change": -6, "headcount_change_pct": -100 * 6 / 137,
           "headcount_change_tillsvidare": -4, "sick_leave_pct": 5.3, "sick_leave_change_pp": -1.0}
    assert text(narrative.staff(row, T1)) == (
        "Divisionen har 131 månadsavlönade per april, vilket är en minskning med 6 personer (4,4 procent) "
        "sedan årsskiftet, varav 4 tillsvidareanställda. Sjukfrånvaron ligger på 5,3 procent, vilket är en "
        "minskning med 1,0 procentenheter jämfört med samma period föregående år.")


def test_hidden_sick_leave_says_why():
    small = text(narrative.staff({"sick_leave_pct": None}, T1))
    assert small == ("Sjukfrånvaron redovisas inte: den gäller en grupp med 10 eller färre anställda, "
                     "och sjukfrånvaro är hälsouppgifter.")
    # a 37-person unit hidden for another's sake is not called a small group
    protects = text(narrative.staff({"sick_leave_pct": None, "sick_leave_reason": "protects"}, T1))
    assert protects == ("Sjukfrånvaron redovisas inte: den döljs för att en mindre grupps uppgift inte ska "
                        "kunna räknas fram, och sjukfrånvaro är hälsouppgifter.")
    missing = text(narrative.staff({"sick_leave_pct": None, "headcount": None}, T1,
                                   {"sick_leave_pct": "uppgifter saknas för april 2021",
                                    "headcount": "uppgifter saknas för april 2021"}))
    assert missing == ("Antalet anställda kan inte redovisas: uppgifter saknas för april 2021. "
                       "Sjukfrånvaron kan inte redovisas: uppgifter saknas för april 2021.")


def test_goals_when_nothing_is_met_and_when_some_is():
    assert narrative.goals({"medborgare": "ej", "verksamhet": "ej"}) == [
        "Divisionens mål bedöms inte vara uppfyllda i perspektiven medborgare och verksamhet."]
    # no "den" without a noun to refer to: one subject, each assessment with its perspectives
    assert narrative.goals({"samhälle": "uppfyllt", "ekonomi": "delvis", "medarbetare": "ej"}) == [
        "Divisionens mål bedöms vara uppfyllda i perspektivet samhälle, delvis uppfyllda i perspektivet "
        "ekonomi samt inte uppfyllda i perspektivet medarbetare."]


# every mix of met, partly and not met, written out by hand
GOAL_MIXES = [
    ({"medborgare": "uppfyllt", "ekonomi": "uppfyllt"},
     "Divisionens mål bedöms vara uppfyllda i perspektiven medborgare och ekonomi."),
    ({"ekonomi": "delvis"}, "Divisionens mål bedöms vara delvis uppfyllda i perspektivet ekonomi."),
    ({"medarbetare": "ej"}, "Divisionens mål bedöms inte vara uppfyllda i perspektivet medarbetare."),
    ({"medborgare": "uppfyllt", "verksamhet": "delvis", "ekonomi": "delvis"},
     "Divisionens mål bedöms vara uppfyllda i perspektivet medborgare samt delvis uppfyllda i perspektiven "
     "verksamhet och ekonomi."),
    ({"medborgare": "uppfyllt", "verksamhet": "uppfyllt", "samhälle": "ej"},
     "Divisionens mål bedöms vara uppfyllda i perspektiven medborgare och verksamhet samt inte uppfyllda "
     "i perspektivet samhälle."),
    ({"verksamhet": "delvis", "medarbetare": "ej", "ekonomi": "ej"},
     "Divisionens mål bedöms vara delvis uppfyllda i perspektivet verksamhet samt inte uppfyllda i "
     "perspektiven medarbetare och ekonomi."),
    ({"medborgare": "ej", "verksamhet": "delvis", "medarbetare": "ej", "ekonomi": "delvis", "samhälle": "uppfyllt"},
     "Divisionens mål bedöms vara uppfyllda i perspektivet samhälle, delvis uppfyllda i perspektiven "
     "verksamhet och ekonomi samt inte uppfyllda i perspektiven medborgare och medarbetare."),
    ({"medborgare": "uppfyllt", "verksamhet": "uppfyllt", "medarbetare": "uppfyllt", "ekonomi": "delvis",
      "samhälle": None},
     "Divisionens mål bedöms vara uppfyllda i perspektiven medborgare, verksamhet och medarbetare samt "
     "delvis uppfyllda i perspektivet ekonomi. Perspektivet samhälle har inte bedömts."),
]


@pytest.mark.parametrize("assessments,expected", GOAL_MIXES)
def test_goal_sentence_for_every_mix(assessments, expected):
    assert narrative.goals(assessments) == [expected]


def test_goal_sentence_names_each_perspective_once_with_its_own_assessment():
    for mix in itertools.product(("uppfyllt", "delvis", "ej", None), repeat=5):
        _check_goal_sentence(dict(zip(("medborgare", "verksamhet", "medarbetare", "ekonomi", "samhälle"), mix)))


def _check_goal_sentence(assessments):
    mix = list(assessments.values())
    out = narrative.goals(assessments)
    if all(a is None for a in mix):
        assert out == []
        return
    [sentence] = out
    assert " den " not in sentence and sentence.count("Divisionens mål bedöms") == 1
    # each clause ("uppfyllda i ...", "delvis uppfyllda i ...") holds exactly its perspectives
    judged, _, rest = sentence.partition(". ")
    parts = re.split(r"(delvis uppfyllda i|inte (?:vara )?uppfyllda i|uppfyllda i)", judged)
    heads = {"delvis uppfyllda i": "delvis", "uppfyllda i": "uppfyllt"}
    perspectives = lambda t: set(re.findall(r"medborgare|verksamhet|medarbetare|ekonomi|samhälle", t))
    found = {heads.get(head, "ej"): perspectives(text) for head, text in zip(parts[1::2], parts[2::2])}
    for assessment in ("uppfyllt", "delvis", "ej"):
        expected = {p for p, a in assessments.items() if a == assessment}
        assert found.get(assessment, set()) == expected, (assessment, sentence)
    assert perspectives(rest) == {p for p, a in assessments.items() if a is None}


def test_a_division_named_division_is_not_prefixed_again():
    rows = {"Division Älvdal": {"budget_deviation": 3_000}, "Service": {"budget_deviation": 1_000},
            "Region": {}}
    assert text(narrative.region(rows, T1)) == "Division Älvdal och division Service har resultat som är bättre än budget."


def test_goal_sentence_follows_the_scorecards_order():
    # the goals table lists perspectives alphabetically; the sentence reads as the scorecard does
    assert narrative.goals({"ekonomi": "ej", "medarbetare": "ej", "medborgare": "ej", "samhälle": "delvis"}) == [
        "Divisionens mål bedöms vara delvis uppfyllda i perspektivet samhälle samt inte uppfyllda i "
        "perspektiven medborgare, medarbetare och ekonomi."]
