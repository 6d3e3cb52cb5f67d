"""Outputs as functions of an analysis (or a comparison of several): HTML, JSON, review file, CSV/XLSX.

Renderers return text or bytes and read no data files; `alignment.output`
writes them. HTML goes through one autoescaping jinja environment
(`environment.py`): text from a plan is data, never markup.
"""
