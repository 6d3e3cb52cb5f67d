"""The advisor's workbench: `alignment serve`, a local web application over the library.

`workspace` keeps plans, their drafts, analyses and review files as plain
files the command line can read too; `checker` runs checks one at a time
off the request thread with the model loaded once; `app` is the Starlette
application (pages and the JSON API) with its safety checks.
"""
