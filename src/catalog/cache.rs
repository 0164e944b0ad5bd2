//! The index cache: a loaded registry (its checked manifests and every finding about
//! them) kept on disk, so that repeat commands on an unchanged registry skip reading and
//! parsing its files, as cargo caches its registry index.
//!
//! An entry is keyed by what the registry's files are (`source::CacheKey`): the git tree
//! id of the registry folder when it is read through git (`--rev`, remote registries), and
//! for a working tree a fingerprint of the stat data of every file the load reads
//! (`source::fingerprint`); nothing is stored for a working tree whose files are still
//! changing.
//!
//! The payload is the model itself, serialised by its own derives with postcard: each
//! component encoded on its own, so that a command that needs part of a registry (`show`)
//! decodes only that part, and the rest decoded in parallel. The format is private to
//! this module and to the build that wrote it: nothing else reads it.
//!
//! The cache is an optimisation only. An entry starts with a header (magic, format,
//! the build that wrote it, the key's fingerprint, the payload's length and checksum);
//! an entry that is missing, truncated, corrupt or written by another build is ignored
//! and rewritten, never trusted, and never a reason to fail. Entries are written to a
//! temporary file and renamed into place, so readers see a whole entry or none.
//!
//! Layout, under the cache folder of remote registries (`$STACKREG_CACHE`, else the
//! platform's cache folder + `stackreg`):
//!
//! ```text
//! index/tree-<git tree id>     a registry read through git
//! index/dir-<path hash>        a working tree (one slot per folder, replaced on change)
//! ```

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Seek as _, Write as _};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostic;
use crate::model::registry::interfaces_used;
use crate::model::{
    Component, Excerpt, Focus, Id, Interface, Listed, Listing, Loaded, Origins, Registry,
    RegistryMeta, SourceInfo, Stack,
};
use crate::source::fingerprint::{CacheKey, Fingerprint};

/// The layout of entries; entries of another format are ignored.
const FORMAT: u32 = 6;
const MAGIC: &[u8; 8] = b"STKRIDX\0";
const HEADER_LEN: usize = 8 + 4 + 8 * 4;
/// Entries kept in the cache folder; the oldest are removed beyond this.
const MAX_ENTRIES: usize = 12;

/// Where cached registry loads are kept.
#[derive(Debug, Clone)]
pub struct IndexCache {
    dir: PathBuf,
}

/// An entry's payload: the load, with each component encoded on its own. Written from a
/// borrowed load (`Cow::Borrowed`), read back owned.
#[derive(Serialize, Deserialize)]
struct Entry<'a> {
    meta: Cow<'a, RegistryMeta>,
    interfaces: Cow<'a, BTreeMap<Id, Interface>>,
    #[serde(borrow)]
    components: Vec<Slot<'a>>,
    stacks: Cow<'a, BTreeMap<Id, Stack>>,
    diagnostics: Cow<'a, [Diagnostic]>,
    checked: u64,
    origins: Cow<'a, Origins>,
    sources: Cow<'a, BTreeMap<String, String>>,
}

/// One component: what choosing an excerpt needs, and the component itself and what a
/// listing shows of it (`Listed`), each encoded on its own.
#[derive(Serialize, Deserialize)]
struct Slot<'a> {
    id: &'a str,
    /// The interfaces its releases provide and require.
    #[serde(borrow)]
    provides: Vec<&'a str>,
    #[serde(borrow)]
    requires: Vec<&'a str>,
    #[serde(borrow)]
    component: Bytes<'a>,
    #[serde(borrow)]
    listed: Bytes<'a>,
}

/// Bytes written as bytes (postcard writes a plain `&[u8]` as a sequence, byte by byte).
struct Bytes<'a>(&'a [u8]);

impl Serialize for Bytes<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(self.0)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Bytes<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Bytes<'a>, D::Error> {
        <&'a [u8]>::deserialize(d).map(Bytes)
    }
}

impl IndexCache {
    /// The index cache in `dir` (the `index/` folder of the cache folder).
    pub fn at(dir: PathBuf) -> IndexCache {
        IndexCache { dir }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, key: &CacheKey) -> PathBuf {
        self.dir.join(&key.slot)
    }

