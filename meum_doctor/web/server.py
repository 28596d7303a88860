"""The Starlette app and the Uvicorn server of ``meum-doctor serve``.

Routes::

    GET  /                  the form (sets the CSRF cookie)
    POST /diagnose          the form sent: the HTML report, or the form with its errors
    GET  /demo/{name}       a bundled example, without any key
    POST /api/v1/diagnose   the JSON API (no cookies, so no CSRF token; JSON bodies only)
    GET  /healthz           {"status": "ok"}

Every answer passes :class:`~meum_doctor.web.guard.Guard` (headers, body limits). A key
lives in one request's :class:`~meum_doctor.secrets.Secrets`; every page, download and
log line passes through it on the way out.
"""

from __future__ import annotations

import base64
import json
import logging
import sys
from collections import defaultdict
from datetime import datetime
from typing import Any

from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from meum_doctor import app as core
from meum_doctor import formats
from meum_doctor.client.addresses import AddressPolicy, public_only
from meum_doctor.demo import EXAMPLES
from meum_doctor.errors import MeumDoctorError
from meum_doctor.render.html import render_embedded
from meum_doctor.secrets import Secrets
from meum_doctor.web.diagnose import (
    KEY_FIELD,
    SITE_FIELD,
    SITE_URL_FIELD,
    STATUS_FIELD,
    Failure,
    Inputs,
    Outcome,
    current_secrets,
    diagnose,
    status_download,
)
from meum_doctor.web.guard import (
    CSRF_COOKIE,
    CSRF_FIELD,
    Csrf,
    Flights,
    Guard,
    Scope,
    SlidingWindow,
    nonce_of,
    same_origin,
)
from meum_doctor.web.options import ServeOptions

log = logging.getLogger("meum_doctor.web")

#: What the JSON API's body may hold.
API_FIELDS = frozenset({"api_key", "status", "demo", "site_report", "redact", "now",
                        "site_url", "wc_key", "wc_secret"})
#: The fields that have the server fetch the visitor's site report.
SITE_FETCH_FIELDS = ("site_url", "wc_key", "wc_secret")


class Service:
    """The state of one server process: settings, CSRF key, limits."""

    def __init__(self, options: ServeOptions, settings: core.Settings) -> None:
        self.options = options
        self.settings = settings
        self.csrf = Csrf()
        self.window = SlidingWindow(options.rate_limit)
        self.flights = Flights(options.max_concurrent)

    # Limits ---------------------------------------------------------------------------

    def admit(self, request: Request) -> None:
        """Count a diagnosis against the client's rate and the server's flights."""
        client = request.client.host if request.client else "unknown"
        wait = self.window.hit(client)
        if wait is not None:
            raise Failure(429, "throttled", f"too many diagnoses from your address: wait {wait} "
                          "seconds and try again", retry_after=wait)
        if not self.flights.enter():
            raise Failure(503, "busy", f"the server is busy: {self.flights.running} diagnoses "
                          "are in flight; try again in a few seconds", retry_after=2)

    def site_policy(self, request: Request, inputs: Inputs) -> AddressPolicy | None:
        """The address policy for fetching this visitor's site report (None: no fetch, or
        any address); refuses the fetch when the operator did not allow it."""
        if inputs.site_url is None:
            return None
        if not self.options.live_site_report:
            raise Failure(400, "usage", "this server does not fetch site reports from stores "
                          "(see --allow-live-site-report): paste the System Status report "
                          "instead", field=SITE_URL_FIELD)
        client = request.client.host if request.client else None
        return public_only if self.options.public_sites_only(client) else None

    async def run(self, request: Request, inputs: Inputs) -> Outcome:
        policy = self.site_policy(request, inputs)
        self.admit(request)
        try:
            return await diagnose(inputs, self.settings, self.options.base_url, policy)
        except Failure:
            raise
        except Exception as exc:  # a bug: no traceback or path for the visitor
            secrets = current_secrets.get() or Secrets()
            log.error("internal error: %s", secrets.scrub(f"{type(exc).__name__}: {exc}"),
                      exc_info=self.options.debug)
            raise Failure(500, "internal", "internal error: the diagnosis failed; please "
                          "report it to the operator of this page") from None
        finally:
            self.flights.leave()

    # The page -------------------------------------------------------------------------

    def page(self, request: Request, template: str, status: int = 200, **context: Any) -> Response:
        from meum_doctor.render.templating import environment

        cookie = request.cookies.get(CSRF_COOKIE)
        fresh = not self.csrf.usable_cookie(cookie)
        if fresh:
            cookie = self.csrf.new_cookie()
        assert cookie is not None
        # defaultdicts: the templates ask for errors.api_key whether or not there is one.
        context["errors"] = defaultdict(str, context.get("errors") or {})
        context["values"] = defaultdict(str, context.get("values") or {})
        html = environment("html").get_template(template).render(
            nonce=nonce_of(request.scope),
            csrf=self.csrf.token_for(cookie),
            examples=EXAMPLES,
            max_kib=self.options.max_body_kib,
            live_site=self.options.live_site_report,
            **context,
        )
        response = HTMLResponse(html, status_code=status)
        if fresh:
            response.set_cookie(
                CSRF_COOKIE, cookie, httponly=True, samesite="strict", path="/",
                secure=request.url.scheme == "https",
            )
        return response

    def form_error(self, request: Request, failure: Failure, values: dict[str, Any]) -> Response:
        response = self.page(request, "web_form.html.j2", failure.status,
                             errors=_errors(failure), values=values)
        if failure.retry_after is not None:
            response.headers["Retry-After"] = str(failure.retry_after)
        return response

    def report_page(self, request: Request, outcome: Outcome) -> Response:
        report = outcome.report
        secrets = outcome.secrets
        downloads = []
        for name, label in (("html", "HTML"), ("markdown", "Markdown"), ("json", "JSON")):
            fmt = formats.get(name)
            text = secrets.scrub(fmt.render(report))
            downloads.append(_download(label, f"meum-report.{fmt.suffix}", fmt.media_type,
                                       text.encode("utf-8")))
        status = status_download(outcome)
        if status is not None:
            label = "Status (redacted)" if report.redacted else "Status as received"
            downloads.append(_download(label, status[0], "application/json", status[1]))
        html = render_embedded(report, nonce=nonce_of(request.scope),
                               template="web_report.html.j2", downloads=downloads)
        return HTMLResponse(secrets.scrub(html))


