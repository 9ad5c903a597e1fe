//! Table tests of the documentation heuristics.

use super::*;

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
    use crate::model::{Field, Gateway, gateway_by_shape};
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
        assert_eq!(gateway_by_shape(method, request, response), want, "{method}");
    }
}
