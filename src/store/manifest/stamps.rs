//! The manifest's stamps, stored by column: the paths one after another in one string (sorted,
//! front-coded on disk), the stats, the content hashes and the few warnings each in its own
//! vector. A warm load decodes them with a handful of allocations instead of one per file, a
//! load after an edit compares them with the stat walk in one merge, and an edit re-encodes
//! them in one pass.
//!
//! On disk (inside `snapshot.bin`, whose checksum covers it), [`Stamps`] is: the count
//! (varint); the paths' total length (varint), then per path the length of the prefix it
//! shares with the one before and the rest (varint, varint, bytes); per stat, a flag byte
//! (present, folder) and, when present, size, inode (varints), mtime and ctime (zigzag
//! varints of the difference from the stat before); the 32-byte hashes; the warnings (count,
//! then per warning the distance from the previous warning's index, the length and the
//! text). [`DepStamps`] is the same without hashes and warnings. Anything that does not
//! decode to sorted, valid paths is an error, never a stamp.

use std::cmp::Ordering;

use crate::corpus::scan::Stat;

/// One file's stamp, owned: what [`Stamps`] is built from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileStamp {
    pub path: String,
    /// Size, mtime, inode and ctime when the file was read: any difference means "read it
    /// again" (see [`Stat`]).
    pub stat: Stat,
    pub hash: [u8; 32],
    /// A warning the file's reading produced (invalid UTF-8), repeated on every run.
    pub warning: Option<String>,
}

/// What changed between the manifest and the stat walk.
#[derive(Default)]
pub struct Diff {
    /// Paths whose stat differs, or that are new, with their stat now: to be read.
    pub candidates: Vec<(String, Option<Stat>)>,
    pub removed: Vec<String>,
}

/// Paths in one string, sorted and without repeats.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct Paths {
    text: String,
    /// Where each path ends in `text`.
    ends: Vec<usize>,
}

impl Paths {
    fn len(&self) -> usize {
        self.ends.len()
    }

    fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.text[start..self.ends[i]]
    }

    /// Appends `path`, which must sort after every path already there.
    fn push(&mut self, path: &str) {
        debug_assert!(self.len() == 0 || self.get(self.len() - 1) < path);
        self.text.push_str(path);
        self.ends.push(self.text.len());
    }

    /// The index of `path`, by binary search.
    fn find(&self, path: &str) -> Option<usize> {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            match self.get(mid).cmp(path) {
                Ordering::Less => lo = mid + 1,
                Ordering::Greater => hi = mid,
                Ordering::Equal => return Some(mid),
            }
        }
        None
    }

    fn encode(&self, out: &mut Vec<u8>) {
        put(out, self.text.len() as u128);
        let mut prev = "";
        for i in 0..self.len() {
            let path = self.get(i);
            let shared = prev
                .bytes()
                .zip(path.bytes())
                .take_while(|(a, b)| a == b)
                .count();
            put(out, shared as u128);
            put(out, (path.len() - shared) as u128);
            out.extend_from_slice(&path.as_bytes()[shared..]);
            prev = path;
        }
    }

    fn decode(r: &mut Reader, count: usize) -> Result<Paths, String> {
        let total = r.usize()?;
        // No path is longer than 4 KiB (`PATH_MAX`): a garbled total asks for no more.
        let mut bytes = Vec::with_capacity(total.min(count.saturating_mul(4096)));
        let mut ends = Vec::with_capacity(count);
        let mut prev = 0..0;
        for _ in 0..count {
            let shared = r.usize()?;
            let rest = r.usize()?;
            if shared > prev.len() {
                return Err("a path shares more than the one before it".into());
            }
            let start = bytes.len();
            bytes.extend_from_within(prev.start..prev.start + shared);
            bytes.extend_from_slice(r.take(rest)?);
            if start > 0 && bytes[prev.clone()] >= bytes[start..] {
                return Err("paths out of order".into());
            }
            prev = start..bytes.len();
            ends.push(bytes.len());
        }
        if bytes.len() != total {
            return Err("the paths' length is not the one recorded".into());
        }
        let text = String::from_utf8(bytes).map_err(|_| "a path is not UTF-8".to_string())?;
        if !ends.iter().all(|&e| text.is_char_boundary(e)) {
            return Err("a path is not UTF-8".into());
        }
        Ok(Paths { text, ends })
    }
}

