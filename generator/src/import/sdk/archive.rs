//! The SDK's source files, from the downloaded zip or its unpacked folder, read with limits:
//! a zip is read from its central directory (a 1 GB file that is not one is refused after
//! reading its last 64 KiB), entries are inflated up to a size cap and checked against their
//! CRC, an entry with an unsafe path (`../`, absolute) or binary content is reported and not
//! read. Nothing is ever extracted to disk. Archives inside (the Java download's
//! `*-source.jar`) are read one level deep.

use crate::error::SpecError;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

/// One source file: where it is (`sdk.zip!/top/api/X.java`) and its text.
pub struct Source {
    pub name: String,
    pub text: String,
}

/// What was read, and what was not and why.
#[derive(Default)]
pub struct Sources {
    pub files: Vec<Source>,
    pub skipped: Vec<String>,
    /// Entries that are not sources (class files, docs), not read.
    pub others: usize,
    /// Source bytes read so far (at most [`MAX_TOTAL`]).
    bytes: u64,
}

fn too_much() -> String {
    format!("more than {MAX_TOTAL} bytes of sources: refused (not an SDK download?)")
}

/// Largest source file read.
pub const MAX_SOURCE_BYTES: u64 = 8 * 1024 * 1024;
/// Largest archive inside the archive.
const MAX_INNER_ARCHIVE: u64 = 256 * 1024 * 1024;
/// Most entries one archive may list, and the largest directory that lists them.
const MAX_ENTRIES: usize = 500_000;
const MAX_DIRECTORY: u64 = 128 * 1024 * 1024;
/// Most source bytes one import reads in all (all are held at once; the whole TOP Java SDK's
/// sources are some tens of MB).
const MAX_TOTAL: u64 = 512 * 1024 * 1024;

fn is_source(name: &str) -> bool {
    super::language::Language::of(name).is_some()
}

fn is_archive(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.ends_with(".zip") || n.ends_with(".jar")
}

fn io(path: &Path, e: impl std::fmt::Display) -> SpecError {
    SpecError::Io {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

/// The sources at `path`: a zip (or jar), a folder, or one source file.
pub fn read(path: &Path) -> Result<Sources, SpecError> {
    let mut out = Sources::default();
    let meta = std::fs::metadata(path).map_err(|e| io(path, e))?;
    if meta.is_dir() {
        walk(path, &mut out)?;
    } else {
        let mut f = std::fs::File::open(path).map_err(|e| io(path, e))?;
        let mut magic = [0u8; 4];
        let n = f.read(&mut magic).map_err(|e| io(path, e))?;
        let label = path.display().to_string();
        if n == 4 && (magic == *b"PK\x03\x04" || magic == *b"PK\x05\x06") {
            zip(&mut f, meta.len(), &label, 0, &mut out).map_err(|m| io(path, m))?;
        } else if is_source(&label) {
            source_file(path, &label, &mut out)?;
        } else {
            return Err(io(
                path,
                "not an SDK download: neither a zip (or jar), a folder, nor a .java/.cs/.php/.py \
                 source",
            ));
        }
    }
    out.files.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

fn walk(dir: &Path, out: &mut Sources) -> Result<(), SpecError> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| io(dir, e))?
        .filter_map(Result::ok)
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let path = e.path();
        // Links are not followed: a link loop or a link out of the folder reads nothing.
        let Ok(ft) = e.file_type() else { continue };
        let label = path.display().to_string();
        if ft.is_dir() {
            walk(&path, out)?;
        } else if !ft.is_file() {
            continue;
        } else if is_source(&label) {
            source_file(&path, &label, out)?;
        } else if is_archive(&label) {
            let len = e.metadata().map(|m| m.len()).unwrap_or(0);
            let mut f = std::fs::File::open(&path).map_err(|e| io(&path, e))?;
            if let Err(m) = zip(&mut f, len, &label, 1, out) {
                out.skipped.push(format!("{label}: not read: {m}"));
            }
        } else {
            out.others += 1;
        }
    }
    Ok(())
}

