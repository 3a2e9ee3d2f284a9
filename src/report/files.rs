//! Writing outputs so that a reader never sees half of one: files through a temporary name
//! and a rename, folders built beside their target and renamed into place, one writer of a
//! folder at a time, paths checked before a run starts, and temporaries removed on a signal.
//!
//! The library never exits: on SIGINT or SIGTERM the CLI calls [`clean_up`], which undoes what
//! is under way here, then exits itself.

use anyhow::{Context, bail};
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

/// What to undo if the process is stopped now.
enum Pending {
    /// A temporary file or folder of ours.
    Remove(PathBuf),
}

/// Temporaries under way. Every creation, write and rename of a temporary happens while holding
/// this lock, and the clean-up on a signal keeps it until the process exits: so the clean-up
/// sees either the state before a step or after it, and no temporary appears after it.
static PENDING: Mutex<Vec<(u64, Pending)>> = Mutex::new(Vec::new());
static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

fn pending() -> MutexGuard<'static, Vec<(u64, Pending)>> {
    // A panic elsewhere cannot leave the list inconsistent (each change is one push or retain).
    PENDING.lock().unwrap_or_else(|e| e.into_inner())
}

fn register(p: Pending) -> u64 {
    let id = NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    pending().push((id, p));
    id
}

fn forget(list: &mut Vec<(u64, Pending)>, id: u64) {
    list.retain(|(i, _)| *i != id);
}

/// Removes every temporary under way. Called on SIGINT or SIGTERM; holds the lock until the
/// process exits, so no rename starts after it (and none is half done: a folder's move aside
/// and the move in of its replacement happen under the same lock).
pub fn clean_up() {
    let list = pending();
    for (_, Pending::Remove(path)) in list.iter() {
        remove_any(path);
    }
    // The process exits next; the guard is kept so no other thread renames meanwhile.
    std::mem::forget(list);
}

fn remove_any(path: &Path) {
    match fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => {
            let _ = fs::remove_dir_all(path);
        }
        Ok(_) => {
            let _ = fs::remove_file(path);
        }
        Err(_) => {}
    }
}

/// How old a killed writer's temporary file must be before another write of the same file
/// removes it: a file is written from bytes already in memory, in seconds even on a slow
/// network disk, so one this old is no live writer's (even one whose process this one cannot
/// see: another container, another host).
const STALE_FILE_AGE: std::time::Duration = std::time::Duration::from_secs(3600);

/// Removes what a writer of `NAME` in `dir` left when it was killed outright (SIGKILL, power
/// loss), so no clean-up ran: `.NAME.tmpPID` and `.NAME.oldPID`. With `folder`, called under
/// the folder's lock, which every writer of it takes before staging: the folders of that name
/// are no live writer's. Otherwise only temporary files of a process this one cannot find, and
/// older than [`STALE_FILE_AGE`].
fn remove_stale(dir: &Path, name: &str, folder: bool) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    let me = std::process::id();
    for entry in entries.flatten() {
        let file = entry.file_name();
        let Some(rest) = file.to_str().and_then(|f| f.strip_prefix('.')).and_then(|f| f.strip_prefix(name)) else {
            continue;
        };
        let Some(digits) = rest.strip_prefix(".tmp").or_else(|| rest.strip_prefix(".old")) else { continue };
        let Ok(pid) = digits.parse::<u32>() else { continue };
        if pid == me || !digits.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let Ok(meta) = fs::symlink_metadata(entry.path()) else { continue };
        let stale = if folder {
            meta.is_dir()
        } else {
            let old = meta.modified().ok().and_then(|t| t.elapsed().ok()).is_some_and(|age| age > STALE_FILE_AGE);
            meta.is_file() && old && !alive(pid)
        };
        if stale {
            remove_any(&entry.path());
        }
    }
}

/// Whether process `pid` exists (signal 0 checks without sending): only a definite "no such
/// process" counts as gone.
#[cfg(unix)]
fn alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else { return true };
    // SAFETY: kill with signal 0 sends nothing; it only reports whether the process exists.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

#[cfg(not(unix))]
fn alive(_pid: u32) -> bool {
    true
}

