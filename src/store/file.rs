//! The cache's file format.
//!
//! A cache file is `MAGIC` (8 bytes), the format version (u32, little-endian), the number of
//! parts (u32), then per part its length (u64) and blake3 hash (32 bytes), then the parts'
//! bytes (postcard). Parts let a large snapshot be checked and decoded on every core. Any
//! mismatch — wrong magic, other version, short file, bad hash, payload that does not decode —
//! is reported as [`Invalid`], never as a wrong value.

use rayon::prelude::*;
use serde::de::DeserializeOwned;

/// The first bytes of every cache file.
pub const MAGIC: &[u8; 8] = b"ATOMDOC\0";
#[cfg(test)]
const HEADER: usize = 16 + 40;

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

/// Frames already encoded `parts` with the header for format `version`.
pub fn encode_parts(parts: &[Vec<u8>], version: u32) -> Vec<u8> {
    let total: usize = parts.iter().map(Vec::len).sum();
    let mut out = Vec::with_capacity(16 + parts.len() * 40 + total);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&version.to_le_bytes());
    out.extend_from_slice(&(parts.len() as u32).to_le_bytes());
    let hashes: Vec<blake3::Hash> = parts.par_iter().map(|p| blake3::hash(p)).collect();
    for (p, h) in parts.iter().zip(&hashes) {
        out.extend_from_slice(&(p.len() as u64).to_le_bytes());
        out.extend_from_slice(h.as_bytes());
    }
    for p in parts {
        out.extend_from_slice(p);
    }
    out
}

/// Checks the header and every part's length and hash (in parallel); returns the parts.
pub fn decode_parts(bytes: &[u8], version: u32) -> Result<Vec<&[u8]>, Invalid> {
    if bytes.len() < 16 || &bytes[..8] != MAGIC {
        return Err(Invalid::Corrupt("bad header".into()));
    }
    let found = u32::from_le_bytes(bytes[8..12].try_into().expect("4 bytes"));
    if found != version {
        return Err(Invalid::Version(found));
    }
    let count = u32::from_le_bytes(bytes[12..16].try_into().expect("4 bytes")) as usize;
    let table_end = count
        .checked_mul(40)
        .and_then(|n| n.checked_add(16))
        .filter(|&end| end <= bytes.len())
        .ok_or_else(|| Invalid::Corrupt("truncated part table".into()))?;
    let mut parts = Vec::with_capacity(count);
    let mut at = table_end;
    for i in 0..count {
        let entry = &bytes[16 + i * 40..16 + (i + 1) * 40];
        let len = u64::from_le_bytes(entry[..8].try_into().expect("8 bytes"));
        let end = usize::try_from(len)
            .ok()
            .and_then(|l| at.checked_add(l))
            .filter(|&end| end <= bytes.len())
            .ok_or_else(|| Invalid::Corrupt(format!("part {i} is cut short")))?;
        parts.push((&bytes[at..end], &entry[8..40]));
        at = end;
    }
    if at != bytes.len() {
        return Err(Invalid::Corrupt(format!(
            "{} bytes after the last part",
            bytes.len() - at
        )));
    }
    let ok = parts
        .par_iter()
        .all(|(p, hash)| blake3::hash(p).as_bytes() == *hash);
    if !ok {
        return Err(Invalid::Corrupt("checksum mismatch".into()));
    }
    Ok(parts.into_iter().map(|(p, _)| p).collect())
}

/// Decodes one postcard part.
pub fn decode_part<T: DeserializeOwned>(part: &[u8]) -> Result<T, Invalid> {
    postcard::from_bytes(part).map_err(|e| Invalid::Corrupt(e.to_string()))
}

/// Encodes `value` as a one-part file for format `version`.
pub fn encode<T: serde::Serialize>(value: &T, version: u32) -> Result<Vec<u8>, postcard::Error> {
    Ok(encode_parts(&[postcard::to_stdvec(value)?], version))
}

/// The name of a one-part file's contents: the blake3 hash (hex) of its format version and of
/// the hash its header records for the part (read, not computed). The version is part of it:
/// the same bytes written by another format version are another file, never taken for this
/// one's. `None` when the bytes are not a one-part file.
pub fn single_part_hash(bytes: &[u8]) -> Option<String> {
    if bytes.len() < 16 + 40 || &bytes[..8] != MAGIC || bytes[12..16] != 1u32.to_le_bytes() {
        return None;
    }
    let mut h = blake3::Hasher::new();
    h.update(&bytes[8..12]);
    h.update(&bytes[24..56]);
    Some(h.finalize().to_hex().to_string())
}

/// Decodes a one-part file written by [`encode`] with the same `version`.
pub fn decode<T: DeserializeOwned>(bytes: &[u8], version: u32) -> Result<T, Invalid> {
    match decode_parts(bytes, version)?.as_slice() {
        [one] => decode_part(one),
        parts => Err(Invalid::Corrupt(format!(
            "{} parts where 1 was written",
            parts.len()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_every_corruption() {
        let value = vec!["a".to_string(), "bc".to_string()];
        let bytes = encode(&value, 7).unwrap();
        assert_eq!(decode::<Vec<String>>(&bytes, 7), Ok(value.clone()));
        assert_eq!(decode::<Vec<String>>(&bytes, 8), Err(Invalid::Version(7)));
        for cut in [0, 5, HEADER, bytes.len() - 1] {
            assert!(matches!(
                decode::<Vec<String>>(&bytes[..cut], 7),
                Err(Invalid::Corrupt(_))
            ));
        }
        // The same contents under another format version are named apart.
        let other = encode(&value, 8).unwrap();
        assert_eq!(other[16..], bytes[16..]);
        let name = single_part_hash(&bytes).unwrap();
        assert_eq!(name.len(), 64);
        assert_ne!(single_part_hash(&other), Some(name));
        for i in [0, 13, 20, 30, HEADER + 1] {
            let mut garbled = bytes.clone();
            garbled[i] ^= 0x55;
            assert!(decode::<Vec<String>>(&garbled, 7).is_err(), "byte {i}");
        }
    }
}
