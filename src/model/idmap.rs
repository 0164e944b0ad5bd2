//! `IdMap`: a small map from ids, kept as one sorted vector. A release's `provides`,
//! `requires`, `depends` and `conflicts` hold a handful of entries each, and a national
//! catalogue has 100,000 releases: a `BTreeMap` allocates a node of eleven slots for even
//! one entry, where this allocates exactly what it holds (see docs/PERFORMANCE.md).
//! Lookups are binary searches; iteration is in id order, as a `BTreeMap`'s.

use std::borrow::Borrow;
use std::fmt;

use super::Id;

/// A map from ids to `V`, sorted by id, each id once.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct IdMap<V>(Vec<(Id, V)>);

/// The entries of an `IdMap`, in id order.
pub type Iter<'a, V> =
    std::iter::Map<std::slice::Iter<'a, (Id, V)>, fn(&'a (Id, V)) -> (&'a Id, &'a V)>;

impl<V> Default for IdMap<V> {
    fn default() -> Self {
        IdMap(Vec::new())
    }
}

impl<V> IdMap<V> {
    pub fn new() -> Self {
        IdMap(Vec::new())
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn find<Q>(&self, key: &Q) -> Result<usize, usize>
    where
        Id: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.0.binary_search_by(|(k, _)| k.borrow().cmp(key))
    }

    pub fn get<Q>(&self, key: &Q) -> Option<&V>
    where
        Id: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.find(key).ok().map(|i| &self.0[i].1)
    }

    pub fn contains_key<Q>(&self, key: &Q) -> bool
    where
        Id: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.find(key).is_ok()
    }

    /// Sets `key` to `value`, returning the value it had.
    pub fn insert(&mut self, key: Id, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.0[i].1, value)),
            Err(i) => {
                self.0.insert(i, (key, value));
                None
            }
        }
    }

    pub fn remove<Q>(&mut self, key: &Q) -> Option<V>
    where
        Id: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.find(key).ok().map(|i| self.0.remove(i).1)
    }

    pub fn iter(&self) -> Iter<'_, V> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &Id> + ExactSizeIterator {
        self.0.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator {
        self.0.iter().map(|(_, v)| v)
    }
}

impl<V> FromIterator<(Id, V)> for IdMap<V> {
    /// As a `BTreeMap` collects: sorted, and the last value of an id repeated wins.
    fn from_iter<I: IntoIterator<Item = (Id, V)>>(items: I) -> Self {
        let mut entries: Vec<(Id, V)> = items.into_iter().collect();
        // Already in order with no id twice (as every map read back from the index cache
        // is): kept as it is, without a second vector.
        if entries.windows(2).all(|w| w[0].0 < w[1].0) {
            entries.shrink_to_fit();
            return IdMap(entries);
        }
        // Stable: equal ids keep their order, so the last of each is the one kept.
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let mut out: Vec<(Id, V)> = Vec::with_capacity(entries.len());
        for (k, v) in entries {
            match out.last_mut() {
                Some(last) if last.0 == k => last.1 = v,
                _ => out.push((k, v)),
            }
        }
        out.shrink_to_fit();
        IdMap(out)
    }
}

impl<V, const N: usize> From<[(Id, V); N]> for IdMap<V> {
    fn from(items: [(Id, V); N]) -> Self {
        items.into_iter().collect()
    }
}

impl<V> Extend<(Id, V)> for IdMap<V> {
    fn extend<I: IntoIterator<Item = (Id, V)>>(&mut self, items: I) {
        for (k, v) in items {
            self.insert(k, v);
        }
    }
}

impl<'a, V> IntoIterator for &'a IdMap<V> {
    type Item = (&'a Id, &'a V);
    type IntoIter = Iter<'a, V>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<V> IntoIterator for IdMap<V> {
    type Item = (Id, V);
    type IntoIter = std::vec::IntoIter<(Id, V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<V: fmt::Debug> fmt::Debug for IdMap<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(s: &str) -> Id {
        Id::parse(s).unwrap()
    }

    #[test]
    fn behaves_as_a_sorted_map() {
        let mut m: IdMap<u32> = [(id("b"), 2), (id("a"), 1), (id("b"), 3)].into();
        assert_eq!(m.len(), 2);
        assert_eq!(m.get("b"), Some(&3), "the last value of a repeated id wins");
        assert_eq!(m.insert(id("c"), 4), None);
        assert_eq!(m.insert(id("a"), 5), Some(1));
        assert_eq!(
            m.iter().map(|(k, v)| (k.as_str(), *v)).collect::<Vec<_>>(),
            [("a", 5), ("b", 3), ("c", 4)]
        );
        assert!(m.contains_key(&id("c")) && !m.contains_key("d"));
        assert_eq!(m.remove("b"), Some(3));
        assert_eq!(m.keys().map(Id::as_str).collect::<Vec<_>>(), ["a", "c"]);
        assert_eq!(format!("{m:?}"), r#"{"a": 5, "c": 4}"#);
    }

    #[test]
    fn collects_as_a_btree_map_does_whatever_the_order() {
        let pairs = |m: &IdMap<u32>| {
            m.iter()
                .map(|(k, v)| (k.to_string(), *v))
                .collect::<Vec<_>>()
        };
        for input in [
            vec![("a", 1), ("b", 2), ("c", 3)],
            vec![("a", 1), ("a", 2), ("b", 3)],
            vec![("c", 1), ("b", 2), ("a", 3)],
            vec![("b", 1), ("a", 2), ("b", 3), ("a", 4)],
            vec![("a", 1)],
            vec![],
        ] {
            let m: IdMap<u32> = input.iter().map(|&(k, v)| (id(k), v)).collect();
            let b: std::collections::BTreeMap<Id, u32> =
                input.iter().map(|&(k, v)| (id(k), v)).collect();
            let want: Vec<(String, u32)> = b.iter().map(|(k, v)| (k.to_string(), *v)).collect();
            assert_eq!(pairs(&m), want, "{input:?}");
        }
    }
}
