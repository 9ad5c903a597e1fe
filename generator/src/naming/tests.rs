//! Table tests of the naming rules.

use super::deprecation_in;

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
fn deprecation_from_what_the_docs_say() {
    let dep = |t: &str, d: &str| deprecation_in(t, d).map(|d| (d.reason, d.offline));
    assert_eq!(
        dep("宝点用户帐户查询（已迁移）", "查询用户宝点帐户信息"),
        Some(("宝点用户帐户查询（已迁移）".into(), false))
    );
    assert_eq!(
        dep(
            "商品绑定",
            "说明。【已废弃，请使用 taobao.x.bind 接口】提供给服务商"
        ),
        Some((
            "【已废弃，请使用 taobao.x.bind 接口】提供给服务商".into(),
            false
        ))
    );
    assert_eq!(
        dep("查询", "该接口已下线，请迁移"),
        Some(("该接口已下线，请迁移".into(), true))
    );
    assert_eq!(
        dep(
            "x",
            "TOP has been offline, please migrate to the new gateway"
        ),
        Some((
            "TOP has been offline, please migrate to the new gateway".into(),
            true
        ))
    );
    // A verb in the title, or something else that is deprecated: not the API.
    assert_eq!(dep("优惠券废弃", "废券"), None);
    assert_eq!(
        dep(
            "商品维护",
            "50019817：海外套餐（该类目已废弃）、125210016：团建"
        ),
        None
    );
    assert_eq!(dep("查询", "status字段已废弃"), None);
}

use super::*;

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
fn module_and_response_key() {
    assert_eq!(
        module_ident("alibaba.kongur.token.getosstoken"),
        "alibaba_kongur_token_getosstoken"
    );
    assert_eq!(
        response_key("taobao.item.seller.get"),
        "item_seller_get_response"
    );
    assert_eq!(
        response_key("alibaba.kongur.token.getosstoken"),
        "alibaba_kongur_token_getosstoken_response"
    );
}

#[test]
fn sensitive_guess() {
    for s in [
        "secret_access_key",
        "oss_token",
        "sessionKey",
        "session",
        "user_password",
        "login_pwd",
        "payPwd",
        "auth_code",
        "authCode",
        "access_key",
        "accessKey",
        "private_key",
        "credential",
        "user_credentials",
        "refresh_token",
        "top_session",
    ] {
        assert!(looks_sensitive(s), "{s}");
    }
    for s in [
        "access_key_id",
        "accessKeyId",
        "entrust_id",
        "success",
        "token_expired",
        "session_time_out",
        "secret_no_expire_time",
        "token_count",
        "session_id",
        "token_type",
        "expire_time",
        "pwd_status",
        "pay_no_pwd_switch",
        "show_auth_code_by_default",
        "auth_code_source",
        "reset_pay_pwd_request",
    ] {
        assert!(!looks_sensitive(s), "{s}");
    }
}

#[test]
fn read_only_methods() {
    for m in [
        "taobao.trade.fullinfo.get",
        "taobao.items.onsale.get",
        "alibaba.kongur.token.getosstoken",
        "taobao.logistics.orders.detail",
        "taobao.xxx.querypage",
        "taobao.tmc.messages.count",
        "taobao.item.search",
        "alibaba.x.list",
        "alibaba.x.findbyid",
        "alibaba.x.getServTimes",
    ] {
        assert!(read_only_method(m), "{m}");
    }
    for m in [
        "taobao.logistics.offline.send",
        "taobao.refund.agree",
        "taobao.trade.memo.update",
        "taobao.item.add",
        "taobao.tmc.messages.confirm",
        "taobao.x.listing",
        "taobao.x.sync",
        "taobao.x.check",
        "taobao.top.auth.token.create",
    ] {
        assert!(!read_only_method(m), "{m}");
    }
}

#[test]
fn decimal_guess() {
    let yes: &[(&str, &str)] = &[
        ("price", "价格"),
        ("total_amount", "订单金额，单位元"),
        ("lat", "经度"),
        ("longitude", ""),
        ("weight", "重量"),
        ("refund_rate", "过期自动退款比例"),
        ("tax", "税率，保留两位小数"),
        ("x", "Double"),
        ("promotion_price", "促销价格"),
    ];
    for (name, desc) in yes {
        assert!(looks_decimal(name, desc), "{name} {desc}");
    }
    let no: &[(&str, &str)] = &[
        ("num_iid", "商品id"),
        ("price", "金额（分）"),
        ("total_fee", "订单金额，单位：分"),
        ("discount_fee", "优惠金额，分为单位"),
        ("postage_id", "运费模板ID"),
        ("price_type", "价格类型"),
        ("valuation", "可选值：0、1，按宝贝重量计算运费"),
        ("quantity", "数量"),
        ("page_size", "每页条数"),
        ("element_id", "资质模板元素id"),
    ];
    for (name, desc) in no {
        assert!(!looks_decimal(name, desc), "{name} {desc}");
    }
}

#[test]
fn qimen_gateway_by_shape() {
    use crate::model::{Field, Gateway};
    let f = |name: &str, ty: &str| -> Field {
        serde_yaml::from_str(&format!("{{name: {name}, type: {ty}}}")).unwrap()
    };
    let req = [f("request", "EntryOrderCreateRequest")];
    let resp = [f("response", "Response")];
    let cases = [
        (
            "taobao.qimen.entryorder.create",
            &req[..],
            &resp[..],
            Some(Gateway::Qimen),
        ),
        (
            "taobao.qimen.store.query",
            &[f("store_id", "Number")][..],
            &resp[..],
            None,
        ),
        (
            "taobao.qimen.entryorder.create",
            &[f("request", "String")][..],
            &resp[..],
            None,
        ),
        (
            "taobao.qimen.x.y",
            &req[..],
            &[f("flag", "String")][..],
            None,
        ),
        ("taobao.trade.get", &req[..], &resp[..], None),
    ];
    for (method, request, response, want) in cases {
        assert_eq!(qimen_gateway(method, request, response), want, "{method}");
    }
}
