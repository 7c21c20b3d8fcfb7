"""The agent: enrolls this machine with a practice console, audits it, uploads reports."""
