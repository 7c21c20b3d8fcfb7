"""Backups on restic (rule 4): a repository on a dedicated external disk, runs with
retention, verification, restore drills, schedules and a status file read by the audit."""