/// Stats by column, each optional (a dependency may not exist).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct Stats(Vec<Option<Stat>>);

impl Stats {
    fn encode(&self, out: &mut Vec<u8>) {
        let (mut mtime, mut ctime) = (0i128, 0i128);
        for stat in &self.0 {
            let Some(s) = stat else {
                out.push(0);
                continue;
            };
            out.push(1 | (u8::from(s.is_dir) << 1));
            put(out, u128::from(s.size));
            put(out, u128::from(s.inode));
            put(out, zigzag(s.mtime.wrapping_sub(mtime)));
            put(out, zigzag(s.ctime.wrapping_sub(ctime)));
            (mtime, ctime) = (s.mtime, s.ctime);
        }
    }

    fn decode(r: &mut Reader, count: usize) -> Result<Stats, String> {
        let (mut mtime, mut ctime) = (0i128, 0i128);
        let mut stats = Vec::with_capacity(count);
        for _ in 0..count {
            let flags = r.byte()?;
            if flags & 1 == 0 {
                stats.push(None);
                continue;
            }
            let size = r.u64()?;
            let inode = r.u64()?;
            mtime = mtime.wrapping_add(unzigzag(r.varint()?));
            ctime = ctime.wrapping_add(unzigzag(r.varint()?));
            stats.push(Some(Stat {
                is_dir: flags & 2 != 0,
                size,
                mtime,
                inode,
                ctime,
            }));
        }
        Ok(Stats(stats))
    }
}

/// The stamps of the files read (documents, or referrers), sorted by path.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Stamps {
    paths: Paths,
    /// Always `Some` (a file read has a stat); optional to share the codec with
    /// [`DepStamps`].
    stats: Stats,
    hashes: Vec<[u8; 32]>,
    /// The warnings, by index, in index order.
    warnings: Vec<(usize, String)>,
}

impl Stamps {
    /// The stamps, sorted by path (for a path given twice, the last one).
    pub fn from_unsorted(mut stamps: Vec<FileStamp>) -> Stamps {
        sort_last_wins(&mut stamps, |s| &s.path);
        let bytes = stamps.iter().map(|s| s.path.len()).sum();
        let mut out = Stamps::with_capacity(stamps.len(), bytes);
        for s in stamps {
            out.push(&s.path, s.stat, s.hash, s.warning);
        }
        out
    }

    fn with_capacity(stamps: usize, path_bytes: usize) -> Stamps {
        Stamps {
            paths: Paths {
                text: String::with_capacity(path_bytes),
                ends: Vec::with_capacity(stamps),
            },
            stats: Stats(Vec::with_capacity(stamps)),
            hashes: Vec::with_capacity(stamps),
            warnings: Vec::new(),
        }
    }

    /// About how many bytes [`Stamps::encode`] writes.
    pub fn encoded_len(&self) -> usize {
        self.len() * (32 + 24) + self.paths.text.len() / 2
    }

    pub fn len(&self) -> usize {
        self.paths.len()
    }

    pub fn path(&self, i: usize) -> &str {
        self.paths.get(i)
    }

    pub fn stat(&self, i: usize) -> Option<Stat> {
        self.stats.0[i]
    }

    pub fn hash(&self, i: usize) -> &[u8; 32] {
        &self.hashes[i]
    }

    /// The index of `path`, by binary search.
    pub fn find(&self, path: &str) -> Option<usize> {
        self.paths.find(path)
    }

