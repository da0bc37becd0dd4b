"""The Streamlit front end of the analyzer (``streamlit run app.py``).

``app.py`` routes the pages and gives the server a route of its own, the annotated videos streamed from
disk (``media``), and a middleware that writes uploads to disk as they arrive (``uploads``); each module
in ``gait_app/pages`` describes one page and calls :func:`gait_app.analysis.analyse_clips`, the one
(cached) analysis entry point of the app. Modules here other than ``analysis``, ``media``, ``uploads``,
``videos`` and the pages do not import streamlit.
"""
