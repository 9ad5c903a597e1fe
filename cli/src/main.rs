//! `topsdk`: call TOP APIs from the command line, describe them, or run the mock gateway.
//!
//! Exit codes: 0 success; 2 the gateway answered with an error (JSON on stderr); 3 transport,
//! HTTP or decoding failure; 4 a token TOP issued was not stored (it was written out instead);
//! 64 bad usage, bad param value or bad configuration.

mod args;
mod auth;
mod batch;
mod builtin;
mod catalogue;
mod describe;
mod explore;
mod security;
mod spi;
mod tmc;

pub(crate) use catalogue::apis;

use args::{AuthCommand, Cli, Command, SecurityCommand, SpiCommand, TmcCommand};
use builtin::BuiltIn;
use clap::Parser;
use std::process::ExitCode;
use topsdk::by_name;
use topsdk::{Client, ClientBuilder, Error, Format, SignMethod};

fn main() -> ExitCode {
    let cli = Cli::parse();
    // A listener runs for hours: its reconnects and skipped frames are worth a line each. A
    // one-shot command prints its one outcome; retries on the way are not news.
    let listening = matches!(
        cli.command,
        Command::Tmc {
            command: TmcCommand::Listen { .. }
        }
    );
    log_to_stderr(if listening {
        tracing_subscriber::filter::LevelFilter::WARN
    } else {
        tracing_subscriber::filter::LevelFilter::ERROR
    });
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("topsdk: cannot start runtime: {e}");
            return ExitCode::from(3);
        }
    };
    runtime.block_on(run(cli))
}

/// The runtime's events at `default` and above (for `tmc listen` warnings: a reconnect and
/// why, a frame skipped) on stderr, one line each; `TOPSDK_LOG` sets the level (error, warn,
/// info, debug, trace, off).
fn log_to_stderr(default: tracing_subscriber::filter::LevelFilter) {
    use tracing_subscriber::filter::LevelFilter;
    let level = match std::env::var("TOPSDK_LOG") {
        Ok(v) => match v.parse::<LevelFilter>() {
            Ok(l) => l,
            Err(_) => {
                eprintln!("topsdk: TOPSDK_LOG `{v}` is not a level; using {default}");
                default
            }
        },
        Err(_) => default,
    };
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(level)
        .with_target(false)
        .with_ansi(false)
        .without_time()
        .try_init();
}

