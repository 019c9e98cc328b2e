//! What the DAV server keeps in memory so syncs do not re-read the whole address book:
//!
//! - a [`Snapshot`] of every card's href, revision and liveness, brought up to date on each
//!   request with the changes since the revision it last saw (one cheap query when nothing
//!   changed), and rebuilt when the epoch changes (a restored backup);
//! - rendered cards by href and revision, within a byte budget. A card a client writes is
//!   stored with the revision the store gave it, so reading it back costs no query.
//!
//! Both are caches of the store: a changed revision is a miss, never a stale answer.

use kith_store::{Store, StoreError};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

/// Rendered cards kept at most (bytes of vCard text).
pub const RENDERED_BUDGET: usize = 32 << 20;

/// A card in the snapshot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Member {
    pub revision: i64,
    pub live: bool,
}

/// Every card the address book has had, as of `revision`.
#[derive(Clone, Debug, Default)]
pub struct Snapshot {
    pub epoch: String,
    pub revision: i64,
    /// By href, so listings come out in order without sorting.
    pub members: BTreeMap<String, Member>,
}

impl Snapshot {
    /// Live cards, or every card changed after `since` (deleted ones too), in href order.
    pub fn changed_since(&self, since: Option<i64>) -> Vec<(&str, Member)> {
        self.members
            .iter()
            .filter(|(_, m)| match since {
                None => m.live,
                Some(s) => m.revision > s,
            })
            .map(|(h, m)| (h.as_str(), *m))
            .collect()
    }
}

#[derive(Debug, Default)]
struct Rendered {
    cards: HashMap<String, (i64, Arc<str>)>,
    bytes: usize,
}

/// The DAV server's memory (shared by every request).
#[derive(Debug, Default)]
pub struct DavCache {
    snapshot: tokio::sync::Mutex<Arc<Snapshot>>,
    rendered: Mutex<Rendered>,
}

impl DavCache {
    /// The snapshot, brought up to date with the store.
    pub async fn snapshot(&self, store: &dyn Store) -> Result<Arc<Snapshot>, StoreError> {
        let state = store.sync_state().await?;
        let mut current = self.snapshot.lock().await;
        if current.epoch == state.epoch && current.revision == state.revision {
            return Ok(current.clone());
        }
        let same_epoch = current.epoch == state.epoch && current.revision < state.revision;
        let (mut next, since) = if same_epoch {
            ((**current).clone(), current.revision)
        } else {
            // Another epoch (a restored backup): revisions may repeat with other content. (The
            // first snapshot has no epoch yet; what PUTs cached before it stays.)
            if !current.epoch.is_empty()
                && let Ok(mut cache) = self.rendered.lock()
            {
                *cache = Rendered::default();
            }
            (Snapshot::default(), 0)
        };
        for c in store.card_changes(since).await? {
            next.members.insert(c.href, Member { revision: c.revision, live: c.live });
        }
        // Changes committed after `state` was read may be in `next` already; they are read
        // again next time (idempotent), and the token never claims more than `state`.
        next.epoch = state.epoch;
        next.revision = state.revision;
        *current = Arc::new(next);
        Ok(current.clone())
    }

    /// Records a card this server just wrote at `revision`. When that revision directly follows
    /// the snapshot's, nothing else changed in between and the snapshot moves forward in place:
    /// a client that uploads its address book and then syncs finds it warm. Otherwise the next
    /// request's refresh reads the changes.
    pub async fn written(&self, store: &dyn Store, href: &str, revision: i64) {
        let mut current = self.snapshot.lock().await;
        if current.epoch.is_empty() {
            drop(current);
            // Never built: build it now (cheap while the book is small, e.g. a first upload).
            let _ = self.snapshot(store).await;
            return;
        }
        if current.revision + 1 == revision {
            let snapshot = Arc::make_mut(&mut current);
            snapshot.members.insert(href.to_string(), Member { revision, live: true });
            snapshot.revision = revision;
        }
    }

    /// A rendered card, if it is cached at this revision.
    pub fn rendered(&self, href: &str, revision: i64) -> Option<Arc<str>> {
        let cache = self.rendered.lock().ok()?;
        cache.cards.get(href).filter(|(r, _)| *r == revision).map(|(_, text)| text.clone())
    }

    /// Keeps a rendered card (dropping everything when over budget: a simple, bounded cache).
    pub fn keep(&self, href: &str, revision: i64, text: Arc<str>) {
        let Ok(mut cache) = self.rendered.lock() else { return };
        if cache.bytes + text.len() > RENDERED_BUDGET {
            cache.cards.clear();
            cache.bytes = 0;
        }
        cache.bytes += text.len();
        if let Some((_, old)) = cache.cards.insert(href.to_string(), (revision, text)) {
            cache.bytes -= old.len();
        }
    }
}