def _download(label: str, filename: str, media_type: str, body: bytes) -> dict[str, str]:
    media = media_type.split(";")[0]
    return {
        "label": label,
        "filename": filename,
        "href": f"data:{media};base64,{base64.b64encode(body).decode('ascii')}",
        "size": f"{max(1, round(len(body) / 1024))} KiB",
    }


def _errors(failure: Failure) -> dict[str, str]:
    return {failure.field or "form": failure.message}


# Routes ----------------------------------------------------------------------------------


async def home(request: Request) -> Response:
    service: Service = request.app.state.service
    return service.page(request, "web_form.html.j2", errors={}, values={})


async def demo(request: Request) -> Response:
    service: Service = request.app.state.service
    name = request.path_params["name"]
    if name not in EXAMPLES:
        failure = Failure(404, "usage", f"no bundled example called {name!r}; choose one below")
        return service.form_error(request, failure, {})
    try:
        outcome = await service.run(request, Inputs(demo=name))
    except Failure as failure:
        return service.form_error(request, failure, {})
    return service.report_page(request, outcome)


async def submit(request: Request) -> Response:
    service: Service = request.app.state.service
    values: dict[str, Any] = {}
    origin_ok = same_origin(request.headers.get("origin"), request.headers.get("sec-fetch-site"),
                            request.url.scheme, request.headers.get("host"))
    try:
        form = await request.form(max_files=2, max_fields=10,
                                  max_part_size=service.options.max_document)
    except Exception:  # a body that is not a form, or a part over the limit
        failure = Failure(400, "usage", "the form could not be read; reload the page and "
                          "send it again")
        return service.form_error(request, failure, values)
    try:
        text = form.get("site_report_text")
        site_url = form.get("site_url")
        values = {
            "redact": form.get("redact") is not None,
            "site_report_text": text if isinstance(text, str) else "",
            # The address only: the WooCommerce key and secret are never sent back.
            "site_url": site_url if isinstance(site_url, str) else "",
        }
        token = form.get(CSRF_FIELD)
        if not origin_ok or not service.csrf.valid(
            request.cookies.get(CSRF_COOKIE), token if isinstance(token, str) else None
        ):
            failure = Failure(403, "csrf", "the form expired or was not sent from this page: "
                              "reload the page and send it again (cookies must be allowed)")
            return service.form_error(request, failure, values)
        try:
            inputs = await _form_inputs(form, service.options.max_document)
            outcome = await service.run(request, inputs)
        except Failure as failure:
            return service.form_error(request, failure, values)
    finally:
        await form.close()
    return service.report_page(request, outcome)


