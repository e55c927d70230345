"""Per-purpose consent and every disclosure of a participant's data: the privacy notice
versions, the disclosures register and its review list, emergency overrides and requests
from authorities."""
