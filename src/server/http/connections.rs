//! The listening socket on the open internet: how many connections may be open, how many
//! from one client, and how long a client may take to say what it wants.
//!
//! `axum::serve` runs hyper with no timer: a client that sends half a request holds its
//! connection (and a file descriptor) forever, and enough of them leave the server unable to
//! accept anyone (`accept: Too many open files`). Here every connection has 10 seconds to send
//! a request's head (the same clock closes a kept-alive connection left idle), its body has as
//! long between two pieces, the open connections stay below the process's file limit, and one
//! client (one IPv4 address, one IPv6 /64) holds at most a few dozen of them. At the cap, the
//! oldest connection that never sent a whole request makes room for the newcomer: slow clients
//! cannot crowd out the ones that speak. Past that, a connection is answered 503 at once.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper::Request;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tower::ServiceExt;

use crate::server::http::guard::ClientNetwork;

/// How long a client may take to send a request's head, and how long a kept-alive connection
/// may stay idle.
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(10);

/// The most a request's body may wait between two pieces.
pub const BODY_TIMEOUT: Duration = Duration::from_secs(10);

/// File descriptors kept for what is not a client's connection: the database pool, mails,
/// static files, logs.
const RESERVED_FILES: u64 = 128;

/// How many connections may be open at once, in all and from one client.
#[derive(Clone, Copy, Debug)]
pub struct ConnectionLimits {
    pub total: usize,
    /// None behind a reverse proxy: every connection then comes from the proxy, which holds
    /// clients to their share (docs/operations.md, "Behind a reverse proxy").
    pub per_client: Option<usize>,
}

impl ConnectionLimits {
    /// `configured` (`MAX_CONNECTIONS`) within what the file limit allows; `per_client`
    /// (`CONNECTIONS_PER_CLIENT`), unless a reverse proxy stands in front.
    pub fn new(configured: usize, per_client: usize, behind_proxy: bool) -> ConnectionLimits {
        let files = raise_file_limit();
        let allowed = files.saturating_sub(RESERVED_FILES).max(16);
        let total = configured.min(usize::try_from(allowed).unwrap_or(usize::MAX));
        if total < configured {
            tracing::info!(total, files, "connections capped by the open-file limit");
        }
        ConnectionLimits {
            total,
            per_client: (!behind_proxy).then_some(per_client),
        }
    }
}

/// Raises the process's soft open-file limit to its hard limit (systemd gives 1,024 soft
/// over 524,288 hard); the limit it ends at.
fn raise_file_limit() -> u64 {
    #[cfg(unix)]
    {
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit and setrlimit read and write the struct given, nothing else.
        unsafe {
            if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
                return 1024;
            }
            if limit.rlim_cur < limit.rlim_max {
                let raised = libc::rlimit {
                    rlim_cur: limit.rlim_max,
                    rlim_max: limit.rlim_max,
                };
                if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                    limit = raised;
                }
            }
        }
        limit.rlim_cur
    }
    #[cfg(not(unix))]
    {
        1024
    }
}

/// Who holds which connections.
#[derive(Default)]
struct Registry {
    open: usize,
    per_client: HashMap<ClientNetwork, usize>,
    /// Connections that have not sent a whole request yet, oldest first: the first to go
    /// when room is needed.
    silent: BTreeMap<u64, Arc<Notify>>,
    next_id: u64,
}

/// A connection's place in the registry; given back when the connection ends.
struct Ticket {
    registry: Arc<Mutex<Registry>>,
    id: u64,
    client: ClientNetwork,
}

impl Ticket {
    /// The connection sent a whole request: no longer the first to go.
    fn spoke(&self) {
        lock(&self.registry).silent.remove(&self.id);
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let mut registry = lock(&self.registry);
        registry.open -= 1;
        registry.silent.remove(&self.id);
        if let Some(count) = registry.per_client.get_mut(&self.client) {
            *count -= 1;
            if *count == 0 {
                registry.per_client.remove(&self.client);
            }
        }
    }
}

fn lock(registry: &Mutex<Registry>) -> std::sync::MutexGuard<'_, Registry> {
    registry
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