async def _form_inputs(form: Any, limit: int) -> Inputs:
    key = form.get("api_key")
    key = key.strip() if isinstance(key, str) else ""
    status = await _upload(form.get("status_file"), limit, STATUS_FIELD, "status")
    site_file = await _upload(form.get("site_report_file"), limit, SITE_FIELD, "site report")
    text = form.get("site_report_text")
    site_text = text.strip().encode("utf-8") if isinstance(text, str) and text.strip() else None
    if key and status:
        raise Failure(400, "usage", "give the store's API key or a saved status file, not both",
                      field=KEY_FIELD)
    if not key and not status:
        raise Failure(400, "usage", "enter the store's Meum API key (sk_live_…), or choose a "
                      "saved status file", field=KEY_FIELD)
    if site_file and site_text:
        raise Failure(400, "usage", "paste the site report or upload it, not both",
                      field=SITE_FIELD)
    site = site_file or (("the pasted site report", site_text) if site_text else None)
    fetch = {name: _text(form.get(name)) for name in SITE_FETCH_FIELDS}
    if any(fetch.values()):
        if site:
            raise Failure(400, "usage", "give the site report or the store's address to fetch "
                          "it from, not both", field=SITE_URL_FIELD)
        _check_site_fetch(fetch)
    return Inputs(
        site_url=fetch["site_url"],
        wc_key=fetch["wc_key"],
        wc_secret=fetch["wc_secret"],
        api_key=key or None,
        status=status[1] if status else None,
        status_name=status[0] if status else "",
        site_report=site[1] if site else None,
        site_report_name=site[0] if site else "",
        redact=form.get("redact") is not None,
    )


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _check_site_fetch(fetch: dict[str, str | None]) -> None:
    """All three of the store's address, WooCommerce key and secret, or a 400."""
    missing = [name for name in SITE_FETCH_FIELDS if not fetch[name]]
    if missing:
        words = {"site_url": "the store's address", "wc_key": "the WooCommerce key",
                 "wc_secret": "the WooCommerce secret"}
        raise Failure(400, "usage", "to fetch the site report, give the store's address, its "
                      f"WooCommerce key and its secret: {' and '.join(words[n] for n in missing)}"
                      f" {'is' if len(missing) == 1 else 'are'} missing",
                      field=missing[0])


async def _upload(item: Any, limit: int, field: str, what: str) -> tuple[str, bytes] | None:
    """An uploaded file's (name, bytes), read in memory; None when no file was chosen."""
    if not isinstance(item, UploadFile) or not item.filename:
        return None
    body = await item.read(limit + 1)
    if len(body) > limit:
        raise Failure(413, "too-large", f"the {what} file is larger than {limit // 1024} KiB",
                      field=field)
    name = "".join(c for c in item.filename if c.isprintable())[:100]
    return f"uploaded file {name}", body


async def api_diagnose(request: Request) -> Response:
    service: Service = request.app.state.service
    try:
        fmt = _api_format(request.query_params.get("format", "json"))
        inputs = _api_inputs(request.headers.get("content-type", ""), await request.body())
        _check_sizes(inputs, service.options.max_document)
        outcome = await service.run(request, inputs)
    except Failure as failure:
        headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after else None
        return JSONResponse(failure.as_dict(), status_code=failure.status, headers=headers)
    text = outcome.secrets.scrub(fmt.render(outcome.report))
    return Response(text, media_type=fmt.media_type)


def _check_sizes(inputs: Inputs, limit: int) -> None:
    """Each document at most ``limit`` bytes (the request as a whole is capped by the guard)."""
    for what, body in (("status", inputs.status), ("site report", inputs.site_report)):
        if body is not None and len(body) > limit:
            raise Failure(413, "too-large", f"the {what} is larger than this server accepts "
                          f"({limit // 1024} KiB)")


