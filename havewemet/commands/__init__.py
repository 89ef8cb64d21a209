"""CLI commands by area, each module registering on :data:`havewemet.cli.app`.

``cli.py`` holds the app, the error wrapper and the core commands; modules here add
the rest (kept apart so that no module grows past ~400 lines). Each command stays
thin: parse options, open the store, call one library function, print.
"""

AREAS = ("identity", "triage", "store_admin", "web")
