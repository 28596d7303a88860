"""Every error meum-doctor can print, what it means and what to do: the troubleshooting guide.

The guide is keyed by error code (:data:`meum_doctor.errors.CODES`): every error line ends
with its code in brackets, ``meum-doctor: error: ... [auth-rejected]``, and the JSON error
object carries it as ``code``, so a reader (or a script) looks the code up here. This table
is the single source of the "Troubleshooting and exit codes" section of README.md
(``python -m meum_doctor.troubleshooting`` prints it). The tests keep it honest: every code
has exactly one entry, every error line any test sees ends in a known code with one of that
entry's exit codes, nearly every code is produced by a test scenario, and README.md must
contain the section exactly as generated.

``messages`` are how the lines of that code start (after ``meum-doctor: error:``), for the
reader only: nothing matches on them. ``<words>`` stand for the parts that vary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: The code at the end of an error line: `` [auth-rejected]``.
CODE_AT_END = re.compile(r" \[([a-z][a-z-]*)\]$")


@dataclass(frozen=True)
class Entry:
    code: str
    #: The exit codes a line with this code comes with.
    exit_codes: tuple[int, ...]
    messages: tuple[str, ...]
    meaning: str
    fix: str


GUIDE = (
    # exit 2: usage and configuration -------------------------------------------------------
    Entry(
        "usage",
        (2,),
        (
            "no status to check",
            "no stores to check",
            "choose one source of status, not <a> and <b>",
            "no bundled example called <name>",
            "the API key <problem>",
            "refusing to send the API key over plain http:// to <host>",
            "the API base URL <problem>",
            "the release data URL <problem>",
            "choose --offline or --live-release-data, not both",
            "the keys file <path> has no stores",
            "the keys file <path> has more than <n> stores",
            "the keys file <path> is larger than <n> MiB",
            "--<option> <selector> matches no rule or cause",
            "--<option> <selector> is not a rule or cause ID or prefix",
            "no rule left to run after <selectors>",
            "no rule or cause <id>",
            "refusing to write <path> for <option>: it is the same file as <other>",
            "No such option, Invalid value for, Missing argument, … (click's own)",
        ),
        "The command line asks for something impossible or incomplete: no source or two "
        "sources; an unknown --demo example; an unusable API key (empty, starting with the "
        "word Bearer, with spaces, line breaks, control or non-ASCII characters inside: the "
        "message says which and never shows the key; spaces around a key are dropped); a "
        "--base-url that is not an http(s) URL with a host, holds a user name, password, query "
        "or fragment, or is plain http:// to anything but a local test server (the same "
        "for --release-data-url); --offline with --live-release-data; a keys file "
        "with no stores, more than 100,000 or more than 16 MiB; --select/--ignore that name "
        "no rule or cause, or leave no rule to run (the selectors and where each came from are "
        "named); `explain` of an unknown ID; an output that is the same file as an input or "
        "another output; an unknown or misspelt option or a bad value (the line names the help).",
        "Read the message: it names the option. Give one source (MEUM_API_KEY or --api-key, "
        "--input FILE, --demo); copy the store's whole sk_live_ key again, without Bearer; use "
        "https://api.meum.io as --base-url (a trailing /v1 is accepted); `meum-doctor rules`, "
        "`meum-doctor causes` and `meum-doctor examples` list IDs and examples; see "
        "`meum-doctor check --help`.",
    ),
    Entry(
        "config",
        (2,),
        ("configuration file <path> …", "cannot read configuration file <path>"),
        "The configuration file is missing, unreadable, not TOML, or a key in it is unknown or "
        "has a wrong value (the key is named).",
        "Fix the named key; examples/meum-doctor.toml shows every key.",
    ),
    Entry(
        "rule-load",
        (2,),
        (
            "rule plugin <name> (<entry point>, from <distribution>) failed to import",
            "rules file <path> failed to load",
            "rules directory <path> does not exist",
            "duplicate rule ID <id>",
            "duplicate ID <id>: cause <name> … and rule <name> …",
            "<origin>: rule <id> has <problem>",
            "<origin>: cause <id> has <problem>",
            "<origin>: <problem> is not a rule",
            "<origin>: <problem> is not a cause",
            "cause plugin <name> (<entry point>, from <distribution>) failed to import",
        ),
        "A rule plugin or a --rules-dir file is broken (it does not import, has a syntax "
        "error or raised while loading), a --rules-dir names no folder, two rules or causes "
        "claim one ID (rules and causes share one ID space), or a rule or cause is invalid "
        "(its ID: 2-5 capitals and three digits, MD and MC prefixes "
        "reserved for meum-doctor except MD7xx/MD8xx; its name, category, severity or "
        "docstring) or is not a rule at all.",
        "Upgrade or uninstall the named plugin package, or fix the file or rule named; give "
        "your own rule another ID (your own prefix, like ACME101, or MD7xx/MD8xx); make rules "
        "with @meum_doctor.plugin.rule and causes with @meum_doctor.plugin.cause (cause IDs: "
        "your own prefix, MC is meum-doctor's).",
    ),
    Entry(
        "write-failed",
        (2,),
        ("cannot write <path>", "cannot write reports into <dir>"),
        "The report, summary or saved-status path cannot be written: its folder does not "
        "exist or is not writable, it is a folder, a block device or a socket, the name is "
        "too long, or the system refused (the reason follows). For --output-dir: it is a "
        "file, its parent folder does not exist (only the last level is made), or no file "
        "can be made in it. Checked before any store is fetched.",
        "Create the folder or pick another path; `-o -` writes to standard output.",
    ),
    Entry(
        "file-unreadable",
        (2, 3),
        (
            "status file <path> …",
            "cannot read status file <path>",
            "no status file or folder at <path>",
            "cannot read keys file <path>",
        ),
        "A file to read cannot be: the --input file does not exist, is a folder or cannot "
        "be read (in a batch folder scan, also a symbolic link or a FIFO, not read), exit 3; "
        "a `batch` path does not exist, or the --keys-file is missing, unreadable, a folder "
        "or a device, not UTF-8 text (the line is named), or a pipe that did not finish "
        "within 30 s, exit 2.",
        "Check the path; copy linked files into the folder; save a keys file as UTF-8, one "
        "store a line, label,key or key.",
    ),
    # exit 3: no status: what the API answered ----------------------------------------------
    Entry(
        "auth-rejected",
        (3,),
        (
            "the API rejected this key (HTTP 401",
            "the store at <host> rejected the WooCommerce key (HTTP 401",
        ),
        "The key is unknown, revoked or mistyped. With --site-url: the store rejected the "
        "WooCommerce REST API key (or application password), or sent no permission to view "
        "the System Status (woocommerce_rest_cannot_view).",
        "Copy the store's whole sk_live_ key again; create a new one if it was revoked. With "
        "--site-url: create a key with Read access (WooCommerce › Settings › Advanced › REST "
        "API) for a user who has the manage_woocommerce capability (a Shop manager or "
        "Administrator), or use that user's application password.",
    ),
    Entry(
        "forbidden",
        (3,),
        (
            "the API refused this key access to the integration status (HTTP 403",
            "the store at <host> refused the WooCommerce key access to the System Status "
            "(HTTP 403",
        ),
        "The key is valid but may not read this status (the API's own code and message "
        "follow, when it sent them). With --site-url: the key or user lacks the permission "
        "(woocommerce_rest_cannot_view), or a firewall or security plugin blocks the REST API.",
        "Use the store's own key with WooCommerce access. With --site-url: a key with Read "
        "access whose user has manage_woocommerce; check that no security plugin blocks "
        "/wp-json/.",
    ),
    Entry(
        "not-found",
        (3,),
        ("the API has no WooCommerce integration status at <url> (HTTP 404",),
        "Wrong --base-url, or the store has no WooCommerce integration.",
        "Check --base-url; check the store in the Meum dashboard.",
    ),
    Entry(
        "rate-limited",
        (3,),
        ("the API is rate limiting this key (HTTP 429",),
        "Too many requests, still so after 3 attempts (or the API asked for a wait longer "
        "than 30 s).",
        "Wait a minute and try again.",
    ),
    Entry(
        "server-error",
        (3,),
        ("the Meum API failed with a server error (HTTP <code>",),
        "A 5xx from the API (or a proxy before it), after retries where they help.",
        "Try again in a few minutes; check the API's /health.",
    ),
    Entry(
        "http-error",
        (3,),
        ("the API answered HTTP <code>",),
        "Another unexpected HTTP status.",
        "Check --base-url; send the line (with its request id) to Meum support.",
    ),
    Entry(
        "redirect",
        (3,),
        (
            "the API answered with a redirect (HTTP <code>",
            "the API redirected to another site (<site>)",
            "the API redirected more than <n> times",
        ),
        "A redirect with no usable Location header, to another host (the key is never sent "
        "there), or a redirect loop.",
        "Point --base-url at the API itself.",
    ),
    # exit 3: no status: the network ----------------------------------------------------------
    Entry(
        "timeout",
        (3,),
        ("the API at <host> did not answer within <n> s (timeout)",),
        "No complete answer within --timeout, in each of 3 attempts.",
        "Check the network or proxy; raise --timeout on a slow link.",
    ),
    Entry(
        "tls",
        (3,),
        ("a secure (TLS) connection to <host> could not be made",),
        "The TLS handshake or certificate check failed (a proxy that inspects HTTPS, a "
        "wrong port, an old CA bundle).",
        "Fix the proxy, or point SSL_CERT_FILE at your organisation's CA bundle.",
    ),
    Entry(
        "dns",
        (3,),
        ("cannot resolve the host name <host>",),
        "DNS does not know the API's host.",
        "Check --base-url and the network's DNS.",
    ),
    Entry(
        "connect",
        (3,),
        ("cannot connect to <host> (<reason>)",),
        "The connection was refused or failed.",
        "Check the network, --base-url and the proxy variables (HTTPS_PROXY).",
    ),
    Entry(
        "not-http",
        (3,),
        ("the server at <host> did not answer in HTTP",),
        "Something other than a web server answered.",
        "Check --base-url's host and port.",
    ),
    Entry(
        "broken-connection",
        (3,),
        ("the connection to <host> broke before the whole answer arrived",),
        "The connection dropped mid-answer, in each of 3 attempts.",
        "Try again; check any proxy or VPN.",
    ),
    Entry(
        "network",
        (3,),
        ("the request to <host> failed",),
        "Another network failure.",
        "Try again with --debug to see the details.",
    ),
    # exit 3: no status: what the body is -----------------------------------------------------
    Entry(
        "decode",
        (3,),
        (
            "the API's answer could not be decoded",
            "the API's answer is compressed more than once",
        ),
        "Broken compression or encoding, or more than one content coding (like `gzip, "
        "gzip`): each layer can multiply the size a thousandfold, so meum-doctor accepts "
        "one gzip or deflate layer.",
        "Try again; check any proxy that rewrites or compresses answers again; send the "
        "request id to Meum support.",
    ),
    Entry(
        "empty",
        (3,),
        ("the status is empty",),
        "The answer (or file) has no body.",
        "Re-fetch, or check the file you gave.",
    ),
    Entry(
        "not-text",
        (3,),
        ("the status is not text",),
        "The body is binary data.",
        "Check the file or --base-url.",
    ),
    Entry(
        "not-json",
        (3,),
        ("the status is not valid JSON: <what>", "the status is not usable JSON"),
        "The body is not JSON (the message says what it looks like: an HTML error page, "
        "truncated…), or is JSON Python cannot hold (a number with thousands of digits).",
        "An HTML page usually comes from a proxy or a wrong --base-url; otherwise send the "
        "saved status to Meum support.",
    ),
    Entry(
        "too-deep",
        (3,),
        ("the status is JSON nested more than <n> levels deep",),
        "A body built to exhaust the parser.",
        "Send the saved status to Meum support.",
    ),
    Entry(
        "not-an-object",
        (3,),
        ("the status is JSON but not an object",),
        "JSON, but an array, string or number.",
        "Check --base-url or the file.",
    ),
    Entry(
        "not-a-status",
        (3,),
        (
            "<file> is not a Meum status: it looks like an API error answer",
            "<file> is not a Meum status: it has none of the status's own fields",
        ),
        "The --input file (or standard input, or a batch status file) is a JSON object but "
        "not a WooCommerce integration status: an API's error answer ({\"status\": \"error\", "
        "\"message\": ...}) saved instead of a status, or an object without any field "
        "specific to a status (status or issues alone are in many other files).",
        "Save the status again from a request that succeeded (check the API key first); "
        "check that you gave the saved status, not another JSON file.",
    ),
    Entry(
        "not-a-site-report",
        (3,),
        (
            "this is not a WooCommerce System Status report: <what it looked like>",
            "<file> is not a Meum status: this is a System Status report: use --site-report",
        ),
        "The --site-report file (or standard input, or the site's answer to --site-url) is "
        "not a System Status report in any form: an HTML page (often a login page or a "
        "security plugin's challenge), another JSON document, or other text. Or the reverse: "
        "a System Status report was given to --input, which reads a Meum status.",
        "Ask the merchant for the report again: WooCommerce › Status › Get system report › "
        "Copy for support, pasted whole into a file. A System Status report goes to "
        "--site-report, a Meum status to --input. With --site-url, check the address is the "
        "store's own (the REST API at /wp-json/ must not be blocked by a security plugin).",
    ),
    Entry(
        "too-large",
        (3,),
        (
            "the status is larger than <n> KiB",
            "status file <path> is larger than <n> KiB",
            "standard input is larger than <n> KiB",
        ),
        "More than 1 MiB arrived from the API, a file or standard input: far more than a "
        "status is.",
        "Give one status; for the API, send the request id to Meum support.",
    ),
    # exit 4 and 130 ----------------------------------------------------------------------------
    Entry(
        "internal",
        (4,),
        ("internal error: <error>",),
        "A bug in meum-doctor.",
        "Run again with --debug and report the traceback.",
    ),
    Entry(
        "interrupted",
        (130,),
        ("meum-doctor: interrupted", "meum-doctor: aborted"),
        "Ctrl-C (the line has no `error:`). `batch` still writes the summary of the stores "
        "that finished, marked partial.",
        "Run again when you are ready.",
    ),
    # `meum-doctor serve` -------------------------------------------------------------------
    Entry(
        "missing-extra",
        (2,),
        ("meum-doctor serve needs the web extra: pip install 'meum-doctor[web]'",),
        "`serve` runs on Starlette and Uvicorn, which the plain install leaves out so that "
        "the command line stays small and fast.",
        "Install the extra into the same environment: `pip install 'meum-doctor[web]'` "
        "(or `pipx inject meum-doctor 'meum-doctor[web]'`).",
    ),
    Entry(
        "csrf",
        (),
        ("the form expired or was not sent from this page",),
        "Web page only (HTTP 403): the form came without the token of its cookie, with a "
        "token that does not match, or from another site (its Origin). Cookies blocked for "
        "the page, or a page left open across a server restart, do this too.",
        "Reload the page and send the form again; allow cookies for the page.",
    ),
    Entry(
        "throttled",
        (),
        ("too many diagnoses from your address: wait <n> seconds",),
        "Web page and API only (HTTP 429, with Retry-After): this client asked for more "
        "diagnoses a minute than `serve --rate-limit` allows. The limit keeps the page from "
        "being used to try keys against Meum's API.",
        "Wait the seconds Retry-After says. An operator can raise `--rate-limit` (0 turns it "
        "off, for a trusted network only).",
    ),
    Entry(
        "busy",
        (),
        ("the server is busy: <n> diagnoses are in flight",),
        "Web page and API only (HTTP 503, with Retry-After): `serve --max-concurrent` "
        "diagnoses were already running; the server answers at once instead of queueing.",
        "Retry after the seconds Retry-After says. An operator can raise `--max-concurrent` "
        "or run more workers behind the proxy.",
    ),
    Entry(
        "blocked-address",
        (),
        (
            "refusing to fetch the site report from <host>: it resolves to <a private "
            "address>",
        ),
        "Web page and API only (HTTP 422): `serve --allow-live-site-report` on a public host "
        "fetches a store's System Status only from public internet addresses. The store's "
        "address (or a redirect it answered with) resolved to a loopback, private, link-local, "
        "carrier-grade NAT, multicast, reserved or cloud metadata address, which the server "
        "will not reach on a visitor's behalf.",
        "Give the store's public https:// address, or paste its System Status report instead "
        "(WooCommerce › Status › Get system report › Copy for support).",
    ),
)

BY_CODE = {entry.code: entry for entry in GUIDE}


def code_of(line: str) -> str | None:
    """The code in brackets at the end of an error line, or None when it has none."""
    match = CODE_AT_END.search(line.rstrip())
    return match.group(1) if match else None


def find(line: str) -> Entry | None:
    """The entry documenting an error line (with or without its ``meum-doctor: error:``
    prefix), found by the code at its end; None for a line without a known code."""
    code = code_of(line)
    return BY_CODE.get(code) if code is not None else None


def markdown() -> str:
    """The README section, generated from :data:`GUIDE`."""
    rows = [
        "Every error is one line on standard error ending in its code, `meum-doctor: error: "
        "... [code]`, then the exit code below; `--debug` adds the traceback. With `-f json`, "
        "a run that cannot produce its report or summary also writes the error to standard "
        "output as `{\"error\": {\"code\", \"message\", \"http_status\", \"request_id\", "
        "\"retried\"}}`. Codes are stable: match on them, not on the words. `<words>` stand "
        "for the parts that vary.",
        "",
        "| code | exit | the line starts with | meaning | what to do |",
        "|---|---|---|---|---|",
    ]
    for entry in GUIDE:
        messages = "; ".join(f"`{m}`" for m in entry.messages).replace("|", "\\|")
        # The web page's own codes come with an HTTP status, not an exit code.
        exits = ", ".join(str(code) for code in entry.exit_codes) or "(web)"
        rows.append(f"| `{entry.code}` | {exits} | {messages} | {entry.meaning} | {entry.fix} |")
    rows += ["", *NO_ERROR_LINE]
    return "\n".join(rows) + "\n"


#: Exit codes that come with a report instead of an error line.
NO_ERROR_LINE = (
    "Exit codes 1 and 5 print no error line; the report says why:",
    "",
    "| exit | meaning | what to do |",
    "|---|---|---|",
    "| 1 | A finding is at or above `--fail-on`. | Fix what the report lists, worst first. |",
    "| 5 | A rule failed to run, so the report is incomplete (verdict `incomplete` instead of "
    "healthy); it names the rule under \"Rules that failed to run\". 1 wins over 5. | Run "
    "again with --debug for the rule's traceback and report it to the rule's author (for a "
    "built-in rule, to meum-doctor). |",
)

if __name__ == "__main__":
    print(markdown(), end="")