def _api_format(name: str) -> formats.Format:
    if name not in ("json", "markdown", "html"):
        raise Failure(400, "usage", f"unknown format {name[:40]!r}: use json, markdown or html")
    return formats.get(name)


def _api_inputs(content_type: str, body: bytes) -> Inputs:
    """The JSON API's body, checked strictly: anything unexpected is a 400."""
    if content_type.split(";")[0].strip().lower() != "application/json":
        # Also what keeps a page on another site from posting here (a JSON body needs a
        # preflight, which this server never grants).
        raise Failure(400, "usage", "send the request as JSON (Content-Type: application/json)")
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        raise Failure(400, "usage", "the request body is not JSON") from None
    if not isinstance(data, dict):
        raise Failure(400, "usage", "the request body must be a JSON object")
    unknown = sorted(set(data) - API_FIELDS)
    if unknown:
        names = ", ".join(repr(str(n)[:40]) for n in unknown[:5])
        raise Failure(400, "usage", f"unknown field(s) {names}; expected one of api_key, "
                      "status, demo, and optionally site_report (or site_url, wc_key, "
                      "wc_secret), redact, now")
    given = [name for name in ("api_key", "status", "demo") if data.get(name) is not None]
    if len(given) != 1:
        raise Failure(400, "usage", "give exactly one of api_key, status and demo"
                      + (f", not {' and '.join(given)}" if given else ""))
    inputs = Inputs(redact=data.get("redact", False) is True)
    if not isinstance(data.get("redact", False), bool):
        raise Failure(400, "usage", "redact must be true or false")
    if "api_key" in given:
        if not isinstance(data["api_key"], str) or not data["api_key"].strip():
            raise Failure(400, "usage", "api_key must be the store's key, a non-empty string")
        inputs.api_key = data["api_key"].strip()
    elif "status" in given:
        if not isinstance(data["status"], dict):
            raise Failure(400, "usage", "status must be a JSON object (the saved status)")
        inputs.status = json.dumps(data["status"]).encode("utf-8")
        inputs.status_name = "the request's status"
    else:
        if data["demo"] not in EXAMPLES:
            raise Failure(400, "usage", f"demo must be one of: {', '.join(EXAMPLES)}")
        inputs.demo = data["demo"]
    site = data.get("site_report")
    fetch = {name: data.get(name) for name in SITE_FETCH_FIELDS}
    if any(value is not None for value in fetch.values()):
        if site is not None:
            raise Failure(400, "usage", "give site_report or site_url (with wc_key and "
                          "wc_secret), not both")
        if not all(isinstance(value, str) for value in fetch.values() if value is not None):
            raise Failure(400, "usage", "site_url, wc_key and wc_secret must be strings")
        texts = {name: _text(value) for name, value in fetch.items()}
        _check_site_fetch(texts)
        inputs.site_url, inputs.wc_key, inputs.wc_secret = (
            texts["site_url"], texts["wc_key"], texts["wc_secret"])
    if site is not None:
        if isinstance(site, str):
            inputs.site_report = site.encode("utf-8")
        elif isinstance(site, dict | list):
            inputs.site_report = json.dumps(site).encode("utf-8")
        else:
            raise Failure(400, "usage", "site_report must be the report's text or its JSON")
        inputs.site_report_name = "the request's site report"
    now = data.get("now")
    if now is not None:
        inputs.now = _parse_now(now)
    return inputs


def _parse_now(value: object) -> datetime:
    from meum_doctor.status import parse_datetime

    try:
        if not isinstance(value, str):
            raise ValueError
        return parse_datetime(value)
    except (ValueError, OverflowError):
        raise Failure(400, "usage", "now must be an ISO 8601 time with a zone, like "
                      "2026-11-28T12:00:00Z") from None


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def not_found(request: Request, exc: Exception) -> Response:
    if request.url.path.startswith("/api/"):
        return JSONResponse(Failure(404, "usage", "no such endpoint").as_dict(), status_code=404)
    return HTMLResponse("<!DOCTYPE html><title>Not found</title><p>Not found. "
                        "<a href=\"/\">Diagnose a store</a></p>", status_code=404)


