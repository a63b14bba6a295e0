//! The frame every stateful stage's snapshot is written in: an 8-byte magic naming the kind of snapshot, a
//! little-endian `u32` format version, then the encoded body. Stages encode the body themselves.

use std::io::{Read, Write};

/// Why a framed snapshot could not be read.
#[derive(Debug)]
pub enum FrameError {
    /// Not this kind of snapshot, or another format version: a reason to show.
    Unsupported(String),
    /// Reading the body failed.
    Io(std::io::Error),
}

/// Writes `body` behind the magic and version, then flushes.
pub fn write_framed(w: &mut impl Write, magic: &[u8; 8], version: u32, body: &[u8]) -> std::io::Result<()> {
    w.write_all(magic)?;
    w.write_all(&version.to_le_bytes())?;
    w.write_all(body)?;
    w.flush()
}

/// Checks the magic (`kind` names it in the message) and version, and returns the body.
pub fn read_framed(
    r: &mut impl Read,
    magic: &[u8; 8],
    version: u32,
    kind: &str,
) -> Result<Vec<u8>, FrameError> {
    let mut header = [0u8; 12];
    r.read_exact(&mut header)
        .map_err(|e| FrameError::Unsupported(format!("no header: {e}")))?;
    if &header[..8] != magic {
        return Err(FrameError::Unsupported(format!("not a khabar {kind} snapshot")));
    }
    let found = u32::from_le_bytes([header[8], header[9], header[10], header[11]]);
    if found != version {
        return Err(FrameError::Unsupported(format!(
            "version {found}, this build reads {version}"
        )));
    }
    let mut body = Vec::new();
    r.read_to_end(&mut body).map_err(FrameError::Io)?;
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip_and_refuse_other_kinds_and_versions() {
        let mut buf = Vec::new();
        write_framed(&mut buf, b"KHTEST\0\0", 2, b"body").unwrap();
        assert_eq!(
            read_framed(&mut buf.as_slice(), b"KHTEST\0\0", 2, "test").unwrap(),
            b"body"
        );
        let message = |r: Result<Vec<u8>, FrameError>| match r {
            Err(FrameError::Unsupported(m)) => m,
            other => panic!("expected Unsupported, got {other:?}"),
        };
        assert_eq!(
            message(read_framed(&mut buf.as_slice(), b"KHOTHER\0", 2, "other")),
            "not a khabar other snapshot"
        );
        assert_eq!(
            message(read_framed(&mut buf.as_slice(), b"KHTEST\0\0", 3, "test")),
            "version 2, this build reads 3"
        );
        assert!(message(read_framed(&mut &b"KH"[..], b"KHTEST\0\0", 2, "test")).starts_with("no header"));
    }
}
