# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Explore the region's data
#
# A starting point for your own questions. Every metric takes the table(s), a
# period and `by=` (any grouping; `by=[]` is the region total) and returns a
# tidy DataFrame you can filter, sort, plot or export.

# %%
import regionanalytics as ra
from regionanalytics import metrics

# the sample region, found from wherever the notebook runs; for your own data write
# its folder instead: data = ra.load_region("/path/to/exports")
data = ra.load_region(ra.SAMPLE_DATA)
data.divisions

# %% [markdown]
# ## The key metrics, one row per division

# %%
ra.key_metrics_wide(data, "2021-T1")

# %% [markdown]
# ## Result against budget by unit, for one division

# %%
units = metrics.budget_deviation(data.finance, "2021-T1", by=["division", "unit"])
units[units["division"] == "Länssjukvård"].sort_values("budget_deviation")

# %% [markdown]
# ## Sick leave by division and gender (groups of ten or fewer are suppressed)

# %%
metrics.sick_leave(data.employees, data.absence, "2021-T1", by=["division", "gender"])

# %% [markdown]
# ## Production month by month against last year

# %%
lsv = data.production[data.production["division"] == "Länssjukvård"]
metrics.production_change(lsv, "2021-T1", by=["measure", "month"])

# %% [markdown]
# ## A report's tables as data
#
# Every report method returns what it shows; `.data` holds the figures behind it.

# %%
from regionanalytics.report import DivisionReport

report = DivisionReport.open(period="2021-T1", division="Länssjukvård", data_dir=ra.SAMPLE_DATA)
economy = report.economy_table()
economy.data.sort_values("budget_deviation").head()

# %% [markdown]
# ## Swedish formats for your own text

# %%
from regionanalytics.formatting import fmt_mnkr, fmt_pp

fmt_mnkr(-7000), fmt_pp(-1.0)
