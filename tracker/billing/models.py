"""billing tables."""
