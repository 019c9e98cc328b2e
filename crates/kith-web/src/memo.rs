//! Expensive reads kept until the database changes.
//!
//! Today, Insights and the lists behind them read tens of thousands of rows at 100k contacts.
//! Their results only change when something is committed, so each is kept under a key (the
//! read and its arguments, including the date when the result depends on it) together with
//! [`Store::data_version`] at the time it was read. A request first asks for the current data
//! version (one tiny query); when it differs from the one the results were read under, every
//! kept result is dropped. A change made anywhere (this server, the CLI, a phone syncing)
//! therefore shows on the next request.
//!
//! The version is read *before* the result, so a commit that lands while a result is being
//! read leaves it under an older version, and the next request reads it again.

use chrono::{DateTime, NaiveDate, Utc};
use kith_store::{Store, StoreError};
use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};

/// Most results kept at once (a new date or filter adds one); all are dropped past it.
const MAX_ENTRIES: usize = 256;

type Entry = Arc<dyn Any + Send + Sync>;

/// The kept results and the data version they were read under.
#[derive(Default)]
pub struct Memo {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    version: Option<String>,
    entries: HashMap<String, Entry>,
}

impl std::fmt::Debug for Memo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Memo").field("entries", &self.lock().entries.len()).finish()
    }
}

impl Memo {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The result kept under `key`, or `read`'s result (kept for next time). With a store that
    /// cannot tell its data version, `read` runs every time.
    pub async fn get<T, F, Fut>(
        &self,
        store: &dyn Store,
        key: String,
        read: F,
    ) -> Result<Arc<T>, StoreError>
    where
        T: Send + Sync + 'static,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, StoreError>>,
    {
        let Some(version) = store.data_version().await? else {
            return Ok(Arc::new(read().await?));
        };
        {
            let mut state = self.lock();
            if state.version.as_ref() != Some(&version) {
                state.entries.clear();
                state.version = Some(version.clone());
            }
            if let Some(hit) = state.entries.get(&key).cloned().and_then(|e| e.downcast().ok()) {
                return Ok(hit);
            }
        }
        let value = Arc::new(read().await?);
        let mut state = self.lock();
        // Another request may have seen a newer version meanwhile: then this result is
        // already out of date for it, so it is not kept.
        if state.version.as_ref() == Some(&version) {
            if state.entries.len() >= MAX_ENTRIES {
                state.entries.clear();
            }
            state.entries.insert(key, value.clone() as Entry);
        }
        Ok(value)
    }
}

/// The reads pages and API handlers share, kept in the app's [`Memo`].
impl crate::AppState {
    /// The ranked due list at `now`: the inputs are kept for the day, the ranking is redone
    /// for the exact time.
    pub(crate) async fn due_list(
        &self,
        now: DateTime<Utc>,
    ) -> Result<Vec<kith_core::nurture::DueItem>, StoreError> {
        Ok(self.due_inputs(now).await?.rank(now))
    }

    /// The first `limit` items of the due list at `now`, and how many there are in all.
    pub(crate) async fn due_top(
        &self,
        now: DateTime<Utc>,
        limit: usize,
    ) -> Result<(Vec<kith_core::nurture::DueItem>, usize), StoreError> {
        Ok(self.due_inputs(now).await?.rank_top(now, limit))
    }

    async fn due_inputs(
        &self,
        now: DateTime<Utc>,
    ) -> Result<Arc<kith_store::DueInputs>, StoreError> {
        let store = &*self.store;
        let key = format!("due_inputs {}", now.date_naive());
        self.memo.get(store, key, || store.due_inputs(now)).await
    }

    /// Counts of live records.
    pub(crate) async fn stats(&self) -> Result<Arc<kith_store::Stats>, StoreError> {
        let store = &*self.store;
        self.memo.get(store, "stats".into(), || store.stats()).await
    }

    /// Dates and reminders in the `days` from `today`.
    pub(crate) async fn upcoming(
        &self,
        today: NaiveDate,
        days: u32,
    ) -> Result<Arc<Vec<kith_core::nurture::Upcoming>>, StoreError> {
        let store = &*self.store;
        let key = format!("upcoming {today} {days}");
        self.memo.get(store, key, || store.upcoming(today, days)).await
    }

    /// Every goal's progress on `today`.
    pub(crate) async fn goal_progress(
        &self,
        today: NaiveDate,
    ) -> Result<Arc<Vec<kith_core::goal::GoalProgress>>, StoreError> {
        let store = &*self.store;
        self.memo.get(store, format!("goal_progress {today}"), || store.goal_progress(today)).await
    }

    /// Pipeline next steps due by `until`.
    pub(crate) async fn next_steps(
        &self,
        until: NaiveDate,
    ) -> Result<Arc<Vec<kith_core::pipeline::NextStep>>, StoreError> {
        let store = &*self.store;
        self.memo.get(store, format!("next_steps {until}"), || store.next_steps(until)).await
    }

    /// Network insights, computed once a day (or after a change).
    pub(crate) async fn insights(
        &self,
        now: DateTime<Utc>,
    ) -> Result<Arc<kith_core::insights::Insights>, StoreError> {
        let store = &*self.store;
        let key = format!("insights {}", now.date_naive());
        self.memo.get(store, key, || store.insights(now)).await
    }
}

impl crate::AppState {
    /// A page of people. Lists ranked by strength or filtered by band or the due list are
    /// computed for the day (strength moves by a fraction of a percent in a day); the others
    /// do not depend on the time.
    pub(crate) async fn list_contacts(
        &self,
        query: &kith_store::ContactQuery,
    ) -> Result<Arc<kith_store::Page<kith_core::ContactSummary>>, StoreError> {
        let store = &*self.store;
        if query.ids.is_some() {
            // A search's hits, filtered: one per keystroke, not worth keeping.
            return Ok(Arc::new(store.list_contacts(query).await?));
        }
        let computed = query.sort == kith_store::ContactSort::Strength
            || query.band.is_some()
            || query.overdue;
        let key = kith_store::ContactQuery { now: None, ..query.clone() };
        let day = if computed { query.now.map(|n| n.date_naive()) } else { None };
        self.memo
            .get(store, format!("contacts {day:?} {key:?}"), || store.list_contacts(query))
            .await
    }
}

impl crate::AppState {
    /// A page of organizations with how many people work there now and did before.
    pub(crate) async fn list_organizations(
        &self,
        query: &kith_store::OrganizationQuery,
    ) -> Result<Arc<kith_store::Page<kith_core::OrganizationSummary>>, StoreError> {
        let store = &*self.store;
        let key = format!("organizations {query:?}");
        self.memo.get(store, key, || store.list_organizations(query)).await
    }

    /// The week or month in review as of the day of `now`, summed up for the Goals page. It
    /// reuses the day's goal progress and due inputs, which Today keeps too.
    pub(crate) async fn review(
        &self,
        period: kith_core::goal::Period,
        now: DateTime<Utc>,
    ) -> Result<Arc<crate::views::ReviewSummary>, StoreError> {
        let store = &*self.store;
        let key = format!("review {period:?} {}", now.date_naive());
        // Read inside, after the memo has read the data version: parts read before it could
        // predate a change and be kept under the version after it.
        let read = || async move {
            let goals = self.goal_progress(now.date_naive()).await?;
            let due = self.due_inputs(now).await?;
            let review = store.review_with(period, now, goals.to_vec(), &due).await?;
            Ok(crate::views::ReviewSummary::from(review))
        };
        self.memo.get(store, key, read).await
    }
}
