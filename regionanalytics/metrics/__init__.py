"""Metric functions: tidy DataFrame in, tidy DataFrame out, grouping by ``by=``.

``by=["division"]`` gives one row per division, ``by=["division", "unit"]`` per
unit, ``by=[]`` the region total: the same function for every level.
"""
from .costs import investments, net_cost, region_result, staff_costs
from .economy import (action_plan_fulfilment, budget_deviation, forecast_change, forecast_deviation,
                      forecast_deviations,
                      forecast_prev_tertial,
                      monthly_result, require_period)
from ._frames import in_months
from .goals import goal_fulfilment
from .statements import (balance_key_figures, balance_requirement, balance_sheet, financial_goals,
                         income_statement, statement_lines)
from .production import production_change
from .sick_leave import key_figures as sick_leave_key_figures
from .sick_leave import hours_pair, person_months, sick_leave
from .staffing import (annual_workers, extra_hours, headcount, kolada_month, staff_structure, turnover,
                       turnover_12_months, worked_hours)

__all__ = [
    "action_plan_fulfilment", "budget_deviation", "forecast_deviation", "forecast_deviations", "monthly_result",
    "require_period", "in_months", "goal_fulfilment", "production_change", "sick_leave",
    "sick_leave_key_figures", "person_months", "hours_pair", "headcount", "worked_hours",
    "forecast_change", "forecast_prev_tertial", "staff_costs", "net_cost", "region_result", "investments",
    "income_statement", "statement_lines", "balance_sheet", "balance_key_figures", "balance_requirement",
    "financial_goals", "staff_structure", "turnover", "extra_hours", "annual_workers", "kolada_month", "turnover_12_months",
]
