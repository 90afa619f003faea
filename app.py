"""Streamlit entry point: the router. Pages live in ``workbench/ui/pages``."""
import streamlit as st

st.set_page_config(page_title="NICU genome workbench", layout="wide")
st.title("NICU genome workbench")
st.info("The triage pages are being built; see README.md.")
