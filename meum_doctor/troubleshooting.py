"""Every error meum-doctor can print, what it means and what to do: the troubleshooting guide.

This table is the single source of the "Troubleshooting and exit codes" section of
README.md (``python -m meum_doctor.troubleshooting`` prints it). The tests keep it honest:
every error line any test sees must match an entry here, every entry must be produced by a
test scenario, and README.md must contain the section exactly as generated.

``message`` is the start of the line after ``meum-doctor: error:``; ``<words>`` in angle
brackets stand for the parts that vary (a host, a path, a number).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Entry:
    exit_code: int
    message: str
    meaning: str
    fix: str
    #: A regular expression for click's own messages, which are not written here.
    pattern: str | None = None

    def regex(self) -> re.Pattern[str]:
        if self.pattern is not None:
            return re.compile(self.pattern)
        parts = re.split(r"<[^>]+>", self.message)
        return re.compile(".+?".join(re.escape(part) for part in parts))

    def matches(self, line: str) -> bool:
        return self.regex().match(line) is not None


GUIDE = (
    # exit 2: usage and configuration -----------------------------------------------------
    Entry(
        2,
        "no status to check",
        "No source was given.",
        "Set MEUM_API_KEY (or pass --api-key), or use --input FILE or --demo.",
    ),
    Entry(
        2,
        "no stores to check",
        "`batch` was given no status files and no keys file.",
        "Name status files or folders, or pass --keys-file.",
    ),
    Entry(
        2, "no status file or folder at <path>", "A `batch` path does not exist.", "Check the path."
    ),
    Entry(
        2,
        "cannot read keys file <path>",
        "The --keys-file is missing, unreadable, a folder or a device, not UTF-8 text (the "
        "line is named), or a pipe that did not finish within 30 s.",
        "Check the path; save it as UTF-8, one store a line, label,key or key.",
    ),
    Entry(
        2,
        "the keys file <path> has no stores",
        "The --keys-file holds only blank lines and comments.",
        "Write one store a line, label,key or key (a command that should have written it may "
        "have failed).",
    ),
    Entry(
        2,
        "the keys file <path> has more than <n> stores",
        "One run checks at most 100,000 stores.",
        "Split the file and run batch once for each part.",
    ),
    Entry(
        2,
        "the keys file <path> is larger than <n> MiB",
        "A keys file is at most 16 MiB; a larger one is the wrong file (or a device).",
        "Check the path; split a real fleet into several files.",
    ),
    Entry(
        2,
        "choose one source of status, not <a> and <b>",
        "Two sources were given.",
        "Keep one of --api-key, --input and --demo.",
    ),
    Entry(
        2,
        "no bundled example called <name>",
        "--demo names no bundled example.",
        "`meum-doctor examples` lists them.",
    ),
    Entry(
        2,
        "the API key <problem>",
        "The key is empty (--api-key \"\" or an empty MEUM_API_KEY), starts with the word "
        "Bearer, or has spaces, line breaks, control or non-ASCII characters inside (the "
        "message says which; it never shows the key). Spaces around a key are dropped.",
        "Give the key alone, without Bearer: copy the store's whole sk_live_ key again from the "
        "Meum dashboard.",
    ),
    Entry(
        2,
        "refusing to send the API key over plain http:// to <host>",
        "--base-url is http:// and not a local test server.",
        "Use https://.",
    ),
    Entry(
        2,
        "the API base URL <problem>",
        "--base-url (or MEUM_API_BASE_URL) is not an "
        "http(s) URL with a host, or holds a user name, password, query or fragment.",
        "Use the API's address, like https://api.meum.io (a trailing /v1 is accepted).",
    ),
    Entry(
        2,
        "configuration file <path>",
        "The configuration file is missing, unreadable, "
        "not TOML, or a key in it is unknown or has a wrong value (the key is named).",
        "Fix the named key; examples/meum-doctor.toml shows every key.",
    ),
    Entry(
        2,
        "rule plugin <name> (<entry point>, from <distribution>) failed to import",
        "An installed rule plugin is broken.",
        "Upgrade or uninstall the named package.",
    ),
    Entry(
        2,
        "rules file <path> failed to load",
        "A file in a --rules-dir has an error (a syntax error, or it raised while loading).",
        "Fix the file named.",
    ),
    Entry(
        2,
        "rules directory <path> does not exist",
        "--rules-dir names no folder.",
        "Check the path.",
    ),
    Entry(
        2,
        "duplicate rule ID <id>",
        "Two rules claim one ID.",
        "Give your own rule another ID (your own prefix, like ACME101, or MD7xx/MD8xx).",
    ),
    Entry(
        2,
        "<origin>: rule <id> has <problem>",
        "A plugin or rules-dir rule is invalid: its ID (2-5 capitals and three digits; MD and MC "
        "prefixes are reserved, except MD7xx/MD8xx), name, category, severity or docstring.",
        "Fix the rule named.",
    ),
    Entry(
        2,
        "<origin>: <problem> is not a rule",
        "A plugin or rules file provides something that is not a rule.",
        "Make rules with @meum_doctor.plugin.rule.",
    ),
    Entry(
        2,
        "--<option> <selector> matches no rule",
        "--select or --ignore names no rule.",
        "`meum-doctor rules` lists the IDs.",
    ),
    Entry(
        2,
        "--<option> <selector> is not a rule ID or prefix",
        "--select or --ignore takes IDs or prefixes.",
        "Use MD301, MD3, ACME1 or similar.",
    ),
    Entry(
        2,
        "no rule left to run after <selectors>",
        "--select/--ignore (or the configuration's select/ignore) leave no rule to run; the "
        "message names each selector and where it came from.",
        "Select at least one rule that is not also ignored.",
    ),
    Entry(
        2, "no rule <id>", "`explain` was given an unknown ID.", "`meum-doctor rules` lists them."
    ),
    Entry(
        2,
        "cannot write <path>",
        "The report, summary or saved-status path cannot be written: its folder does not "
        "exist or is not writable, it is a folder, a block device or a socket, the name is "
        "too long, or the system refused (the reason follows). `cannot write reports into "
        "<dir>`: the --output-dir is a file, its parent folder does not exist (only the last "
        "level is made), or no file can be made in it; checked before any store is fetched.",
        "Create the folder or pick another path; `-o -` writes to standard output.",
    ),
    Entry(
        2,
        "refusing to write <path> for <option>: it is the same file as <other>",
        "An output (-o, --save-status) is the same file as an input (--input, --keys-file, "
        "a status file, the configuration) or as another output; writing it would destroy "
        "the other.",
        "Write the report to another path.",
    ),
    Entry(
        2,
        "<option problem>",
        "An option is unknown, misspelt, or has an invalid value "
        "(the line ends naming the help to read).",
        "See `meum-doctor check --help`.",
        pattern=r"(No such option|Invalid value for|Missing argument|Got unexpected extra "
        r"argument|Option .* requires an argument|No such command)",
    ),
    # exit 3: no status -----------------------------------------------------------------------
    Entry(
        3,
        "the API rejected this key (HTTP 401",
        "The key is unknown, revoked or mistyped.",
        "Copy the store's whole sk_live_ key again; create a new one if it was revoked.",
    ),
    Entry(
        3,
        "the API refused this key access to the integration status (HTTP 403",
        "The key is valid but may not read this status (the API's own code and message "
        "follow, when it sent them).",
        "Use the store's own key with WooCommerce access.",
    ),
    Entry(
        3,
        "the API has no WooCommerce integration status at <url> (HTTP 404",
        "Wrong --base-url, or the store has no WooCommerce integration.",
        "Check --base-url; check the store in the Meum dashboard.",
    ),
    Entry(
        3,
        "the API is rate limiting this key (HTTP 429",
        "Too many requests, still so after 3 attempts (or the API asked for a wait longer "
        "than 30 s).",
        "Wait a minute and try again.",
    ),
    Entry(
        3,
        "the Meum API failed with a server error (HTTP <code>",
        "A 5xx from the API (or a proxy before it), after retries where they help.",
        "Try again in a few minutes; check the API's /health.",
    ),
    Entry(
        3,
        "the API answered HTTP <code>",
        "Another unexpected HTTP status.",
        "Check --base-url; send the line (with its request id) to Meum support.",
    ),
    Entry(
        3,
        "the API answered with a redirect (HTTP <code>",
        "A redirect with no usable Location header.",
        "Check --base-url.",
    ),
    Entry(
        3,
        "the API redirected to another site (<site>)",
        "A redirect to another host; the key is never sent there.",
        "Point --base-url at the API itself.",
    ),
    Entry(3, "the API redirected more than <n> times", "A redirect loop.", "Check --base-url."),
    Entry(
        3,
        "the API at <host> did not answer within <n> s (timeout)",
        "No complete answer within --timeout, in each of 3 attempts.",
        "Check the network or proxy; raise --timeout on a slow link.",
    ),
    Entry(
        3,
        "a secure (TLS) connection to <host> could not be made",
        "The TLS handshake or certificate check failed (a proxy that inspects HTTPS, a "
        "wrong port, an old CA bundle).",
        "Fix the proxy, or point SSL_CERT_FILE at your organisation's CA bundle.",
    ),
    Entry(
        3,
        "cannot resolve the host name <host>",
        "DNS does not know the API's host.",
        "Check --base-url and the network's DNS.",
    ),
    Entry(
        3,
        "cannot connect to <host> (<reason>)",
        "The connection was refused or failed.",
        "Check the network, --base-url and the proxy variables (HTTPS_PROXY).",
    ),
    Entry(
        3,
        "the server at <host> did not answer in HTTP",
        "Something other than a web server answered.",
        "Check --base-url's host and port.",
    ),
    Entry(
        3,
        "the connection to <host> broke before the whole answer arrived",
        "The connection dropped mid-answer, in each of 3 attempts.",
        "Try again; check any proxy or VPN.",
    ),
    Entry(
        3,
        "the request to <host> failed",
        "Another network failure.",
        "Try again with --debug to see the details.",
    ),
    Entry(
        3,
        "the API's answer could not be decoded",
        "Broken compression or encoding.",
        "Try again; check any proxy that rewrites answers.",
    ),
    Entry(
        3,
        "the API's answer is compressed more than once",
        "The answer names more than one content coding (like `gzip, gzip`); each layer can "
        "multiply its size a thousandfold, so meum-doctor accepts one gzip or deflate layer.",
        "Check any proxy that compresses answers again; send the request id to Meum support.",
    ),
    Entry(
        3,
        "the status is empty",
        "The answer (or file) has no body.",
        "Re-fetch, or check the file you gave.",
    ),
    Entry(3, "the status is not text", "The body is binary data.", "Check the file or --base-url."),
    Entry(
        3,
        "the status is not valid JSON: <what>",
        "The body is not JSON; the message says "
        "what it looks like (an HTML error page, truncated…).",
        "An HTML page usually comes from a proxy or a wrong --base-url.",
    ),
    Entry(
        3,
        "the status is not usable JSON",
        "JSON Python cannot hold (a number with thousands of digits).",
        "Send the saved status to Meum support.",
    ),
    Entry(
        3,
        "the status is JSON nested more than <n> levels deep",
        "A body built to exhaust the parser.",
        "Send the saved status to Meum support.",
    ),
    Entry(
        3,
        "the status is JSON but not an object",
        "JSON, but an array, string or number.",
        "Check --base-url or the file.",
    ),
    Entry(
        3,
        "the status is larger than <n> KiB",
        "The API sent more than 1 MiB.",
        "Send the request id to Meum support.",
    ),
    Entry(
        3,
        "<file> is not a Meum status: it looks like an API error answer",
        "The --input file (or standard input, or a batch status file) holds an error answer "
        "of an API ({\"status\": \"error\", \"message\": ...}), saved instead of a status.",
        "Save the status again from a request that succeeded (check the API key first).",
    ),
    Entry(
        3,
        "<file> is not a Meum status",
        "The --input file (or standard input, or a batch status file) is a JSON object "
        "without any field specific to a WooCommerce integration status (status or issues "
        "alone are in many other files).",
        "Check that you gave the saved status, not another JSON file.",
    ),
    Entry(
        3,
        "status file <path>",
        "The --input file does not exist, is a folder, cannot be read, or is larger than "
        "1 MiB; in a batch folder scan, also a symbolic link or a FIFO (not read).",
        "Check the path; copy linked files into the folder.",
    ),
    Entry(
        3,
        "standard input is larger than <n> KiB",
        "More than 1 MiB arrived on stdin.",
        "Pipe in one status.",
    ),
    # exit 4 ------------------------------------------------------------------------------
    Entry(
        4,
        "internal error: <error>",
        "A bug in meum-doctor.",
        "Run again with --debug and report the traceback.",
    ),
)


def find(line: str) -> Entry | None:
    """The entry documenting an error line (without the "meum-doctor: error: " prefix)."""
    for entry in GUIDE:
        if entry.matches(line):
            return entry
    return None


def markdown() -> str:
    """The README section, generated from :data:`GUIDE`."""
    rows = [
        "Every error is one line on standard error, `meum-doctor: error: ...`, then the exit "
        "code below; `--debug` adds the traceback. `<words>` stand for the parts that vary.",
        "",
        "| exit | message starts with | meaning | what to do |",
        "|---|---|---|---|",
    ]
    for entry in GUIDE:
        message = entry.message.replace("|", "\\|")
        rows.append(f"| {entry.exit_code} | `{message}` | {entry.meaning} | {entry.fix} |")
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
