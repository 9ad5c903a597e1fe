//! YAML -> [`ApiSpec`]. All YAML-specific code lives here (and in `locate`).

use crate::error::{Located, SpecError};
use crate::locate::{PathSeg, locate};
use crate::model::ApiSpec;
use std::path::Path;

/// Largest spec file read; a larger one is refused instead of exhausting memory.
const MAX_SPEC_BYTES: usize = 16 * 1024 * 1024;

/// A spec together with its source text, kept to locate later validation errors.
#[derive(Clone, Debug)]
pub struct LoadedSpec {
    pub file: std::path::PathBuf,
    pub text: String,
    pub spec: ApiSpec,
}

impl LoadedSpec {
    /// An error at a YAML path of this spec, located in its text.
    pub fn error_at(&self, path: &[PathSeg], message: impl Into<String>) -> SpecError {
        located_error(&self.file, &self.text, path, message)
    }
}

/// An error at a YAML path of `text` (the content of `file`), located in it.
pub fn located_error(
    file: &Path,
    text: &str,
    path: &[PathSeg],
    message: impl Into<String>,
) -> SpecError {
    let (line, column) = locate(text, path);
    SpecError::Spec(Located {
        file: file.to_path_buf(),
        line,
        column,
        yaml_path: crate::locate::render(path),
        message: message.into(),
    })
}

pub fn load_file(path: &Path) -> Result<LoadedSpec, SpecError> {
    let bytes = std::fs::read(path).map_err(|e| SpecError::Io {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    let at_start = |message: String| {
        SpecError::Spec(Located {
            file: path.to_path_buf(),
            line: 1,
            column: 1,
            yaml_path: String::new(),
            message,
        })
    };
    if bytes.len() > MAX_SPEC_BYTES {
        return Err(at_start(format!(
            "spec is {} bytes; the limit is {MAX_SPEC_BYTES}",
            bytes.len()
        )));
    }
    let text = String::from_utf8(bytes).map_err(|e| at_start(format!("spec is not UTF-8: {e}")))?;
    load_str(path, text)
}

/// Parses spec text; `path` is only used in error messages.
pub fn load_str(path: &Path, text: String) -> Result<LoadedSpec, SpecError> {
    let spec = parse_located::<ApiSpec>(path, &text)?;
    Ok(LoadedSpec {
        file: path.to_path_buf(),
        text,
        spec,
    })
}

/// YAML text as `T`, an error located at the node (line, column, YAML path) when it does not
/// fit; `path` is only used in error messages.
pub fn parse_located<T: serde::de::DeserializeOwned>(
    path: &Path,
    text: &str,
) -> Result<T, SpecError> {
    let de = serde_yaml::Deserializer::from_str(text);
    match serde_path_to_error::deserialize::<_, T>(de) {
        Ok(v) => Ok(v),
        Err(err) => {
            let yaml_path = err.path().to_string();
            let inner = err.into_inner();
            let segs = crate::locate::parse_path(&yaml_path);
            // The exact node when the path leads to it (serde_yaml points at the enclosing
            // map for errors raised inside a value); else serde_yaml's position; else the
            // deepest node found.
            // Data errors: serde_yaml points at the enclosing map, before the node found by
            // path. Syntax errors: it points past it, where parsing failed. The later wins.
            let (line, column) = match (crate::locate::locate_exact(text, &segs), inner.location())
            {
                (Some(pos), Some(loc)) if !segs.is_empty() => pos.max((loc.line(), loc.column())),
                (Some(pos), None) if !segs.is_empty() => pos,
                (_, Some(loc)) => (loc.line(), loc.column()),
                _ => locate(text, &segs),
            };
            let mut message = inner.to_string();
            if let Some(cut) = message.find(" at line ") {
                message.truncate(cut);
            }
            // serde_yaml may prefix the path; it is printed separately.
            if let Some((prefix, rest)) = message.split_once(": ")
                && !prefix.is_empty()
                && yaml_path.starts_with(prefix)
            {
                message = rest.to_string();
            }
            Err(SpecError::Spec(Located {
                file: path.to_path_buf(),
                line,
                column,
                yaml_path: if yaml_path == "." {
                    String::new()
                } else {
                    yaml_path
                },
                message,
            }))
        }
    }
}
