//! The command line: every subcommand and flag (clap derive), read by `main`.

use clap::{Parser, Subcommand};
use std::net::SocketAddr;

#[derive(Parser)]
#[command(
    name = "topsdk",
    version,
    about = "Call Taobao Open Platform (TOP) APIs, or run a local mock gateway"
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
    /// Each attempt's timeout in seconds (env TOP_REQUEST_TIMEOUT_SECS; default 30)
    #[arg(long, global = true, value_name = "SECS")]
    pub(crate) timeout_secs: Option<u64>,
    /// Attempts of a call, retries included (env TOP_MAX_ATTEMPTS; default 3)
    #[arg(long, global = true, value_name = "N")]
    pub(crate) max_attempts: Option<u64>,
    /// The longest a call waits for a ban or quota; longer fails at once with the ban
    /// (env TOP_MAX_WAIT_SECS; default 60)
    #[arg(long, global = true, value_name = "SECS")]
    pub(crate) max_wait_secs: Option<u64>,
    /// More APIs, from a file `topgen catalogue SPEC_DIR FILE` wrote (e.g. of the specs
    /// `topgen import-sdk` made of your SDK download); its APIs replace the built-in ones of
    /// the same name (repeatable; env TOPSDK_CATALOGUE, files separated by `:`)
    #[arg(long = "catalogue", global = true, value_name = "FILE")]
    pub(crate) catalogues: Vec<std::path::PathBuf>,
}

#[derive(Subcommand)]
pub(crate) enum Command {
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
    /// Shop authorization: authorize URL, code -> token, refresh, the stored shops (the store:
    /// --store URL or --db PATH, else TOP_TOKEN_STORE, else TOP_TOKEN_DB, else
    /// sqlite:topsdk-tokens.sqlite).
    Auth {
        #[command(subcommand)]
        command: AuthCommand,
    },
    /// The API explorer in the browser: search every API, fill its form, call the built-in
    /// mock (or, with TOP_APP_KEY, the sandbox or production), see the signed request and the
    /// typed answer, copy it as Rust or curl, watch TMC messages. Prints the URL (with its
    /// per-launch token) and serves until interrupted; opens nothing.
    Explore {
        /// Where to listen (a loopback address; default a free port of 127.0.0.1)
        #[arg(long)]
        listen: Option<SocketAddr>,
        /// The token store for the session picker: postgres://..., sqlite:PATH (default:
        /// TOP_TOKEN_STORE; none: no picker)
        #[arg(long, value_name = "URL")]
        store: Option<String>,
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
    /// Buyer-data encryption (the official SecurityClient's stored forms): keys from
    /// `taobao.top.secret.get`, or without TOP_APP_KEY a built-in mock's fixed keys.
    Security {
        #[command(subcommand)]
        command: SecurityCommand,
    },
}

/// A value from the command line, else one per line of stdin; one output line per value.
#[derive(clap::Args)]
pub(crate) struct SecurityArgs {
    /// nick, simple, receiver_name, phone, search or normal
    #[arg(long = "type", value_name = "TYPE")]
    pub(crate) ty: String,
    /// The value (default: one per line of stdin)
    pub(crate) value: Option<String>,
    /// The shop's session (its key), `_<id>` for a customer account; default TOP_SESSION,
    /// else the app-level key
    #[arg(long)]
    pub(crate) session: Option<String>,
    /// The app's random number (default TOP_SECURITY_RANDOM_NUM)
    #[arg(long)]
    pub(crate) random_num: Option<String>,
    /// Use the previous key version (encrypt, search)
    #[arg(long)]
    pub(crate) previous: bool,
}

#[derive(Subcommand)]
pub(crate) enum SecurityCommand {
    /// Print the stored form of each value.
    Encrypt(SecurityArgs),
    /// Print the plaintext of each stored value.
    Decrypt(SecurityArgs),
    /// Print the search token of each query (a phone: its last 4 digits).
    Search(SecurityArgs),
}

#[derive(Subcommand)]
pub(crate) enum AuthCommand {
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
    /// Exchange the callback's code for the shop's token and store it (a token the store
    /// does not take goes to --rescue-file, else stdout: exit 4).
    Token {
        #[arg(long)]
        code: String,
        #[command(flatten)]
        store: StoreArgs,
        /// Where tokens the store does not take are appended (created owner-only)
        #[arg(long)]
        rescue_file: Option<std::path::PathBuf>,
    },
    /// Refresh the stored tokens that expire soon, each claimed with a lease first: safe to
    /// run on several machines at once against one store.
    ///
    /// Prints one JSON line, shops by outcome: refreshed, revoked (TOP refused the refresh
    /// token: authorize again), failed (tried again once the lease lapses), unsaved (TOP's new
    /// token not stored: rescued), unreadable (rows), superseded (another worker stored a newer
    /// token first), held_elsewhere (due, leased by another worker).
    ///
    /// Exit codes: 0 all done; 2 a refresh failed or was refused, or a row did not read; 3 the
    /// store failed (unreachable, password refused, schema newer than this topsdk, not a
    /// database); 4 a token TOP issued was not stored (written to --rescue-file, else stdout);
    /// 64 usage.
    Refresh {
        #[command(flatten)]
        store: StoreArgs,
        /// Refresh what expires within this many seconds
        #[arg(long, default_value_t = 3600)]
        margin_secs: u64,
        #[arg(long, default_value_t = 8)]
        concurrency: usize,
        /// How long a claimed token stays this worker's (should it die, another worker takes
        /// the token after this)
        #[arg(long, default_value_t = 120)]
        lease_secs: u64,
        /// Where refreshed tokens the store does not take are appended (created owner-only)
        #[arg(long)]
        rescue_file: Option<std::path::PathBuf>,
    },
    /// The stored shops: id, nick, expiry, revocation (secrets masked).
    List {
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Rewrite every stored token sealed with TOP_TOKEN_KEY: after a rotation
    /// (TOP_TOKEN_KEY_PREVIOUS = the old key) or to seal a store kept in clear. Exit 2 when a
    /// row did not read or changed meanwhile (run it again).
    Reseal {
        #[command(flatten)]
        store: StoreArgs,
    },
}

/// Which token store an `auth` command uses.
#[derive(clap::Args)]
pub(crate) struct StoreArgs {
    /// The token store: postgres://user:password@host/db, sqlite:PATH or memory: (default:
    /// TOP_TOKEN_STORE, else sqlite:topsdk-tokens.sqlite)
    #[arg(long, value_name = "URL", conflicts_with = "db")]
    pub store: Option<String>,
    /// The SQLite store at PATH (the same as --store sqlite:PATH)
    #[arg(long, value_name = "PATH")]
    pub db: Option<std::path::PathBuf>,
}

#[derive(Subcommand)]
pub(crate) enum SpiCommand {
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
pub(crate) enum TmcCommand {
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
