//! TMC message topics: the spec model (`spec/topics/<group>/<topic>.topic.yaml`), loading with
//! located errors, validation, and the importer from the topic corpus
//! (`tmc_topics_all.yaml`). Code generation is `codegen::topics`; the build-script entry is
//! [`crate::builder::build_topics`].

use crate::error::{Errors, SpecError};
use crate::locate::PathSeg;
use crate::model::{Field, TypeRef};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// File name ending of a topic spec (API specs are the other `*.yaml` files).
pub const TOPIC_SUFFIX: &str = ".topic.yaml";
/// The directory of `spec/` that holds the topics (not an API category).
pub const TOPICS_DIR: &str = "topics";

/// One TMC topic: its content's fields.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TopicSpec {
    /// The wire name, e.g. `taobao_trade_TradeCreate`.
    pub topic: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// The doc center's group, e.g. `淘宝交易`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub group: String,
    /// `in`: TOP pushes it to apps; `out`: apps publish it.
    #[serde(default = "default_direction")]
    pub direction: Direction,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc_url: Option<String>,
    /// Fields that identify the business object (`tid`), as the docs mark them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keys: Vec<String>,
    /// The content's fields (scalars and scalar lists; every one optional when read).
    #[serde(default)]
    pub fields: Vec<Field>,
    /// Documented sample contents.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<TopicExample>,
}

fn default_direction() -> Direction {
    Direction::In
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    In,
    Out,
}

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TopicExample {
    /// The content, JSON text.
    pub content: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// A topic spec with its text, to locate validation errors.
#[derive(Clone, Debug)]
pub struct LoadedTopic {
    pub file: PathBuf,
    pub text: String,
    pub spec: TopicSpec,
}

impl LoadedTopic {
    fn error_at(&self, path: &[PathSeg], message: impl Into<String>) -> SpecError {
        crate::loader::located_error(&self.file, &self.text, path, message)
    }
}

pub fn is_topic_file(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.ends_with(TOPIC_SUFFIX))
}

/// Topic spec files under `paths` (files or directories, recursively), sorted.
pub fn topic_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, SpecError> {
    crate::files::files_under(paths, &is_topic_file)
}

