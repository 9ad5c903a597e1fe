//! Generator errors. Every spec error carries `file:line:col` and the YAML path.

use std::fmt;
use std::path::PathBuf;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
    /// e.g. `response[0].fields[1].type`; empty for the document itself.
    pub yaml_path: String,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SpecError {
    /// Something wrong inside a spec file.
    Spec(Located),
    /// A file or directory could not be read or written.
    Io { path: PathBuf, message: String },
    /// Two spec files describe the same API method.
    Duplicate {
        method: String,
        first: PathBuf,
        second: PathBuf,
    },
    /// Documentation that describes no API (a catalogue stub with only an id): importers skip
    /// it and say so; it is not a failure.
    NotAnApi { path: PathBuf, reason: String },
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SpecError::Spec(l) => {
                write!(
                    f,
                    "{}:{}:{}: {}",
                    l.file.display(),
                    l.line,
                    l.column,
                    l.message
                )?;
                if !l.yaml_path.is_empty() {
                    write!(f, " (at `{}`)", l.yaml_path)?;
                }
                Ok(())
            }
            SpecError::Io { path, message } => write!(f, "{}: {message}", path.display()),
            SpecError::NotAnApi { path, reason } => {
                write!(f, "{}: skipped: {reason}", path.display())
            }
            SpecError::Duplicate {
                method,
                first,
                second,
            } => write!(
                f,
                "{}:1:1: method `{method}` is already described by {}",
                second.display(),
                first.display()
            ),
        }
    }
}

impl std::error::Error for SpecError {}

/// All the errors of one run, one per line when displayed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Errors(pub Vec<SpecError>);

impl fmt::Display for Errors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Errors {}

impl From<SpecError> for Errors {
    fn from(e: SpecError) -> Self {
        Errors(vec![e])
    }
}
