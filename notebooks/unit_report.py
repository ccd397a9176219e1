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
period: str = "2021-T1"  # tertial (2021-T1, 2021-T2, 2021-T3), year (2021) or month (2021-05); year to date
division: str = "Service"  # division name exactly as in the finance table
unit: str = "Kostservice"  # unit (verksamhet) of the division, as in the finance table
data_dir: str = "../data/sample"  # folder with the region's exports (see the README's data contract)
texts_dir: str = ""  # folder of the people's texts; "" for DATA_DIR/texts (files in its PERIOD/ folder)

# %%
from regionanalytics.report import UnitReport

report = UnitReport.open(period=period, division=division, unit=unit, data_dir=data_dir,
                         texts_dir=texts_dir)
report.header()

# %% [markdown]
# ## Sammanfattning

# %%
report.summary()

# %%
report.comment()

# %% [markdown]
# ## Ekonomi
#
# Resultat mot periodbudget och mot samma period föregående år, per konto.
# Positiv avvikelse är bättre än budget.

# %%
report.economy_table()

# %%
report.result_chart()

# %%
report.forecast_table()

# %%
report.text("Ekonomi")

# %% [markdown]
# ## Medarbetare

# %%
report.staff_table()

# %%
report.text("Medarbetare")

# %% [markdown]
# ### Sjukfrånvaro

# %%
report.sick_leave_table()

# %%
report.sick_leave_chart()

# %%
report.text("Sjukfrånvaro")

# %% [markdown]
# ## Produktion

# %%
report.production_table()

# %%
report.text("Produktion")

# %%
report.own_texts()

# %% [markdown]
# ## Om underlaget

# %%
report.data_notes()

# %%
report.record()
