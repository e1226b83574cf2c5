"""Records on a network share or in a cloud-sync folder are recognised (table-driven)."""

from __future__ import annotations

from pathlib import PurePosixPath, PureWindowsPath

import pytest

from practitioner.domain.storage_location import parse_mounts, storage_warning

MOUNTS = "\n".join([
    "/dev/sda1 / ext4 rw,relatime 0 0",
    "/dev/sdb1 /home ext4 rw 0 0",
    "server:/export /mnt/clinic nfs4 rw,vers=4.2 0 0",
    "//nas/share /media/nas\\040share cifs rw 0 0",
    "me@host:/srv /home/me/remote fuse.sshfs rw 0 0",
    "/dev/sdc1 /mnt/clinic/local ext4 rw 0 0",
    "/dev/fuse /run/user/1000/doc fuse.portal rw 0 0",
    "/dev/sdd1 /media/usb fuseblk rw 0 0",
])


@pytest.mark.parametrize(("path", "expected"), [
    ("/home/me/records.db", None),
    ("/home/me/Documents/clinic/records.db", None),
    ("/mnt/clinic/records.db", "network file system (nfs4"),
    ("/media/nas share/cramp/records.db", "network file system (cifs"),
    ("/home/me/remote/records.db", "network file system (fuse.sshfs"),
    ("/mnt/clinic/local/records.db", None),  # A local disk mounted inside the share.
    ("/run/user/1000/doc/records.db", None),
    ("/media/usb/records.db", None),
    ("/home/me/Dropbox/clinic/records.db", "cloud-sync folder (Dropbox)"),
    ("/home/me/OneDrive - Clinic Ltd/records.db", "cloud-sync folder (OneDrive - Clinic Ltd)"),
    ("/home/me/Google Drive/records.db", "cloud-sync folder (Google Drive)"),
    ("/Users/me/Library/Mobile Documents/com~apple~CloudDocs/records.db",
     "cloud-sync folder (Mobile Documents)"),
    ("/home/me/iCloud Drive/records.db", "cloud-sync folder (iCloud Drive)"),
    ("/home/me/dropbox-notes.txt/records.db", "cloud-sync folder"),
    ("/home/me/Dropboxes/records.db", None),
    ("/home/me/records-dropbox.db", None),  # The file's own name is not a folder.
])
def test_posix_paths(path: str, expected: str | None) -> None:
    warning = storage_warning(PurePosixPath(path), MOUNTS)
    if expected is None:
        assert warning is None
    else:
        assert warning is not None and expected in warning
        assert path in warning


@pytest.mark.parametrize(("path", "expected"), [
    (r"\\server\share\records.db", "network share"),
    (r"C:\Users\me\OneDrive\records.db", "cloud-sync folder (OneDrive)"),
    (r"C:\Users\me\Documents\records.db", None),
])
def test_windows_paths(path: str, expected: str | None) -> None:
    warning = storage_warning(PureWindowsPath(path))
    assert (warning is None) if expected is None else (expected in (warning or ""))


def test_mount_points_with_escaped_spaces_are_decoded() -> None:
    mounts = parse_mounts(MOUNTS + "\nbroken line\n")
    assert PurePosixPath("/media/nas share") in {m.mount_point for m in mounts}
    assert len(mounts) == 8
