//! The languages of the SDK downloads, and which source files are theirs.

/// An SDK's language, richest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Language {
    Java,
    DotNet,
    Php,
    Python,
}

impl Language {
    /// The language of a source file, by its extension; `None`: not an SDK source.
    pub fn of(file: &str) -> Option<Language> {
        Some(match file.rsplit_once('.')?.1 {
            "java" => Language::Java,
            "cs" => Language::DotNet,
            "php" => Language::Php,
            "py" => Language::Python,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Language::Java => "Java",
            Language::DotNet => ".NET",
            Language::Php => "PHP",
            Language::Python => "Python",
        }
    }

    /// `java`, `dotnet` (or `net`, `csharp`), `php`, `python`.
    pub fn parse(s: &str) -> Option<Language> {
        Some(match s.to_ascii_lowercase().as_str() {
            "java" => Language::Java,
            "dotnet" | "net" | ".net" | "csharp" | "cs" => Language::DotNet,
            "php" => Language::Php,
            "python" | "py" => Language::Python,
            _ => return None,
        })
    }
}