    /// Runs `build` on the payload of the sound entry for `key`, if this build wrote one.
    fn with_entry<T>(
        &self,
        key: &CacheKey,
        build: impl FnOnce(Entry<'_>) -> Option<T>,
    ) -> Option<T> {
        let bytes = fs::read(self.path(key)).ok()?;
        let payload = check_header(&bytes, key.fingerprint)?;
        build(postcard::from_bytes(payload).ok()?)
    }

    /// The cached load of the whole registry for `key`.
    pub fn read(&self, key: &CacheKey, source: &SourceInfo) -> Option<Loaded> {
        self.with_entry(key, |mut entry| {
            let components = decode(&entry.components, |_| true)?;
            let registry = Registry {
                source: source.clone(),
                meta: take(&mut entry.meta),
                interfaces: take(&mut entry.interfaces),
                components,
                stacks: take(&mut entry.stacks),
            };
            loaded(entry, registry)
        })
    }

    /// The cached load for `key`, as a listing: what a listing shows of every component
    /// (no release is decoded), no interfaces or stacks.
    pub fn read_listing(&self, key: &CacheKey, source: &SourceInfo) -> Option<Loaded<Listing>> {
        self.with_entry(key, |mut entry| {
            let listed: Option<Vec<Listed>> = entry
                .components
                .par_iter()
                .map(|s| postcard::from_bytes::<Listed>(s.listed.0).ok())
                .collect();
            let listing = Listing {
                source: source.clone(),
                meta: take(&mut entry.meta),
                // Slots are in id order, so the map is built in bulk.
                components: listed?.into_iter().map(|c| (c.id.clone(), c)).collect(),
            };
            loaded(entry, listing)
        })
    }

    /// The cached load for `key`, as an excerpt about `focus`: only the components it
    /// keeps are decoded.
    pub fn read_excerpt(
        &self,
        key: &CacheKey,
        source: &SourceInfo,
        focus: &Focus,
    ) -> Option<Loaded<Excerpt>> {
        self.with_entry(key, |mut entry| {
            let uses: Vec<(&str, Vec<&str>, Vec<&str>)> = entry
                .components
                .iter()
                .map(|s| (s.id, s.provides.clone(), s.requires.clone()))
                .collect();
            let keeps = focus.keeps(&uses);
            let component_ids = entry
                .components
                .iter()
                .map(|s| Id::parse(s.id).ok())
                .collect::<Option<Vec<Id>>>()?;
            let excerpt = Excerpt {
                source: source.clone(),
                focus: focus.clone(),
                interfaces: take(&mut entry.interfaces),
                components: decode(&entry.components, |i| keeps[i])?,
                component_ids,
            };
            loaded(entry, excerpt)
        })
    }

    /// Stores `loaded` under `key`. Failures are ignored: the cache is only an optimisation.
    pub fn write(&self, key: &CacheKey, loaded: &Loaded) {
        if !key.storable {
            return;
        }
        let registry = &loaded.registry;
        let components: Vec<&Component> = registry.components.values().collect();
        let encoded: Result<Vec<(Vec<u8>, Vec<u8>)>, _> = components
            .par_iter()
            .map_init(Vec::new, |scratch, c| {
                Ok((
                    encode_exact(scratch, c)?,
                    encode_exact(scratch, &Listed::of(c))?,
                ))
            })
            .collect::<Result<_, postcard::Error>>();
        let Ok(encoded) = encoded else {
            return;
        };
        let entry = Entry {
            meta: Cow::Borrowed(&registry.meta),
            interfaces: Cow::Borrowed(&registry.interfaces),
            components: components
                .iter()
                .zip(&encoded)
                .map(|(c, (bytes, listed))| {
                    let (provides, requires) = interfaces_used(c);
                    Slot {
                        id: c.id.as_str(),
                        provides,
                        requires,
                        component: Bytes(bytes),
                        listed: Bytes(listed),
                    }
                })
                .collect(),
            stacks: Cow::Borrowed(&registry.stacks),
            diagnostics: Cow::Borrowed(&loaded.diagnostics),
            checked: loaded.checked as u64,
            origins: Cow::Borrowed(&loaded.origins),
            sources: Cow::Borrowed(&loaded.sources),
        };
        if fs::create_dir_all(&self.dir).is_err() {
            return;
        }
        // The payload is encoded straight into the file (a national catalogue's is over
        // ten megabytes), hashed as it goes; the header, which holds its length and
        // checksum, is written over the space left for it at the start.
        let written = tempfile::Builder::new()
            .prefix(".tmp-")
            .tempfile_in(&self.dir)
            .and_then(|mut tmp| {
                tmp.write_all(&[0; HEADER_LEN])?;
                let into = HashingWriter::new(io::BufWriter::new(tmp.as_file_mut()));
                let (out, len, sum) = postcard::serialize_with_flavor(&entry, into)
                    .map_err(|e| io::Error::other(e.to_string()))?;
                out.into_inner().map_err(|e| e.into_error())?;
                let mut header = Vec::with_capacity(HEADER_LEN);
                header.extend_from_slice(MAGIC);
                header.extend_from_slice(&FORMAT.to_le_bytes());
                header.extend_from_slice(&build_stamp().to_le_bytes());
                header.extend_from_slice(&key.fingerprint.to_le_bytes());
                header.extend_from_slice(&len.to_le_bytes());
                header.extend_from_slice(&sum.to_le_bytes());
                tmp.seek(io::SeekFrom::Start(0))?;
                tmp.write_all(&header)?;
                tmp.persist(self.path(key)).map_err(|e| e.error)?;
                Ok(())
            });
        if written.is_ok() {
            self.prune();
        }
    }

    /// Removes the oldest entries beyond `MAX_ENTRIES`, and temporary files left by runs
    /// that were killed while writing.
    fn prune(&self) {
        let Ok(read) = fs::read_dir(&self.dir) else {
            return;
        };
        let mut entries = Vec::new();
        let stale = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        for e in read.flatten() {
            let Ok(meta) = e.metadata() else { continue };
            let modified = meta.modified().unwrap_or(std::time::UNIX_EPOCH);
            if e.file_name().to_string_lossy().starts_with(".tmp-") {
                if modified < stale {
                    let _ = fs::remove_file(e.path());
                }
                continue;
            }
            entries.push((modified, e.path()));
        }
        if entries.len() > MAX_ENTRIES {
            entries.sort();
            for (_, path) in &entries[..entries.len() - MAX_ENTRIES] {
                let _ = fs::remove_file(path);
            }
        }
    }
}

/// An owned value out of a `Cow` read from an entry (always owned when read).
fn take<T: Clone + Default>(cow: &mut Cow<'_, T>) -> T {
    std::mem::take(cow).into_owned()
}

/// The components of `slots` that `keep` (by index) wants, decoded in parallel.
fn decode(
    slots: &[Slot<'_>],
    keep: impl Fn(usize) -> bool + Sync,
) -> Option<BTreeMap<Id, Component>> {
    let decoded: Option<Vec<Component>> = slots
        .par_iter()
        .enumerate()
        .filter(|(i, _)| keep(*i))
        .map(|(_, s)| postcard::from_bytes::<Component>(s.component.0).ok())
        .collect();
    // Slots are in id order, so the map is built in bulk.
    Some(decoded?.into_iter().map(|c| (c.id.clone(), c)).collect())
}

/// The load an entry holds, around `registry`.
fn loaded<R>(entry: Entry<'_>, registry: R) -> Option<Loaded<R>> {
    Some(Loaded {
        registry,
        diagnostics: entry.diagnostics.into_owned(),
        checked: usize::try_from(entry.checked).ok()?,
        origins: entry.origins.into_owned(),
        sources: entry.sources.into_owned(),
        from_cache: true,
    })
}

/// The payload of a sound entry, or `None`.
fn check_header(bytes: &[u8], fingerprint: u64) -> Option<&[u8]> {
    if bytes.len() < HEADER_LEN || &bytes[..8] != MAGIC {
        return None;
    }
    let word = |at: usize| -> Option<u64> {
        Some(u64::from_le_bytes(bytes.get(at..at + 8)?.try_into().ok()?))
    };
    let format = u32::from_le_bytes(bytes[8..12].try_into().ok()?);
    let (stamp, key, len, sum) = (word(12)?, word(20)?, word(28)?, word(36)?);
    let payload = &bytes[HEADER_LEN..];
    (format == FORMAT
        && stamp == build_stamp()
        && key == fingerprint
        && len == payload.len() as u64
        && sum == checksum(payload))
    .then_some(payload)
}

/// Identifies the program that writes and reads entries: its version and its executable's
/// size and modification time, so a rebuilt binary never trusts an older one's entries.
fn build_stamp() -> u64 {
    static STAMP: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *STAMP.get_or_init(|| {
        let mut h = Fingerprint::new();
        h.write(env!("CARGO_PKG_VERSION").as_bytes());
        h.write(&FORMAT.to_le_bytes());
        if let Some(meta) = std::env::current_exe()
            .ok()
            .and_then(|p| fs::metadata(p).ok())
        {
            h.write(&meta.len().to_le_bytes());
            let since = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .unwrap_or_default();
            h.write(&since.as_nanos().to_le_bytes());
        }
        h.finish()
    })
}

/// `value` encoded in `scratch` (a buffer each thread reuses), then copied out at its
/// exact size: one allocation per value, where encoding straight into a new vector
/// grows it by doubling.
fn encode_exact<T: Serialize>(
    scratch: &mut Vec<u8>,
    value: &T,
) -> Result<Vec<u8>, postcard::Error> {
    scratch.clear();
    *scratch = postcard::to_extend(value, std::mem::take(scratch))?;
    Ok(scratch.as_slice().to_vec())
}

/// A postcard output that writes to `out` in chunks, counting and hashing (`checksum`)
/// what it writes.
struct HashingWriter<W: io::Write> {
    out: W,
    chunk: Vec<u8>,
    len: u64,
    hash: xxhash_rust::xxh3::Xxh3,
}

impl<W: io::Write> HashingWriter<W> {
    const CHUNK: usize = 64 * 1024;

    fn new(out: W) -> Self {
        HashingWriter {
            out,
            chunk: Vec::with_capacity(Self::CHUNK),
            len: 0,
            hash: xxhash_rust::xxh3::Xxh3::new(),
        }
    }

    fn send(&mut self, data: &[u8]) -> postcard::Result<()> {
        self.hash.update(data);
        self.len += data.len() as u64;
        self.out
            .write_all(data)
            .map_err(|_| postcard::Error::SerializeBufferFull)
    }

    fn flush_chunk(&mut self) -> postcard::Result<()> {
        let chunk = std::mem::take(&mut self.chunk);
        let sent = self.send(&chunk);
        self.chunk = chunk;
        self.chunk.clear();
        sent
    }
}

impl<W: io::Write> postcard::ser_flavors::Flavor for HashingWriter<W> {
    /// What was written to, the payload's length and its checksum.
    type Output = (W, u64, u64);

    fn try_push(&mut self, byte: u8) -> postcard::Result<()> {
        if self.chunk.len() == Self::CHUNK {
            self.flush_chunk()?;
        }
        self.chunk.push(byte);
        Ok(())
    }

    fn try_extend(&mut self, data: &[u8]) -> postcard::Result<()> {
        if self.chunk.len() + data.len() > Self::CHUNK {
            self.flush_chunk()?;
        }
        if data.len() >= Self::CHUNK {
            self.send(data)
        } else {
            self.chunk.extend_from_slice(data);
            Ok(())
        }
    }

    fn finalize(mut self) -> postcard::Result<Self::Output> {
        self.flush_chunk()?;
        Ok((self.out, self.len, self.hash.digest()))
    }
}

/// XXH3 of the payload: fast enough to check on every read, and enough to tell a damaged
/// entry (not meant to resist an adversary, who could write to the cache folder anyway).
fn checksum(payload: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(payload)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::memory::MemorySource;

    fn sample() -> Loaded {
        let mut source = MemorySource::new("sample");
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("registry");
        for folder in ["", "interfaces", "components", "stacks"] {
            for e in fs::read_dir(root.join(folder)).unwrap().flatten() {
                if e.file_type().unwrap().is_file() {
                    let rel = if folder.is_empty() {
                        e.file_name().to_string_lossy().into_owned()
                    } else {
                        format!("{folder}/{}", e.file_name().to_string_lossy())
                    };
                    source.insert(&rel, fs::read(e.path()).unwrap());
                }
            }
        }
        // A finding or two, so they are cached too.
        source.insert("components/broken.toml", "id = \"broken\"\nname = 3\n");
        crate::catalog::load(&source).unwrap()
    }

    /// Findings are stored located: where they point before that is not kept.
    fn strip(ds: &[Diagnostic]) -> Vec<Diagnostic> {
        ds.iter()
            .cloned()
            .map(|mut d| {
                d.at = crate::diagnostic::At::File;
                d
            })
            .collect()
    }

    fn key() -> CacheKey {
        CacheKey {
            slot: "tree-test".into(),
            fingerprint: 42,
            storable: true,
        }
    }

    #[test]
    fn round_trips_a_registry_with_findings() {
        let dir = tempfile::tempdir().unwrap();
        let cache = IndexCache::at(dir.path().join("index"));
        let loaded = sample();
        assert!(!loaded.diagnostics.is_empty());
        cache.write(&key(), &loaded);
        let back = cache.read(&key(), &loaded.registry.source).unwrap();
        assert!(back.from_cache);
        assert_eq!(back.registry.components, loaded.registry.components);
        assert_eq!(back.registry.interfaces, loaded.registry.interfaces);
        assert_eq!(back.registry.stacks, loaded.registry.stacks);
        assert_eq!(back.registry.meta, loaded.registry.meta);
        assert_eq!(back.checked, loaded.checked);
        assert_eq!(back.sources, loaded.sources);
        assert_eq!(back.origins.components, loaded.origins.components);
        assert_eq!(strip(&back.diagnostics), strip(&loaded.diagnostics));
    }

    #[test]
    fn excerpts_and_listings_hold_what_a_command_needs() {
        let dir = tempfile::tempdir().unwrap();
        let loaded = sample();
        let info = loaded.registry.source.clone();
        let cache = IndexCache::at(dir.path().to_path_buf());
        cache.write(&key(), &loaded);
        let excerpt = |focus: Focus| cache.read_excerpt(&key(), &info, &focus).unwrap();
        let ids = |m: &BTreeMap<Id, Component>| m.keys().map(|k| k.to_string()).collect::<Vec<_>>();
        let all = ids(&loaded.registry.components);
        // What the cache builds is what the same excerpt of the whole registry holds.
        for focus in [
            Focus::Component("govuk-notify".into()),
            Focus::Component("bops".into()),
            Focus::Component("nope".into()),
            Focus::Interface("open311-georeport".into()),
        ] {
            let cached = excerpt(focus.clone());
            let fresh = Excerpt::of(&loaded.registry, focus.clone());
            assert_eq!(cached.registry.components, fresh.components, "{focus:?}");
            assert_eq!(cached.registry.component_ids, fresh.component_ids);
            assert_eq!(cached.registry.interfaces, loaded.registry.interfaces);
            assert_eq!(strip(&cached.diagnostics), strip(&loaded.diagnostics));
        }
        // govuk-notify requires nothing: only itself.
        assert_eq!(
            ids(&excerpt(Focus::Component("govuk-notify".into()))
                .registry
                .components),
            ["govuk-notify"]
        );
        // A component that requires interfaces comes with every provider of them.
        let bops = excerpt(Focus::Component("bops".into())).registry;
        for r in &loaded.registry.components["bops"].releases {
            for iface in r.requires.keys() {
                for (p, _, _) in loaded.registry.providers(iface.as_str()) {
                    assert!(bops.components.contains_key(&p.id), "{}", p.id);
                }
            }
        }
        // Unknown: no components, every id for suggestions.
        let nope = excerpt(Focus::Component("nope".into())).registry;
        assert!(nope.components.is_empty());
        assert_eq!(
            nope.component_ids
                .iter()
                .map(Id::to_string)
                .collect::<Vec<_>>(),
            all
        );
        // A listing is every component, as a listing of the whole registry shows it.
        let listing = cache.read_listing(&key(), &info).unwrap();
        let fresh = Listing::of(&loaded.registry);
        assert_eq!(listing.registry.components, fresh.components);
        assert_eq!(
            listing.registry.components.len(),
            loaded.registry.components.len()
        );
        assert_eq!(strip(&listing.diagnostics), strip(&loaded.diagnostics));
    }

    #[test]
    fn ignores_damaged_foreign_and_mismatched_entries() {
        let dir = tempfile::tempdir().unwrap();
        let cache = IndexCache::at(dir.path().to_path_buf());
        let loaded = sample();
        let info = loaded.registry.source.clone();
        cache.write(&key(), &loaded);
        let path = dir.path().join("tree-test");
        let good = fs::read(&path).unwrap();
        // Another fingerprint.
        let other = CacheKey {
            fingerprint: 43,
            ..key()
        };
        assert!(cache.read(&other, &info).is_none());
        // Truncated, a flipped byte, garbage, empty, another format.
        for bad in [
            good[..good.len() / 2].to_vec(),
            {
                let mut b = good.clone();
                let at = b.len() - 10;
                b[at] ^= 0x20;
                b
            },
            b"not a cache entry at all".to_vec(),
            Vec::new(),
            {
                let mut b = good.clone();
                b[8] = 99;
                b
            },
        ] {
            fs::write(&path, &bad).unwrap();
            assert!(cache.read(&key(), &info).is_none());
        }
        // Rewritten over the damaged entry, it is used again.
        cache.write(&key(), &loaded);
        assert!(cache.read(&key(), &info).is_some());
        // Not stored while files are still changing.
        fs::remove_file(&path).unwrap();
        cache.write(
            &CacheKey {
                storable: false,
                ..key()
            },
            &loaded,
        );
        assert!(!path.exists());
    }

    #[test]
    fn keeps_a_bounded_number_of_entries() {
        let dir = tempfile::tempdir().unwrap();
        let cache = IndexCache::at(dir.path().to_path_buf());
        let loaded = sample();
        for i in 0..MAX_ENTRIES + 5 {
            let key = CacheKey {
                slot: format!("tree-{i}"),
                ..key()
            };
            cache.write(&key, &loaded);
        }
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), MAX_ENTRIES);
    }
}
