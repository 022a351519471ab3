"""The contract's size limits: one place for every maximum an event may carry.

Producers validate their input against these same constants (target-service's request
models import them), so a request that would make an oversized event is refused at the
HTTP edge with 422 before anything is stored. Each event type also documents its maximum
encoded size (``Event.max_encoded_bytes``); ``tests/contract/test_contract_bounds.py``
builds the largest instance of every type these limits allow and checks it fits.
"""

KIB = 1024
MIB = 1024 * KIB

BROKER_RECORD_BYTES = 1 * MIB
"""The broker's default largest record (Kafka ``message.max.bytes``); no event may come near it."""

MAX_EVENT_BYTES = 512 * KIB
"""No event type documents a maximum above this: half the broker's limit, leaving room for
headers, batch framing and a later optional field."""

# --- strings (characters) ---------------------------------------------------------------
IDENTIFIER_MAX = 128
"""Opaque ids chosen by a producing service (SKP, RHK, IKI, unit, period, plan...)."""

NAME_MAX = 200
"""Names and labels: an employee's name, a position (jabatan), a work unit, a checkpoint,
a competency or activity title."""

TITLE_MAX = 300
"""The title of a development activity, as training-service's catalogue stores it."""

SHORT_TEXT_MAX = 100
"""Short labels: an IKI's unit of measure, a delivery method, a policy version."""

DESCRIPTION_MAX = 1000
"""The text of an RHK (planned result) or of an IKI (what is measured)."""

REASON_MAX = 5000
"""Written reasons: an SKP revision, an override of a proposed rating, an objection decision."""

EVIDENCE_MAX = 1000
"""Evidence (bukti dukung, a certificate): a link or a document id."""

RECOGNITION_REASON_MAX = 1000
"""Why an employee is recognised: a paragraph, shown on their page and in the talent pool."""

# --- lists ------------------------------------------------------------------------------
RHK_PER_SKP_MAX = 15
"""Planned results (RHK) in one SKP; PermenPANRB 6/2022 SKPs carry a handful."""

IKI_PER_RHK_MAX = 5
"""Indicators (IKI) of one RHK: one or two per aspect (kuantitas, kualitas, waktu, biaya)."""

IKI_PER_SKP_MAX = RHK_PER_SKP_MAX * IKI_PER_RHK_MAX
"""Indicators in one SKP, and so indicator results in one appraisal."""

CHECKPOINTS_MAX = 12
"""Checkpoints (periodic evaluation windows) in one period: at most monthly."""

PLAN_ITEMS_MAX = 100
"""Items of one development plan: at most one per BerAKHLAK value, one per IKI and the
JP top-up (7 + IKI_PER_SKP_MAX + 1), rounded up."""

YEARS_MAX = 50
"""Years (and their appraisals) behind one talent-pool nomination."""

LEGACY_CLOSED_EMPLOYEES_MAX = 15_000
"""Employees in a legacy ``PerformancePeriodClosed.v1``. Such a record was only ever stored
when it fitted the broker's 1 MiB (at least ~75 bytes per employee), so every record that
exists decodes under this bound."""