/// The call settings the flags gave (`--timeout-secs`, `--max-attempts`, `--max-wait-secs`),
/// by the variable each stands for.
static CALL_FLAGS: std::sync::OnceLock<Vec<(&'static str, String)>> = std::sync::OnceLock::new();

/// The command's view of the environment: a flag before its variable; and a call waits at
/// most a minute for a ban unless told otherwise (a command that stalls silently is worse
/// than one that fails and says why).
pub(crate) fn lookup(key: &str) -> Option<String> {
    let flag = CALL_FLAGS
        .get()
        .and_then(|f| f.iter().find(|(k, _)| *k == key).map(|(_, v)| v.clone()));
    flag.or_else(|| std::env::var(key).ok().filter(|v| !v.is_empty()))
        .or_else(|| (key == "TOP_MAX_WAIT_SECS").then(|| "60".to_string()))
}

async fn run(cli: Cli) -> ExitCode {
    let flags = [
        ("TOP_REQUEST_TIMEOUT_SECS", cli.timeout_secs),
        ("TOP_MAX_ATTEMPTS", cli.max_attempts),
        ("TOP_MAX_WAIT_SECS", cli.max_wait_secs),
    ];
    let _ = CALL_FLAGS.set(
        flags
            .into_iter()
            .filter_map(|(k, v)| Some((k, v?.to_string())))
            .collect(),
    );
    if let Err(e) = catalogue::load_extra(&cli.catalogues) {
        eprintln!("topsdk: {e}");
        return ExitCode::from(64);
    }
    match cli.command {
        Command::Explore { listen, store } => explore::run(listen, store).await,
        Command::List => {
            use std::io::Write;
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            for e in apis() {
                // A closed pipe (`topsdk list | head`) ends the listing, not in a panic.
                if writeln!(out, "{}\t{}", e.method(), e.get().title).is_err() {
                    return ExitCode::SUCCESS;
                }
            }
            let _ = out.flush();
            ExitCode::SUCCESS
        }
        Command::Describe { method } => describe::describe(&method),
        Command::Auth { command } => match command {
            AuthCommand::Url {
                redirect_uri,
                state,
                view,
            } => auth::url(&redirect_uri, state, view),
            AuthCommand::Token {
                code,
                store,
                rescue_file,
            } => auth::token(&code, store, rescue_file).await,
            AuthCommand::Refresh {
                store,
                margin_secs,
                concurrency,
                lease_secs,
                rescue_file,
            } => {
                let options = topsdk::tokens::RefreshOptions::new(std::time::Duration::from_secs(
                    margin_secs,
                ))
                .concurrency(concurrency)
                .lease(std::time::Duration::from_secs(lease_secs));
                auth::refresh(store, &options, rescue_file).await
            }
            AuthCommand::List { store } => auth::list(store).await,
            AuthCommand::Reseal { store } => auth::reseal(store).await,
        },
        Command::Spi {
            command:
                SpiCommand::Verify {
                    query,
                    headers,
                    body,
                    body_file,
                    max_age_secs,
                },
        } => spi::verify(&query, &headers, body, body_file, max_age_secs),
        Command::Tmc { command } => match command {
            TmcCommand::Decode { hex } => tmc::decode(&hex),
            TmcCommand::Listen {
                group,
                max_messages,
            } => tmc::listen(group, max_messages).await,
            TmcCommand::Publish {
                topic,
                content,
                target_group,
            } => {
                let mut params = vec![format!("topic={topic}"), format!("content={content}")];
                if let Some(g) = target_group {
                    params.push(format!("target_group={g}"));
                }
                call(CallArgs {
                    method: "taobao.tmc.message.produce".into(),
                    params,
                    format: None,
                    sign_method: None,
                    simplify: false,
                    reveal_secrets: false,
                    customer_id: None,
                })
                .await
            }
        },
        Command::Security { command } => {
            let (op, a) = match command {
                SecurityCommand::Encrypt(a) => (security::Op::Encrypt, a),
                SecurityCommand::Decrypt(a) => (security::Op::Decrypt, a),
                SecurityCommand::Search(a) => (security::Op::Search, a),
            };
            security::run(security::Args {
                op,
                ty: a.ty,
                value: a.value,
                session: a.session,
                random_num: a.random_num,
                previous: a.previous,
            })
            .await
        }
        Command::Mock {
            listen,
            tmc_listen,
            app_key,
            app_secret,
            clock_offset_secs,
        } => {
            let top = match BuiltIn::start(Some((listen, tmc_listen)), &app_key, &app_secret).await
            {
                Ok(top) => top,
                Err(e) => {
                    eprintln!("topsdk: {e}");
                    return ExitCode::from(3);
                }
            };
            top.gateway.set_clock_offset_secs(clock_offset_secs);
            println!("gateway: {}", top.gateway.url());
            println!("tmc: {}", top.tmc.url());
            let _ = tokio::signal::ctrl_c().await;
            ExitCode::SUCCESS
        }
        Command::Call {
            method,
            params,
            format,
            sign_method,
            simplify,
            reveal_secrets,
            customer_id,
        } => {
            call(CallArgs {
                method,
                params,
                format,
                sign_method,
                simplify,
                reveal_secrets,
                customer_id,
            })
            .await
        }
        Command::Batch {
            calls,
            reveal_secrets,
        } => batch::batch(&calls, reveal_secrets).await,
    }
}

struct CallArgs {
    method: String,
    params: Vec<String>,
    format: Option<String>,
    sign_method: Option<String>,
    simplify: bool,
    reveal_secrets: bool,
    customer_id: Option<String>,
}

pub(crate) fn usage_error(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("topsdk: {msg}");
    ExitCode::from(64)
}

/// A method name is dot-separated parts of ASCII letters, digits, `_` and `-`; anything else
/// (empty, spaces, control characters) is refused before any I/O.
pub(crate) fn check_method_name(method: &str) -> Result<(), String> {
    if topsdk::schema::is_method_name(method) {
        return Ok(());
    }
    Err(format!(
        "`{}` is not a method name (dot-separated parts of ASCII letters, digits, `_`, `-`)",
        method.escape_debug()
    ))
}

async fn call(a: CallArgs) -> ExitCode {
    if let Err(e) = check_method_name(&a.method) {
        return usage_error(e);
    }
    let mut pairs = Vec::new();
    for p in &a.params {
        match p.split_once('=') {
            Some((k, v)) if !k.is_empty() => pairs.push((k.to_string(), v.to_string())),
            _ => return usage_error(format!("--param `{p}` is not NAME=VALUE")),
        }
    }
    // Without credentials, the built-in mock gateway answers (the README's first command).
    let (builder, _mocks) = match gateway_builder(None).await {
        Ok(b) => b,
        Err(code) => return code,
    };
    let mut builder = builder;
    if let Some(f) = &a.format {
        match f.parse::<Format>() {
            Ok(f) => builder = builder.format(f),
            Err(e) => return usage_error(e),
        }
    }
    if let Some(m) = &a.sign_method {
        match m.parse::<SignMethod>() {
            Ok(m) => builder = builder.sign_method(m),
            Err(e) => return usage_error(e),
        }
    }
    if a.simplify {
        builder = builder.simplify(true);
    }
    let mut client: Client = match builder.build() {
        Ok(c) => c,
        Err(e) => return usage_error(e),
    };
    let customer_id = a
        .customer_id
        .or_else(|| std::env::var("TOP_QIMEN_CUSTOMER_ID").ok())
        .filter(|c| !c.is_empty());
    if let Some(c) = customer_id {
        client = client.with_customer_id(c);
    }
    let schema = by_name::find(apis(), &a.method);
    match schema {
        Some(schema) => {
            if let Some(d) = &schema.deprecated {
                eprintln!("warning: {}: {}", a.method, describe::deprecation(d));
            }
        }
        // Not in the catalogue (newer than this build?): sent unchecked, so it can be tried.
        None => eprintln!(
            "warning: {} is not in this build's catalogue: sent unchecked, shown unmasked (its \
             schema from your SDK download: `topgen import-sdk SDK --out DIR`, `topgen \
             catalogue DIR FILE`, then --catalogue FILE)",
            a.method
        ),
    }
    // Checked, routed, typed, flattened and masked by its schema where known: the one path of
    // a call by name (the explorer's too).
    let result = match by_name::NamedCall::new(schema, &a.method, pairs) {
        Ok(call) => call.send(&client, a.reveal_secrets).await,
        Err(e) => return report(e),
    };
    match result {
        Ok(v) => {
            match serde_json::to_string_pretty(&v) {
                Ok(s) => {
                    if let Err(code) = print_line(&s) {
                        return code;
                    }
                }
                Err(e) => {
                    eprintln!("topsdk: {e}");
                    return ExitCode::from(3);
                }
            }
            ExitCode::SUCCESS
        }
        Err(e) => report(e),
    }
}

/// The built-in TOP a command without credentials talks to, kept alive while it runs.
pub(crate) type Embedded = Option<BuiltIn>;

/// A client builder from TOP_*, or, without TOP_APP_KEY, for a built-in mock gateway (its
/// `taobao.tmc.*` calls on a built-in mock message queue), said on stderr. The mock's app
/// secret is random unless `mock_secret` fixes it (and with it the mock's security keys).
pub(crate) async fn gateway_builder(
    mock_secret: Option<&str>,
) -> Result<(ClientBuilder, Embedded), ExitCode> {
    if no_credentials() {
        let (top, secret) = BuiltIn::for_command(mock_secret).await.map_err(|e| {
            eprintln!("topsdk: {e}");
            ExitCode::from(3)
        })?;
        eprintln!(
            "topsdk: TOP_APP_KEY is not set; calling the built-in mock gateway at {}",
            top.gateway.url()
        );
        let builder = ClientBuilder::new(builtin::APP_KEY, secret)
            .gateway_url(top.gateway.url())
            .call_settings_from_lookup(lookup)
            .map_err(usage_error)?;
        return Ok((builder, Some(top)));
    }
    Ok((
        ClientBuilder::from_lookup(lookup).map_err(usage_error)?,
        None,
    ))
}

/// Whether `TOP_APP_KEY` is unset (or empty): the built-in TOP answers.
pub(crate) fn no_credentials() -> bool {
    std::env::var_os("TOP_APP_KEY").is_none_or(|v| v.is_empty())
}

/// [`gateway_builder`], built.
pub(crate) async fn gateway_client() -> Result<(Client, Embedded), ExitCode> {
    let (builder, mocks) = gateway_builder(None).await?;
    Ok((builder.build().map_err(usage_error)?, mocks))
}

pub(crate) fn report(e: Error) -> ExitCode {
    match e {
        Error::Api(api) => {
            eprintln!("{}", api_json(&api, None));
            ExitCode::from(2)
        }
        Error::RateLimited { error, retry_after } => {
            eprintln!("{}", api_json(&error, Some(retry_after)));
            ExitCode::from(2)
        }
        e @ (Error::InvalidRequest { .. } | Error::Config { .. }) => usage_error(e),
        // A ban (or quota) longer than this command waits: said, not waited out in silence.
        Error::Throttled { scope, retry_after } => {
            let max = lookup("TOP_MAX_WAIT_SECS").unwrap_or_default();
            eprintln!(
                "{}",
                serde_json::json!({
                    "throttled": true,
                    "scope": scope,
                    "retry_after_secs": retry_after.as_secs(),
                    "message": format!(
                        "not sent: the {scope} lasts {} s more, longer than this command waits \
                         ({max} s; --max-wait-secs or TOP_MAX_WAIT_SECS)",
                        retry_after.as_secs()
                    ),
                })
            );
            ExitCode::from(2)
        }
        other => {
            eprintln!("topsdk: {}", other.to_string().replace('\n', " "));
            ExitCode::from(3)
        }
    }
}

/// An `error_response` as the CLI prints it; for a ban, with its length in seconds
/// (`retry_after_secs`, null when TOP did not say).
fn api_json(api: &topsdk::ApiError, ban: Option<Option<std::time::Duration>>) -> serde_json::Value {
    let mut v = serde_json::json!({
        "code": api.code,
        "msg": api.msg,
        "sub_code": api.sub_code,
        "sub_msg": api.sub_msg,
        "request_id": api.request_id,
    });
    if let (Some(ban), Some(m)) = (ban, v.as_object_mut()) {
        m.insert("rate_limited".into(), true.into());
        m.insert("retry_after_secs".into(), ban.map(|d| d.as_secs()).into());
    }
    v
}

/// Writes `text` and a newline to stdout, flushed. A stdout that fails (a closed pipe,
/// `> /dev/full`) ends the command cleanly: said on stderr, exit 3, never a panic (`println!`
/// panics); what was not written is not acknowledged (TMC messages stay unconfirmed).
pub(crate) fn print_line(text: &str) -> Result<(), ExitCode> {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.flush())
        .map_err(stdout_failed)
}

/// Stdout failed (a closed pipe, a full disk): the command ends, said once, exit 3.
pub(crate) fn stdout_failed(e: std::io::Error) -> ExitCode {
    eprintln!("topsdk: cannot write to stdout: {e}");
    ExitCode::from(3)
}

pub(crate) fn fastrand_secret() -> String {
    std::iter::repeat_with(fastrand::alphanumeric)
        .take(16)
        .collect()
}