enum Admission {
    /// Served; `Notify` tells the connection to close (room was needed).
    Admitted(Ticket, Arc<Notify>),
    Refused(&'static str),
}

fn admit(
    registry: &Arc<Mutex<Registry>>,
    limits: ConnectionLimits,
    client: ClientNetwork,
) -> Admission {
    let mut r = lock(registry);
    let held = r.per_client.get(&client).copied().unwrap_or(0);
    if limits.per_client.is_some_and(|cap| held >= cap) {
        return Admission::Refused("too many connections from this client");
    }
    if r.open >= limits.total {
        // Room is made by the oldest silent connection; it leaves the registry when its
        // task ends, a moment later (the reserve of file descriptors covers the overlap).
        let Some((_, oldest)) = r.silent.pop_first() else {
            return Admission::Refused("connections at their cap");
        };
        oldest.notify_one();
    }
    let id = r.next_id;
    r.next_id += 1;
    r.open += 1;
    *r.per_client.entry(client).or_default() += 1;
    let close = Arc::new(Notify::new());
    r.silent.insert(id, close.clone());
    drop(r);
    Admission::Admitted(
        Ticket {
            registry: registry.clone(),
            id,
            client,
        },
        close,
    )
}

/// Accepts connections until `stop` resolves, then lets the requests under way finish
/// (within `grace`).
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ConnectionLimits,
    stop: impl std::future::Future<Output = ()>,
    grace: Duration,
) {
    let registry = Arc::new(Mutex::new(Registry::default()));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut stop = std::pin::pin!(stop);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors or the like: give the connections closing
                    // now a moment, never a busy loop.
                    tracing::warn!(%error, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let client = ClientNetwork::of(peer.ip());
        match admit(&registry, limits, client) {
            Admission::Admitted(ticket, close) => {
                if let Err(error) = stream.set_nodelay(true) {
                    tracing::warn!(%error, "cannot set TCP_NODELAY");
                }
                // Each request knows its peer (`ConnectInfo`); the first one takes the
                // connection off the list of silent ones.
                let (app, ticket) = (app.clone(), Arc::new(ticket));
                let service = hyper::service::service_fn(move |mut request: Request<Incoming>| {
                    ticket.spoke();
                    request.extensions_mut().insert(ConnectInfo(peer));
                    app.clone().oneshot(request.map(axum::body::Body::new))
                });
                let connection = http1().serve_connection(TokioIo::new(stream), service);
                let watched = graceful.watch(connection);
                tokio::spawn(async move {
                    tokio::select! {
                        ended = watched => if let Err(error) = ended {
                            tracing::debug!(%error, "connection ended");
                        },
                        () = close.notified() => {}
                    }
                });
            }
            Admission::Refused(why) => {
                tracing::warn!(ip = %peer.ip(), why, "connection refused");
                tokio::spawn(refuse(stream));
            }
        }
    }
    drop(listener);
    if tokio::time::timeout(grace, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("requests still under way after the grace period: stopping");
    }
}

/// HTTP/1.1 with a clock: a request's head must come within [`HEAD_TIMEOUT`], counted from
/// the connection's start or the previous response (so it also closes an idle kept-alive
/// connection). Nagle's algorithm is off on each connection: a response written in two parts
/// would otherwise wait for the client's delayed ACK, about 40 ms on a kept-alive connection.
fn http1() -> hyper::server::conn::http1::Builder {
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(HEAD_TIMEOUT)
        .keep_alive(true);
    http
}

/// A connection over the limits: a short 503 written at once, then closed.
async fn refuse(mut stream: TcpStream) {
    const BODY: &str = "Serveur momentanément saturé : réessayez dans quelques secondes.\n";
    let answer = format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain; charset=utf-8\r\nretry-after: 10\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{BODY}",
        BODY.len()
    );
    let _ = tokio::time::timeout(Duration::from_secs(1), async {
        let _ = stream.write_all(answer.as_bytes()).await;
        let _ = stream.shutdown().await;
    })
    .await;
}