async def server_error(request: Request, exc: Exception) -> Response:
    """A bug: logged (type only; the traceback with --debug), answered without any detail."""
    secrets = current_secrets.get() or Secrets()
    log.error("internal error: %s", secrets.scrub(f"{type(exc).__name__}: {exc}"),
              exc_info=request.app.state.service.options.debug)
    failure = Failure(500, "internal", "internal error: please report it to the operator")
    if request.url.path.startswith("/api/"):
        return JSONResponse(failure.as_dict(), status_code=500)
    return HTMLResponse("<!DOCTYPE html><title>Error</title><p>Something went wrong on our "
                        "side. <a href=\"/\">Back to the form</a></p>", status_code=500)


async def method_not_allowed(request: Request, exc: Exception) -> Response:
    return JSONResponse(Failure(405, "usage", "method not allowed").as_dict(), status_code=405)


async def reject(scope: Scope, status: int, code: str, message: str) -> tuple[bytes, bytes]:
    """The guard's own answers (413, 408, 400): JSON for the API, a short page otherwise."""
    if str(scope.get("path", "")).startswith("/api/"):
        body = json.dumps(Failure(status, code, message).as_dict()).encode()
        return b"application/json", body
    from markupsafe import escape

    page = (f"<!DOCTYPE html><html lang=\"en\"><title>Error</title><p>{escape(message)} "
            f"[{code}]</p><p><a href=\"/\">Back to the form</a></p></html>")
    return b"text/html; charset=utf-8", page.encode()


def create_app(options: ServeOptions, settings: core.Settings | None = None) -> Any:
    """The ASGI app: Starlette's routes inside the guard."""
    if settings is None:
        settings = core.prepare(config_path=options.config_path, rules_dirs=(), selected=(),
                                ignored=(), fail_on=None, timeout=options.timeout)
    starlette = Starlette(
        routes=[
            Route("/", home, methods=["GET"]),
            Route("/diagnose", submit, methods=["POST"]),
            Route("/demo/{name}", demo, methods=["GET"]),
            Route("/api/v1/diagnose", api_diagnose, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
        ],
        exception_handlers={404: not_found, 405: method_not_allowed, Exception: server_error},
    )
    starlette.state.service = Service(options, settings)
    return Guard(starlette, max_body=options.max_request, body_timeout=options.body_timeout,
                 reject=reject)


# Logging and the server ---------------------------------------------------------------------


class ScrubbingHandler(logging.Handler):
    """Every log line, the server's own included, without the current request's secrets and
    with control characters made visible (meum_doctor.logs does the same for the CLI)."""

    def emit(self, record: logging.LogRecord) -> None:
        from meum_doctor.logs import SecretsFilter, inert

        try:
            secrets = current_secrets.get() or Secrets()
            SecretsFilter(secrets).filter(record)
            sys.stderr.write(inert(secrets, self.format(record)) + "\n")
            sys.stderr.flush()
        except Exception:
            self.handleError(record)


def setup_logging(debug: bool) -> None:
    handler = ScrubbingHandler()
    handler.setFormatter(logging.Formatter("meum-doctor serve: %(levelname)s: %(message)s"))
    level = logging.DEBUG if debug else logging.INFO
    for name in ("meum_doctor", "uvicorn", "uvicorn.error", "uvicorn.access", "httpx",
                 "httpcore"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.propagate = False
        quiet = name.startswith("http") and not debug
        logger.setLevel(logging.WARNING if quiet else level)


def server(options: ServeOptions, settings: core.Settings | None = None) -> Any:
    """A Uvicorn server for ``options`` (``.run()`` it; ``.run(sockets=[...])`` in tests)."""
    import uvicorn

    setup_logging(options.debug)
    config = uvicorn.Config(
        create_app(options, settings),
        host=options.host,
        port=options.port,
        proxy_headers=True,
        forwarded_allow_ips=options.forwarded_allow_ips,
        log_config=None,
        timeout_keep_alive=5,
        # A server header says which software to attack; nothing needs it.
        server_header=False,
        h11_max_incomplete_event_size=16 * 1024,
    )
    return uvicorn.Server(config)


def check_options(options: ServeOptions) -> None:
    """Refuse settings that cannot work, before anything starts."""
    from meum_doctor.sources.meum_status import check_base_url

    check_base_url(options.base_url)
    if options.max_concurrent < 1 or options.max_body_kib < 1 or options.rate_limit < 0:
        raise MeumDoctorError("--max-concurrent and --max-body-kib must be at least 1, "
                              "--rate-limit at least 0")
