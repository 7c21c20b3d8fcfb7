"""Rule 1 toolkit: check a password, generate one, review a KeePass database.

Passwords are read from a hidden prompt or from standard input, never from the command
line, and never written anywhere: no output, log or file of this package contains one.
"""
