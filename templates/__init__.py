"""Report templates (data only): ``report.md.j2`` and ``report.html.j2``.

Installed as ``meum_doctor.templates`` and loaded by :mod:`meum_doctor.render.templating`,
which escapes every value; templates never need ``|e`` or ``|safe``.
"""
