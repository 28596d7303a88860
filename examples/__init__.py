"""Bundled example statuses, served by ``meum-doctor check --demo NAME`` (data only).

Each ``NAME.json`` is a status body as the API would send it, with times set relative to
2026-11-28T12:00:00Z (``meum_doctor.demo.EXAMPLE_EPOCH``); the demo API moves them so they
are as old, relative to the evaluation time, as they were then.
"""
