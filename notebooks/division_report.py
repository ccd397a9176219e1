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
division: str = "Länsteknik"  # division name exactly as in the finance table
data_dir: str = "../data/sample"  # folder with the region's exports (see the README's data contract)
unit_pages: dict = {}  # unit -> its report's file, when the batch makes unit reports (--units)
texts_dir: str = ""  # folder of the people's texts; "" for DATA_DIR/texts (files in its PERIOD/ folder)

# %%
from regionanalytics.report import DivisionReport

report = DivisionReport.open(period=period, division=division, data_dir=data_dir, texts_dir=texts_dir)
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
# Resultat mot periodbudget och mot samma period föregående år, per verksamhet.
# Positiv avvikelse är bättre än budget.

# %%
report.economy_table()

# %%
report.result_chart()

# %%
report.forecast_table()

# %%
report.action_plan()

# %% [markdown]
# ### Personalkostnader och inhyrd personal

# %%
report.staff_costs()

# %% [markdown]
# ### Investeringar

# %%
report.investments()

# %%
report.text("Ekonomi")

# %% [markdown]
# ## Medarbetare
#
# Månadsanställda (tillsvidare- och visstidsanställda) i periodens sista månad,
# jämfört med december föregående år.

# %%
report.staff_table()

# %%
report.staff_structure()

# %%
report.text("Medarbetare")

# %% [markdown]
# ### Sjukfrånvaro

# %%
report.sick_leave_chart()

# %%
report.sick_leave_table()

# %%
report.sick_leave_by_unit()

# %%
report.text("Sjukfrånvaro")

# %% [markdown]
# ## Produktion

# %%
report.production_table()

# %%
report.text("Produktion")

# %% [markdown]
# ## Måluppfyllelse

# %%
report.scorecard()

# %%
report.text("Måluppfyllelse")

# %%
report.own_texts()

# %% [markdown]
# ## Om underlaget

# %%
report.data_notes()

# %%
report.unit_links(unit_pages)

# %%
report.record()
