use super::*;
use std::sync::Arc;

#[test]
fn sub_codes_name_their_scope() {
    let q = Quotas::new();
    for (sub, want) in [
        (
            Some("accesscontrol.limited-by-app-access-count"),
            BanScope::App,
        ),
        (
            Some("accesscontrol.limited-by-api-access-count"),
            BanScope::Api,
        ),
        (
            Some("accesscontrol.limited-by-app-api-access-count"),
            BanScope::Api,
        ),
        (
            Some("accesscontrol.limited-by-session-access-count"),
            BanScope::Session,
        ),
        (Some("something.else"), BanScope::App),
        (None, BanScope::App),
    ] {
        assert_eq!(q.scope_of(sub), want, "{sub:?}");
    }
    let q = Quotas::new().ban_scope("app-api", BanScope::App);
    assert_eq!(
        q.scope_of(Some("accesscontrol.limited-by-app-api-access-count")),
        BanScope::App
    );
}

#[test]
fn buckets_refill_at_their_rate() {
    let l = Limiter::new(
        Quotas::new().app(Rate::per_second(10.0).burst(2)),
        Arc::new(crate::SystemClock),
    );
    let t = Instant::now();
    assert_eq!(l.try_take("m", None, t).0, Duration::ZERO);
    assert_eq!(l.try_take("m", None, t).0, Duration::ZERO);
    let (w, why) = l.try_take("m", None, t);
    assert_eq!(why, "app quota");
    assert!((w.as_secs_f64() - 0.1).abs() < 1e-6, "{w:?}");
    assert_eq!(
        l.try_take("m", None, t + Duration::from_millis(100)).0,
        Duration::ZERO
    );
    // A silly rate is not "unlimited".
    assert_eq!(Rate::per_second(f64::NAN), Rate::per_second(-1.0));
    assert!(Rate::per_second(0.0).per_second > 0.0);
}

#[test]
fn a_ban_pauses_only_its_scope() {
    let l = Limiter::new(Quotas::new(), Arc::new(crate::SystemClock));
    let t = Instant::now();
    l.ban(
        "a.b",
        Some(1),
        Some("accesscontrol.limited-by-api-access-count"),
        Some(Duration::from_secs(60)),
    );
    assert_eq!(l.try_take("a.b", Some(2), t).1, "API ban");
    assert_eq!(l.try_take("c.d", Some(1), t).0, Duration::ZERO);
    l.ban(
        "c.d",
        Some(1),
        Some("accesscontrol.limited-by-session-access-count"),
        None,
    );
    assert_eq!(l.try_take("e.f", Some(1), t).1, "session ban");
    assert_eq!(l.try_take("e.f", Some(2), t).0, Duration::ZERO);
    l.ban("e.f", None, None, Some(Duration::from_secs(1)));
    assert_eq!(l.try_take("x.y", None, t).1, "app ban");
}

#[test]
fn a_scope_waiting_gives_the_others_their_token_back() {
    let q = Quotas::new()
        .app(Rate::per_second(1.0).burst(2))
        .api("a.b", Rate::per_second(1.0).burst(1));
    let l = Limiter::new(q, Arc::new(crate::SystemClock));
    // An API banned before its first call still gets its rate afterwards.
    l.ban(
        "a.b",
        None,
        Some("accesscontrol.limited-by-api-access-count"),
        Some(Duration::ZERO),
    );
    let t = Instant::now();
    assert_eq!(l.try_take("a.b", None, t).0, Duration::ZERO);
    assert_eq!(l.try_take("a.b", None, t).1, "API quota");
    // The refused call left the app's second token: another API takes it.
    assert_eq!(l.try_take("c.d", None, t).0, Duration::ZERO);
    assert_eq!(l.try_take("c.d", None, t).1, "app quota");
}