    /// Every warning with its file's path.
    pub fn warnings(&self) -> impl Iterator<Item = (&str, &str)> {
        self.warnings
            .iter()
            .map(|(i, w)| (self.paths.get(*i), w.as_str()))
    }

    /// Appends a stamp, whose path must sort after every path already there.
    fn push(&mut self, path: &str, stat: Stat, hash: [u8; 32], warning: Option<String>) {
        if let Some(w) = warning {
            self.warnings.push((self.len(), w));
        }
        self.paths.push(path);
        self.stats.0.push(Some(stat));
        self.hashes.push(hash);
    }

    /// Appends the `i`-th stamp of `other`.
    fn push_from(&mut self, other: &Stamps, i: usize) {
        let warning = other
            .warnings
            .binary_search_by_key(&i, |(at, _)| *at)
            .ok()
            .map(|at| other.warnings[at].1.clone());
        let stat = other.stats.0[i].unwrap_or(super::IMPOSSIBLE);
        self.push(other.path(i), stat, other.hashes[i], warning);
    }

    /// These stamps without the paths `gone`, with `fresh` (sorted by path, no repeats) in
    /// place of the stamps of the same paths: one merge.
    pub fn merged(&self, fresh: &Stamps, gone: impl Fn(&str) -> bool) -> Stamps {
        let mut out = Stamps::with_capacity(
            self.len() + fresh.len(),
            self.paths.text.len() + fresh.paths.text.len(),
        );
        let (mut i, mut j) = (0, 0);
        while i < self.len() || j < fresh.len() {
            let order = match (i < self.len(), j < fresh.len()) {
                (true, true) => self.path(i).cmp(fresh.path(j)),
                (true, false) => Ordering::Less,
                _ => Ordering::Greater,
            };
            match order {
                Ordering::Less => {
                    if !gone(self.path(i)) {
                        out.push_from(self, i);
                    }
                    i += 1;
                }
                Ordering::Equal => {
                    out.push_from(fresh, j);
                    i += 1;
                    j += 1;
                }
                Ordering::Greater => {
                    out.push_from(fresh, j);
                    j += 1;
                }
            }
        }
        out
    }

    /// Compares the stamps with the stat walk (`paths` and their `stats`) in one merge of the two
    /// sorted lists (the walk's is sorted first if it is not).
    pub fn diff(&self, paths: &[String], stats: &[Option<Stat>]) -> Diff {
        let mut order: Vec<usize> = (0..paths.len()).collect();
        if !paths.is_sorted() {
            order.sort_by(|&a, &b| paths[a].cmp(&paths[b]));
        }
        let mut d = Diff::default();
        let (mut i, mut j) = (0, 0);
        while i < self.len() || j < order.len() {
            let old = (i < self.len()).then(|| self.path(i));
            let new = order.get(j).map(|&k| (paths[k].as_str(), stats[k]));
            match (old, new) {
                (Some(o), Some((n, stat))) if o == n => {
                    if stat != self.stat(i) {
                        d.candidates.push((n.to_string(), stat));
                    }
                    i += 1;
                    j += 1;
                }
                (Some(o), Some((n, _))) if o < n => {
                    d.removed.push(o.to_string());
                    i += 1;
                }
                (Some(o), None) => {
                    d.removed.push(o.to_string());
                    i += 1;
                }
                (_, Some((n, stat))) => {
                    d.candidates.push((n.to_string(), stat));
                    j += 1;
                }
                (None, None) => break,
            }
        }
        d
    }

    pub fn encode(&self, out: &mut Vec<u8>) {
        put(out, self.len() as u128);
        self.paths.encode(out);
        self.stats.encode(out);
        for h in &self.hashes {
            out.extend_from_slice(h);
        }
        put(out, self.warnings.len() as u128);
        let mut at = 0;
        for (i, w) in &self.warnings {
            put(out, (i - at) as u128);
            put(out, w.len() as u128);
            out.extend_from_slice(w.as_bytes());
            at = *i;
        }
    }

