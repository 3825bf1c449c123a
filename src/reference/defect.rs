//! What an area needs to declare and check its defects, below every area:
//! the `defects!` macro and the set a reference instance runs with. The
//! merged table (`defects.rs`) sits above the areas and names them all; an
//! area names only this module, so the two never import each other.

use std::collections::BTreeSet;

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
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DefectSet(BTreeSet<(usize, &'static str)>);

impl DefectSet {
    pub fn none() -> Self {
        Self::default()
    }

    /// Whether this defect is on. Sets hold a defect or two, so a scan is
    /// as quick as a lookup.
    pub fn has(&self, d: impl Named) -> bool {
        let name = d.name();
        self.0.iter().any(|(_, n)| *n == name)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The defects' names, in the table's order.
    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.0.iter().map(|(_, n)| *n)
    }

    /// Adds a defect at its place in the table (see `defects.rs`).
    pub(super) fn insert(&mut self, order: usize, name: &'static str) {
        self.0.insert((order, name));
    }
}
