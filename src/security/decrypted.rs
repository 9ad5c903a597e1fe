//! A typed response decrypted in place, and the type that keeps the plaintext out of `Debug`
//! and serialized output.

use super::{DataType, Scope, SecurityClient, SecurityError, format};
use crate::Reveal;
use serde_json::Value;
use std::collections::HashMap;
use std::fmt;

/// One step of a field path.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Step {
    Key(String),
    Index(usize),
}

fn path_text(path: &[Step]) -> String {
    use crate::shape::PathStep;
    crate::shape::path_text(path.iter().map(|s| match s {
        Step::Key(k) => PathStep::Key(k),
        Step::Index(i) => PathStep::Index(*i),
    }))
}

/// A value with the fields [`SecurityClient::decrypt_response`] decrypted: read it through
/// `Deref` (or [`Decrypted::into_inner`]); its `Debug` and `Serialize` write `***` for every
/// decrypted field (and for the type's own secrets), unless serialized inside
/// [`Reveal`](crate::Reveal).
pub struct Decrypted<T> {
    value: T,
    paths: Vec<Vec<Step>>,
}

impl<T> Decrypted<T> {
    pub fn into_inner(self) -> T {
        self.value
    }

    /// The paths of the fields that were decrypted (`trades[3].receiver_mobile`).
    pub fn decrypted_fields(&self) -> Vec<String> {
        self.paths.iter().map(|p| path_text(p)).collect()
    }
}

impl<T> std::ops::Deref for Decrypted<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: serde::Serialize> Decrypted<T> {
    /// The value as a tree with the decrypted fields masked (secrets too, outside `Reveal`).
    fn masked(&self) -> Result<Value, serde_json::Error> {
        let revealing = crate::types::revealing();
        let mut tree = serde_json::to_value(&self.value)?;
        if !revealing {
            for p in &self.paths {
                if let Some(v) = at_mut(&mut tree, p) {
                    *v = Value::String("***".into());
                }
            }
        }
        Ok(tree)
    }
}

impl<T: serde::Serialize> fmt::Debug for Decrypted<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.masked() {
            Ok(tree) => write!(f, "Decrypted({tree})"),
            Err(_) => f.write_str("Decrypted(..)"),
        }
    }
}

impl<T: serde::Serialize> serde::Serialize for Decrypted<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.masked()
            .map_err(serde::ser::Error::custom)?
            .serialize(s)
    }
}

fn at_mut<'v>(tree: &'v mut Value, path: &[Step]) -> Option<&'v mut Value> {
    let mut v = tree;
    for s in path {
        v = match s {
            Step::Key(k) => v.get_mut(k.as_str())?,
            Step::Index(i) => v.get_mut(*i)?,
        };
    }
    Some(v)
}

/// Every string leaf that is a stored value, with its path and type.
fn ciphertexts(v: &Value, path: &mut Vec<Step>, out: &mut Vec<(Vec<Step>, DataType)>) {
    match v {
        Value::String(s) => {
            let ty = s.chars().next().and_then(DataType::of_separator);
            if let Some(ty) = ty.filter(|t| format::is_encrypted(s, *t)) {
                out.push((path.clone(), ty));
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(Step::Index(i));
                ciphertexts(item, path, out);
                path.pop();
            }
        }
        Value::Object(m) => {
            for (k, item) in m {
                path.push(Step::Key(k.clone()));
                ciphertexts(item, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

pub(super) async fn decrypt_response<T>(
    security: &SecurityClient,
    scope: &Scope,
    response: T,
) -> Result<Decrypted<T>, SecurityError>
where
    T: serde::Serialize + serde::de::DeserializeOwned,
{
    let bad = |reason| SecurityError::Malformed {
        part: "response",
        reason,
    };
    // In clear: the value is rebuilt from this tree, secrets included.
    let mut tree =
        serde_json::to_value(Reveal(&response)).map_err(|_| bad("does not serialize"))?;
    let mut found = Vec::new();
    ciphertexts(&tree, &mut Vec::new(), &mut found);
    if found.is_empty() {
        return Ok(Decrypted {
            value: response,
            paths: Vec::new(),
        });
    }
    let mut keys: HashMap<i64, super::keys::Resolved> = HashMap::new();
    for (path, ty) in &found {
        let at = |error| SecurityError::At {
            path: path_text(path),
            error: Box::new(error),
        };
        let Some(slot) = at_mut(&mut tree, path) else {
            continue;
        };
        let Value::String(text) = slot else {
            continue;
        };
        let parsed = format::parse(text, *ty).map_err(at)?;
        let key = match keys.get(&parsed.version) {
            Some(k) => k.clone(),
            None => {
                let k = security.key_for(scope, parsed.version).await.map_err(at)?;
                keys.insert(parsed.version, k.clone());
                k
            }
        };
        let plain = format::decrypt(&key.key, &parsed, *ty).map_err(at)?;
        *slot = Value::String(plain);
    }
    let value = serde_json::from_value(tree).map_err(|_| bad("does not read back"))?;
    Ok(Decrypted {
        value,
        paths: found.into_iter().map(|(p, _)| p).collect(),
    })
}
