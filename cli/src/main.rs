//! `topsdk`: call TOP APIs from the command line, describe them, or run the mock gateway.
//!
//! Exit codes: 0 success; 2 the gateway answered with an error (JSON on stderr); 3 transport,
//! HTTP or decoding failure; 64 bad usage, bad param value or bad configuration.

mod auth;
mod batch;
mod catalogue;
mod describe;
mod spi;
mod tmc;

pub(crate) use catalogue::apis;

use clap::{Parser, Subcommand};
use std::net::SocketAddr;
use std::process::ExitCode;
use topsdk::by_name::{self, Args};
use topsdk::mock::MockGateway;
use topsdk::shape;
use topsdk::{Client, ClientBuilder, Error, Format, SignMethod};

#[derive(Parser)]
#[command(
    name = "topsdk",
    version,
    about = "Call Taobao Open Platform (TOP) APIs, or run a local mock gateway"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Call an API. Config from TOP_* variables; without TOP_APP_KEY, a built-in mock answers.
    Call {
        /// TOP method name, e.g. alibaba.kongur.token.getosstoken
        method: String,
        /// A request param, NAME=VALUE (repeatable); lists comma-separated, objects as JSON
        #[arg(long = "param", short = 'p', value_name = "NAME=VALUE")]
        params: Vec<String>,
        /// Response format on the wire
        #[arg(long, value_parser = ["json", "xml"])]
        format: Option<String>,
        /// md5, hmac or hmac-sha256
        #[arg(long, value_parser = ["md5", "hmac", "hmac-sha256"])]
        sign_method: Option<String>,
        /// Ask the gateway for simplified JSON
        #[arg(long)]
        simplify: bool,
        /// Print sensitive fields instead of "***"
        #[arg(long)]
        reveal_secrets: bool,
        /// The target's customerId, for QIMEN APIs (default: TOP_QIMEN_CUSTOMER_ID)
        #[arg(long)]
        customer_id: Option<String>,
    },
    /// Several calls in one batch request: each METHOD or METHOD?NAME=VALUE&... (URL-encoded
    /// values; `session=` for another shop); one JSON line per answer, in order.
    Batch {
        #[arg(required = true, value_name = "CALL")]
        calls: Vec<String>,
        /// Print sensitive fields instead of "***"
        #[arg(long)]
        reveal_secrets: bool,
    },
    /// Run the mock gateway and the mock TMC server until interrupted (prints `gateway: URL`
    /// and `tmc: URL`).
    Mock {
        #[arg(long, default_value = "127.0.0.1:8780")]
        listen: SocketAddr,
        /// Where the mock TMC (message channel) websocket listens
        #[arg(long, default_value = "127.0.0.1:8781")]
        tmc_listen: SocketAddr,
        #[arg(long)]
        app_key: String,
        #[arg(long)]
        app_secret: String,
        /// Seconds to move the gateway's clock (e.g. 3600 makes every client timestamp stale)
        #[arg(long, default_value_t = 0, allow_hyphen_values = true)]
        clock_offset_secs: i64,
    },
    /// List the APIs compiled into this binary.
    List,
    /// Show an API's params and response fields.
    Describe { method: String },
    /// Shop authorization: authorize URL, code -> token, refresh, the stored shops (SQLite:
    /// --db, else TOP_TOKEN_DB, else ./topsdk-tokens.sqlite).
    Auth {
        #[command(subcommand)]
        command: AuthCommand,
    },
    /// Calls TOP sends you (SPI, QIMEN forwarded): check one as your endpoint would.
    Spi {
        #[command(subcommand)]
        command: SpiCommand,
    },
    /// TMC, the message channel.
    Tmc {
        #[command(subcommand)]
        command: TmcCommand,
    },
}

#[derive(Subcommand)]
enum AuthCommand {
    /// Print the page a shop owner opens to authorize the app.
    Url {
        #[arg(long)]
        redirect_uri: String,
        #[arg(long)]
        state: Option<String>,
        /// web, tmall or wap
        #[arg(long)]
        view: Option<String>,
    },
    /// Exchange the callback's code for the shop's token and store it.
    Token {
        #[arg(long)]
        code: String,
        #[arg(long)]
        db: Option<std::path::PathBuf>,
    },
    /// Refresh the stored tokens that expire soon.
    Refresh {
        #[arg(long)]
        db: Option<std::path::PathBuf>,
        /// Refresh what expires within this many seconds
        #[arg(long, default_value_t = 3600)]
        margin_secs: u64,
        #[arg(long, default_value_t = 8)]
        concurrency: usize,
    },
    /// The stored shops: id, nick, expiry (secrets masked).
    List {
        #[arg(long)]
        db: Option<std::path::PathBuf>,
    },
}

#[derive(Subcommand)]
enum SpiCommand {
    /// Verify a call's signature (and, with --max-age-secs, its timestamp) with TOP_APP_SECRET;
    /// prints the signed params or the reason it is refused (exit 2).
    Verify {
        /// The raw query string, as received (`sign=..&timestamp=..`)
        query: String,
        /// A request header, NAME:VALUE (repeatable; those top-sign-list names are signed)
        #[arg(long = "header", short = 'H', value_name = "NAME:VALUE")]
        headers: Vec<String>,
        /// The body, as text
        #[arg(long)]
        body: Option<String>,
        /// The body, from a file
        #[arg(long)]
        body_file: Option<std::path::PathBuf>,
        /// Refuse calls whose timestamp (GMT+8) is older than this
        #[arg(long)]
        max_age_secs: Option<u64>,
    },
}

