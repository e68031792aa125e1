//! Flat building blocks for the member index: a string arena, grouped posting lists,
//! a sorted key index answering prefix and exact look-ups, a trigram code for substring
//! look-ups, and a bitset over ranks that pages in either direction.

use std::ops::Range;

/// Strings stored end to end in one buffer, addressed by position.
#[derive(Default)]
pub(super) struct Arena {
    text: String,
    ends: Vec<u32>,
}

impl Arena {
    pub fn push(&mut self, s: &str) {
        self.text.push_str(s);
        self.ends.push(to_u32(self.text.len()));
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.text[start..self.ends[i] as usize]
    }

    /// Calls `f` once for every string that contains `needle` (non-empty), in order.
    /// One substring search runs over the whole buffer; a hit that straddles two
    /// strings is not a match and the search goes on just past its start.
    pub fn each_containing(&self, needle: &str, mut f: impl FnMut(usize)) {
        let Some(first) = needle.chars().next() else {
            return;
        };
        let mut from = 0;
        while let Some(found) = self.text[from..].find(needle) {
            let at = from + found;
            // The string holding byte `at`: the first whose end lies past it.
            let i = self.ends.partition_point(|&e| e as usize <= at);
            let end = self.ends[i] as usize;
            if at + needle.len() <= end {
                f(i);
                from = end;
            } else {
                from = at + first.len_utf8();
            }
            if from >= self.text.len() {
                break;
            }
        }
    }
}

/// Lists of items grouped by a dense group number (compressed sparse rows).
#[derive(Default)]
pub(super) struct Groups {
    starts: Vec<u32>,
    items: Vec<u32>,
}

impl Groups {
    /// Groups `(group, item)` pairs; within a group, items keep the pairs' order.
    pub fn build(groups: usize, pairs: &[(u32, u32)]) -> Groups {
        let mut starts = vec![0u32; groups + 1];
        for &(g, _) in pairs {
            starts[g as usize + 1] += 1;
        }
        for g in 0..groups {
            starts[g + 1] += starts[g];
        }
        let mut next = starts.clone();
        let mut items = vec![0u32; pairs.len()];
        for &(g, item) in pairs {
            let slot = &mut next[g as usize];
            items[*slot as usize] = item;
            *slot += 1;
        }
        Groups { starts, items }
    }

    pub fn get(&self, g: usize) -> &[u32] {
        match (self.starts.get(g), self.starts.get(g + 1)) {
            (Some(&s), Some(&e)) => &self.items[s as usize..e as usize],
            _ => &[],
        }
    }
}

/// Distinct keys in sorted order, each with the items that carry it.
#[derive(Default)]
pub(super) struct KeyIndex {
    keys: Arena,
    postings: Groups,
}

