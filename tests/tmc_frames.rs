//! The TMC frame codec against the golden frames of the protocol notes (`tmc.md` §1.10,
//! computed with an independent model of the protocol, one of them a production capture),
//! byte for byte both ways; and properties: round trips, and no input panics the decoder.

use proptest::prelude::*;
use topsdk::tmc::{Frame, MessageType, Value, connect_sign};

/// The `__kind` header's values (tmc.md): pull request, confirm, data, failed.
mod kind {
    pub const PULL_REQUEST: u8 = 1;
    pub const CONFIRM: u8 = 2;
    pub const DATA: u8 = 3;
    pub const FAILED: u8 = 20;
}

const TOKEN: &str = "54e78da8-d636-44bb-b0fe-819ad2284793";
const ID: i64 = 2131800080537681929;

fn hex(s: &str) -> Vec<u8> {
    let s: String = s.split_whitespace().collect();
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

fn s(v: &str) -> Value {
    Value::String(v.into())
}

/// Encodes to exactly the golden bytes, and decodes them back to the same frame.
fn golden(frame: &Frame, bytes_hex: &str, len: usize) {
    let bytes = hex(bytes_hex);
    assert_eq!(bytes.len(), len, "the golden frame's stated length");
    assert_eq!(frame.encode(), bytes, "encoding {:?}", frame.message_type);
    assert_eq!(&Frame::decode(&bytes).unwrap(), frame);
}

fn send(token: &str) -> Frame {
    let mut f = Frame::new(MessageType::Send);
    f.token = token.into();
    f
}

#[test]
fn connect_sign_golden_vector() {
    assert_eq!(
        connect_sign("helloworld", "12345678", "default", "1394864359897"),
        "7C22B12A7A05EB2B58B93DA1F4BC7F81"
    );
}

#[test]
fn client_frames() {
    let mut connect = Frame::new(MessageType::Connect)
        .header("app_key", s("12345678"))
        .header("group_name", s("default"))
        .header("minor_group", s("default"))
        .header("filter_exp", s("*"))
        .header("timestamp", s("1394864359897"))
        .header("sign", s("7C22B12A7A05EB2B58B93DA1F4BC7F81"))
        .header("sdk", s("top-sdk-java-20200706"))
        .header("intranet_ip", s("127.0.0.1"))
        .header("token", Value::Void);
    connect.flag = 1;
    golden(
        &connect,
        "02000400010000000100070000006170705f6b65790108000000313233343536373801000a00000067726f75705f6e616d65010700000064656661756c7401000b0000006d696e6f725f67726f7570010700000064656661756c7401000a00000066696c7465725f65787001010000002a01000900000074696d657374616d70010d000000313339343836343335393839370100040000007369676e0120000000374332324231324137413035454232423538423933444131463442433746383101000300000073646b0115000000746f702d73646b2d6a6176612d323032303037303601000b000000696e7472616e65745f697001090000003132372e302e302e31010005000000746f6b656e000000",
        273,
    );
    golden(
        &send(TOKEN).header("__kind", Value::Byte(kind::PULL_REQUEST)),
        "020205002400000035346537386461382d643633362d343462622d623066652d3831396164323238343739330100060000005f5f6b696e6402010000",
        60,
    );
    golden(
        &send(TOKEN)
            .header("__kind", Value::Byte(kind::CONFIRM))
            .header("id", Value::Int64(ID)),
        "020205002400000035346537386461382d643633362d343462622d623066652d3831396164323238343739330100060000005f5f6b696e640202010002000000696405090099e4e0ac951d0000",
        77,
    );
    golden(
        &send(TOKEN)
            .header("__kind", Value::Byte(kind::FAILED))
            .header("id", Value::Int64(ID))
            .header("msg", s("db error")),
        "020205002400000035346537386461382d643633362d343462622d623066652d3831396164323238343739330100060000005f5f6b696e640214010002000000696405090099e4e0ac951d0100030000006d736701080000006462206572726f720000",
        99,
    );
    let mut publish = send(TOKEN)
        .header("__kind", Value::Byte(kind::DATA))
        .header("topic", s("taobao_trade_TradeClose"))
        .header("content", s(r#"{"tid":1}"#));
    publish.flag = 2;
    golden(
        &publish,
        "020204000200000005002400000035346537386461382d643633362d343462622d623066652d3831396164323238343739330100060000005f5f6b696e640203010005000000746f706963011700000074616f62616f5f74726164655f5472616465436c6f7365010007000000636f6e74656e7401090000007b22746964223a317d0000",
        132,
    );
}

#[test]
fn server_frames() {
    let mut ack = Frame::new(MessageType::ConnectAck);
    ack.flag = 1;
    ack.token = TOKEN.into();
    golden(
        &ack,
        "020104000100000005002400000035346537386461382d643633362d343462622d623066652d3831396164323238343739330000",
        52,
    );
    let mut refused = Frame::new(MessageType::ConnectAck);
    refused.status_code = 401;
    refused.status_phrase = "invalid sign".into();
    refused.flag = 1;
    golden(
        &refused,
        "020102009101000003000c000000696e76616c6964207369676e0400010000000000",
        34,
    );
    let mut send_ack = Frame::new(MessageType::SendAck);
    send_ack.flag = 2;
    send_ack.token = TOKEN.into();
    golden(
        &send_ack,
        "020304000200000005002400000035346537386461382d643633362d343462622d623066652d3831396164323238343739330000",
        52,
    );
    let content = r#"{"buyer_nick":"buyer1","payment":"1299.00","oid":568736270819116,"tid":568736270819116,"type":"guarantee_trade","seller_nick":"shop1"}"#;
    let data = send("d2c3e864-cf6d-4888-8fb3-5bb95719b01b")
        .header("topic", s("taobao_trade_TradeClose"))
        .header("userid", Value::Int64(720978815))
        .header("__kind", Value::Byte(kind::DATA))
        .header("publisher", s("12497914"))
        .header("retried", Value::Byte(1))
        .header("content", s(content))
        .header("id", Value::Int64(ID))
        .header("data_id", Value::Int64(568736270819116))
        .header("time", Value::Date(1394864359897))
        .header("nick", s("shop1"))
        .header("dataid", Value::Int64(568736270819116))
        .header("born_time", Value::Int64(1394864359897))
        .header("outtime", Value::Date(1395035520947));
    golden(
        &data,
        "020205002400000064326333653836342d636636642d343838382d386662332d356262393537313962303162010005000000746f706963011700000074616f62616f5f74726164655f5472616465436c6f7365010006000000757365726964057f43f92a000000000100060000005f5f6b696e6402030100090000007075626c697368657201080000003132343937393134010007000000726574726965640201010007000000636f6e74656e7401860000007b2262757965725f6e69636b223a22627579657231222c227061796d656e74223a22313239392e3030222c226f6964223a3536383733363237303831393131362c22746964223a3536383733363237303831393131362c2274797065223a2267756172616e7465655f7472616465222c2273656c6c65725f6e69636b223a2273686f7031227d010002000000696405090099e4e0ac951d010007000000646174615f6964052c9f643b4305020001000400000074696d6506d90965c4440100000100040000006e69636b010500000073686f7031010006000000646174616964052c9f643b43050200010009000000626f726e5f74696d6505d90965c4440100000100070000006f757474696d6506b3bf98ce440100000000",
        460,
    );
    let gz = hex("1f8b0800000000000203ab564a54b232ac0500afac1b5607000000");
    golden(
        &send("d2c3e864-cf6d-4888-8fb3-5bb95719b01b")
            .header("__kind", Value::Byte(kind::DATA))
            .header("id", Value::Int64(1))
            .header("topic", s("t"))
            .header("content", Value::Bytes(gz)),
        "020205002400000064326333653836342d636636642d343838382d386662332d3562623935373139623031620100060000005f5f6b696e6402030100020000006964050100000000000000010005000000746f706963010100000074010007000000636f6e74656e74071b0000001f8b0800000000000203ab564a54b232ac0500afac1b56070000000000",
        139,
    );
}

#[test]
fn malformed_frames_are_located_errors() {
    let ok = hex(
        "020205002400000035346537386461382d643633362d343462622d623066652d3831396164323238343739330100060000005f5f6b696e6402010000",
    );
    // Every truncation fails, naming a byte inside the frame.
    for cut in 0..ok.len() {
        let e = Frame::decode(&ok[..cut]).unwrap_err();
        assert!(e.offset <= cut, "{cut}: {e}");
    }
    let cases: &[(&str, &str)] = &[
        ("0102", "version 1"),
        ("0209", "unknown message type 9"),
        ("02020900", "unknown header kind 9"),
        ("0202010001000000610900", "unknown value format 9"),
        ("02020500ffffffff", "negative length -1"),
        ("0202000000", "1 byte(s) after the end"),
    ];
    for (bytes, want) in cases {
        let e = Frame::decode(&hex(bytes)).unwrap_err().to_string();
        assert!(e.contains(want), "{bytes}: {e}");
        assert!(e.starts_with("TMC frame, byte "), "{e}");
    }
    // Text that is not UTF-8 reads lossily, as the Java client reads it (not an error: a
    // message skipped for it would be redelivered forever).
    let f = Frame::decode(&hex("0202050002000000ff000000")).unwrap();
    assert_eq!(f.token, "\u{fffd}\0");
}

fn value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Void),
        ".{1,20}".prop_map(Value::String),
        any::<u8>().prop_map(Value::Byte),
        any::<i16>().prop_map(Value::Int16),
        any::<i32>().prop_map(Value::Int32),
        any::<i64>().prop_map(Value::Int64),
        any::<i64>().prop_map(Value::Date),
        proptest::collection::vec(any::<u8>(), 0..40).prop_map(Value::Bytes),
    ]
}

proptest! {
    #[test]
    fn frames_round_trip(
        ty in 0u8..4,
        status_code in 0i32..1000,
        status_phrase in ".{0,10}",
        flag in 0i32..100,
        token in "[a-f0-9-]{0,36}",
        headers in proptest::collection::vec(("[a-z_]{1,12}", value()), 0..12),
    ) {
        let message_type = [MessageType::Connect, MessageType::ConnectAck, MessageType::Send, MessageType::SendAck][ty as usize];
        let mut f = Frame::new(message_type);
        f.status_code = status_code;
        f.status_phrase = status_phrase;
        f.flag = flag;
        f.token = token;
        f.headers = headers;
        prop_assert_eq!(Frame::decode(&f.encode()).unwrap(), f);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = Frame::decode(&bytes);
        // Starting like a real frame gets the decoder further in.
        let mut framed = vec![2u8, 2];
        framed.extend_from_slice(&bytes);
        let _ = Frame::decode(&framed);
    }
}
