//! The cache as a whole: a snapshot whose checksum holds but whose manifest does not decode.

use std::fs;

use super::snapshot::Snapshot;
use super::{CacheMode, FORMAT_VERSION, SNAPSHOT_FILE, file, load};
use crate::config;
use crate::corpus::Keep;

#[test]
fn a_snapshot_whose_manifest_does_not_decode_is_rebuilt_with_a_notice() {
    let dir = tempfile::tempdir().unwrap();
    let docs = dir.path().join("docs/atomic");
    fs::create_dir_all(&docs).unwrap();
    fs::write(
        docs.join("a.md"),
        "# A\n\nSee [b](b.md) and [gone](gone.md).\n",
    )
    .unwrap();
    fs::write(docs.join("b.md"), "# B\n\nBack to [a](a.md).\n").unwrap();
    let (location, config) = config::locate(Some(dir.path()), None, dir.path()).unwrap();
    let cache = dir.path().join("cache");
    let mode = CacheMode::Disk(cache.clone());
    let paths = |keep| -> (Vec<String>, Vec<String>) {
        let loaded = load(&location, &config, &mode, keep).unwrap();
        let paths = loaded.corpus.docs.iter().map(|d| d.path.clone()).collect();
        (paths, loaded.notices)
    };
    let (expected, notices) = paths(Keep::Graph);
    assert_eq!(expected, ["docs/atomic/a.md", "docs/atomic/b.md"]);
    assert_eq!(notices, Vec::<String>::new());

    // Frame the snapshot again (a right checksum) around a manifest of the same length that
    // is not one: every byte 0xff, a number that never ends.
    let path = cache.join(SNAPSHOT_FILE);
    let bytes = fs::read(&path).unwrap();
    let snap: Snapshot = file::decode(&bytes, FORMAT_VERSION).unwrap();
    let manifest = postcard::to_stdvec(&snap.manifest).unwrap();
    let mut payload = file::decode_parts(&bytes, FORMAT_VERSION).unwrap()[0].to_vec();
    let at = payload
        .windows(manifest.len())
        .position(|w| w == manifest)
        .expect("the manifest is in the snapshot");
    let (inner, _) = postcard::take_from_bytes::<&[u8]>(&manifest).unwrap();
    payload[at + manifest.len() - inner.len()..at + manifest.len()].fill(0xff);
    fs::write(&path, file::encode_parts(&[payload], FORMAT_VERSION)).unwrap();

    let (again, notices) = paths(Keep::Graph);
    assert_eq!(again, expected);
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert!(notices[0].contains("corrupt") && notices[0].contains("rebuilding it"));
    let (_, notices) = paths(Keep::Graph);
    assert_eq!(notices, Vec::<String>::new(), "rebuilt once");
}