fn source_file(path: &Path, label: &str, out: &mut Sources) -> Result<(), SpecError> {
    let len = std::fs::metadata(path).map_err(|e| io(path, e))?.len();
    if len > MAX_SOURCE_BYTES {
        out.skipped.push(format!(
            "{label}: not read: {len} bytes, more than a source file's limit of {MAX_SOURCE_BYTES}"
        ));
        return Ok(());
    }
    if out.bytes + len > MAX_TOTAL {
        return Err(io(path, too_much()));
    }
    let bytes = std::fs::read(path).map_err(|e| io(path, e))?;
    push_text(label, bytes, out);
    Ok(())
}

fn push_text(label: &str, bytes: Vec<u8>, out: &mut Sources) {
    out.bytes += bytes.len() as u64;
    if bytes.contains(&0) {
        out.skipped
            .push(format!("{label}: not read: binary content (a NUL byte)"));
        return;
    }
    match String::from_utf8(bytes) {
        Ok(text) => out.files.push(Source {
            name: label.to_string(),
            text: text.trim_start_matches('\u{feff}').to_string(),
        }),
        Err(e) => out.skipped.push(format!(
            "{label}: not read: not UTF-8 (byte {})",
            e.utf8_error().valid_up_to()
        )),
    }
}

fn u16_at(b: &[u8], i: usize) -> u16 {
    u16::from_le_bytes([b[i], b[i + 1]])
}

fn u32_at(b: &[u8], i: usize) -> u32 {
    u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]])
}

/// The entries of a zip of `len` bytes; `depth` 1 for an archive inside the download.
fn zip<R: Read + Seek>(
    r: &mut R,
    len: u64,
    label: &str,
    depth: u8,
    out: &mut Sources,
) -> Result<(), String> {
    let e = |m: &str| m.to_string();
    // The end-of-central-directory record: 22 bytes and a comment of up to 64 KiB, at the end.
    let tail_len = len.min(22 + 65_535);
    if tail_len < 22 {
        return Err(e("not a zip: too short for one (truncated?)"));
    }
    let mut tail = vec![0u8; tail_len as usize];
    r.seek(SeekFrom::Start(len - tail_len))
        .and_then(|_| r.read_exact(&mut tail))
        .map_err(|x| x.to_string())?;
    let Some(eocd) = (0..=tail.len() - 22)
        .rev()
        .find(|&i| tail[i..i + 4] == *b"PK\x05\x06")
    else {
        return Err(e(
            "not a complete zip: no end-of-central-directory record (a truncated download?)",
        ));
    };
    let count = u16_at(&tail, eocd + 10) as usize;
    let cd_size = u32_at(&tail, eocd + 12) as u64;
    let cd_offset = u32_at(&tail, eocd + 16) as u64;
    if count == 0xFFFF || cd_offset == 0xFFFF_FFFF {
        return Err(e("a zip64 archive: not supported (an SDK download is not one)"));
    }
    let eocd_at = len - tail_len + eocd as u64;
    if cd_offset.checked_add(cd_size).is_none_or(|end| end > eocd_at) || count > MAX_ENTRIES {
        return Err(e(
            "a damaged zip: its central directory lies outside the file (truncated?)",
        ));
    }
    if cd_size > MAX_DIRECTORY {
        return Err(format!(
            "a central directory of {cd_size} bytes, more than the limit of {MAX_DIRECTORY}"
        ));
    }
    let mut cd = vec![0u8; cd_size as usize];
    r.seek(SeekFrom::Start(cd_offset))
        .and_then(|_| r.read_exact(&mut cd))
        .map_err(|x| x.to_string())?;
    let mut at = 0usize;
    for _ in 0..count {
        if at + 46 > cd.len() || cd[at..at + 4] != *b"PK\x01\x02" {
            return Err(e("a damaged zip: a central directory entry is cut short"));
        }
        let flags = u16_at(&cd, at + 8);
        let method = u16_at(&cd, at + 10);
        let crc = u32_at(&cd, at + 16);
        let csize = u32_at(&cd, at + 20) as u64;
        let usize_ = u32_at(&cd, at + 24) as u64;
        let (nlen, xlen, clen) = (
            u16_at(&cd, at + 28) as usize,
            u16_at(&cd, at + 30) as usize,
            u16_at(&cd, at + 32) as usize,
        );
        let local = u32_at(&cd, at + 42) as u64;
        let name_end = at + 46 + nlen;
        if name_end > cd.len() {
            return Err(e("a damaged zip: an entry name runs past the directory"));
        }
        let name = String::from_utf8_lossy(&cd[at + 46..name_end]).into_owned();
        at = name_end + xlen + clen;
        if name.ends_with('/') {
            continue;
        }
        let shown = format!("{label}!/{name}");
        let wanted_source = is_source(&name);
        let wanted_archive = depth == 0 && is_archive(&name);
        if !wanted_source && !wanted_archive {
            out.others += 1;
            continue;
        }
        if unsafe_name(&name) {
            out.skipped.push(format!(
                "{shown}: not read: an unsafe path (absolute or with `..`)"
            ));
            continue;
        }
        if flags & 1 != 0 {
            out.skipped.push(format!("{shown}: not read: encrypted"));
            continue;
        }
        let cap = if wanted_archive {
            MAX_INNER_ARCHIVE
        } else {
            MAX_SOURCE_BYTES
        };
        if usize_ > cap || csize > cap {
            out.skipped.push(format!(
                "{shown}: not read: {usize_} bytes, more than the limit of {cap}"
            ));
            continue;
        }
        if out.bytes + usize_ > MAX_TOTAL {
            return Err(too_much());
        }
        let data = match entry(r, len, local, csize, usize_, method, crc) {
            Ok(d) => d,
            Err(m) => {
                out.skipped.push(format!("{shown}: not read: {m}"));
                continue;
            }
        };
        if wanted_archive {
            let n = data.len() as u64;
            if let Err(m) = zip(&mut std::io::Cursor::new(data), n, &shown, depth + 1, out) {
                out.skipped.push(format!("{shown}: not read: {m}"));
            }
        } else {
            push_text(&shown, data, out);
        }
    }
    Ok(())
}

