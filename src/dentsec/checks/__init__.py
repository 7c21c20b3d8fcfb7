"""The check catalog (data), the check functions (pure) and the policy they apply."""
