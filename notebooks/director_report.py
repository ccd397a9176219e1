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
texts_dir: str = ""  # folder of the people's texts; "" for DATA_DIR/texts (region.md in its PERIOD/ folder)
bilagor: list = []  # [division, its report's file] in the order the bilagor are numbered; [] for every division

# %%
from regionanalytics.report import DirectorReport

report = DirectorReport.open(period=period, data_dir=data_dir, texts_dir=texts_dir, bilagor=bilagor)
report.header()

# %%
report.document()

# %%
report.record()
