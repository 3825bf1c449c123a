//! What each area slice hands the router: its endpoints under each service
//! root. Below every area and the router, so the router can name the areas
//! and the areas this type without importing each other.

use axum::Router;

use crate::reference::Shared;

/// An area's endpoints under each service root: the API's, Access Record
/// Structured's and Access Document's.
#[derive(Default)]
pub struct Roots {
    pub api: Router<Shared>,
    pub structured: Router<Shared>,
    pub documents: Router<Shared>,
}

impl Roots {
    /// Endpoints under the API's root only.
    pub fn api(api: Router<Shared>) -> Self {
        Self { api, ..Self::default() }
    }

    /// This area's endpoints beside another's.
    pub(super) fn merge(self, other: Self) -> Self {
        Self {
            api: self.api.merge(other.api),
            structured: self.structured.merge(other.structured),
            documents: self.documents.merge(other.documents),
        }
    }
}
