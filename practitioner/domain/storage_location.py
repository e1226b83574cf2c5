"""Is a records file somewhere SQLite cannot be trusted: a network share or a synced folder?

SQLite's locking and WAL need one machine's file system: on a network share or in a folder
a sync client copies behind the app's back, a file can be damaged or silently lose commits.
Pure rules: the caller says which volume the file is on (the app asks Qt's QStorageInfo,
which knows every platform's mounts).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath, PureWindowsPath

NETWORK_FS_TYPES = frozenset({
    "nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "sshfs", "fuse.sshfs",
    "afs", "9p", "davfs", "fuse.davfs", "fuse.rclone", "glusterfs", "fuse.glusterfs",
    "ceph", "fuse.ceph", "fuse.gvfsd-fuse", "lustre", "fuse.s3fs", "fuse.gcsfuse",
    # macOS names: AppleShare, WebDAV, FTP mounted by the Finder.
    "afpfs", "webdav", "ftp",
})
SYNC_FOLDER_NAMES = ("dropbox", "onedrive", "google drive", "googledrive", "icloud drive",
                     "icloud", "mobile documents", "box sync", "nextcloud", "owncloud",
                     "pcloud drive", "mega", "sync.com", "tresorit")


@dataclass(frozen=True)
class Volume:
    """The file system a path is on: where it is mounted, its type as the platform names it
    (`ext4`, `nfs4`, `smbfs`, `NTFS`), and whether the platform knows it to be remote
    (Windows says so of a mapped network drive whatever its type)."""

    root: PurePath
    fs_type: str
    remote: bool = False


def _is_network(volume: Volume) -> bool:
    fs_type = volume.fs_type.lower()
    return volume.remote or fs_type in NETWORK_FS_TYPES or fs_type.startswith(
        ("nfs", "smb", "cifs"))


def storage_warning(path: PurePath, volume: Volume | None = None) -> str | None:
    """A one-line warning when `path` (absolute) is on a network share or in a sync
    folder, else None. `volume` is the file system holding it, when known."""
    if isinstance(path, PureWindowsPath) and path.drive.startswith("\\\\"):
        return (f"The records file {path} is on a network share. SQLite files can be "
                "damaged there; keep the records on this computer's own disk.")
    for part in path.parts[:-1]:
        folded = part.casefold()
        for name in SYNC_FOLDER_NAMES:
            if folded == name or folded.startswith(name + " ") or folded.startswith(name + "-"):
                return (f"The records file {path} is in a cloud-sync folder ({part}). Sync "
                        "can damage an open database or lose changes; keep the records "
                        "outside synced folders and use backups for a second copy.")
    if volume is not None and _is_network(volume):
        return (f"The records file {path} is on a network file system ({volume.fs_type} at "
                f"{volume.root}). SQLite files can be damaged there; keep the records "
                "on this computer's own disk.")
    return None