fn parent_of(path: &Path) -> &Path {
    path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

fn file_name(path: &Path) -> anyhow::Result<String> {
    match path.file_name() {
        Some(n) => Ok(n.to_string_lossy().into_owned()),
        None => bail!("{} does not end in a file or folder name: give one, for example out/report", path.display()),
    }
}

/// Follows symbolic links (at most 40, as the kernel does) to the path that will be written,
/// so a link is kept and its target replaced, not the link replaced by a file.
fn resolve_links(path: &Path) -> PathBuf {
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        match fs::read_link(&p) {
            Ok(target) => p = if target.is_absolute() { target } else { parent_of(&p).join(target) },
            Err(_) => return p,
        }
    }
    p
}

/// Writes `bytes` to `path` so that a reader never sees a half-written file: through a
/// temporary file in the same folder and a rename, removed on failure or signal. A symbolic
/// link is followed and its target replaced; a device or pipe (`/dev/null`, a FIFO) is opened
/// and written, since renaming over it would replace it with a regular file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let path = resolve_links(path);
    if let Ok(meta) = fs::metadata(&path)
        && !meta.is_file()
        && !meta.is_dir()
    {
        let mut f = OpenOptions::new().write(true).open(&path)?;
        return f.write_all(bytes);
    }
    let dir = parent_of(&path);
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp{}", std::process::id()));
    remove_stale(dir, &name, false);
    let mut list = pending();
    list.push((u64::MAX, Pending::Remove(tmp.clone())));
    let result = (|| {
        let mut f = File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, &path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    forget(&mut list, u64::MAX);
    result
}

/// An exclusive lock on `.NAME.lock` beside a folder being written, released (and the file
/// removed) on drop. A second writer of the same folder waits here for the first to finish.
struct FolderLock {
    path: PathBuf,
    file: File,
    id: u64,
}

impl FolderLock {
    fn take(target: &Path) -> anyhow::Result<FolderLock> {
        #[cfg(unix)]
        use std::os::unix::fs::MetadataExt;
        let path = parent_of(target).join(format!(".{}.lock", file_name(target)?));
        loop {
            let (file, id) = {
                let mut list = pending();
                let file = OpenOptions::new()
                    .create(true)
                    .truncate(false)
                    .write(true)
                    .open(&path)
                    .with_context(|| format!("cannot create the lock file {}", path.display()))?;
                let id = NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                list.push((id, Pending::Remove(path.clone())));
                (file, id)
            };
            // Waiting for another writer happens outside the list's lock, so a signal meanwhile
            // is handled at once.
            file.lock().with_context(|| format!("cannot lock {}", path.display()))?;
            // The writer before us removes the file as it finishes; if we locked that removed
            // file, the next writer would lock a new one beside us. Lock the file that is there.
            #[cfg(unix)]
            {
                let same = fs::metadata(&path).ok().zip(file.metadata().ok()).is_some_and(|(a, b)| a.ino() == b.ino());
                if !same {
                    forget(&mut pending(), id);
                    continue;
                }
            }
            return Ok(FolderLock { path, file, id });
        }
    }
}

impl Drop for FolderLock {
    fn drop(&mut self) {
        let mut list = pending();
        let _ = fs::remove_file(&self.path);
        forget(&mut list, self.id);
        let _ = self.file.unlock();
    }
}

/// Whether a folder holds only files named in `ours` (it is empty, or a previous run wrote it),
/// so replacing it loses nothing of the planner's.
fn only_ours(dir: &Path, ours: &[String]) -> std::io::Result<Option<String>> {
    for entry in fs::read_dir(dir)? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if !ours.contains(&name) {
            return Ok(Some(name));
        }
    }
    Ok(None)
}

