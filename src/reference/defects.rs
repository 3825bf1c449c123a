//! Named defects the reference candidate can be started with. Each breaks one
//! behaviour a real GP system could get wrong and names the requirement(s) it
//! must make fail; the kill-matrix test holds every defect to that claim, and
//! holds every requirement to being killed by at least one defect.
//!
//! Each area declares its defects beside the behaviour they break, in
//! `<area>/defects.rs` with `defect::defects!`; this module merges the areas' lists
//! into the one [`Defect`] the CLI, the kill matrix and the reference share.

use std::fmt;

pub use super::defect::DefectSet;
use super::defect::Named;

/// Merges the areas' defect enums into [`Defect`] and [`ALL`].
macro_rules! merge {
    ($first:ident($first_ty:ident) $(, $area:ident($ty:ident))* $(,)?) => {
        /// One way of being wrong: a defect of one area.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Defect {
            $first($first_ty),
            $($area($ty)),*
        }

        impl From<$first_ty> for Defect {
            fn from(d: $first_ty) -> Self {
                Self::$first(d)
            }
        }
        $(impl From<$ty> for Defect {
            fn from(d: $ty) -> Self {
                Self::$area(d)
            }
        })*

        impl Defect {
            pub fn name(self) -> &'static str {
                match self { Self::$first(d) => d.name(), $(Self::$area(d) => d.name()),* }
            }
            pub fn description(self) -> &'static str {
                match self { Self::$first(d) => d.description(), $(Self::$area(d) => d.description()),* }
            }
            /// The requirement IDs this defect must fail (and nothing else).
            pub fn targets(self) -> &'static [&'static str] {
                match self { Self::$first(d) => d.targets(), $(Self::$area(d) => d.targets()),* }
            }
        }

        /// Every defect, area by area, each area's in declaration order.
        pub const ALL: &[Defect] = &{
            let mut all = [Defect::$first($first_ty::ALL[0]); $first_ty::ALL.len() $(+ $ty::ALL.len())*];
            let mut n = 0;
            let mut i = 0;
            while i < $first_ty::ALL.len() {
                all[n] = Defect::$first($first_ty::ALL[i]);
                (n, i) = (n + 1, i + 1);
            }
            $(
                let mut i = 0;
                while i < $ty::ALL.len() {
                    all[n] = Defect::$area($ty::ALL[i]);
                    (n, i) = (n + 1, i + 1);
                }
            )*
            all
        };
    };
}

pub use super::acc::defects::AccDefect;
pub use super::arr::defects::ArrDefect;
pub use super::com::defects::ComDefect;
pub use super::dev::defects::DevDefect;
pub use super::dsp::defects::DspDefect;
pub use super::eps::defects::EpsDefect;
pub use super::fin::defects::FinDefect;
pub use super::inf::defects::InfDefect;
pub use super::knw::defects::KnwDefect;
pub use super::onl::defects::OnlDefect;
pub use super::rec::defects::RecDefect;
pub use super::xcs::defects::XcsDefect;

merge! {
    Acc(AccDefect),
    Arr(ArrDefect),
    Com(ComDefect),
    Dev(DevDefect),
    Dsp(DspDefect),
    Eps(EpsDefect),
    Fin(FinDefect),
    Inf(InfDefect),
    Knw(KnwDefect),
    Onl(OnlDefect),
    Rec(RecDefect),
    Xcs(XcsDefect),
}

impl Defect {
    pub fn from_name(name: &str) -> Option<Self> {
        ALL.iter().copied().find(|d| d.name() == name)
    }
}

impl fmt::Display for Defect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl<D: Into<Defect>> FromIterator<D> for DefectSet {
    /// Keeps the table's order, so a run's identity names its defects in it.
    fn from_iter<I: IntoIterator<Item = D>>(iter: I) -> Self {
        let mut set = DefectSet::none();
        for d in iter {
            let d = d.into();
            set.insert(ALL.iter().position(|x| *x == d).unwrap_or(usize::MAX), d.name());
        }
        set
    }
}

impl Named for Defect {
    fn name(self) -> &'static str {
        Defect::name(self)
    }
}

/// Parses a `--defect` value, listing the known names when it is unknown.
pub fn parse(name: &str) -> Result<Defect, String> {
    Defect::from_name(name).ok_or_else(|| {
        let known: Vec<&str> = ALL.iter().map(|d| d.name()).collect();
        format!("unknown defect `{name}`; known defects: {}", known.join(", "))
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn names_are_unique_and_round_trip() {
        let mut names = BTreeSet::new();
        for d in ALL {
            assert!(names.insert(d.name()), "duplicate {}", d.name());
            assert_eq!(Defect::from_name(d.name()), Some(*d));
            assert!(!d.targets().is_empty());
        }
        assert!(parse("no-such-defect").unwrap_err().contains("accepts-expired-jwt"));
    }
}