#[derive(Subcommand)]
enum TmcCommand {
    /// Print one top-link frame (hex, spaces allowed) as JSON.
    Decode { hex: String },
    /// Print each message as a JSON line, confirming it once written. Config from TOP_* and
    /// TOP_TMC_URL/TOP_TMC_GROUP; without TOP_APP_KEY, a built-in mock with sample messages.
    Listen {
        /// The message group (default: TOP_TMC_GROUP, else `default`)
        #[arg(long)]
        group: Option<String>,
        /// Exit after this many messages
        #[arg(long)]
        max_messages: Option<u64>,
    },
    /// Publish a message through the API taobao.tmc.message.produce.
    Publish {
        topic: String,
        /// The content, JSON text
        content: String,
        /// The group to deliver to (default: the app's default group)
        #[arg(long)]
        target_group: Option<String>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
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

async fn run(cli: Cli) -> ExitCode {
    match cli.command {
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
            AuthCommand::Token { code, db } => auth::token(&code, auth::db_path(db)).await,
            AuthCommand::Refresh {
                db,
                margin_secs,
                concurrency,
            } => {
                auth::refresh(
                    auth::db_path(db),
                    std::time::Duration::from_secs(margin_secs),
                    concurrency,
                )
                .await
            }
            AuthCommand::List { db } => auth::list(auth::db_path(db)),
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
        Command::Mock {
            listen,
            tmc_listen,
            app_key,
            app_secret,
            clock_offset_secs,
        } => {
            let mock = match MockGateway::start_with(apis(), listen, &app_key, &app_secret).await {
                Ok(m) => m,
                Err(e) => {
                    eprintln!("topsdk: cannot listen on {listen}: {e}");
                    return ExitCode::from(3);
                }
            };
            let tmc =
                match topsdk::mock::MockTmc::start_with(tmc_listen, &app_key, &app_secret).await {
                    Ok(m) => m,
                    Err(e) => {
                        eprintln!("topsdk: cannot listen on {tmc_listen}: {e}");
                        return ExitCode::from(3);
                    }
                };
            mock.attach_tmc(tmc.queue());
            mock.set_clock_offset_secs(clock_offset_secs);
            println!("gateway: {}", mock.url());
            println!("tmc: {}", tmc.url());
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
    let (builder, _mocks) = match gateway_builder().await {
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
    let result = match by_name::find(apis(), &a.method) {
        Some(schema) => {
            if let Some(d) = &schema.deprecated {
                eprintln!("warning: {}: {}", a.method, describe::deprecation(d));
            }
            let args = match Args::new(schema, pairs) {
                Ok(args) => args,
                Err(e) => return report(e),
            };
            // Checked, routed, typed and flattened by its schema; masked here.
            client.execute_by_schema(&args).await.map(|mut v| {
                if !a.reveal_secrets {
                    shape::mask(&mut v, &schema.response);
                }
                v
            })
        }
        // Not in the catalogue (newer than this build?): sent unchecked, so it can be tried.
        None => {
            eprintln!(
                "warning: {} is not in this build's catalogue: sent unchecked, shown unmasked",
                a.method
            );
            client.execute_raw(&a.method, pairs).await
        }
    };
    match result {
        Ok(v) => {
            match serde_json::to_string_pretty(&v) {
                Ok(s) => println!("{s}"),
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

/// The built-in mocks a command without credentials talks to, kept alive while it runs.
pub(crate) type Embedded = Option<(MockGateway, Option<topsdk::mock::MockTmc>)>;

/// A client builder from TOP_*, or, without TOP_APP_KEY, for a built-in mock gateway (its
/// `taobao.tmc.*` calls on a built-in mock message queue), said on stderr.
pub(crate) async fn gateway_builder() -> Result<(ClientBuilder, Embedded), ExitCode> {
    if std::env::var_os("TOP_APP_KEY").is_none_or(|v| v.is_empty()) {
        let secret = format!("mock-secret-{}", fastrand_secret());
        let mock = MockGateway::start(apis(), "mock-app-key", &secret)
            .await
            .map_err(|e| {
                eprintln!("topsdk: cannot start the built-in mock gateway: {e}");
                ExitCode::from(3)
            })?;
        eprintln!(
            "topsdk: TOP_APP_KEY is not set; calling the built-in mock gateway at {}",
            mock.url()
        );
        let tmc = topsdk::mock::MockTmc::start("mock-app-key", &secret)
            .await
            .ok();
        if let Some(tmc) = &tmc {
            mock.attach_tmc(tmc.queue());
        }
        let builder = ClientBuilder::new("mock-app-key", secret).gateway_url(mock.url());
        return Ok((builder, Some((mock, tmc))));
    }
    Ok((ClientBuilder::from_env().map_err(usage_error)?, None))
}

/// [`gateway_builder`], built.
pub(crate) async fn gateway_client() -> Result<(Client, Embedded), ExitCode> {
    let (builder, mocks) = gateway_builder().await?;
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

pub(crate) fn fastrand_secret() -> String {
    std::iter::repeat_with(fastrand::alphanumeric)
        .take(16)
        .collect()
}