impl KeyIndex {
    /// Keys with the items that carry them; an item listed twice under a key counts
    /// once, and items are in increasing order within a key.
    pub fn build(mut pairs: Vec<(String, u32)>) -> KeyIndex {
        pairs.sort_unstable();
        pairs.dedup();
        let mut keys = Arena::default();
        let mut flat = Vec::with_capacity(pairs.len());
        for (key, item) in &pairs {
            if keys.len() == 0 || keys.get(keys.len() - 1) != key {
                keys.push(key);
            }
            flat.push((to_u32(keys.len() - 1), *item));
        }
        let postings = Groups::build(keys.len(), &flat);
        KeyIndex { keys, postings }
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn key(&self, i: usize) -> &str {
        self.keys.get(i)
    }

    pub fn postings(&self, i: usize) -> &[u32] {
        self.postings.get(i)
    }

    /// The keys that start with `prefix`: they sit together in sorted order.
    pub fn prefix(&self, prefix: &str) -> Range<usize> {
        let lo = partition(0, self.len(), |i| self.key(i) < prefix);
        let hi = partition(lo, self.len(), |i| self.key(i).starts_with(prefix));
        lo..hi
    }

    pub fn find(&self, key: &str) -> Option<usize> {
        let i = partition(0, self.len(), |i| self.key(i) < key);
        (i < self.len() && self.key(i) == key).then_some(i)
    }
}

/// The first index in `lo..hi` where `pred` turns false (`pred` true then false).
fn partition(mut lo: usize, mut hi: usize, pred: impl Fn(usize) -> bool) -> usize {
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if pred(mid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

/// Trigram codes: letters and digits each get a class, anything else shares one. A
/// query's letters never fall in the shared class, so a trigram list is a superset of
/// the keys that contain the query; candidates are verified.
const CLASSES: usize = 37;
pub(super) const TRIGRAMS: usize = CLASSES * CLASSES * CLASSES;

fn class(b: u8) -> usize {
    match b {
        b'a'..=b'z' => (b - b'a') as usize,
        b'0'..=b'9' => 26 + (b - b'0') as usize,
        _ => CLASSES - 1,
    }
}

pub(super) fn trigram(w: &[u8]) -> usize {
    (class(w[0]) * CLASSES + class(w[1])) * CLASSES + class(w[2])
}

/// For each trigram, the keys of `index` that contain it.
pub(super) fn trigram_groups(index: &KeyIndex) -> Groups {
    let mut pairs = Vec::new();
    let mut seen = Vec::new();
    for i in 0..index.len() {
        seen.clear();
        seen.extend(index.key(i).as_bytes().windows(3).map(trigram));
        seen.sort_unstable();
        seen.dedup();
        pairs.extend(seen.iter().map(|&t| (to_u32(t), to_u32(i))));
    }
    Groups::build(TRIGRAMS, &pairs)
}

/// One bit per rank: matches are set by rank, so reading the bits in order gives the
/// matches sorted, and a page is found by counting bits a word at a time.
pub(super) struct Bits {
    words: Vec<u64>,
}

impl Bits {
    pub fn new(n: usize) -> Bits {
        Bits {
            words: vec![0; n.div_ceil(64)],
        }
    }

    pub fn set(&mut self, i: u32) {
        self.words[(i / 64) as usize] |= 1u64 << (i % 64);
    }

    pub fn count(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// Positions of set bits `skip..skip + take`, counted from the low end, or from the
    /// high end when `desc`.
    pub fn page(&self, mut skip: usize, take: usize, desc: bool) -> Vec<u32> {
        let mut out = Vec::with_capacity(take.min(256));
        if take == 0 {
            return out;
        }
        let n = self.words.len();
        for k in 0..n {
            let w = if desc { n - 1 - k } else { k };
            let mut word = self.words[w];
            let ones = word.count_ones() as usize;
            if skip >= ones {
                skip -= ones;
                continue;
            }
            while word != 0 {
                let bit = if desc {
                    63 - word.leading_zeros()
                } else {
                    word.trailing_zeros()
                };
                word &= !(1u64 << bit);
                if skip > 0 {
                    skip -= 1;
                    continue;
                }
                out.push(to_u32(w * 64) + bit);
                if out.len() == take {
                    return out;
                }
            }
        }
        out
    }
}

pub(super) fn to_u32(n: usize) -> u32 {
    u32::try_from(n).expect("member index larger than u32")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arena_finds_each_string_once_and_never_across_two() {
        let mut a = Arena::default();
        for s in ["91320100MA1000000E", "AB", "CD", "MA10MA10", ""] {
            a.push(s);
        }
        let hits = |q: &str| {
            let mut v = Vec::new();
            a.each_containing(q, |i| v.push(i));
            v
        };
        assert_eq!(hits("MA10"), vec![0, 3]);
        assert_eq!(hits("BC"), Vec::<usize>::new());
        assert_eq!(hits("B"), vec![1]);
        assert_eq!(hits("ABCD"), Vec::<usize>::new());
        assert_eq!(hits("E"), vec![0]);
    }

    #[test]
    fn key_index_prefix_and_exact() {
        let k = KeyIndex::build(vec![
            ("zhang".into(), 1),
            ("zhangjing".into(), 2),
            ("zhao".into(), 3),
            ("zhang".into(), 4),
            ("li".into(), 5),
            ("zhang".into(), 1),
        ]);
        assert_eq!(k.len(), 4);
        let r = k.prefix("zhang");
        let keys: Vec<&str> = r.clone().map(|i| k.key(i)).collect();
        assert_eq!(keys, ["zhang", "zhangjing"]);
        assert_eq!(k.postings(r.start), &[1, 4]);
        assert_eq!(k.prefix("zh").len(), 3);
        assert!(k.prefix("x").is_empty());
        assert_eq!(k.prefix("").len(), 4);
        assert_eq!(k.find("zhao").map(|i| k.postings(i)), Some(&[3][..]));
        assert_eq!(k.find("zha"), None);
        assert_eq!(k.find("zz"), None);
    }

    #[test]
    fn bits_page_in_both_directions() {
        let mut b = Bits::new(200);
        for i in [0, 5, 63, 64, 130, 199] {
            b.set(i);
        }
        assert_eq!(b.count(), 6);
        assert_eq!(b.page(0, 3, false), vec![0, 5, 63]);
        assert_eq!(b.page(3, 10, false), vec![64, 130, 199]);
        assert_eq!(b.page(0, 2, true), vec![199, 130]);
        assert_eq!(b.page(4, 5, true), vec![5, 0]);
        assert!(b.page(6, 5, false).is_empty());
    }
}