/// An entry name that would leave the folder it is unpacked in.
fn unsafe_name(name: &str) -> bool {
    name.starts_with('/')
        || name.starts_with('\\')
        || name.as_bytes().get(1) == Some(&b':')
        || name.split(['/', '\\']).any(|part| part == "..")
}

fn entry<R: Read + Seek>(
    r: &mut R,
    len: u64,
    local: u64,
    csize: u64,
    usize_: u64,
    method: u16,
    crc: u32,
) -> Result<Vec<u8>, String> {
    let mut head = [0u8; 30];
    r.seek(SeekFrom::Start(local))
        .and_then(|_| r.read_exact(&mut head))
        .map_err(|_| "its local header lies outside the file (truncated?)".to_string())?;
    if head[..4] != *b"PK\x03\x04" {
        return Err("its local header is damaged".into());
    }
    let start = local + 30 + u16_at(&head, 26) as u64 + u16_at(&head, 28) as u64;
    if start.checked_add(csize).is_none_or(|end| end > len) {
        return Err("its data runs past the end of the file (truncated?)".into());
    }
    let mut raw = vec![0u8; csize as usize];
    r.seek(SeekFrom::Start(start))
        .and_then(|_| r.read_exact(&mut raw))
        .map_err(|e| e.to_string())?;
    let data = match method {
        0 => raw,
        8 => {
            let mut out = Vec::with_capacity(usize_ as usize);
            flate2::read::DeflateDecoder::new(&raw[..])
                .take(usize_ + 1)
                .read_to_end(&mut out)
                .map_err(|e| format!("its compressed data is damaged ({e})"))?;
            out
        }
        m => return Err(format!("compression method {m} is not supported (only stored and deflate)")),
    };
    if data.len() as u64 != usize_ {
        return Err("its size is not the one its directory entry says".into());
    }
    if crc32fast::hash(&data) != crc {
        return Err("its CRC does not match (a damaged file)".into());
    }
    Ok(data)
}
