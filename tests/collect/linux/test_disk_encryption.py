from __future__ import annotations

from collections.abc import Callable

from dentsec.collect.linux.disk_encryption import from_lsblk, from_tabs


def test_plain_disk(sample: Callable[[str], str]) -> None:
    fam = from_lsblk(sample("lsblk-json-plain-vda.json"))
    assert fam.system_encrypted is False and fam.detail == "vda(disk)"


def test_luks_lvm(sample: Callable[[str], str]) -> None:
    fam = from_lsblk(sample("lsblk-json-luks-lvm.json"))
    assert (fam.system_encrypted, fam.method) == (True, "LUKS")
    assert fam.detail is not None and "crypt" in fam.detail


def test_root_not_a_block_device() -> None:
    fam = from_lsblk('{"blockdevices": [{"name": "loop0", "type": "loop", "mountpoint": null}]}')
    assert fam.system_encrypted is None and "system_encrypted" in fam.unknown


def test_offline_tabs() -> None:
    fstab = "/dev/mapper/sda3_crypt / ext4 defaults 0 1\n"
    assert from_tabs(fstab, "sda3_crypt UUID=x none luks\n").system_encrypted is True
    assert from_tabs("UUID=abc / ext4 defaults 0 1\n", None).system_encrypted is False
    swap_only = "cswap /dev/sda2 /dev/urandom swap,cipher=aes-xts-plain64\n"
    assert from_tabs("UUID=abc / ext4 defaults 0 1\n", swap_only).system_encrypted is False
    odd = from_tabs("UUID=abc / ext4 defaults 0 1\n", "data UUID=y none luks\n")
    assert odd.system_encrypted is None
