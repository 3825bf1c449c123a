//! Which HTTP methods an endpoint answers (RFA-ACC-018): a read answers
//! GET, an operation POST, and any other method is refused with 400 — unless
//! the `accepts-any-method` defect serves them all alike.

use axum::handler::Handler;
use axum::routing::{MethodRouter, any, get, post};

use crate::reference::acc::defects::AccDefect;
use crate::reference::outcome::Outcome;
use crate::reference::outcome::SpineCode;
use crate::reference::{Shared, State};

/// The method rule the running reference applies to every endpoint.
#[derive(Debug, Clone, Copy)]
pub struct Methods {
    any: bool,
}

impl Methods {
    pub fn of(s: &State) -> Self {
        Self { any: s.defects.has(AccDefect::AcceptsAnyMethod) }
    }

    /// A read endpoint: GET.
    pub fn read<H: Handler<T, Shared>, T: 'static>(self, h: H) -> MethodRouter<Shared> {
        if self.any { any(h) } else { get(h).fallback(wrong_method) }
    }

    /// An operation: POST.
    pub fn operation<H: Handler<T, Shared>, T: 'static>(self, h: H) -> MethodRouter<Shared> {
        if self.any { any(h) } else { post(h).fallback(post_only) }
    }

    /// An endpoint of several methods, refusing the others with `refuse`.
    pub fn refusing_others<H: Handler<T, Shared>, T: 'static>(
        self,
        r: MethodRouter<Shared>,
        refuse: H,
    ) -> MethodRouter<Shared> {
        if self.any { r } else { r.fallback(refuse) }
    }
}

pub async fn wrong_method() -> Outcome {
    Outcome::new(SpineCode::BadRequest, "this endpoint only supports GET")
}

pub async fn post_only() -> Outcome {
    Outcome::new(SpineCode::BadRequest, "this operation is invoked with POST")
}
