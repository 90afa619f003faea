"""Dashboard: turnaround per stage, cases per month, diagnostic and reanalysis yield, from stored events.

Session state: "user" (any logged-in role may see the lab's figures), "store" (optional override).
"""
import plotly.express as px
import streamlit as st

from workbench.store.timeline import STAGES, lab_figures, stage_table
from workbench.ui import layout, state

st.title("Dashboard")
layout.logged_in_user("to see the lab's turnaround and yield")
figures = lab_figures(state.store())
if not figures.timelines:
    st.info("No case in the store yet: the figures appear once cases are registered.")
    st.stop()

first, second, third = st.columns(3)
first.metric("Cases", len(figures.timelines))
second.metric("Diagnostic yield", "not assessed" if figures.diagnostic_yield is None
              else f"{figures.diagnostic_yield:.0%}",
              help=f"{figures.signed_positive} of {figures.signed} signed reports state a pathogenic or likely "
                   "pathogenic variant")
third.metric("Reanalysis yield", "not assessed" if figures.reanalysis_yield is None
             else f"{figures.reanalysis_yield:.0%}",
             help=f"{figures.reanalysis_new_top} of {figures.reanalysed} reanalysed cases got a new top candidate")

st.subheader("Hours from files received to each stage")
table = stage_table(figures.timelines)
st.dataframe(table, hide_index=True, key="dashboard_stages")
per_case = figures.per_case_frame()
hours = per_case.melt(id_vars="case_id", value_vars=[f"hours to {s}" for s in STAGES[1:]], var_name="stage",
                      value_name="hours")
hours = hours[hours["hours"] != ""]
if not hours.empty:
    hours["stage"] = hours["stage"].str.removeprefix("hours to ")
    st.plotly_chart(px.box(hours, x="stage", y="hours", points="all", title="Time to each stage (hours)"),
                    key="dashboard_box")
st.caption("Each time is read from the audit log: case registered (files received), QC and ranking done, first "
           "view by an analyst, first candidate tagged, first draft, first sign-out and first amendment. A stage "
           "a case has not reached is left out of its figures; the table says how many cases each figure counts.")

st.subheader("Cases per month")
st.plotly_chart(px.bar(figures.cases_per_month(), x="month", y="cases"), key="dashboard_months")
st.download_button("Per-case timeline (CSV)", per_case.to_csv(index=False).encode(), file_name="turnaround.csv",
                   mime="text/csv", key="dashboard_csv")
