//! The mock message server's websocket, by hand: the upgrade and RFC 6455 framing, sending
//! only what TOP's servers send. A websocket library answers every ping with a pong, and the
//! official Java client hands every frame that is not a close frame (a pong with no payload
//! among them) to its top-link decoder, whose first act is to read a version byte: its first
//! connect failed on the pong that answered its opening ping. Here pings go unanswered (TOP's
//! servers do not answer them either), and every frame sent is one binary top-link message
//! (or the close).

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// The largest upgrade request read (a browser's is under 1 KiB).
const MAX_REQUEST_HEAD: usize = 8 * 1024;
/// The largest message taken from a client (frames of one message together).
pub(super) const MAX_MESSAGE: usize = 16 * 1024 * 1024;

/// Reads the HTTP upgrade request and answers it: `Err` (and a 400 sent) for anything that is
/// not a websocket upgrade.
pub(super) async fn accept<S: AsyncRead + AsyncWrite + Unpin>(s: &mut S) -> std::io::Result<()> {
    let mut head = Vec::with_capacity(512);
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if head.len() >= MAX_REQUEST_HEAD {
            return refuse(s, "request head too large").await;
        }
        if s.read(&mut byte).await? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        head.push(byte[0]);
    }
    let text = String::from_utf8_lossy(&head);
    let header = |name: &str| {
        text.lines().skip(1).find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_string())
        })
    };
    let upgrade = header("upgrade").is_some_and(|u| u.eq_ignore_ascii_case("websocket"));
    let Some(key) = header("sec-websocket-key").filter(|_| upgrade) else {
        return refuse(s, "not a websocket upgrade").await;
    };
    let accept = tokio_tungstenite::tungstenite::handshake::derive_accept_key(key.as_bytes());
    let answer = format!(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Accept: {accept}\r\n\r\n"
    );
    s.write_all(answer.as_bytes()).await?;
    s.flush().await
}

async fn refuse<S: AsyncWrite + Unpin>(s: &mut S, why: &str) -> std::io::Result<()> {
    let body = format!("{why}\n");
    let answer = format!(
        "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = s.write_all(answer.as_bytes()).await;
    Err(std::io::Error::new(
        std::io::ErrorKind::InvalidData,
        why.to_string(),
    ))
}

/// What a client sent.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Incoming {
    /// A binary message (a top-link frame, to decode).
    Binary(Vec<u8>),
    /// A close frame, or the end of the stream.
    Closed,
}

/// Reads the client's frames: binary messages out; pings, pongs and text skipped (pings
/// unanswered, as TOP's servers leave them); a protocol error is the end of the connection.
pub(super) async fn next<R: AsyncRead + Unpin>(r: &mut R) -> std::io::Result<Incoming> {
    let mut message: Vec<u8> = Vec::new();
    let mut binary = false;
    loop {
        let mut h = [0u8; 2];
        if let Err(e) = r.read_exact(&mut h).await {
            return match e.kind() {
                std::io::ErrorKind::UnexpectedEof => Ok(Incoming::Closed),
                _ => Err(e),
            };
        }
        let fin = h[0] & 0x80 != 0;
        let opcode = h[0] & 0x0f;
        let masked = h[1] & 0x80 != 0;
        let len = match h[1] & 0x7f {
            126 => u64::from(r.read_u16().await?),
            127 => r.read_u64().await?,
            n => u64::from(n),
        };
        let too_big = || std::io::Error::new(std::io::ErrorKind::InvalidData, "message too large");
        let len = usize::try_from(len).map_err(|_| too_big())?;
        if message.len().saturating_add(len) > MAX_MESSAGE {
            return Err(too_big());
        }
        let mut mask = [0u8; 4];
        if masked {
            r.read_exact(&mut mask).await?;
        }
        let mut payload = vec![0u8; len];
        r.read_exact(&mut payload).await?;
        if masked {
            for (i, b) in payload.iter_mut().enumerate() {
                *b ^= mask[i % 4];
            }
        }
        match opcode {
            0x8 => return Ok(Incoming::Closed),
            // Control frames between fragments, text: nothing for TMC.
            0x9 | 0xA => continue,
            0x1 => {
                binary = false;
                message.clear();
                if fin {
                    continue;
                }
            }
            0x2 => {
                binary = true;
                message = payload;
            }
            0x0 => message.extend_from_slice(&payload),
            _ => {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    "unknown websocket opcode",
                ));
            }
        }
        if fin && binary {
            return Ok(Incoming::Binary(std::mem::take(&mut message)));
        }
    }
}

/// Appends one binary message (unmasked, as a server sends) to `out`.
pub(super) fn binary(out: &mut Vec<u8>, payload: &[u8]) {
    out.push(0x82);
    match payload.len() {
        n @ 0..=125 => out.push(n as u8),
        n @ 126..=0xffff => {
            out.push(126);
            out.extend_from_slice(&(n as u16).to_be_bytes());
        }
        n => {
            out.push(127);
            out.extend_from_slice(&(n as u64).to_be_bytes());
        }
    }
    out.extend_from_slice(payload);
}

/// A close frame with status 1000 (normal closure).
pub(super) const CLOSE: [u8; 4] = [0x88, 0x02, 0x03, 0xe8];

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn frames_round_trip_and_pings_are_skipped_unanswered() {
        // A masked ping, then a masked binary message in two fragments, then a close.
        let mask = [1u8, 2, 3, 4];
        let masked = |opcode: u8, fin: bool, data: &[u8]| {
            let mut f = vec![if fin { 0x80 } else { 0 } | opcode, 0x80 | data.len() as u8];
            f.extend_from_slice(&mask);
            f.extend(data.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
            f
        };
        let mut wire = masked(0x9, true, b"");
        wire.extend(masked(0x2, false, b"top-"));
        wire.extend(masked(0x0, true, b"link"));
        wire.extend(masked(0x8, true, &[0x03, 0xe8]));
        let mut r = wire.as_slice();
        assert_eq!(
            next(&mut r).await.unwrap(),
            Incoming::Binary(b"top-link".to_vec())
        );
        assert_eq!(next(&mut r).await.unwrap(), Incoming::Closed);
        // What the server writes: lengths in their three forms.
        for n in [0usize, 125, 126, 65_535, 65_536] {
            let mut out = Vec::new();
            binary(&mut out, &vec![7u8; n]);
            let mut r = out.as_slice();
            assert_eq!(next(&mut r).await.unwrap(), Incoming::Binary(vec![7u8; n]));
        }
        // A message over the limit is refused before it is read.
        let mut big = vec![0x82, 127];
        big.extend_from_slice(&(MAX_MESSAGE as u64 + 1).to_be_bytes());
        assert!(next(&mut big.as_slice()).await.is_err());
    }
}
