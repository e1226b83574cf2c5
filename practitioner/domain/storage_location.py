"""Is a records file somewhere SQLite cannot be trusted: a network share or a synced folder?

SQLite's locking and WAL need one machine's file system: on a network share or in a folder
a sync client copies behind the app's back, a file can be damaged or silently lose commits.
Pure rules: the caller supplies the text of /proc/mounts.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath, PurePosixPath, PureWindowsPath

NETWORK_FS_TYPES = frozenset({
    "nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "sshfs", "fuse.sshfs",
    "afs", "9p", "davfs", "fuse.davfs", "fuse.rclone", "glusterfs", "fuse.glusterfs",
    "ceph", "fuse.ceph", "fuse.gvfsd-fuse", "lustre", "fuse.s3fs", "fuse.gcsfuse",
})
SYNC_FOLDER_NAMES = ("dropbox", "onedrive", "google drive", "googledrive", "icloud drive",
                     "icloud", "mobile documents", "box sync", "nextcloud", "owncloud",
                     "pcloud drive", "mega", "sync.com", "tresorit")


@dataclass(frozen=True)
class Mount:
    """One line of /proc/mounts: where a file system is mounted, and its type."""

    mount_point: PurePosixPath
    fs_type: str


def parse_mounts(text: str) -> list[Mount]:
    """The mounts listed in the text of /proc/mounts (octal escapes such as \\040 decoded)."""
    mounts: list[Mount] = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        point = fields[1].encode().decode("unicode_escape")
        mounts.append(Mount(PurePosixPath(point), fields[2].lower()))
    return mounts


def _mount_of(path: PurePosixPath, mounts: list[Mount]) -> Mount | None:
    best: Mount | None = None
    for mount in mounts:
        inside = path == mount.mount_point or mount.mount_point in path.parents
        if inside and (best is None or len(mount.mount_point.parts) >= len(best.mount_point.parts)):
            best = mount
    return best


def _is_network_fs(fs_type: str) -> bool:
    return fs_type in NETWORK_FS_TYPES or fs_type.startswith(("nfs", "smb", "cifs"))


def storage_warning(path: PurePath, mounts_text: str = "") -> str | None:
    """A one-line warning when `path` (absolute) is on a network share or in a sync
    folder, else None."""
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
    mount = _mount_of(PurePosixPath(path.as_posix()), parse_mounts(mounts_text))
    if mount is not None and _is_network_fs(mount.fs_type):
        return (f"The records file {path} is on a network file system ({mount.fs_type} at "
                f"{mount.mount_point}). SQLite files can be damaged there; keep the records "
                "on this computer's own disk.")
    return None
