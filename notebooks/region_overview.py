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

# %% tags=["parameters"]
period: str = "2021-T1"  # tertial (2021-T1, 2021-T2, 2021-T3), year (2021) or month (2021-04); year to date
data_dir: str = "../data/sample"  # folder with the region's exports (see the README's data contract)

# %%
from regionanalytics.report import RegionOverview

report = RegionOverview.open(period=period, data_dir=data_dir)
report.header()

# %% [markdown]
# ## Sammanfattning

# %%
report.summary()

# %% [markdown]
# ## Divisionerna i siffror

# %%
report.division_table()

# %%
report.deviation_chart()

# %% [markdown]
# ## Prognosen sedan föregående tertial

# %%
report.forecast_changes()

# %% [markdown]
# ## Regionens resultat

# %%
report.region_result()

# %% [markdown]
# ## Resultaträkning

# %%
report.income_statement()

# %% [markdown]
# ## Balansräkning

# %%
report.balance_sheet()

# %% [markdown]
# ## Balanskravsutredning

# %%
report.balance_requirement()

# %% [markdown]
# ## Finansiella mål för god ekonomisk hushållning

# %%
report.financial_goals()

# %% [markdown]
# ## Personalkostnader och inhyrd personal

# %%
report.staff_costs()

# %% [markdown]
# ## Investeringar

# %%
report.investments()

# %% [markdown]
# ## Måluppfyllelse

# %%
report.goal_heatmap()

# %% [markdown]
# ## Sjukfrånvaro per division

# %%
report.sick_leave_chart()

# %%
report.record()
