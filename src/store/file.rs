//! The cache's file format and atomic writes.
//!
//! A cache file is `MAGIC` (8 bytes), the format version (u32, little-endian), the payload
//! length (u64, little-endian), the payload's blake3 hash (32 bytes), then the payload
//! (postcard). Any mismatch — wrong magic, other version, short file, bad hash, payload that
//! does not decode — is reported as [`Invalid`], never as a wrong value.

use std::fs;
use std::io::Write;
use std::path::Path;

use serde::Serialize;
use serde::de::DeserializeOwned;

/// The first bytes of every cache file.
pub const MAGIC: &[u8; 8] = b"ATOMDOC\0";
const HEADER: usize = 8 + 4 + 8 + 32;

/// Why a cache file cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invalid {
    /// Not there (first run): rebuilt without a notice.
    Absent,
    /// Written by another format version.
    Version(u32),
    /// Truncated, garbled or unreadable; the message says how.
    Corrupt(String),
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Invalid::Absent => write!(f, "absent"),
            Invalid::Version(v) => write!(f, "written by cache format version {v}"),
            Invalid::Corrupt(why) => write!(f, "corrupt ({why})"),
        }
    }
}

/// Encodes `value` with the header for format `version`.
pub fn encode<T: Serialize>(value: &T, version: u32) -> Result<Vec<u8>, postcard::Error> {
    let payload = postcard::to_stdvec(value)?;
    let mut out = Vec::with_capacity(HEADER + payload.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&version.to_le_bytes());
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(blake3::hash(&payload).as_bytes());
    out.extend_from_slice(&payload);
    Ok(out)
}

/// Decodes bytes written by [`encode`] with the same `version`.
pub fn decode<T: DeserializeOwned>(bytes: &[u8], version: u32) -> Result<T, Invalid> {
    if bytes.len() < HEADER || &bytes[..8] != MAGIC {
        return Err(Invalid::Corrupt("bad header".into()));
    }
    let found = u32::from_le_bytes(bytes[8..12].try_into().expect("4 bytes"));
    if found != version {
        return Err(Invalid::Version(found));
    }
    let len = u64::from_le_bytes(bytes[12..20].try_into().expect("8 bytes"));
    let payload = &bytes[HEADER..];
    if payload.len() as u64 != len {
        return Err(Invalid::Corrupt(format!(
            "{} bytes where {len} were written",
            payload.len()
        )));
    }
    if blake3::hash(payload).as_bytes() != &bytes[20..52] {
        return Err(Invalid::Corrupt("checksum mismatch".into()));
    }
    postcard::from_bytes(payload).map_err(|e| Invalid::Corrupt(e.to_string()))
}

/// Reads and decodes the cache file at `path`.
pub fn read<T: DeserializeOwned>(path: &Path, version: u32) -> Result<T, Invalid> {
    match fs::read(path) {
        Ok(bytes) => decode(&bytes, version),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(Invalid::Absent),
        Err(e) => Err(Invalid::Corrupt(e.to_string())),
    }
}

/// Writes `bytes` to `path` atomically: into a temporary file in the same folder, then renamed
/// over `path`. A killed process leaves either the old file or the new one. There is no
/// fsync: it would cost more than the rest of a warm update, and after a power loss a torn
/// file fails its checksum and is rebuilt, never believed.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        drop(f);
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_every_corruption() {
        let value = vec!["a".to_string(), "bc".to_string()];
        let bytes = encode(&value, 7).unwrap();
        assert_eq!(decode::<Vec<String>>(&bytes, 7), Ok(value));
        assert_eq!(decode::<Vec<String>>(&bytes, 8), Err(Invalid::Version(7)));
        for cut in [0, 5, HEADER, bytes.len() - 1] {
            assert!(matches!(
                decode::<Vec<String>>(&bytes[..cut], 7),
                Err(Invalid::Corrupt(_))
            ));
        }
        for i in [0, 13, 30, HEADER + 1] {
            let mut garbled = bytes.clone();
            garbled[i] ^= 0x55;
            assert!(decode::<Vec<String>>(&garbled, 7).is_err(), "byte {i}");
        }
    }
}
