"""The built-in causes of meum-doctor, one cause a file, each documented by its docstring.

Installed as ``meum_doctor.causes``. The list below is the registration: a cause file that
is not named here is not used. IDs are stable forever and share one space with the rules:
retire a cause by removing it, never by reusing its ID.

ID ranges follow the rules' topics: MC1xx connection and reachability, MC2xx versions,
MC3xx liveness, MC4xx credentials, MC5xx webhooks, MC6xx onboarding.
"""

from .mc101_site_unreachable import site_unreachable
from .mc102_plugin_inactive import plugin_inactive
from .mc103_store_cloned_or_moved import store_cloned_or_moved
from .mc104_health_reason_listed import health_reason_listed
from .mc201_everything_outdated import everything_outdated
from .mc301_outbound_blocked import outbound_blocked
from .mc302_wp_cron_disabled import wp_cron_disabled
from .mc401_credentials_revoked import credentials_revoked
from .mc501_php_errors_break_webhooks import php_errors_break_webhooks
from .mc601_onboarding_unfinished import onboarding_unfinished

CAUSES = (
    site_unreachable,
    plugin_inactive,
    store_cloned_or_moved,
    health_reason_listed,
    everything_outdated,
    outbound_blocked,
    wp_cron_disabled,
    credentials_revoked,
    php_errors_break_webhooks,
    onboarding_unfinished,
)
