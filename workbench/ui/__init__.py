"""The Streamlit app over the workbench library (``streamlit run app.py``).

``app.py`` is the router (``st.navigation``); each page in ``pages/`` is a thin script that
calls the library and renders: Candidates (default), Phenotype, Gene detail, QC, Cases,
New case, and the case store's Report draft, Sign-out, History and Log in pages.
Shared pieces: ``state`` (cached knowledge, scorer and case analyses; the open case, its
phenotype, tags and notes in session state or the case store; ``state.SESSION_KEYS`` lists
every key), ``layout`` (sidebar, progress while a VCF is read, data version and warnings),
``tables`` (pandas views and the candidate filter) and ``charts`` (plotly figures).
"""
