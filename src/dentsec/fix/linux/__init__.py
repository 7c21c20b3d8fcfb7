"""Linux fixes, applied for real by ``dentsec fix`` (this machine or a tree with --root)."""

from dentsec.fix.linux.browsers import DOWNLOADS_FIX
from dentsec.fix.linux.firewall import NFTABLES_FIX
from dentsec.fix.linux.passwords import FAILLOCK_FIX, PWQUALITY_FIX
from dentsec.fix.linux.screen_lock import SCREEN_LOCK_FIX
from dentsec.fix.linux.sharing import REMOTE_DESKTOP_FIX, SMB1_FIX
from dentsec.fix.linux.ssh import SSHD_FIX
from dentsec.fix.linux.updates import UNATTENDED_FIX

FIXES = (PWQUALITY_FIX, FAILLOCK_FIX, UNATTENDED_FIX, SSHD_FIX, SCREEN_LOCK_FIX, DOWNLOADS_FIX,
         NFTABLES_FIX, SMB1_FIX, REMOTE_DESKTOP_FIX)
