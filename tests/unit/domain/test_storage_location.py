"""Records on a network share or in a cloud-sync folder are recognised on Linux, macOS and
Windows (table-driven)."""

from __future__ import annotations

from pathlib import PurePath, PurePosixPath, PureWindowsPath

import pytest

from practitioner.domain.storage_location import Volume, storage_warning

LOCAL = Volume(PurePosixPath("/"), "ext4")


@pytest.mark.parametrize(("path", "volume", "expected"), [
    # Linux (fs types as QStorageInfo reports them from the mount table)
    ("/home/me/records.db", LOCAL, None),
    ("/mnt/clinic/records.db", Volume(PurePosixPath("/mnt/clinic"), "nfs4"),
     "network file system (nfs4 at /mnt/clinic"),
    ("/media/nas share/records.db", Volume(PurePosixPath("/media/nas share"), "cifs"),
     "network file system (cifs"),
    ("/home/me/remote/records.db", Volume(PurePosixPath("/home/me/remote"), "fuse.sshfs"),
     "network file system (fuse.sshfs"),
    ("/run/user/1000/doc/records.db", Volume(PurePosixPath("/run/user/1000/doc"),
                                            "fuse.portal"), None),
    ("/media/usb/records.db", Volume(PurePosixPath("/media/usb"), "fuseblk"), None),
    ("/home/me/records.db", None, None),
    ("/home/me/Dropbox/clinic/records.db", LOCAL, "cloud-sync folder (Dropbox)"),
    ("/home/me/OneDrive - Clinic Ltd/records.db", LOCAL,
     "cloud-sync folder (OneDrive - Clinic Ltd)"),
    ("/home/me/Google Drive/records.db", LOCAL, "cloud-sync folder (Google Drive)"),
    ("/home/me/iCloud Drive/records.db", LOCAL, "cloud-sync folder (iCloud Drive)"),
    ("/home/me/dropbox-notes.txt/records.db", LOCAL, "cloud-sync folder"),
    ("/home/me/Dropboxes/records.db", LOCAL, None),
    ("/home/me/records-dropbox.db", LOCAL, None),  # The file's own name is not a folder.
    # macOS
    ("/Users/me/records.db", Volume(PurePosixPath("/System/Volumes/Data"), "apfs"), None),
    ("/Volumes/clinic/records.db", Volume(PurePosixPath("/Volumes/clinic"), "smbfs"),
     "network file system (smbfs"),
    ("/Volumes/old/records.db", Volume(PurePosixPath("/Volumes/old"), "afpfs"),
     "network file system (afpfs"),
    ("/Volumes/dav/records.db", Volume(PurePosixPath("/Volumes/dav"), "webdav"),
     "network file system (webdav"),
    ("/Users/me/Library/Mobile Documents/com~apple~CloudDocs/records.db",
     Volume(PurePosixPath("/System/Volumes/Data"), "apfs"),
     "cloud-sync folder (Mobile Documents)"),
    # Windows
    (r"\\server\share\records.db", None, "network share"),
    (r"C:\Users\me\OneDrive\records.db", Volume(PureWindowsPath("C:/"), "NTFS"),
     "cloud-sync folder (OneDrive)"),
    (r"C:\Users\me\Documents\records.db", Volume(PureWindowsPath("C:/"), "NTFS"), None),
    (r"Z:\clinic\records.db", Volume(PureWindowsPath("Z:/"), "NTFS", remote=True),
     "network file system (NTFS at Z:"),
    (r"E:\records.db", Volume(PureWindowsPath("E:/"), "exFAT"), None),
])
def test_records_in_risky_places_are_named(path: str, volume: Volume | None,
                                           expected: str | None) -> None:
    pure: PurePath = PureWindowsPath(path) if "\\" in path else PurePosixPath(path)
    warning = storage_warning(pure, volume)
    if expected is None:
        assert warning is None
    else:
        assert warning is not None and expected in warning
        assert str(pure) in warning

