//! Plain HTTP served by a few event loops (mio) instead of a thread per
//! connection: a loop reads what every ready connection sent, answers each
//! whole request in the order it came and writes the answers, so requests
//! neither wait for a thread to be woken nor for the scheduler to pick it.
//! The limits are those of [`super::http`], held by deadlines the loop
//! looks at between events. A request that may write the store (every
//! `POST`, and `/oauth/access_token`) may wait for the writers' lock and
//! the disk, so it is answered by one of a few worker threads and its
//! connection gets no other answer until then.

use super::http::{self, BODY_TIMEOUT, HEAD_MAX, HEAD_TIMEOUT, ReadError, Response};
use super::routes;
use super::state::Shared;
use crate::oauth::{HttpRequest, Scheme, request};
use mio::net::TcpStream;
use mio::{Events, Interest, Poll, Token, Waker};
use std::collections::{HashMap, VecDeque};
use std::io::{self, Read, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a kept-alive connection may wait for its next request.
const IDLE_MAX: Duration = Duration::from_secs(10);
/// How long a response may take to be written.
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// How often a loop looks at the deadlines and whether the server stops.
const TICK: Duration = Duration::from_millis(100);
/// The waker's token; connections count up from 0.
const WAKE: Token = Token(usize::MAX);
/// How many threads answer the requests that may write the store.
const WORKERS: usize = 4;
/// At most this many requests of one connection are answered in a turn,
/// so that a client pipelining without end shares its loop with the others.
const PER_TURN: usize = 16;

/// What reaches a loop from outside it.
enum Message {
    /// A new connection to serve.
    Conn(std::net::TcpStream),
    /// The answer to a request answered on a thread.
    Answer(Token, Vec<u8>, bool),
}

/// A request answered by a worker, and where its answer goes.
struct Job {
    req: HttpRequest,
    keep_alive: bool,
    began: Instant,
    token: Token,
    tx: Sender<Message>,
    waker: Arc<Waker>,
}

/// Starts the workers; jobs sent to the sender they share are answered in
/// the order they come, by whichever is free.
fn workers(shared: &Arc<Shared>) -> Sender<Job> {
    let (tx, rx) = channel::<Job>();
    let rx = Arc::new(Mutex::new(rx));
    for _ in 0..WORKERS {
        let (rx, shared) = (Arc::clone(&rx), Arc::clone(shared));
        std::thread::spawn(move || {
            loop {
                let job = rx.lock().unwrap_or_else(|p| p.into_inner()).recv();
                let Ok(job) = job else {
                    return;
                };
                let mut bytes = Vec::new();
                let close = respond(&shared, &job.req, job.keep_alive, job.began, &mut bytes);
                if job
                    .tx
                    .send(Message::Answer(job.token, bytes, close))
                    .is_ok()
                {
                    let _ = job.waker.wake();
                }
            }
        });
    }
    tx
}

/// What a connection's turn needs of its loop.
struct Ctx<'a> {
    shared: &'a Arc<Shared>,
    tx: &'a Sender<Message>,
    waker: &'a Arc<Waker>,
    jobs: &'a Sender<Job>,
}

/// The loops, each with its share of the connections.
pub struct Loops {
    loops: Vec<(Sender<Message>, Arc<Waker>)>,
    next: AtomicUsize,
    active: Arc<AtomicUsize>,
}

impl Loops {
    /// Starts `n` loops. Each counts a connection it closes off `active`.
    pub fn start(n: usize, shared: &Arc<Shared>, active: &Arc<AtomicUsize>) -> io::Result<Loops> {
        let mut loops = Vec::new();
        let jobs = workers(shared);
        for _ in 0..n.max(1) {
            let poll = Poll::new()?;
            let waker = Arc::new(Waker::new(poll.registry(), WAKE)?);
            let (tx, rx) = channel();
            let mut l = Loop {
                poll,
                rx,
                tx: tx.clone(),
                waker: Arc::clone(&waker),
                shared: Arc::clone(shared),
                jobs: jobs.clone(),
                active: Arc::clone(active),
                conns: HashMap::new(),
                ready: VecDeque::new(),
                next: 0,
            };
            std::thread::spawn(move || l.run());
            loops.push((tx, waker));
        }
        Ok(Loops {
            loops,
            next: AtomicUsize::new(0),
            active: Arc::clone(active),
        })
    }

