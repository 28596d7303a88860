"""The built-in rules of meum-doctor, one rule a file, each documented by its docstring.

Installed as ``meum_doctor.rules``. The list below is the registration: a rule file that is
not named here does not run. IDs are stable forever (users put them in configs and
tickets): retire a rule by removing it, never by reusing its ID.

ID ranges: MD1xx connection, MD2xx versions, MD3xx liveness, MD4xx credentials,
MD5xx webhooks, MD6xx onboarding, MD9xx data and the tool itself.
"""

from .md101_not_connected import not_connected
from .md102_integration_unhealthy import integration_unhealthy
from .md103_reported_issue import reported_issue
from .md104_status_inconsistent import status_inconsistent
from .md105_site_url_not_https import site_url_not_https
from .md106_payout_not_configured import payout_not_configured
from .md107_meum_plugin_inactive import meum_plugin_inactive
from .md108_site_report_other_site import site_report_other_site
from .md109_versions_disagree import versions_disagree
from .md110_https_missing import https_missing
from .md111_checkout_page_broken import checkout_page_broken
from .md112_site_url_not_public import site_url_not_public
from .md201_plugin_outdated import plugin_outdated
from .md202_woocommerce_outdated import woocommerce_outdated
from .md203_wordpress_outdated import wordpress_outdated
from .md204_version_unreadable import version_unreadable
from .md205_woocommerce_needs_newer_wordpress import woocommerce_needs_newer_wordpress
from .md206_plugins_outdated import plugins_outdated
from .md207_extensions_untested import extensions_untested
from .md208_woocommerce_database_update_pending import woocommerce_database_update_pending
from .md209_php_unsupported import php_unsupported
from .md210_templates_outdated import templates_outdated
from .md211_prerelease_build import prerelease_build
from .md212_version_newer_than_policy import version_newer_than_policy
from .md213_wordpress_insecure import wordpress_insecure
from .md301_plugin_not_checking_in import plugin_not_checking_in
from .md302_last_seen_in_future import last_seen_in_future
from .md303_wp_cron_disabled import wp_cron_disabled
from .md304_outbound_requests_failing import outbound_requests_failing
from .md305_scheduled_actions_stuck import scheduled_actions_stuck
from .md306_memory_limit_low import memory_limit_low
from .md401_credentials_invalid import credentials_invalid
from .md501_webhooks_unhealthy import webhooks_unhealthy
from .md502_webhook_url_missing import webhook_url_missing
from .md503_webhook_url_not_https import webhook_url_not_https
from .md504_webhook_host_mismatch import webhook_host_mismatch
from .md505_webhook_url_legacy import webhook_url_legacy
from .md506_errors_shown_to_visitors import errors_shown_to_visitors
from .md601_connect_key_expiring import connect_key_expiring
from .md602_connect_key_leftover import connect_key_leftover
from .md901_status_field_malformed import status_field_malformed
from .md902_version_policy_stale import version_policy_stale
from .md903_site_report_old import site_report_old
from .md904_site_report_partial import site_report_partial

RULES = (
    not_connected,
    integration_unhealthy,
    reported_issue,
    status_inconsistent,
    site_url_not_https,
    payout_not_configured,
    meum_plugin_inactive,
    site_report_other_site,
    versions_disagree,
    https_missing,
    checkout_page_broken,
    site_url_not_public,
    plugin_outdated,
    woocommerce_outdated,
    wordpress_outdated,
    version_unreadable,
    woocommerce_needs_newer_wordpress,
    plugins_outdated,
    extensions_untested,
    woocommerce_database_update_pending,
    php_unsupported,
    templates_outdated,
    prerelease_build,
    version_newer_than_policy,
    wordpress_insecure,
    plugin_not_checking_in,
    last_seen_in_future,
    wp_cron_disabled,
    outbound_requests_failing,
    scheduled_actions_stuck,
    memory_limit_low,
    credentials_invalid,
    webhooks_unhealthy,
    webhook_url_missing,
    webhook_url_not_https,
    webhook_host_mismatch,
    webhook_url_legacy,
    errors_shown_to_visitors,
    connect_key_expiring,
    connect_key_leftover,
    status_field_malformed,
    version_policy_stale,
    site_report_old,
    site_report_partial,
)
