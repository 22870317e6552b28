"""Fees, charges, payments, packages, insurance and the totals a clinic reconciles.

Billing reacts to the clinical core's signals (see `tracker.billing.signals`): signing a
visit charges it, and booking or planning asks billing for warnings and a cost forecast.
"""

from tracker.billing import settings, signals  # noqa: F401  (registers settings and receivers)
