//! The `topsdk` binary against a gateway written in the test (tests/support, not the
//! project's mock): a write is sent once, a ban's length is printed, a foreign body is never
//! an empty success.

#[path = "../../tests/support/mod.rs"]
mod support;

use support::{Answer, Gateway, SEED_OK, ban, isp_timeout};

/// The `topsdk` binary against the test's gateway: (exit code, stdout, stderr).
async fn cli(g: &Gateway, args: &[&str]) -> (i32, String, String) {
    let url = g.url.clone();
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_topsdk"))
            .arg("call")
            .args(&args)
            .env("TOP_APP_KEY", "12345678")
            .env("TOP_APP_SECRET", "s3cret")
            .env("TOP_GATEWAY_URL", url)
            .env_remove("TOP_SESSION")
            .env_remove("TOP_SIMPLIFY")
            .env_remove("TOP_FORMAT")
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_cli_never_prints_an_empty_success() {
    let seed = "alibaba.kongur.token.getosstoken";
    for body in [
        r#"{"message":"blocked by proxy"}"#,
        "<html><body>Bad Gateway</body></html>",
        "",
    ] {
        for simplify in [false, true] {
            let g = Gateway::start(vec![], Some(Answer::json(body))).await;
            let mut args = vec![seed];
            if simplify {
                args.push("--simplify");
            }
            let (code, out, err) = cli(&g, &args).await;
            assert_eq!(code, 3, "{body:?} simplify={simplify}: {out} {err}");
            assert!(out.is_empty(), "{out}");
            assert!(err.contains("cannot decode response"), "{err}");
            // An API not compiled in, called by its catalogue schema, the same.
            let (code, _, err) = cli(
                &g,
                &[
                    "taobao.trade.fullinfo.get",
                    "-p",
                    "fields=tid",
                    "-p",
                    "tid=1",
                ],
            )
            .await;
            assert_eq!(code, 3, "{body:?}: {err}");
        }
    }
    // And a wrapped body under --simplify prints the content.
    let g = Gateway::start(vec![], Some(Answer::json(SEED_OK))).await;
    let (code, out, err) = cli(&g, &[seed, "--simplify"]).await;
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v["kongur_oss_result_do"]["datas"][0]["access_key_id"],
        "AK1"
    );
    assert_eq!(v["kongur_oss_result_do"]["datas"][0]["oss_token"], "***");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_cli_sends_a_write_once_and_prints_a_ban_length() {
    let g = Gateway::start(vec![], Some(isp_timeout())).await;
    let (code, _, err) = cli(
        &g,
        &[
            "taobao.logistics.offline.send",
            "--param",
            "tid=1",
            "--param",
            "out_sid=SF1",
            "--param",
            "company_code=SF",
        ],
    )
    .await;
    assert_eq!(code, 2, "{err}");
    assert_eq!(g.requests().len(), 1, "the write reached the gateway once");

    let g = Gateway::start(vec![], Some(ban(71804))).await;
    let (code, _, err) = cli(&g, &["alibaba.kongur.token.getosstoken"]).await;
    assert_eq!(code, 2, "{err}");
    let v: serde_json::Value = serde_json::from_str(err.trim()).unwrap();
    assert_eq!(v["retry_after_secs"], 71804);
    assert_eq!(v["rate_limited"], true);
    assert_eq!(g.requests().len(), 1);
}
