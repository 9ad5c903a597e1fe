//! Table tests of the naming rules.

use super::*;

#[test]
fn topic_type_names() {
    let table = [
        ("taobao_trade_TradeCreate", "TaobaoTradeTradeCreate"),
        ("taobao_refund_RefundCreate", "TaobaoRefundRefundCreate"),
        ("alibaba_aliqin_FcSmsDR", "AlibabaAliqinFcSmsDr"),
        (
            "taobao_fenxiao_FxTradeRefundCreate",
            "TaobaoFenxiaoFxTradeRefundCreate",
        ),
        ("tmall_fuwu_ServiceItemUpdate", "TmallFuwuServiceItemUpdate"),
        ("alipay_baas_3rdNotify", "AlipayBaas3rdNotify"),
    ];
    for (topic, want) in table {
        assert_eq!(topic_type_ident(topic), want, "{topic}");
    }
}

#[test]
fn field_idents_table() {
    let table: &[(&str, &str)] = &[
        ("kongur_app_key", "kongur_app_key"),
        ("type", "r#type"),
        ("match", "r#match"),
        ("in", "r#in"),
        ("self", "self_"),
        ("Self", "self_"),
        ("super", "super_"),
        ("crate", "crate_"),
        ("_", "field"),
        ("gen", "r#gen"),
        ("async", "r#async"),
        ("camelCaseName", "camel_case_name"),
        ("URLPath", "url_path"),
        ("1st_item", "f_1st_item"),
        ("a-b.c", "a_b_c"),
        ("价格", "field"),
        ("Option", "option"),
        ("Result", "result"),
        ("new", "new"),
    ];
    for (wire, want) in table {
        assert_eq!(&field_ident(wire), want, "wire name {wire:?}");
    }
}

#[test]
fn colliding_fields_are_numbered_in_order() {
    assert_eq!(
        field_idents([
            "userId", "user_id", "UserId", "type", "Type", "self", "Self"
        ]),
        [
            "user_id",
            "user_id_2",
            "user_id_3",
            "r#type",
            "type_2",
            "self_",
            "self_2"
        ]
    );
}

#[test]
fn setters_avoid_reserved_methods() {
    let fields: Vec<String> = [
        "new", "send", "build", "default", "params", "name", "set_new",
    ]
    .iter()
    .map(|s| field_ident(s))
    .collect();
    assert_eq!(
        setter_names(&fields),
        [
            "set_new_2",
            "set_send",
            "set_build",
            "set_default",
            "set_params",
            "name",
            "set_new"
        ]
    );
}

#[test]
fn type_idents_table() {
    let table: &[(&str, &str)] = &[
        ("KongurOssResultDo", "KongurOssResultDo"),
        ("Option", "Option"),
        ("Result", "Result"),
        ("Request", "RequestType"),
        ("Response", "ResponseType"),
        ("oss_token_result_vo", "OssTokenResultVo"),
        ("2dCode", "T2dCode"),
        ("Self_", "SelfType"),
        ("self", "SelfType"),
    ];
    for (doc, want) in table {
        assert_eq!(&type_ident(doc), want, "doc type {doc:?}");
    }
    let mut used = BTreeSet::from(["Foo".to_string(), "Foo2".to_string()]);
    assert_eq!(unique("Foo".into(), &mut used, ""), "Foo3");
}

/// (doc name, shape key, path) sites -> the name each shape gets.
fn names(sites: &[(&'static str, &str, &[&'static str])]) -> Vec<(String, String)> {
    let sites: Vec<ObjectSite<'static>> = sites
        .iter()
        .map(|(doc, key, path)| ObjectSite {
            doc_name: doc,
            key: key.to_string(),
            path: path.to_vec(),
        })
        .collect();
    object_type_names(&sites).into_iter().collect()
}

#[test]
fn object_type_names_come_from_the_docs_not_the_walk() {
    let pairs = |v: &[(&str, &str)]| -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    };
    // One shape per doc name: the doc name, wherever and however often it occurs.
    assert_eq!(
        names(&[
            ("TradeDO", "t", &["trades"]),
            ("Order", "o", &["trades", "orders"]),
            ("Order", "o", &["refund", "order"]),
        ]),
        pairs(&[("o", "Order"), ("t", "TradeDo")])
    );
    // Two shapes of `Item`: each named by parent type + field; the walk order is irrelevant.
    let a = names(&[
        ("Trade", "t", &["trade"]),
        ("Item", "i1", &["trade", "items"]),
        ("Refund", "r", &["refund"]),
        ("Item", "i2", &["refund", "item"]),
    ]);
    let b = names(&[
        ("Refund", "r", &["refund"]),
        ("Item", "i2", &["refund", "item"]),
        ("Trade", "t", &["trade"]),
        ("Item", "i1", &["trade", "items"]),
    ]);
    assert_eq!(a, b);
    assert_eq!(
        a,
        pairs(&[
            ("i1", "TradeItems"),
            ("i2", "RefundItem"),
            ("r", "Refund"),
            ("t", "Trade")
        ])
    );
    // A shape shared by several sites is named after its shallowest one; a top-level site
    // after its field and doc type; a chain of one doc type stays short.
    assert_eq!(
        names(&[
            ("Addr", "a1", &["to"]),
            ("Addr", "a2", &["x", "from"]),
            ("Addr", "a2", &["from"]),
            ("X", "x", &["x"]),
            ("Addr", "a3", &["receiver_addr"]),
        ]),
        pairs(&[
            ("a1", "ToAddr"),
            ("a2", "FromAddr"),
            ("a3", "ReceiverAddr"),
            ("x", "X")
        ])
    );
    assert_eq!(
        names(&[
            ("Node", "n1", &["l3"]),
            ("Node", "n2", &["l3", "l2"]),
            ("Node", "n3", &["l3", "l2", "l1"]),
        ]),
        pairs(&[("n1", "L3Node"), ("n2", "NodeL2"), ("n3", "NodeL1")])
    );
    // parent + field taken by another doc type: the whole path, then the path + doc name.
    assert_eq!(
        names(&[
            ("P", "p", &["p"]),
            ("Q", "q1", &["p", "q"]),
            ("Q", "q2", &["q"]),
            ("p_q", "pq", &["z"]),
        ]),
        pairs(&[("p", "P"), ("pq", "PQ"), ("q1", "PqQ"), ("q2", "Q")])
    );
}

#[test]
fn module_idents_of_methods() {
    assert_eq!(
        module_ident("alibaba.kongur.token.getosstoken"),
        "alibaba_kongur_token_getosstoken"
    );
}
