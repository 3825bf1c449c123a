//! What an area needs to declare and check its defects, below every area:
//! the `defects!` macro and the set a reference instance runs with. The
//! merged table (`defects.rs`) sits above the areas and names them all; an
//! area names only this module, so the two never import each other.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

/// A defect of some area, known by its name.
pub trait Named: Copy {
    fn name(self) -> &'static str;
}

/// Declares an area's defects: an enum whose variants each carry a name,
/// the requirement(s) they must fail, and a description.
macro_rules! defects {
    ($area:ident { $( $variant:ident = $name:literal [$($target:literal),+] $desc:literal ;)+ }) => {
        /// One way of being wrong, in this area.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $area { $($variant),+ }

        impl $area {
            /// The area's defects, in declaration order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            pub fn name(self) -> &'static str {
                match self { $(Self::$variant => $name),+ }
            }
            pub fn description(self) -> &'static str {
                match self { $(Self::$variant => $desc),+ }
            }
            /// The requirement IDs this defect must fail (and nothing else).
            pub fn targets(self) -> &'static [&'static str] {
                match self { $(Self::$variant => &[$($target),+]),+ }
            }
        }

        impl $crate::reference::defect::Named for $area {
            fn name(self) -> &'static str {
                $area::name(self)
            }
        }
    };
}
pub(crate) use defects;

/// The defects one reference instance runs with, in the merged table's
/// order. Held by name so that an area checks its own defects without
/// naming the table that merges every area's.
#[derive(Debug, Clone, Default)]
pub struct DefectSet {
    on: BTreeSet<(usize, &'static str)>,
    /// Where each `has` is written down, when the kill matrix asks.
    consulted: Option<Arc<Consulted>>,
}

impl PartialEq for DefectSet {
    fn eq(&self, other: &Self) -> bool {
        self.on == other.on
    }
}

impl Eq for DefectSet {}

impl DefectSet {
    pub fn none() -> Self {
        Self::default()
    }

    /// This set, writing down in `log` every defect the reference asks
    /// about and for which request.
    pub fn consulting(mut self, log: Arc<Consulted>) -> Self {
        self.consulted = Some(log);
        self
    }

    /// The log this set writes to, if any.
    pub fn consulted(&self) -> Option<&Arc<Consulted>> {
        self.consulted.as_ref()
    }

    /// Whether this defect is on. Sets hold a defect or two, so a scan is
    /// as quick as a lookup.
    pub fn has(&self, d: impl Named) -> bool {
        let name = d.name();
        if let Some(log) = &self.consulted {
            log.note(name);
        }
        self.on.iter().any(|(_, n)| *n == name)
    }

    pub fn is_empty(&self) -> bool {
        self.on.is_empty()
    }

    /// The defects' names, in the table's order.
    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.on.iter().map(|(_, n)| *n)
    }

    /// Adds a defect at its place in the table (see `defects.rs`).
    pub(super) fn insert(&mut self, order: usize, name: &'static str) {
        self.on.insert((order, name));
    }
}

tokio::task_local! {
    /// The key of the request the reference is answering (see [`request_key`]).
    static REQUEST: String;
}

/// Which defects a reference consulted, request by request: the kill
/// matrix's clean run writes it, and then runs each defect only against the
/// requirements whose requests consult it (`tests/kill_matrix.rs`). A
/// defect the reference consults outside any request (at start-up, in a
/// task of its own) is consulted `outside`, and its run takes the whole pack.
#[derive(Debug, Default)]
pub struct Consulted {
    by_request: Mutex<HashMap<String, BTreeSet<&'static str>>>,
    outside: Mutex<BTreeSet<&'static str>>,
}

impl Consulted {
    fn note(&self, name: &'static str) {
        let noted = REQUEST.try_with(|key| {
            if let Ok(mut m) = self.by_request.lock() {
                m.entry(key.clone()).or_default().insert(name);
            }
        });
        if noted.is_err()
            && let Ok(mut o) = self.outside.lock()
        {
            o.insert(name);
        }
    }

    /// Answers `fut` with defects it consults noted against `key`.
    pub async fn within<F: Future>(key: String, fut: F) -> F::Output {
        REQUEST.scope(key, fut).await
    }

    /// What was consulted: per request key, and outside any request.
    pub fn take(&self) -> (HashMap<String, BTreeSet<&'static str>>, BTreeSet<&'static str>) {
        let by = self.by_request.lock().map(|mut m| std::mem::take(&mut *m)).unwrap_or_default();
        let outside = self.outside.lock().map(|mut o| std::mem::take(&mut *o)).unwrap_or_default();
        (by, outside)
    }
}

/// The key of what the reference's TLS endpoint consults when it is set
/// up: every request to that endpoint, or any probe of it, can see it.
pub const TLS_SETUP: &str = "tls set-up";

/// How a request is told apart from the others of a run: its `Ssp-TraceID`
/// (the harness sends a fresh one with each request), or without one its
/// method and path. Two requests with one key are taken for each other,
/// which only widens what a defect is run against.
pub fn request_key(method: &str, path_and_query: &str, trace_id: Option<&str>) -> String {
    match trace_id {
        Some(t) if !t.is_empty() => format!("trace {t}"),
        _ => format!("{method} {path_and_query}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Copy)]
    struct D(&'static str);
    impl Named for D {
        fn name(self) -> &'static str {
            self.0
        }
    }

    #[tokio::test]
    async fn consults_are_noted_against_the_request_or_outside() {
        let log = Arc::new(Consulted::default());
        let set = DefectSet::none().consulting(log.clone());
        assert!(!set.has(D("at-start")));
        let key = request_key("GET", "/metadata", Some("abc"));
        Consulted::within(key.clone(), async { set.has(D("in-request")) }).await;
        // Off is off, noted or not.
        assert!(!Consulted::within(key.clone(), async { set.has(D("again")) }).await);
        let (by, outside) = log.take();
        assert_eq!(outside.into_iter().collect::<Vec<_>>(), ["at-start"]);
        assert_eq!(by[&key].iter().copied().collect::<Vec<_>>(), ["again", "in-request"]);
        assert_eq!(request_key("GET", "/metadata", None), "GET /metadata");
        assert_eq!(set, DefectSet::none(), "the log is not part of what the set is");
    }
}
