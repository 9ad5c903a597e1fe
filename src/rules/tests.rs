//! Table tests of the param rules: one check, the same words for every caller.

use super::*;
use crate::schema::{Constraints, LazySchema};

fn f(name: &str, kind: Kind, list: bool, constraints: Constraints) -> Field {
    Field {
        name: name.into(),
        ty: format!("{}{}", kind.as_str(), if list { "[]" } else { "" }),
        kind,
        list,
        constraints,
        ..Field::default()
    }
}

#[test]
fn values_are_parsed_as_their_type_and_sent_as_checked() {
    let none = Constraints::default;
    let decimal = Field {
        decimal: true,
        ..f("lng", Kind::Number, false, none())
    };
    for (field, text, sent, count) in [
        (f("n", Kind::Number, false, none()), " 7 ", "7", None),
        (
            f("ids", Kind::Number, true, none()),
            "1, 2 ,3",
            "1,2,3",
            Some(3),
        ),
        (decimal, " 120.150 ", "120.150", None),
        (f("ok", Kind::Boolean, false, none()), "true", "true", None),
        (
            f("at", Kind::Date, false, none()),
            " 2024-01-01 00:00:00",
            "2024-01-01 00:00:00",
            None,
        ),
        (
            f("s", Kind::String, false, none()),
            " as typed ",
            " as typed ",
            None,
        ),
        (f("tags", Kind::String, true, none()), "a,b", "a,b", Some(2)),
        (
            f("j", Kind::Json, false, none()),
            r#"{"a": 1}"#,
            r#"{"a": 1}"#,
            None,
        ),
        (
            f("js", Kind::Json, true, none()),
            r#"[{"a":1}, 2]"#,
            r#"[{"a":1},2]"#,
            Some(2),
        ),
    ] {
        let c = parse_as_documented(&field, text).unwrap_or_else(|v| panic!("{text}: {v}"));
        assert_eq!((c.text.as_str(), c.count), (sent, count), "{text:?}");
    }
    for (field, text, says) in [
        (f("n", Kind::Number, false, none()), "7.5", "integer"),
        (f("n", Kind::Number, false, none()), "x", "Number"),
        (f("ok", Kind::Boolean, false, none()), "yes", "Boolean"),
        (
            f("at", Kind::Date, false, none()),
            "2024-13-01 00:00:00",
            "2024-13-01",
        ),
        (f("j", Kind::Json, false, none()), "{a:", "JSON"),
        (f("js", Kind::Json, true, none()), "1,2", "JSON array"),
    ] {
        let Err(v) = parse_as_documented(&field, text) else {
            panic!("{text:?} was accepted");
        };
        assert_eq!((v.code, v.param.as_str()), (41, field.name.as_str()));
        assert!(
            v.message.starts_with(&format!("expected {}", field.ty)),
            "{}",
            v.message
        );
        assert!(v.message.contains(says), "{text}: {}", v.message);
    }
}

#[test]
fn limits_say_the_number_and_the_limit() {
    let c = |max_length, max_list_size, min_value, max_value| Constraints {
        max_length,
        max_list_size,
        min_value,
        max_value,
        default: None,
    };
    for (field, text, count, says) in [
        (
            f("flow_id", Kind::String, false, c(Some(3), None, None, None)),
            "委托委托",
            None,
            "is 4 characters long; at most 3 are allowed",
        ),
        (
            f("ids", Kind::Number, true, c(None, Some(2), None, None)),
            "1,2,3",
            Some(3),
            "has 3 items; at most 2 are allowed",
        ),
        (
            f("page", Kind::Number, false, c(None, None, Some(1), None)),
            "0",
            None,
            "is 0; the minimum is 1",
        ),
        (
            f("lng", Kind::Number, false, c(None, None, None, Some(180))),
            "180.5",
            None,
            "is 180.5; the maximum is 180",
        ),
    ] {
        let v = check_limits(&field, text, count).unwrap_err();
        assert_eq!(v.message, says);
        assert_eq!(v.to_string(), format!("{} {says}", field.name));
    }
    let ok = f(
        "page",
        Kind::Number,
        false,
        c(Some(2), Some(2), Some(1), Some(10)),
    );
    assert!(check_limits(&ok, "10", None).is_ok());
}

static SCHEMA: LazySchema = LazySchema::new(
    r#"{"method":"a.b","request":[
        {"name":"tid","ty":"Number","kind":"Number","required":true},
        {"name":"image","ty":"byte[]","kind":"File","required":true},
        {"name":"page","ty":"Number","kind":"Number","constraints":{"min_value":1}}]}"#,
);

#[test]
fn text_params_as_the_mock_checks_them() {
    let s = SCHEMA.get();
    let check = |params: &[(&str, &str)], files: &[&str]| {
        check_text(
            s,
            |n| params.iter().find(|(k, _)| *k == n).map(|(_, v)| *v),
            |n| params.iter().any(|(k, _)| *k == n) || files.contains(&n),
        )
    };
    assert_eq!(check(&[("tid", "1")], &["image"]), Ok(()));
    let v = check(&[("tid", "1")], &[]).unwrap_err();
    assert_eq!(
        (v.code, v.param.as_str(), v.message.as_str()),
        (40, "image", "is required")
    );
    let v = check(&[("tid", "x")], &["image"]).unwrap_err();
    assert_eq!((v.code, v.param.as_str()), (41, "tid"));
    let v = check(&[("tid", "1"), ("page", "0")], &["image"]).unwrap_err();
    assert_eq!(v.to_string(), "page is 0; the minimum is 1");
}
