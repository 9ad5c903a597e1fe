//! Random valid specs from a seed, for property tests and compile batches (not a stable API).

use crate::model::{ApiSpec, Constraints, Examples, Field, Scalar, TypeRef};

/// A small deterministic PRNG (xorshift64*), so a seed always gives the same spec (and a
/// test's failure names its iteration).
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
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
        deprecated: seed.is_multiple_of(5).then(|| crate::model::Deprecation {
            reason: format!(
                "【已废弃】请使用 topsdk.random.api{} \"新\" `接口`",
                seed + 1
            ),
            offline: seed.is_multiple_of(10),
        }),
        gateway: None,
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

/// A documentation page (the doc center's text format) for a random field tree, with the
/// request and response trees it documents: for the property test that whatever a page shows,
/// the importer writes a valid spec, and the right tree when the samples tell it. Field names
/// repeat across levels (the rows alone cannot place them), `└` markers are sometimes missing,
/// the Java and XML samples sometimes absent.
pub struct RandomPage {
    pub text: String,
    pub request: Vec<Field>,
    pub response: Vec<Field>,
    pub has_java: bool,
    pub has_xml: bool,
}

const PAGE_NAMES: &[&str] = &[
    "id", "name", "remark", "items", "status", "num", "code", "tag", "extra", "lines",
];

pub fn random_page(seed: u64) -> RandomPage {
    let mut r = Rng(seed.wrapping_mul(6).wrapping_add(0x51_7CC1_B727_220A) | 1);
    let mut types = 0usize;
    let request = page_fields(&mut r, 1, &mut types);
    let response = page_fields(&mut r, 1, &mut types);
    let has_java = r.below(4) != 0;
    let has_xml = r.below(4) != 0;
    let method = format!("topsdk.random.page{seed}");
    let mut t = format!(
        "文档中心 > API类目 > 随机类目\n\n{method} (随机页面)\n\n随机生成的页面\n\n公共参数\n\n请求参数\n\n\
         名称 类型 是否必须 示例值 更多限制 描述\n"
    );
    page_rows(&mut r, &request, true, 1, &mut t);
    t.push_str("\n响应参数\n\n名称 类型 示例值 描述\n");
    page_rows(&mut r, &response, false, 1, &mut t);
    if has_java {
        let class = format!("TopsdkRandomPage{seed}Request");
        t.push_str(&format!(
            "\n请求示例\n\n  • JAVA\nTaobaoClient client = new DefaultTaobaoClient(url, appkey, secret);\n\
             {class} req = new {class}();\n"
        ));
        let mut vars = 0usize;
        java_sets(&request, "req", &class, &mut vars, &mut t);
        t.push_str(&format!(
            "TopsdkRandomPage{seed}Response rsp = client.execute(req);\n"
        ));
    }
    if has_xml {
        let root = format!("{}_response", method.replace('.', "_"));
        t.push_str(&format!("\n响应示例\n\n  • XML示例\n<{root}>\n"));
        xml_fields(&response, 1, &mut t);
        t.push_str(&format!("</{root}>\n"));
    }
    RandomPage {
        text: t,
        request,
        response,
        has_java,
        has_xml,
    }
}

fn page_fields(r: &mut Rng, depth: usize, types: &mut usize) -> Vec<Field> {
    let n = 1 + r.below(if depth > 2 { 2 } else { 4 });
    let mut out: Vec<Field> = Vec::new();
    for _ in 0..n {
        let name = r.pick(PAGE_NAMES).to_string();
        if out.iter().any(|f| f.name == name) {
            continue;
        }
        let (ty, fields) = match r.below(if depth < 4 { 6 } else { 3 }) {
            0 => (TypeRef::Scalar(Scalar::Number), Vec::new()),
            1 => (TypeRef::Scalar(Scalar::Boolean), Vec::new()),
            2 => (TypeRef::Scalar(Scalar::String), Vec::new()),
            k => {
                *types += 1;
                let t = format!("Dto{types}");
                let sub = page_fields(r, depth + 1, types);
                if k == 3 {
                    (TypeRef::Object(t), sub)
                } else {
                    (TypeRef::ObjectList(t), sub)
                }
            }
        };
        out.push(Field {
            fields,
            ..Field::new(name, ty)
        });
    }
    out
}