    pub fn decode(r: &mut Reader) -> Result<Stamps, String> {
        let count = r.count()?;
        let paths = Paths::decode(r, count)?;
        let stats = Stats::decode(r, count)?;
        if stats.0.iter().any(Option::is_none) {
            return Err("a file without a stat".into());
        }
        let hashes = r
            .take(count.checked_mul(32).ok_or("too many hashes")?)?
            .chunks_exact(32)
            .map(|h| h.try_into().expect("32 bytes"))
            .collect();
        let many = r.count()?;
        let mut warnings = Vec::with_capacity(many.min(count));
        let mut at = 0usize;
        for n in 0..many {
            let step = r.usize()?;
            at = at
                .checked_add(step)
                .filter(|&i| i < count)
                .ok_or("bad warning index")?;
            if n > 0 && step == 0 {
                return Err("two warnings for one file".into());
            }
            let len = r.usize()?;
            let text = std::str::from_utf8(r.take(len)?).map_err(|_| "a warning is not UTF-8")?;
            warnings.push((at, text.to_string()));
        }
        Ok(Stamps {
            paths,
            stats,
            hashes,
            warnings,
        })
    }
}

/// The non-document paths link resolution consulted, sorted, each with its stat then (`None`:
/// it did not exist).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct DepStamps {
    paths: Paths,
    stats: Stats,
}

impl DepStamps {
    /// The stamps, sorted by path (for a path given twice, the last one).
    pub fn from_unsorted(mut deps: Vec<(String, Option<Stat>)>) -> DepStamps {
        sort_last_wins(&mut deps, |d| &d.0);
        let mut out = DepStamps::default();
        for (path, stat) in deps {
            out.paths.push(&path);
            out.stats.0.push(stat);
        }
        out
    }

    pub fn len(&self) -> usize {
        self.paths.len()
    }

    pub fn get(&self, i: usize) -> (&str, Option<Stat>) {
        (self.paths.get(i), self.stats.0[i])
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, Option<Stat>)> {
        (0..self.len()).map(|i| self.get(i))
    }

    pub fn encode(&self, out: &mut Vec<u8>) {
        put(out, self.paths.len() as u128);
        self.paths.encode(out);
        self.stats.encode(out);
    }

    pub fn decode(r: &mut Reader) -> Result<DepStamps, String> {
        let count = r.count()?;
        let paths = Paths::decode(r, count)?;
        let stats = Stats::decode(r, count)?;
        Ok(DepStamps { paths, stats })
    }
}

/// Sorts `items` by path, keeping of a path given twice the last one.
fn sort_last_wins<T>(items: &mut Vec<T>, path: impl Fn(&T) -> &String) {
    items.reverse();
    // Stable: of equal paths, the one given last comes first and is the one kept.
    items.sort_by(|a, b| path(a).cmp(path(b)));
    items.dedup_by(|a, b| path(a) == path(b));
}

/// Appends `n` as a LEB128 varint.
fn put(out: &mut Vec<u8>, mut n: u128) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

fn zigzag(n: i128) -> u128 {
    ((n << 1) ^ (n >> 127)) as u128
}

fn unzigzag(n: u128) -> i128 {
    ((n >> 1) as i128) ^ -((n & 1) as i128)
}