/// Writes a whole folder of files so that it appears complete or not at all: built in a
/// temporary folder beside the target, then renamed into place. An existing folder is replaced
/// only if it holds nothing but files of the same kind of output, any of `ours` (it is moved
/// aside, the new one moved in, the old one removed). `ours` is every name the command may
/// write there, the list its outputs were checked with before it ran, not only the names of
/// this run's `files`: a folder written by an earlier run that had, say, the outcome model on
/// holds a deaths chart this run does not draw, and is still the command's own to replace.
/// Concurrent writers of one folder take turns.
pub fn write_folder(dir: &Path, files: &[(String, Vec<u8>)], ours: &[String]) -> anyhow::Result<Vec<PathBuf>> {
    let names: Vec<String> = files.iter().map(|(n, _)| n.clone()).collect();
    debug_assert!(names.iter().all(|n| ours.contains(n)), "every file written is one the outputs were checked for");
    check_folder(dir, ours)?;
    let _lock = FolderLock::take(dir)?;
    // Checked again under the lock: the folder may have changed while the run simulated.
    check_folder(dir, ours)?;
    let name = file_name(dir)?;
    let parent = parent_of(dir);
    let pid = std::process::id();
    let staging = parent.join(format!(".{name}.tmp{pid}"));
    remove_any(&staging);
    // Under the lock: no live writer of this folder is building one now.
    remove_stale(parent, &name, true);
    let staging_id = register(Pending::Remove(staging.clone()));
    let built = (|| -> anyhow::Result<()> {
        let _list = pending();
        fs::create_dir(&staging).with_context(|| format!("cannot create {}", staging.display()))?;
        for (file, bytes) in files {
            let path = staging.join(file);
            let mut f = File::create(&path).with_context(|| format!("cannot write {}", dir.join(file).display()))?;
            f.write_all(bytes)
                .and_then(|()| f.sync_all())
                .with_context(|| format!("cannot write {}", dir.join(file).display()))?;
        }
        Ok(())
    })();
    if let Err(e) = built {
        let mut list = pending();
        remove_any(&staging);
        forget(&mut list, staging_id);
        return Err(e);
    }
    let aside = parent.join(format!(".{name}.old{pid}"));
    let moved = {
        let mut list = pending();
        let had_old = fs::symlink_metadata(dir).is_ok();
        let result = (|| -> std::io::Result<()> {
            if had_old {
                fs::rename(dir, &aside)?;
            }
            if let Err(e) = fs::rename(&staging, dir) {
                if had_old {
                    let _ = fs::rename(&aside, dir);
                }
                return Err(e);
            }
            Ok(())
        })();
        forget(&mut list, staging_id);
        if result.is_ok() && had_old {
            list.push((staging_id, Pending::Remove(aside.clone())));
        }
        result
    };
    if let Err(e) = moved {
        let mut list = pending();
        remove_any(&staging);
        forget(&mut list, staging_id);
        drop(list);
        return Err(e).with_context(|| format!("cannot move the new {} into place", dir.display()));
    }
    let mut list = pending();
    remove_any(&aside);
    forget(&mut list, staging_id);
    drop(list);
    Ok(names.iter().map(|n| dir.join(n)).collect())
}

/// Fails unless a file can be created in `dir`: it exists, is a folder, and accepts writes
/// (a read-only mount or /proc does not, whatever the permission bits say to root).
fn check_writable_folder(dir: &Path, for_what: &Path) -> anyhow::Result<()> {
    let meta = fs::metadata(dir).with_context(|| {
        format!("cannot write {}: the folder {} does not exist; create it first", for_what.display(), dir.display())
    })?;
    if !meta.is_dir() {
        bail!("cannot write {}: {} is not a folder", for_what.display(), dir.display());
    }
    let probe = dir.join(format!(".casevac-probe{}", std::process::id()));
    // Under the temporaries' lock, so a signal's clean-up waits until the probe is gone again.
    let _held = pending();
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
        .with_context(|| format!("cannot write {}: cannot create files in {}", for_what.display(), dir.display()))?;
    let _ = fs::remove_file(&probe);
    Ok(())
}

/// A file a command reads, which no output may replace: what it is, in words ("scenario
/// file"), and its path.
pub struct Input<'a> {
    pub what: &'static str,
    pub path: &'a Path,
}

/// A path a command writes: the option that named it, and whether it is a file or a folder
/// replaced whole (with the names of the files casevac writes into it).
pub struct Output<'a> {
    pub option: &'static str,
    pub path: &'a Path,
    pub kind: Kind,
}

pub enum Kind {
    File,
    Folder(Vec<String>),
}

/// Outputs that would overwrite what the command reads, or one another, or that cannot be
/// written where they are named (no such folder, a folder holding other files): the command
/// line to fix (exit 2 in the CLI), found before anything runs or is written.
#[derive(Debug)]
pub struct PathClash(String);

impl std::fmt::Display for PathClash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PathClash {}

/// Where a path leads, to compare it with others: links followed, `.` and `..` resolved. A path
/// not there yet (an output not written yet) is its name in its parent's real path, since the
/// parent may be a link.
fn real_path(path: &Path) -> PathBuf {
    let target = resolve_links(path);
    if let Ok(real) = fs::canonicalize(&target) {
        return real;
    }
    let parent = parent_of(&target);
    let parent = fs::canonicalize(parent).or_else(|_| std::path::absolute(parent)).unwrap_or(parent.to_path_buf());
    match target.file_name() {
        Some(name) => parent.join(name),
        None => target,
    }
}

