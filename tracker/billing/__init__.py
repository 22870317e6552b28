"""Fees, charges, payments, packages, insurance and the totals a clinic reconciles."""