/// Reads what [`put`] and the encoders wrote, every read bounds-checked.
pub struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes }
    }

    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        if n > self.bytes.len() {
            return Err("cut short".into());
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Ok(head)
    }

    fn byte(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?[0])
    }

    fn varint(&mut self) -> Result<u128, String> {
        let mut n = 0u128;
        for shift in (0..128).step_by(7) {
            let b = self.byte()?;
            n |= u128::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(n);
            }
        }
        Err("a number too long".into())
    }

    fn u64(&mut self) -> Result<u64, String> {
        u64::try_from(self.varint()?).map_err(|_| "a number too large".into())
    }

    fn usize(&mut self) -> Result<usize, String> {
        usize::try_from(self.varint()?).map_err(|_| "a number too large".into())
    }

    /// A count of entries, each at least one byte: never more than the bytes left (so a
    /// garbled count cannot ask for a huge allocation).
    fn count(&mut self) -> Result<usize, String> {
        let n = self.usize()?;
        if n > self.bytes.len() {
            return Err("cut short".into());
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stat(size: u64, mtime: i128) -> Stat {
        Stat {
            is_dir: false,
            size,
            mtime,
            inode: size.wrapping_mul(7),
            ctime: mtime + 3,
        }
    }

    fn stamp(path: &str, size: u64, warning: Option<&str>) -> FileStamp {
        FileStamp {
            path: path.into(),
            stat: stat(size, 1_700_000_000_000_000_000 - i128::from(size) * 999),
            hash: *blake3::hash(path.as_bytes()).as_bytes(),
            warning: warning.map(str::to_string),
        }
    }

    fn sample() -> Stamps {
        Stamps::from_unsorted(vec![
            stamp("docs/b/two.md", 20, None),
            stamp("docs/a/one.md", 10, Some("is not valid UTF-8")),
            stamp("docs/b/three.md", 0, None),
            stamp("docs/é/ü.md", u64::MAX, Some("again")),
            stamp("docs/a/one.md", 11, None),
        ])
    }

    fn round_trip(s: &Stamps) -> Stamps {
        let mut bytes = Vec::new();
        s.encode(&mut bytes);
        let mut r = Reader::new(&bytes);
        let back = Stamps::decode(&mut r).unwrap();
        assert!(r.is_empty());
        back
    }

    #[test]
    fn stamps_sort_keep_the_last_of_a_path_and_round_trip() {
        let s = sample();
        assert_eq!(s.len(), 4);
        let paths: Vec<&str> = (0..s.len()).map(|i| s.path(i)).collect();
        assert_eq!(
            paths,
            [
                "docs/a/one.md",
                "docs/b/three.md",
                "docs/b/two.md",
                "docs/é/ü.md"
            ]
        );
        assert_eq!(s.stat(0).unwrap().size, 11);
        assert_eq!(s.warnings().collect::<Vec<_>>(), [("docs/é/ü.md", "again")]);
        assert_eq!(round_trip(&s), s);
        assert_eq!(round_trip(&Stamps::default()), Stamps::default());
        assert_eq!(s.find("docs/b/two.md"), Some(2));
        assert_eq!(s.find("docs/b/twp.md"), None);
    }

    #[test]
    fn stats_round_trip_at_their_extremes() {
        let odd = [
            Some(Stat {
                is_dir: true,
                size: 0,
                mtime: 0,
                inode: 0,
                ctime: 0,
            }),
            None,
            Some(Stat {
                is_dir: false,
                size: u64::MAX,
                mtime: i128::MIN,
                inode: u64::MAX,
                ctime: i128::MAX,
            }),
            Some(Stat {
                is_dir: false,
                size: 1,
                mtime: i128::MAX,
                inode: 2,
                ctime: i128::MIN,
            }),
        ];
        let deps = DepStamps::from_unsorted(
            odd.iter()
                .enumerate()
                .map(|(i, s)| (format!("p{i}"), *s))
                .collect(),
        );
        let mut bytes = Vec::new();
        deps.encode(&mut bytes);
        let back = DepStamps::decode(&mut Reader::new(&bytes)).unwrap();
        assert_eq!(back, deps);
        assert_eq!(back.iter().map(|(_, s)| s).collect::<Vec<_>>(), odd);
    }

    #[test]
    fn merged_drops_the_gone_and_takes_the_fresh() {
        let old = sample();
        let fresh = Stamps::from_unsorted(vec![
            stamp("docs/b/two.md", 99, Some("new warning")),
            stamp("docs/c.md", 5, None),
            stamp("a.md", 1, None),
        ]);
        let m = old.merged(&fresh, |p| p == "docs/b/three.md");
        let paths: Vec<&str> = (0..m.len()).map(|i| m.path(i)).collect();
        assert_eq!(
            paths,
            [
                "a.md",
                "docs/a/one.md",
                "docs/b/two.md",
                "docs/c.md",
                "docs/é/ü.md"
            ]
        );
        assert_eq!(m.stat(2).unwrap().size, 99);
        assert_eq!(
            m.warnings().collect::<Vec<_>>(),
            [("docs/b/two.md", "new warning"), ("docs/é/ü.md", "again")]
        );
        assert_eq!(round_trip(&m), m);
    }

    /// The diff as it was written before the merge: lookup tables, in the walk's order.
    fn naive(prev: &Stamps, paths: &[String], stats: &[Option<Stat>]) -> Diff {
        let old: std::collections::HashMap<&str, Option<Stat>> = (0..prev.len())
            .map(|i| (prev.path(i), prev.stat(i)))
            .collect();
        let mut d = Diff::default();
        for (p, s) in paths.iter().zip(stats) {
            if old.get(p.as_str()).is_none_or(|o| s.is_none() || o != s) {
                d.candidates.push((p.clone(), *s));
            }
        }
        let now: std::collections::HashSet<&str> = paths.iter().map(String::as_str).collect();
        d.removed = (0..prev.len())
            .map(|i| prev.path(i))
            .filter(|p| !now.contains(p))
            .map(str::to_string)
            .collect();
        d
    }

    proptest::proptest! {
        #[test]
        fn diff_is_the_naive_diff(
            old in proptest::collection::btree_map("[ab/]{0,4}", 0u64..3, 0..12),
            new in proptest::collection::btree_map("[ab/]{0,4}", proptest::option::of(0u64..3), 0..12),
            reverse in proptest::bool::ANY,
        ) {
            let prev = Stamps::from_unsorted(
                old.iter().map(|(p, size)| stamp(p, *size, None)).collect(),
            );
            let (paths, stats): (Vec<String>, Vec<Option<Stat>>) = if reverse {
                new.iter().rev().map(|(p, s)| (p.clone(), s.map(|size| prev_like(p, size)))).unzip()
            } else {
                new.iter().map(|(p, s)| (p.clone(), s.map(|size| prev_like(p, size)))).unzip()
            };
            let got = prev.diff(&paths, &stats);
            let want = naive(&prev, &paths, &stats);
            let sorted = |mut v: Vec<(String, Option<Stat>)>| { v.sort_by(|a, b| a.0.cmp(&b.0)); v };
            proptest::prop_assert_eq!(sorted(got.candidates), sorted(want.candidates));
            proptest::prop_assert_eq!(got.removed, want.removed);
        }
    }

    /// The stat [`stamp`] gives `path` at `size`.
    fn prev_like(path: &str, size: u64) -> Stat {
        stamp(path, size, None).stat
    }

    #[test]
    fn every_cut_and_garbled_byte_is_an_error_or_a_valid_value_never_a_panic() {
        let s = sample();
        let mut bytes = Vec::new();
        s.encode(&mut bytes);
        for cut in 0..bytes.len() {
            assert!(
                Stamps::decode(&mut Reader::new(&bytes[..cut])).is_err(),
                "{cut}"
            );
        }
        for i in 0..bytes.len() {
            for flip in [0x01, 0x80, 0xff] {
                let mut garbled = bytes.clone();
                garbled[i] ^= flip;
                if let Ok(back) = Stamps::decode(&mut Reader::new(&garbled)) {
                    // Whatever decodes is well formed: sorted paths, one stat and hash each.
                    let paths: Vec<&str> = (0..back.len()).map(|i| back.path(i)).collect();
                    assert!(paths.windows(2).all(|w| w[0] < w[1]), "byte {i}");
                    assert!((0..back.len()).all(|i| back.stat(i).is_some()));
                    assert!(back.warnings().count() <= back.len());
                }
            }
        }
    }
}