    /// Hands a new connection, counted in `active`, to the next loop in
    /// turn.
    pub fn give(&self, conn: std::net::TcpStream) {
        let i = self.next.fetch_add(1, Ordering::Relaxed) % self.loops.len();
        let (tx, waker) = &self.loops[i];
        if conn.set_nonblocking(true).is_ok() && tx.send(Message::Conn(conn)).is_ok() {
            let _ = waker.wake();
        } else {
            self.active.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

/// One connection's state.
struct Conn {
    stream: TcpStream,
    /// Bytes read and not yet a whole request.
    buf: Vec<u8>,
    /// Bytes to write.
    out: Vec<u8>,
    /// When the first byte of the request being read was here.
    began: Option<Instant>,
    /// Whether that request's head is whole (its body's time is running).
    head_done: bool,
    /// When the connection is closed unless something happens.
    deadline: Instant,
    /// Close once `out` is written.
    close_after: bool,
    /// A thread is answering its request.
    busy: bool,
    /// The client closed its side.
    eof: bool,
    /// Whether the loop is also waiting to write.
    writable: bool,
    /// Whether it is among the loop's connections with work left.
    queued: bool,
}

/// What a turn of a connection left.
enum Turn {
    /// Nothing to do until its next event.
    Wait,
    /// More requests it has not answered yet.
    More,
    /// It is to be closed.
    Close,
}

struct Loop {
    poll: Poll,
    rx: Receiver<Message>,
    tx: Sender<Message>,
    waker: Arc<Waker>,
    shared: Arc<Shared>,
    jobs: Sender<Job>,
    active: Arc<AtomicUsize>,
    conns: HashMap<Token, Conn>,
    /// Connections with requests left after their turn, served in turn.
    ready: VecDeque<Token>,
    next: usize,
}

/// Whether answering `req` may wait for the store's writers' lock.
fn may_write(req: &HttpRequest) -> bool {
    req.method == "POST" || req.path == "/oauth/access_token"
}

impl Loop {
    fn run(&mut self) {
        let mut events = Events::with_capacity(256);
        let mut swept = Instant::now();
        loop {
            let wait = if self.ready.is_empty() {
                TICK
            } else {
                Duration::ZERO
            };
            if let Err(e) = self.poll.poll(&mut events, Some(wait))
                && e.kind() != io::ErrorKind::Interrupted
            {
                // The loop cannot wait any more: its connections end.
                let n = self.conns.len();
                self.conns.clear();
                self.active.fetch_sub(n, Ordering::SeqCst);
                return;
            }
            for ev in events.iter() {
                if ev.token() == WAKE {
                    self.messages();
                } else {
                    self.service(ev.token());
                }
            }
            // One more turn for each connection that had requests left.
            for _ in 0..self.ready.len() {
                if let Some(t) = self.ready.pop_front() {
                    if let Some(c) = self.conns.get_mut(&t) {
                        c.queued = false;
                    }
                    self.service(t);
                }
            }
            if swept.elapsed() >= TICK {
                swept = Instant::now();
                self.sweep();
            }
        }
    }

    fn messages(&mut self) {
        while let Ok(m) = self.rx.try_recv() {
            match m {
                Message::Conn(s) => {
                    let mut stream = TcpStream::from_std(s);
                    let token = Token(self.next);
                    self.next += 1;
                    if self
                        .poll
                        .registry()
                        .register(&mut stream, token, Interest::READABLE)
                        .is_err()
                    {
                        self.active.fetch_sub(1, Ordering::SeqCst);
                        continue;
                    }
                    self.conns.insert(
                        token,
                        Conn {
                            stream,
                            buf: Vec::new(),
                            out: Vec::new(),
                            began: None,
                            head_done: false,
                            deadline: Instant::now() + IDLE_MAX,
                            close_after: false,
                            busy: false,
                            eof: false,
                            writable: false,
                            queued: false,
                        },
                    );
                    // Bytes may have come before the registration.
                    self.service(token);
                }
                Message::Answer(token, bytes, close) => {
                    if let Some(c) = self.conns.get_mut(&token) {
                        c.busy = false;
                        c.out.extend_from_slice(&bytes);
                        c.close_after |= close;
                        c.deadline = Instant::now() + next_wait(c);
                    }
                    self.service(token);
                }
            }
        }
    }

    /// Closes the connections past their deadline, and when the server
    /// stops, those with nothing in flight.
    fn sweep(&mut self) {
        let now = Instant::now();
        let stopping = self.shared.stopping();
        let done: Vec<Token> = self
            .conns
            .iter()
            .filter(|(_, c)| {
                let idle = c.buf.is_empty() && c.out.is_empty() && !c.busy;
                (!c.busy && now >= c.deadline) || (stopping && idle)
            })
            .map(|(t, _)| *t)
            .collect();
        for t in done {
            self.close(t);
        }
    }

    fn close(&mut self, token: Token) {
        if let Some(mut c) = self.conns.remove(&token) {
            let _ = self.poll.registry().deregister(&mut c.stream);
            self.active.fetch_sub(1, Ordering::SeqCst);
        }
    }

    /// Reads what came, answers every whole request, writes what it can.
    fn service(&mut self, token: Token) {
        let Some(c) = self.conns.get_mut(&token) else {
            return;
        };
        let ctx = Ctx {
            shared: &self.shared,
            tx: &self.tx,
            waker: &self.waker,
            jobs: &self.jobs,
        };
        let mut turn = step(c, token, &ctx);
        if !matches!(turn, Turn::Close) && !interest(c, token, &self.poll) {
            turn = Turn::Close;
        }
        match turn {
            Turn::Close => self.close(token),
            Turn::More if !c.queued => {
                c.queued = true;
                self.ready.push_back(token);
            }
            Turn::More | Turn::Wait => {}
        }
    }
}

/// Sets what the loop waits for on `c`; false when that fails.
fn interest(c: &mut Conn, token: Token, poll: &Poll) -> bool {
    let writable = !c.out.is_empty();
    if writable == c.writable {
        return true;
    }
    c.writable = writable;
    let i = if writable {
        Interest::READABLE | Interest::WRITABLE
    } else {
        Interest::READABLE
    };
    poll.registry().reregister(&mut c.stream, token, i).is_ok()
}

/// One turn of a connection: what it left to do.
fn step(c: &mut Conn, token: Token, ctx: &Ctx<'_>) -> Turn {
    // One answer at a time: the next request is taken once the last answer
    // is written, so a client that does not read makes nothing grow; what
    // is read is bounded too, so after taking a request there may be more
    // to read (the socket says so only once).
    let mut drained = false;
    let mut more = false;
    for answered in 0.. {
        if !drained {
            match read(c) {
                Some(d) => drained = d,
                None => return Turn::Close,
            }
        }
        if !write(c) {
            return Turn::Close;
        }
        if c.busy || c.close_after || !c.out.is_empty() {
            break;
        }
        if answered == PER_TURN {
            more = true;
            break;
        }
        if !next_request(c, token, ctx) {
            break;
        }
    }
    let finished = c.out.is_empty() && !c.busy;
    if finished && c.close_after {
        let _ = c.stream.shutdown(std::net::Shutdown::Write);
        return Turn::Close;
    }
    // A client that closed its side gets what it asked for, then no more
    // (a request cut short is never answered).
    if finished && c.eof && !more {
        return Turn::Close;
    }
    if more { Turn::More } else { Turn::Wait }
}

/// Reads until the socket has nothing more, or the buffer is full: whether
/// it has nothing more (`None` when the connection failed).
fn read(c: &mut Conn) -> Option<bool> {
    let mut chunk = [0u8; 8192];
    // Nothing past a head and a body at their limits can be a request.
    while !c.eof && c.buf.len() <= HEAD_MAX + http::BODY_MAX {
        match c.stream.read(&mut chunk) {
            Ok(0) => c.eof = true,
            Ok(n) => {
                if c.began.is_none() {
                    let now = Instant::now();
                    c.began = Some(now);
                    c.deadline = now + HEAD_TIMEOUT;
                }
                c.buf.extend_from_slice(&chunk[..n]);
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Some(true),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
    Some(c.eof)
}

/// Writes what it can; false when the connection failed.
fn write(c: &mut Conn) -> bool {
    while !c.out.is_empty() {
        match c.stream.write(&c.out) {
            Ok(0) => return false,
            Ok(n) => {
                c.out.drain(..n);
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                return true;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return false,
        }
    }
    true
}

/// Answers the first request in `c.buf` if it is whole; false when there is
/// none yet.
fn next_request(c: &mut Conn, token: Token, ctx: &Ctx<'_>) -> bool {
    if c.buf.is_empty() {
        return false;
    }
    let began = *c.began.get_or_insert_with(Instant::now);
    let (total, keep_alive) = match http::framing_of(&c.buf) {
        Ok(None) => {
            if c.buf.len() > HEAD_MAX {
                refuse(c, 431, "request head too large", began);
            }
            return false;
        }
        Err(ReadError::Refuse(status, why)) => {
            refuse(c, status, why, began);
            return false;
        }
        Err(_) => {
            refuse(c, 400, "malformed request", began);
            return false;
        }
        Ok(Some(f)) => f,
    };
    if c.buf.len() < total {
        if !c.head_done {
            c.head_done = true;
            c.deadline = Instant::now() + BODY_TIMEOUT;
        }
        return false;
    }
    let rest = c.buf.split_off(total);
    let raw = std::mem::replace(&mut c.buf, rest);
    c.head_done = false;
    // The next request's time starts with its first byte, here already
    // when it was pipelined.
    c.began = (!c.buf.is_empty()).then(Instant::now);
    let Ok(req) = request::parse(&raw, Scheme::Http) else {
        refuse(c, 400, "malformed request", began);
        return false;
    };
    drop(raw);
    if may_write(&req) {
        let job = Job {
            req,
            keep_alive,
            began,
            token,
            tx: ctx.tx.clone(),
            waker: Arc::clone(ctx.waker),
        };
        // The workers live as long as the server: a send cannot fail but
        // when it stops, and then the connection closes.
        c.busy = ctx.jobs.send(job).is_ok();
        c.close_after |= !c.busy;
        return false;
    }
    c.close_after |= respond(ctx.shared, &req, keep_alive, began, &mut c.out);
    c.deadline = Instant::now() + next_wait(c);
    true
}

/// How long `c` may now wait: for its answer to be written (as long as a
/// kept-alive connection may idle), or for the rest of a pipelined head.
fn next_wait(c: &Conn) -> Duration {
    match (c.close_after, c.began) {
        (true, _) => WRITE_TIMEOUT,
        (false, Some(_)) => HEAD_TIMEOUT,
        (false, None) => IDLE_MAX,
    }
}

/// Appends the answer to `req` to `out` and logs it; whether the
/// connection then closes.
fn respond(
    shared: &Shared,
    req: &HttpRequest,
    keep_alive: bool,
    began: Instant,
    out: &mut Vec<u8>,
) -> bool {
    // A loop serves many connections: a handler's panic must not end it.
    let (resp, who) =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| routes::handle(shared, req)))
            .unwrap_or_else(|_| {
                let resp = Response::text(500, "the server failed to answer\n");
                (resp, routes::Who::default())
            });
    let keep_alive = keep_alive && !shared.stopping();
    http::put_response(out, &resp, keep_alive, req.method == "HEAD");
    super::log(&req.method, &req.path, resp.status, &who, began);
    !keep_alive
}

fn refuse(c: &mut Conn, status: u16, why: &str, began: Instant) {
    let resp = Response::text(status, &format!("{why}\n"));
    http::put_response(&mut c.out, &resp, false, false);
    super::log("-", "-", status, &routes::Who::default(), began);
    c.close_after = true;
    c.deadline = Instant::now() + WRITE_TIMEOUT;
}
