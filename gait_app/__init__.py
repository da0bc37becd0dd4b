"""The Streamlit front end of the analyzer (``streamlit run app.py``).

``app.py`` routes the pages and gives the server its one route of its own, the annotated videos streamed from
disk (``media``); each module in ``gait_app/pages`` describes one page and calls
:func:`gait_app.analysis.analyse_clips`, the one (cached) analysis entry point of the app. Modules here
other than ``analysis``, ``media``, ``videos`` and the pages do not import streamlit.
"""