fn page_type(ty: &TypeRef) -> String {
    match ty {
        TypeRef::ObjectList(t) => format!("{t} []"),
        TypeRef::Object(t) => t.clone(),
        other => other.to_string(),
    }
}

fn page_example(ty: &TypeRef) -> Option<&'static str> {
    match ty {
        TypeRef::Scalar(Scalar::Number) => Some("7"),
        TypeRef::Scalar(Scalar::Boolean) => Some("true"),
        TypeRef::Scalar(_) => Some("v1"),
        _ => None,
    }
}

/// Top-level fields as one-line rows, nested ones as bullet rows; a nested row's `└` is left
/// out now and then (as the docs do for list rows).
fn page_rows(r: &mut Rng, fields: &[Field], request: bool, depth: usize, t: &mut String) {
    for f in fields {
        let mut cells = vec![page_type(&f.ty)];
        if request {
            cells.push("可选".into());
        }
        if let Some(e) = page_example(&f.ty) {
            cells.push(e.into());
        }
        cells.push(format!("说明{}", f.name.len()));
        if depth == 1 {
            t.push_str(&format!("{} {}\n", f.name, cells.join(" ")));
        } else {
            let mark = if r.below(3) == 0 { "" } else { "└ " };
            t.push_str(&format!("  • {mark}{}\n", f.name));
            for c in cells {
                t.push_str(&format!("  • {c}\n"));
            }
        }
        page_rows(r, &f.fields, request, depth + 1, t);
    }
}

/// The Java sample's statements that build `fields` on `var`, as the doc center writes them.
fn java_sets(fields: &[Field], var: &str, class: &str, vars: &mut usize, t: &mut String) {
    for f in fields {
        let setter = heck::ToUpperCamelCase::to_upper_camel_case(f.name.as_str());
        match &f.ty {
            TypeRef::Object(ty) => {
                *vars += 1;
                let obj = format!("obj{vars}");
                t.push_str(&format!("{class}.{ty} {obj} = new {class}.{ty}();\n"));
                java_sets(&f.fields, &obj, class, vars, t);
                t.push_str(&format!("{var}.set{setter}({obj});\n"));
            }
            TypeRef::ObjectList(ty) => {
                *vars += 1;
                let list = format!("list{vars}");
                t.push_str(&format!(
                    "List<{class}.{ty}> {list} = new ArrayList<{class}.{ty}>();\n"
                ));
                *vars += 1;
                let obj = format!("obj{vars}");
                t.push_str(&format!("{class}.{ty} {obj} = new {class}.{ty}();\n"));
                t.push_str(&format!("{list}.add({obj});\n"));
                java_sets(&f.fields, &obj, class, vars, t);
                t.push_str(&format!("{var}.set{setter}({list});\n"));
            }
            TypeRef::Scalar(Scalar::Number) => t.push_str(&format!("{var}.set{setter}(7L);\n")),
            TypeRef::Scalar(Scalar::Boolean) => t.push_str(&format!("{var}.set{setter}(true);\n")),
            _ => t.push_str(&format!("{var}.set{setter}(\"v1\");\n")),
        }
    }
}

fn xml_fields(fields: &[Field], depth: usize, t: &mut String) {
    let pad = "    ".repeat(depth);
    for f in fields {
        match &f.ty {
            TypeRef::Object(_) => {
                t.push_str(&format!("{pad}<{}>\n", f.name));
                xml_fields(&f.fields, depth + 1, t);
                t.push_str(&format!("{pad}</{}>\n", f.name));
            }
            TypeRef::ObjectList(ty) => {
                let item = heck::ToSnakeCase::to_snake_case(ty.as_str());
                t.push_str(&format!("{pad}<{}>\n{pad}    <{item}>\n", f.name));
                xml_fields(&f.fields, depth + 2, t);
                t.push_str(&format!("{pad}    </{item}>\n{pad}</{}>\n", f.name));
            }
            ty => t.push_str(&format!(
                "{pad}<{}>{}</{}>\n",
                f.name,
                page_example(ty).unwrap_or(""),
                f.name
            )),
        }
    }
}
