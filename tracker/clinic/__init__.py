"""Clinic-wide settings: thresholds, hours and identifiers an admin can change."""
