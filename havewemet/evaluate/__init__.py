"""Evaluations: havewemet measured on labelled data (``havewemet eval ...``).

They sit above everything else (the triage evaluation builds the demo), and nothing
below imports them.
"""
