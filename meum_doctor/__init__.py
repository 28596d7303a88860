"""meum-doctor: diagnose a WooCommerce store's Meum payments integration.

The package is laid out along the one path a run takes:

    acquire (sources, client, demo) -> parse (status) -> evaluate (engine, rules)
    -> prioritize (report, redact) -> render (render/)

This module stays tiny on purpose: ``meum-doctor --version`` imports it and nothing else
heavy. Rule authors import their types from :mod:`meum_doctor.plugin`.
"""

__version__ = "0.1.0"
