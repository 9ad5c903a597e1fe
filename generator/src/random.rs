//! Random valid specs from a seed, for property tests and compile batches (not a stable API).

use crate::model::{ApiSpec, Constraints, Examples, Field, Scalar, TypeRef};

/// A small deterministic PRNG (xorshift64*), so a seed always gives the same spec.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Names that stress the naming rules, mixed with plain ones.
const NAMES: &[&str] = &[
    "type",
    "match",
    "in",
    "self",
    "Self",
    "super",
    "crate",
    "async",
    "gen",
    "new",
    "send",
    "build",
    "default",
    "params",
    "request_id",
    "RequestId",
    "userId",
    "user_id",
    "UserID",
    "1st",
    "a-b",
    "x.y",
    "Option",
    "Result",
    "Vec",
    "String",
    "value",
    "items",
    "data",
    "名称",
    "_",
    "__x",
    "fmt",
    "clone",
];
const TYPE_NAMES: &[&str] = &[
    "Option", "Result", "Request", "Response", "Item", "Data", "Vec", "Box", "T", "SCHEMA", "Apis",
    "Self_", "fooBar",
];
const SCALARS: &[Scalar] = &Scalar::ALL;

pub fn random_spec(seed: u64) -> ApiSpec {
    let mut r = Rng(seed.wrapping_mul(2).wrapping_add(0x9E37_79B9_7F4A_7C15) | 1);
    let request = fields(&mut r, 1, true);
    let response = fields(&mut r, 1, false);
    ApiSpec {
        method: format!("topsdk.random.api{seed}"),
        title: format!("随机 {seed}"),
        description: String::new(),
        category: "random".into(),
        category_pkg: Some("random".into()),
        doc_url: None,
        idempotent: (!seed.is_multiple_of(3)).then_some(seed.is_multiple_of(2)),
        request,
        response,
        examples: Examples::default(),
        error_codes: Vec::new(),
    }
}

/// Decimal Numbers without drawing from the generator (so the rest of each random spec
/// stays as it was).
fn seed_decimal(name: &str) -> bool {
    name.len().is_multiple_of(2)
}

fn fields(r: &mut Rng, depth: usize, request: bool) -> Vec<Field> {
    let n = 1 + r.below(if depth > 3 { 2 } else { 6 });
    let mut out: Vec<Field> = Vec::new();
    for i in 0..n {
        let mut name = r.pick(NAMES).to_string();
        if out.iter().any(|f| f.name == name) || name.chars().any(char::is_whitespace) {
            name = format!("{name}{i}");
        }
        let kind = if !request && depth == 1 && name == "request_id" {
            0
        } else {
            r.below(10)
        };
        let (ty, sub) = match kind {
            // The gateway's request_id is text.
            0 if !request && depth == 1 && name == "request_id" => {
                (TypeRef::Scalar(Scalar::String), Vec::new())
            }
            0..=4 => (TypeRef::Scalar(*r.pick(SCALARS)), Vec::new()),
            5 | 6 => (TypeRef::List(*r.pick(SCALARS)), Vec::new()),
            7 if request && depth == 1 => (TypeRef::File, Vec::new()),
            _ if depth < 6 => {
                let t = r.pick(TYPE_NAMES).to_string();
                let t = t[..1].to_uppercase() + &t[1..];
                let sub = fields(r, depth + 1, request);
                if r.below(2) == 0 {
                    (TypeRef::Object(t), sub)
                } else {
                    (TypeRef::ObjectList(t), sub)
                }
            }
            _ => (TypeRef::Scalar(Scalar::String), Vec::new()),
        };
        let constraints = match &ty {
            TypeRef::Scalar(Scalar::Number) if r.below(3) == 0 => Constraints {
                min_value: Some(0),
                max_value: Some(1000),
                ..Default::default()
            },
            TypeRef::List(_) if r.below(3) == 0 => Constraints {
                max_list_size: Some(20),
                ..Default::default()
            },
            _ => Constraints::default(),
        };
        let decimal = ty.is_number() && seed_decimal(&name);
        out.push(Field {
            name,
            ty,
            required: request && r.below(3) == 0,
            example: None,
            description: if r.below(2) == 0 {
                "说明 with `ticks` and\ttab".into()
            } else {
                String::new()
            },
            constraints,
            sensitive: (r.below(5) == 0).then_some(true),
            decimal,
            item_name: None,
            fields: sub,
        });
    }
    out
}
