//! Table tests of the schema-guided walk: each way TOP sends a value, what the typed form is.

use super::*;
use serde_json::json;

fn f(name: &str, kind: Kind, list: bool) -> Field {
    Field {
        name: name.into(),
        ty: kind.as_str().into(),
        kind,
        list,
        ..Field::default()
    }
}

fn object(name: &str, list: bool, fields: Vec<Field>) -> Field {
    Field {
        fields,
        item_name: if list { "item".into() } else { String::new() },
        ..f(name, Kind::Object, list)
    }
}

#[test]
fn lists_arrive_in_every_form_and_leave_as_arrays() {
    let fields = [f("tags", Kind::String, true)];
    for (wire, want) in [
        (json!(["a", "b"]), json!(["a", "b"])),
        (json!({"string": ["a", "b"]}), json!(["a", "b"])),
        // XML gives one item as itself.
        (json!({"string": "a"}), json!(["a"])),
        (json!("a"), json!(["a"])),
        (json!(null), json!([])),
        (json!({}), json!([])),
        // Nested arrays flattened, absent items skipped (all keys of a wrapper joined).
        (json!([["a"], null, "b"]), json!(["a", "b"])),
        (json!({"x": ["a"], "y": "b"}), json!(["a", "b"])),
    ] {
        let got = normalize(json!({ "tags": wire.clone() }), &fields).unwrap();
        assert_eq!(got, json!({ "tags": want }), "{wire}");
    }
    let orders = [object("orders", true, vec![f("tid", Kind::Number, false)])];
    for wire in [
        json!([{"tid": 1}, {"tid": "2"}]),
        json!({"order": [{"tid": 1}, {"tid": "2"}]}),
    ] {
        let got = normalize(json!({ "orders": wire.clone() }), &orders).unwrap();
        assert_eq!(got, json!({"orders": [{"tid": 1}, {"tid": 2}]}), "{wire}");
    }
    let one = normalize(json!({"orders": {"order": {"tid": "7"}}}), &orders).unwrap();
    assert_eq!(one, json!({"orders": [{"tid": 7}]}));
}

#[test]
fn scalars_take_their_typed_form() {
    let decimal = Field {
        decimal: true,
        ..f("fee", Kind::Number, false)
    };
    let fields = [
        f("n", Kind::Number, false),
        decimal,
        f("price", Kind::Price, false),
        f("ok", Kind::Boolean, false),
        f("at", Kind::Date, false),
        f("blob", Kind::Json, false),
        f("s", Kind::String, false),
    ];
    let got = normalize(
        json!({
            "n": "4345678901234567891", "fee": 12.5, "price": "0.10", "ok": "1",
            "at": 1_795_924_800_000i64, "blob": {"a": [1]}, "s": 42, "extra": {"kept": true}
        }),
        &fields,
    )
    .unwrap();
    assert_eq!(
        got,
        json!({
            "n": 4345678901234567891i64, "fee": "12.5", "price": "0.10", "ok": true,
            "at": "2026-11-29 12:00:00", "blob": "{\"a\":[1]}", "s": "42", "extra": {"kept": true}
        })
    );
    // 19 digits stay exact in the text.
    assert!(got.to_string().contains("4345678901234567891"));
    // Empty text is absent but for text types; null is absent for all.
    let got = normalize(json!({"n": "", "ok": " ", "s": "", "at": null}), &fields).unwrap();
    assert_eq!(got, json!({"s": ""}));
}

#[test]
fn a_value_that_breaks_its_type_is_an_error_at_its_path() {
    let fields = [object(
        "trade",
        false,
        vec![object("orders", true, vec![f("num", Kind::Number, false)])],
    )];
    for (wire, path, says) in [
        (
            json!({"trade": {"orders": [{"num": 1}, {"num": "x"}]}}),
            "trade.orders[1].num",
            "Number",
        ),
        (
            json!({"trade": {"orders": {"order": [{"num": 1.5}]}}}),
            "trade.orders.order[0].num",
            "decimal",
        ),
        (json!({"trade": [1]}), "trade", "found a list"),
        (json!({"trade": 3}), "trade", "expected an object"),
        (
            json!({"trade": {"orders": [{"num": [1]}]}}),
            "trade.orders[0].num",
            "found a list",
        ),
    ] {
        let e = normalize(wire.clone(), &fields).unwrap_err();
        assert_eq!(e.path, path, "{wire}");
        assert!(e.message.contains(says), "{wire}: {}", e.message);
    }
    assert!(normalize(json!([1]), &fields).is_err());
}

#[test]
fn repair_puts_plain_values_where_samples_break_their_types() {
    let fields = [
        f("n", Kind::Number, false),
        f("ok", Kind::Boolean, true),
        object("o", false, vec![f("d", Kind::Date, false)]),
    ];
    let got = repair(
        json!({"n": "xxxxx", "ok": ["maybe", "true"], "o": {"d": "soon"}}),
        &fields,
    );
    assert_eq!(
        got,
        json!({"n": 0, "ok": [false, true], "o": {"d": "2026-01-01 00:00:00"}})
    );
}

#[test]
fn mask_hides_sensitive_fields_wherever_they_are() {
    let secret = Field {
        sensitive: true,
        ..f("token", Kind::String, false)
    };
    let fields = [
        object("rows", true, vec![secret, f("id", Kind::Number, false)]),
        f("token", Kind::String, false),
    ];
    let mut v = json!({
        "rows": [{"token": "t1", "id": 1}, {"token": ["t2", "t3"], "id": 2}, {"token": null}],
        "token": "not sensitive at the top"
    });
    mask(&mut v, &fields);
    assert_eq!(
        v,
        json!({
            "rows": [{"token": "***", "id": 1}, {"token": ["***", "***"], "id": 2}, {"token": null}],
            "token": "not sensitive at the top"
        })
    );
}
