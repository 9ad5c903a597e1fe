//! File utilities of the generator: finding input files under paths, and writing output
//! only when it changed.

use crate::error::SpecError;
use std::path::{Path, PathBuf};

/// The files under `paths` that `keep` accepts (a path may be a file, taken as it is, or a
/// directory, searched recursively), sorted and without duplicates.
pub(crate) fn files_under(
    paths: &[PathBuf],
    keep: &dyn Fn(&Path) -> bool,
) -> Result<Vec<PathBuf>, SpecError> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            walk_files(p, keep, &mut out)?;
        } else if p.exists() {
            out.push(p.clone());
        } else {
            return Err(SpecError::Io {
                path: p.clone(),
                message: "no such file or directory".into(),
            });
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// Files under `dir` (recursively) that `keep` accepts, appended to `out`.
pub(crate) fn walk_files(
    dir: &Path,
    keep: &dyn Fn(&Path) -> bool,
    out: &mut Vec<PathBuf>,
) -> Result<(), SpecError> {
    let io = |e: std::io::Error| SpecError::Io {
        path: dir.to_path_buf(),
        message: e.to_string(),
    };
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        if path.is_dir() {
            walk_files(&path, keep, out)?;
        } else if keep(&path) {
            out.push(path);
        }
    }
    Ok(())
}

/// Leaves the file (and its mtime) alone when the content is the same, so rustc does not
/// recompile for nothing.
pub fn write_if_changed(path: &Path, content: &str) -> Result<(), SpecError> {
    if std::fs::read_to_string(path).is_ok_and(|old| old == content) {
        return Ok(());
    }
    std::fs::write(path, content).map_err(|e| SpecError::Io {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}