/// Checks every output of a command before it runs, so nothing is lost and nothing half
/// written: no output is, holds or lies inside a file the command reads (writing would destroy
/// it) or another output (the second write would replace the first, or fail after it), and each
/// passes [`check_file`] or [`check_folder`].
pub fn check_outputs(outputs: &[Output], inputs: &[Input]) -> anyhow::Result<()> {
    let clash = |message: String| Err(PathClash(message).into());
    // Only JSON goes to standard output (the CLI leaves `--json -` out of what it checks); any
    // other output named `-` would be a file or folder of that name.
    if let Some(o) = outputs.iter().find(|o| o.path.as_os_str() == "-") {
        let what = if let Kind::File = o.kind { "file" } else { "folder" };
        return clash(format!(
            "{} - would write a {what} named `-`: only --json takes - for standard output; give a name",
            o.option
        ));
    }
    // A folder without a name (`.`, `..`) cannot be replaced whatever it holds: said first.
    for o in outputs {
        if let Kind::Folder(_) = o.kind {
            file_name(o.path).map_err(|e| PathClash(format!("{e:#}")))?;
        }
    }
    let real: Vec<PathBuf> = outputs.iter().map(|o| real_path(o.path)).collect();
    for (o, out) in outputs.iter().zip(&real) {
        let named = format!("{} {}", o.option, o.path.display());
        for input in inputs {
            let read = real_path(input.path);
            let is = format!("the {} {}, which this command reads", input.what, input.path.display());
            if *out == read {
                return clash(format!("{named} is {is}: writing it would replace it; give another path"));
            }
            if read.starts_with(out) {
                let how = if let Kind::File = o.kind { "" } else { ", and the folder is replaced whole" };
                return clash(format!("{named} holds {is}{how}: give another path"));
            }
            if out.starts_with(&read) {
                return clash(format!("{named} lies inside {is}: give another path"));
            }
        }
    }
    for (i, (later, late)) in outputs.iter().zip(&real).enumerate() {
        for (earlier, early) in outputs[..i].iter().zip(&real) {
            let (a, b) = (
                format!("{} {}", earlier.option, earlier.path.display()),
                format!("{} {}", later.option, later.path.display()),
            );
            if late == early {
                return clash(format!("{a} and {b} are one path: give each output its own"));
            }
            let (inner, outer) = if late.starts_with(early) {
                (b, a)
            } else if early.starts_with(late) {
                (a, b)
            } else {
                continue;
            };
            return clash(format!(
                "{inner} lies inside {outer}: give each output a path of its own, outside the others"
            ));
        }
    }
    for o in outputs {
        let checked = match &o.kind {
            Kind::File => check_file(o.path),
            Kind::Folder(ours) => check_folder(o.path, ours),
        };
        // Each cause on the one line, as the other refusals read.
        checked.map_err(|e| PathClash(format!("{e:#}")))?;
    }
    Ok(())
}

/// Checks a file output before any simulation: its folder exists and accepts files, and the
/// path is not a folder. A device, pipe or link is fine: it is written through.
fn check_file(path: &Path) -> anyhow::Result<()> {
    let target = resolve_links(path);
    match fs::metadata(&target) {
        Ok(m) if m.is_dir() => bail!("cannot write {}: it is a folder; give a file name", path.display()),
        Ok(m) if !m.is_file() => Ok(()),
        _ => check_writable_folder(parent_of(&target), path),
    }
}

/// Checks a folder output before any simulation: its parent exists and accepts files, and the
/// folder, if it exists, is a folder holding only files named in `ours`.
fn check_folder(dir: &Path, ours: &[String]) -> anyhow::Result<()> {
    file_name(dir)?;
    if let Ok(meta) = fs::symlink_metadata(dir) {
        if !meta.is_dir() {
            bail!("cannot write {}: it exists and is not a folder; give a folder name", dir.display());
        }
        let foreign = only_ours(dir, ours).with_context(|| format!("cannot read {}", dir.display()))?;
        if let Some(other) = foreign {
            bail!(
                "cannot write {}: it holds {other}, which this command does not write there, and the folder is \
                 replaced whole; give a new or empty folder, or one this command wrote before",
                dir.display()
            );
        }
    }
    check_writable_folder(parent_of(dir), dir)
}