pub fn load_file(path: &Path) -> Result<LoadedTopic, SpecError> {
    let text = std::fs::read_to_string(path).map_err(|e| SpecError::Io {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    let spec = crate::loader::parse_located::<TopicSpec>(path, &text)?;
    Ok(LoadedTopic {
        file: path.to_path_buf(),
        text,
        spec,
    })
}

/// Loads and validates every topic spec under `paths`; all errors are returned.
pub fn load_paths(paths: &[PathBuf]) -> Result<Vec<LoadedTopic>, Errors> {
    let mut topics = Vec::new();
    let mut errors = Vec::new();
    for f in topic_files(paths)? {
        match load_file(&f) {
            Ok(t) => {
                errors.extend(validate(&t));
                topics.push(t);
            }
            Err(e) => errors.push(e),
        }
    }
    let mut seen: BTreeMap<String, &Path> = BTreeMap::new();
    for t in &topics {
        let ty = crate::naming::topic_type_ident(&t.spec.topic);
        if let Some(first) = seen.insert(ty.clone(), &t.file) {
            errors.push(SpecError::Io {
                path: t.file.clone(),
                message: format!(
                    "topic `{}` gets the Rust name `{ty}`, as does the topic of {}",
                    t.spec.topic,
                    first.display()
                ),
            });
        }
    }
    if errors.is_empty() {
        Ok(topics)
    } else {
        Err(Errors(errors))
    }
}

/// Whether `name` is a topic name: `<platform>_<group>_<Event>`, ASCII letters, digits, `_`.
pub fn is_topic_name(name: &str) -> bool {
    name.split('_').count() >= 3
        && name
            .split('_')
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// The checks codegen relies on, each error located in the file.
pub fn validate(t: &LoadedTopic) -> Vec<SpecError> {
    let mut errors = Vec::new();
    let s = &t.spec;
    if !is_topic_name(&s.topic) {
        errors.push(t.error_at(
            &[PathSeg::Key("topic".into())],
            format!(
                "`{}` is not a topic name (`<platform>_<group>_<Event>`: ASCII letters and \
                 digits in 3 or more `_`-separated parts)",
                s.topic
            ),
        ));
    }
    let expected = format!("{}{TOPIC_SUFFIX}", s.topic);
    if t.file.file_name().and_then(|n| n.to_str()) != Some(expected.as_str()) {
        errors.push(t.error_at(
            &[PathSeg::Key("topic".into())],
            format!("the file of topic `{}` is named `{expected}`", s.topic),
        ));
    }
    let mut names = BTreeMap::new();
    for (i, f) in s.fields.iter().enumerate() {
        let at = |k: &str| {
            vec![
                PathSeg::Key("fields".into()),
                PathSeg::Index(i),
                PathSeg::Key(k.into()),
            ]
        };
        if f.name.is_empty() || f.name.chars().any(|c| c.is_whitespace() || c == '"') {
            errors.push(t.error_at(&at("name"), format!("`{}` is not a field name", f.name)));
        }
        if let Some(prev) = names.insert(f.name.clone(), i) {
            errors.push(t.error_at(
                &at("name"),
                format!(
                    "field `{}` is declared twice (first at fields[{prev}])",
                    f.name
                ),
            ));
        }
        match &f.ty {
            TypeRef::Scalar(_) | TypeRef::List(_) => {}
            other => errors.push(t.error_at(
                &at("type"),
                format!(
                    "topic fields are scalars or lists of scalars; `{}` is not",
                    other
                ),
            )),
        }
        if f.decimal && !f.ty.is_number() {
            errors.push(t.error_at(&at("decimal"), "`decimal` is for Number fields"));
        }
        if f.required {
            errors.push(t.error_at(
                &at("required"),
                "`required` is for request params; every topic field is optional when read",
            ));
        }
    }
    for (i, k) in s.keys.iter().enumerate() {
        if !names.contains_key(k) {
            errors.push(t.error_at(
                &[PathSeg::Key("keys".into()), PathSeg::Index(i)],
                format!("key `{k}` is not one of the fields"),
            ));
        }
    }
    for (i, e) in s.examples.iter().enumerate() {
        if let Err(err) = serde_json::from_str::<serde_json::Value>(&e.content) {
            errors.push(t.error_at(
                &[
                    PathSeg::Key("examples".into()),
                    PathSeg::Index(i),
                    PathSeg::Key("content".into()),
                ],
                format!("the example content is not JSON: {err}"),
            ));
        }
    }
    errors
}

/// The corpus file's shape (`tmc_topics_all.yaml`).
#[derive(Deserialize)]
struct CorpusTopic {
    topic: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    group: String,
    #[serde(default)]
    direction: Option<Direction>,
    #[serde(default)]
    doc: Option<String>,
    #[serde(default)]
    fields: Vec<CorpusField>,
    #[serde(default)]
    examples: Vec<CorpusExample>,
}

#[derive(Deserialize)]
struct CorpusField {
    name: String,
    #[serde(rename = "type")]
    ty: String,
    #[serde(default)]
    key: bool,
    #[serde(default)]
    description: String,
    #[serde(default)]
    example: Option<String>,
}

#[derive(Deserialize)]
struct CorpusExample {
    content: String,
    #[serde(default)]
    source: Option<String>,
}

const HEADER: &str = "# Imported by `topgen import-topics` from the TMC topic corpus (tmc_topics_all.yaml,\n\
# after TheNorthMemory/tmc.js, MIT: see spec/topics/NOTICE). Edit freely; re-importing overwrites.\n";

/// Reads the topic corpus into topic specs (validated as if loaded from their files).
pub fn import_corpus(corpus: &Path) -> Result<Vec<TopicSpec>, Errors> {
    let text = std::fs::read_to_string(corpus).map_err(|e| SpecError::Io {
        path: corpus.to_path_buf(),
        message: e.to_string(),
    })?;
    let topics: Vec<CorpusTopic> = crate::loader::parse_located(corpus, &text)?;
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (i, c) in topics.into_iter().enumerate() {
        let mut fields = Vec::new();
        let mut keys = Vec::new();
        for f in c.fields {
            let ty = match TypeRef::parse(&f.ty) {
                Ok(t) => t,
                Err(e) => {
                    errors.push(SpecError::Io {
                        path: corpus.to_path_buf(),
                        message: format!("topic #{i} `{}`, field `{}`: {e}", c.topic, f.name),
                    });
                    continue;
                }
            };
            if f.key {
                keys.push(f.name.clone());
            }
            let decimal = ty.is_number() && crate::heuristics::looks_decimal(&f.name, &f.description);
            fields.push(Field {
                decimal,
                example: f.example,
                description: f.description,
                ..Field::new(f.name, ty)
            });
        }
        // The doc samples outrank the transcribed types where they disagree: a String field
        // whose sample value is an object or a list is JSON (kept as its text).
        for e in &c.examples {
            let Ok(serde_json::Value::Object(sample)) = serde_json::from_str(&e.content) else {
                continue;
            };
            for f in &mut fields {
                let structured = matches!(
                    sample.get(&f.name),
                    Some(serde_json::Value::Object(_) | serde_json::Value::Array(_))
                );
                if structured && f.ty == TypeRef::Scalar(crate::model::Scalar::String) {
                    f.ty = TypeRef::Scalar(crate::model::Scalar::Json);
                }
            }
        }
        out.push(TopicSpec {
            topic: c.topic,
            title: c.title,
            description: String::new(),
            group: c.group,
            direction: c.direction.unwrap_or(Direction::In),
            doc_url: c.doc,
            keys,
            fields,
            examples: c
                .examples
                .into_iter()
                .map(|e| TopicExample {
                    content: e.content,
                    source: e.source,
                })
                .collect(),
        });
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(Errors(errors))
    }
}

/// Where a topic's spec file goes under the topics directory: `<platform>_<group>/<topic>`.
pub fn topic_path(topics_dir: &Path, topic: &str) -> PathBuf {
    let group: Vec<&str> = topic.splitn(3, '_').take(2).collect();
    topics_dir
        .join(group.join("_").to_ascii_lowercase())
        .join(format!("{topic}{TOPIC_SUFFIX}"))
}

/// Writes the topic specs under `topics_dir` (validating each as written); returns the count.
pub fn write_topics(specs: &[TopicSpec], topics_dir: &Path) -> Result<usize, Errors> {
    let mut errors = Vec::new();
    let mut written = Vec::new();
    for s in specs {
        let path = topic_path(topics_dir, &s.topic);
        let yaml = match serde_yaml::to_string(s) {
            Ok(y) => format!("{HEADER}{y}"),
            Err(e) => {
                errors.push(SpecError::Io {
                    path,
                    message: e.to_string(),
                });
                continue;
            }
        };
        let loaded = LoadedTopic {
            file: path.clone(),
            text: yaml.clone(),
            spec: s.clone(),
        };
        let problems = validate(&loaded);
        if !problems.is_empty() {
            errors.extend(problems);
            continue;
        }
        written.push((path, yaml));
    }
    if !errors.is_empty() {
        return Err(Errors(errors));
    }
    for (path, yaml) in &written {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| SpecError::Io {
                path: dir.to_path_buf(),
                message: e.to_string(),
            })?;
        }
        crate::files::write_if_changed(path, yaml)?;
    }
    Ok(written.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loaded(file: &str, text: &str) -> Result<LoadedTopic, SpecError> {
        let spec = crate::loader::parse_located::<TopicSpec>(Path::new(file), text)?;
        Ok(LoadedTopic {
            file: file.into(),
            text: text.into(),
            spec,
        })
    }

    #[test]
    fn each_problem_is_located() {
        let text = "topic: taobao_trade_TradeCreate\nkeys: [tid, nope]\nfields:\n- name: tid\n  type: Number\n- name: tid\n  type: String\n- name: o\n  type: Order\n  fields: []\n- name: s\n  type: String\n  required: true\nexamples:\n- content: 'not json'\n";
        let t = loaded("x/taobao_trade_TradeCreate.topic.yaml", text).unwrap();
        let errors: Vec<String> = validate(&t).iter().map(|e| e.to_string()).collect();
        let want = [
            ("fields[1].name", "declared twice"),
            ("fields[2].type", "scalars or lists of scalars"),
            ("fields[3].required", "every topic field is optional"),
            ("keys[1]", "key `nope` is not one of the fields"),
            ("examples[0].content", "not JSON"),
        ];
        assert_eq!(errors.len(), want.len(), "{errors:#?}");
        for (path, what) in want {
            assert!(
                errors.iter().any(|e| e.contains(path) && e.contains(what)),
                "{path} {what}: {errors:#?}"
            );
        }
        let bad_name = loaded("x/y.topic.yaml", "topic: trade\n").unwrap();
        let e: Vec<String> = validate(&bad_name).iter().map(|e| e.to_string()).collect();
        assert!(e.iter().any(|e| e.contains("is not a topic name")), "{e:?}");
        assert!(
            e.iter().any(|e| e.contains("is named `trade.topic.yaml`")),
            "{e:?}"
        );
        let unknown = loaded("x/y.topic.yaml", "topic: a_b_C\nfeilds: []\n").unwrap_err();
        let unknown = unknown.to_string();
        assert!(
            unknown.contains(":2:") && unknown.contains("unknown field `feilds`"),
            "{unknown}"
        );
    }

    #[test]
    fn topic_files_go_under_their_group() {
        assert_eq!(
            topic_path(Path::new("spec/topics"), "taobao_trade_TradeCreate"),
            Path::new("spec/topics/taobao_trade/taobao_trade_TradeCreate.topic.yaml")
        );
        assert!(is_topic_name("alibaba_aliqin_FcSmsDR"));
        assert!(!is_topic_name("taobao_trade"));
        assert!(!is_topic_name("taobao__x"));
        assert!(!is_topic_name("taobao_trade_Trade-Create"));
    }
}
