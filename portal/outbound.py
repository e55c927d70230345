"""Where data lives: every host outside the portal's own stores that the portal may
call, as data (the privacy notice: no transfer of personal data outside the UK/EEA).

A feature that adds an outbound call adds its entry here, and the call takes its
address from here. The README's "Where data lives" section is ``readme_section()``
word for word, and a test runs the main journeys with ``socket.connect`` recorded,
failing on any host that is neither loopback, one of the portal's own stores (the
hosts ``DATABASE_URL`` and ``REDIS_URL`` name) nor listed in ``OUTBOUND_HOSTS``.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class OutboundHost:
    name: str
    url: str  # the base address the portal calls
    receives: str  # what the portal sends there
    hosted_in: str  # where it must be hosted (and, for a service, where it is)
    settings: str  # the settings that switch it on or name it

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or ""


OUTBOUND_HOSTS: tuple[OutboundHost, ...] = (
    OutboundHost(
        name="GOV.UK Notify",
        url="https://api.notifications.service.gov.uk",
        receives=(
            "Staff email addresses and each email's subject and body: notification text and a link into "
            "the portal (ids, never a participant's name or other personal data), invitation and "
            "password-reset links"
        ),
        hosted_in=(
            "UK/EEA: Notify stores and processes data in AWS data centres in the UK and Ireland, its "
            "sub-processors in the UK and EEA, and keeps message content for 7 days"
        ),
        settings="`NOTIFY_API_KEY`, `NOTIFY_TEMPLATE_EMAIL` (no key: nothing is sent, emails stay in the outbox)",
    ),
)

# The portal's own stores: run by whoever operates the portal, on hosts they choose.
OWN_STORES: tuple[tuple[str, str, str], ...] = (
    (
        "PostgreSQL",
        "every record, the audit trail and (with the default `SESSION_STORE`) sessions",
        "`DATABASE_URL`, `DATABASE_OWNER_URL`",
    ),
    ("Redis", "job ids and progress; sessions with `SESSION_STORE=redis`", "`REDIS_URL`"),
    (
        "Private files directory",
        "signed consent forms, issued letters and sealed audit archives",
        "`PRIVATE_FILES_DIR`",
    ),
)


def allowed_hosts() -> frozenset[str]:
    """The outbound hosts the portal may call, beyond its own stores."""
    return frozenset(entry.host for entry in OUTBOUND_HOSTS)


def url_of(name: str) -> str:
    """The base address of the outbound service ``name`` (one entry of the list)."""
    return next(entry.url for entry in OUTBOUND_HOSTS if entry.name == name)


def readme_section() -> str:
    """The README's "Where data lives" section, rendered from the lists above."""
    lines = [
        "## Where data lives",
        "",
        "The privacy notice promises no transfer of personal data outside the UK/EEA. The portal's own",
        "stores must be hosted in the UK (or the EEA); the only other hosts it calls are listed here, from",
        "`portal/outbound.py` (a test fails on any other host the main journeys reach, and on this section",
        "differing from that list: a feature that adds an outbound call adds its entry there).",
        "",
        "| outbound host | receives | hosted in | settings |",
        "| --- | --- | --- | --- |",
    ]
    lines += [f"| {e.name} (`{e.host}`) | {e.receives} | {e.hosted_in} | {e.settings} |" for e in OUTBOUND_HOSTS]
    lines += ["", "| the portal's own store | holds | settings |", "| --- | --- | --- |"]
    lines += [f"| {name} | {holds} | {settings} |" for name, holds, settings in OWN_STORES]
    return "\n".join(lines) + "\n"
