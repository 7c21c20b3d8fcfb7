"""The practice network scan in the console: the plan the practice manager saves (what to
scan, from which workstation), the scans its agent uploads, compared with the previous one
(a new device or a newly open port is an alert)."""
