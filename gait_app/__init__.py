"""The Streamlit front end of the analyzer (``streamlit run app.py``).

``app.py`` only routes; each module in ``gait_app/pages`` describes one page and calls
:func:`gait_app.analysis.analyse_clips`, the one (cached) analysis entry point of the app. Modules here
other than ``analysis`` and the pages do not import streamlit.
"""
